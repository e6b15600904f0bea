package engine

import (
	"bufio"
	"net/netip"
	"strings"
	"testing"
)

func TestHostConflict(t *testing.T) {
	in := `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth0	00000000	0100A8C0	0003	0	0	0	00000000	0	0	0
eth0	0000A8C0	00000000	0001	0	0	0	00FFFFFF	0	0	0
*	0007D50A	00000000	0201	0	0	0	00FFFFFF	0	0	0
`
	routes := parseRouteEntries(bufio.NewScanner(strings.NewReader(in)))
	if len(routes) != 3 || routes[0].String() != "default via 192.168.0.1 dev eth0" || routes[2].String() != "10.213.7.0/24" {
		t.Fatalf("routes %v", routes)
	}
	addrs := []netip.Addr{netip.MustParseAddr("192.168.0.23"), netip.MustParseAddr("10.99.0.5")}
	for p, want := range map[string]string{
		"192.168.0.0/24": `host route "192.168.0.0/24 dev eth0"`,
		"192.168.0.0/28": `host route "192.168.0.0/24 dev eth0"`,
		"10.213.7.0/25":  `host route "10.213.7.0/24"`,
		"10.99.0.0/24":   "host address 10.99.0.5",
		"127.0.0.0/24":   "loopback",
		"169.254.1.0/24": "link-local",
		"224.0.1.0/24":   "multicast",
		"0.0.0.0/8":      "this network",
		"172.28.0.0/24":  "",
	} {
		got := hostConflict(netip.MustParsePrefix(p), routes, addrs)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
	// A gateway outside every connected route (e.g. on-link via a /32)
	// still counts.
	gwOnly := []HostRoute{{Dest: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("10.50.0.1"), Dev: "eth0"}}
	if got := hostConflict(netip.MustParsePrefix("10.50.0.0/24"), gwOnly, nil); !strings.Contains(got, "gateway 10.50.0.1") {
		t.Errorf("gateway: %q", got)
	}
	// Automatic choice avoids all of it.
	used := hostUsed(routes, addrs)
	got, err := allocate(netip.MustParsePrefix("10.213.6.0/23"), 24, 1, used)
	if err != nil || got[0] != netip.MustParsePrefix("10.213.6.0/24") {
		t.Errorf("allocate = %v, %v", got, err)
	}
	if _, err := allocate(netip.MustParsePrefix("127.0.0.0/16"), 24, 1, used); err == nil {
		t.Error("allocated inside loopback")
	}
}
