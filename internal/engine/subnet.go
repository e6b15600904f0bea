package engine

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"net/netip"
	"os"
	"strings"
)

// Address pools for the subnets labdojo chooses itself. The management
// network carries SSH from the host; the data networks' engine-side (IPAM)
// subnets are placeholders whose addresses each node removes at boot, so the
// lab's own subnets never reach the engine and two instances of one lab can
// use identical lab subnets.
var (
	MgmtPool   = netip.MustParsePrefix("172.28.0.0/14")
	ShadowPool = netip.MustParsePrefix("100.64.0.0/10")
)

// prefixBitsFor returns the prefix length of the smallest IPv4 subnet that
// holds n hosts plus network, gateway and broadcast addresses (at most /24).
func prefixBitsFor(n int) int {
	need := n + 3
	b := 32 - bits.Len(uint(need-1))
	if b > 24 {
		b = 24
	}
	if b < 16 {
		b = 16
	}
	return b
}

// allocate picks count subnets of size bits inside pool that overlap none of
// used, in ascending order.
func allocate(pool netip.Prefix, size, count int, used []netip.Prefix) ([]netip.Prefix, error) {
	var out []netip.Prefix
	if size < pool.Bits() {
		return nil, fmt.Errorf("subnet size /%d larger than pool %s", size, pool)
	}
	step := uint32(1) << (32 - size)
	base := binary.BigEndian.Uint32(pool.Addr().AsSlice())
	total := uint32(1) << (size - pool.Bits())
	taken := append([]netip.Prefix(nil), used...)
	for i := uint32(0); i < total && len(out) < count; i++ {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], base+i*step)
		cand := netip.PrefixFrom(netip.AddrFrom4(b), size)
		free := true
		for _, u := range taken {
			if cand.Overlaps(u) {
				free = false
				break
			}
		}
		if free {
			out = append(out, cand)
			taken = append(taken, cand)
		}
	}
	if len(out) < count {
		return nil, fmt.Errorf("no free /%d subnet left in %s", size, pool)
	}
	return out, nil
}

// nthAddr returns the i-th address of prefix p (0 = network address).
func nthAddr(p netip.Prefix, i int) netip.Addr {
	a := binary.BigEndian.Uint32(p.Masked().Addr().AsSlice())
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], a+uint32(i))
	return netip.AddrFrom4(b)
}

// HostRoutes returns the IPv4 destinations of the host's routing table
// (except the default route), from /proc/net/route. Errors yield nil: the
// table is a hint to avoid collisions, the engine has the final word.
func HostRoutes() []netip.Prefix {
	f, err := os.Open("/proc/net/route")
	if err != nil {
		return nil
	}
	defer f.Close()
	return parseProcRoute(bufio.NewScanner(f))
}

func parseProcRoute(sc *bufio.Scanner) []netip.Prefix {
	var out []netip.Prefix
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		f := strings.Fields(sc.Text())
		if len(f) < 8 {
			continue
		}
		dst, err1 := hex.DecodeString(f[1])
		mask, err2 := hex.DecodeString(f[7])
		if err1 != nil || err2 != nil || len(dst) != 4 || len(mask) != 4 {
			continue
		}
		// /proc/net/route is little-endian.
		d := netip.AddrFrom4([4]byte{dst[3], dst[2], dst[1], dst[0]})
		m := binary.LittleEndian.Uint32(mask)
		ones := bits.OnesCount32(m)
		if ones == 0 {
			continue
		}
		out = append(out, netip.PrefixFrom(d, ones).Masked())
	}
	return out
}
