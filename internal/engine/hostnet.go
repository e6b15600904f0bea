package engine

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/bits"
	"net"
	"net/netip"
	"os"
	"strings"
)

// ReservedRanges are never used for a management or placeholder subnet:
// "this network", loopback, link-local, multicast and the reserved class E
// (with the limited broadcast address).
var ReservedRanges = []struct {
	Prefix netip.Prefix
	Name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "\"this network\""},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved (class E)"},
}

// HostRoute is one IPv4 route of the host's main table.
type HostRoute struct {
	Dest    netip.Prefix // 0.0.0.0/0 for the default route
	Dev     string       // "*" for a blackhole or unreachable route
	Gateway netip.Addr   // invalid when directly connected
}

func (r HostRoute) String() string {
	s := r.Dest.String()
	if r.Dest.Bits() == 0 {
		s = "default"
	}
	if r.Gateway.IsValid() {
		s += " via " + r.Gateway.String()
	}
	if r.Dev != "" && r.Dev != "*" {
		s += " dev " + r.Dev
	}
	return s
}

// HostRouteEntries returns the host's IPv4 routes from /proc/net/route
// (nil when it cannot be read: the engine has the final word then).
func HostRouteEntries() []HostRoute {
	f, err := os.Open("/proc/net/route")
	if err != nil {
		return nil
	}
	defer f.Close()
	return parseRouteEntries(bufio.NewScanner(f))
}

func parseRouteEntries(sc *bufio.Scanner) []HostRoute {
	var out []HostRoute
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
		gw, err2 := hex.DecodeString(f[2])
		mask, err3 := hex.DecodeString(f[7])
		if err1 != nil || err2 != nil || err3 != nil || len(dst) != 4 || len(gw) != 4 || len(mask) != 4 {
			continue
		}
		// /proc/net/route is little-endian.
		r := HostRoute{
			Dest: netip.PrefixFrom(netip.AddrFrom4([4]byte{dst[3], dst[2], dst[1], dst[0]}),
				bits.OnesCount32(binary.LittleEndian.Uint32(mask))).Masked(),
			Dev: f[0],
		}
		if g := netip.AddrFrom4([4]byte{gw[3], gw[2], gw[1], gw[0]}); !g.IsUnspecified() {
			r.Gateway = g
		}
		out = append(out, r)
	}
	return out
}

// HostAddrs returns the IPv4 addresses of the host's interfaces.
func HostAddrs() []netip.Addr {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(n.IP); ok && ip.Unmap().Is4() {
				out = append(out, ip.Unmap())
			}
		}
	}
	return out
}

// hostConflict describes what of the host p collides with: a reserved
// range, a route (other than the default route itself), the default
// gateway or a host address. It returns "" when p is free.
func hostConflict(p netip.Prefix, routes []HostRoute, addrs []netip.Addr) string {
	if !p.Addr().Is4() {
		return "it is not an IPv4 subnet"
	}
	for _, r := range ReservedRanges {
		if r.Prefix.Overlaps(p) {
			return fmt.Sprintf("the %s range %s", r.Name, r.Prefix)
		}
	}
	for _, r := range routes {
		if r.Dest.Bits() > 0 && r.Dest.Overlaps(p) {
			return fmt.Sprintf("the host route %q", r.String())
		}
	}
	for _, r := range routes {
		if r.Gateway.IsValid() && p.Contains(r.Gateway) {
			return fmt.Sprintf("the host's gateway %s (route %q)", r.Gateway, r.String())
		}
	}
	for _, a := range addrs {
		if p.Contains(a) {
			return fmt.Sprintf("the host address %s", a)
		}
	}
	return ""
}

// hostUsed returns what automatic subnet choice must avoid on the host:
// reserved ranges, routes (except the default route), gateways and
// addresses.
func hostUsed(routes []HostRoute, addrs []netip.Addr) []netip.Prefix {
	var out []netip.Prefix
	for _, r := range ReservedRanges {
		out = append(out, r.Prefix)
	}
	for _, r := range routes {
		if r.Dest.Bits() > 0 {
			out = append(out, r.Dest)
		}
		if r.Gateway.IsValid() {
			out = append(out, netip.PrefixFrom(r.Gateway, 32))
		}
	}
	for _, a := range addrs {
		out = append(out, netip.PrefixFrom(a, 32))
	}
	return out
}
