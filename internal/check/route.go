package check

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// routeType is the "route" check type: the fields of its block and its builder.
var routeType = Type{
	Name:   "route",
	Fields: []scenario.Field{req("destination", cty.String), opt("via", cty.String), opt("dev", cty.String)},
	build:  buildRoute,
}

// Route checks the node's main routing table.
type Route struct {
	base
	// Destination is the route's prefix; 0.0.0.0/0 for "default".
	Destination netip.Prefix
	Via         netip.Addr
	Dev         string
	written     string
}

func buildRoute(f *fields, b base) Check {
	c := &Route{base: b, written: f.reqStr("destination"), Dev: f.str("dev", "")}
	if c.written != "" {
		p, err := parseDest(c.written)
		if err != nil {
			f.errf("destination", "Invalid value", "%q is not \"default\", a CIDR prefix or an IP address.", c.written)
		}
		c.Destination = p
	}
	if f.has("via") {
		a, err := netip.ParseAddr(f.str("via", ""))
		if err != nil {
			f.errf("via", "Invalid value", "%q is not an IP address.", f.str("via", ""))
		} else if c.Destination.IsValid() && a.Is4() != c.Destination.Addr().Is4() {
			f.errf("via", "Invalid value", "gateway %s and destination %s are of different IP families.", a, c.Destination)
		}
		c.Via = a
	}
	f.safeName("dev", c.Dev)
	return c
}

func parseDest(s string) (netip.Prefix, error) {
	switch s {
	case "default", "0.0.0.0/0":
		return netip.MustParsePrefix("0.0.0.0/0"), nil
	case "::/0":
		return netip.MustParsePrefix("::/0"), nil
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func (c *Route) expected() string {
	s := c.Destination.String()
	if c.Destination.Bits() == 0 {
		s = "default"
	}
	if c.Via.IsValid() {
		s += " via " + c.Via.String()
	}
	if c.Dev != "" {
		s += " dev " + c.Dev
	}
	return s
}

// Describe returns the title or `route 10.0.2.0/24 via 10.0.1.1`.
func (c *Route) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Route) DescribeText() i18n.Localizer {
	return c.describeText(raw("route " + c.expected()))
}

// Script lists the main routing table of the destination's family.
func (c *Route) Script() string {
	fam := "-4"
	if c.Destination.IsValid() && c.Destination.Addr().Is6() {
		fam = "-6"
	}
	return probe(step("route", "ip", fam, "-o", "route", "show"))
}

var routeTypes = []string{"unicast", "local", "broadcast", "multicast", "throw", "unreachable", "prohibit", "blackhole", "nat"}

// Judge finds routes to the destination and compares gateway and device.
func (c *Route) Judge(out Output) Result {
	j := newJudge(c, raw(c.expected()), out)
	s, r, ok := j.step(out, "route", "ip")
	if !ok {
		return r
	}
	if s.RC != 0 {
		return j.error(m(i18n.MsgCkToolFailed, "ip route"), m(i18n.MsgCkToolExit, "ip", s.RC, short(s.Body)))
	}
	var same []string
	for _, line := range strings.Split(s.Body, "\n") {
		t := strings.Fields(strings.ReplaceAll(line, `\`, " "))
		if len(t) > 0 && slices.Contains(routeTypes, t[0]) {
			t = t[1:]
		}
		if len(t) == 0 {
			continue
		}
		d, err := parseDest(t[0])
		if err != nil || d != c.Destination {
			continue
		}
		same = append(same, strings.Join(t, " "))
		var vias, devs []string
		for i := 1; i+1 < len(t); i++ {
			switch t[i] {
			case "via":
				vias = append(vias, t[i+1])
			case "dev":
				devs = append(devs, t[i+1])
			}
		}
		viaOK := !c.Via.IsValid() || slices.ContainsFunc(vias, func(v string) bool {
			a, err := netip.ParseAddr(strings.TrimPrefix(strings.TrimPrefix(v, "inet "), "inet6 "))
			return err == nil && a == c.Via
		})
		if viaOK && (c.Dev == "" || slices.Contains(devs, c.Dev)) {
			return j.pass(raw(short(strings.Join(t, " "))))
		}
	}
	if len(same) > 0 {
		obs := short(strings.Join(same, "; "))
		return j.fail(raw(obs), m(i18n.MsgCkRouteDiffers, obs))
	}
	return j.fail(m(i18n.MsgCkNoRoute, c.Destination.String()), m(i18n.MsgCkNoRouteMain, c.Destination.String()))
}
