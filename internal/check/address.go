package check

import (
	"net/netip"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// addressType is the "address" check type: the fields of its block and its builder.
var addressType = Type{
	Name:   "address",
	Fields: []scenario.Field{req("interface", cty.String), req("address", cty.String), opt("present", cty.Bool)},
	build:  buildAddress,
}

// Address checks that an interface carries an address (with its prefix
// length).
type Address struct {
	base
	Interface string
	Address   netip.Prefix
	Present   bool
}

func buildAddress(f *fields, b base) Check {
	c := &Address{base: b, Interface: f.reqStr("interface"), Present: f.boolean("present", true)}
	f.safeName("interface", c.Interface)
	if s := f.reqStr("address"); s != "" {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			f.errf("address", "Invalid value", "%q is not an address with prefix length such as \"10.0.1.10/24\".", s)
		}
		c.Address = p
	}
	return c
}

func (c *Address) expected() i18n.Msg {
	if c.Present {
		return m(i18n.MsgCkAddrHas, c.Interface, c.Address.String())
	}
	return m(i18n.MsgCkAddrHasNot, c.Interface, c.Address.String())
}

// Describe returns the title or `address eth1 has 10.0.1.10/24`.
func (c *Address) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Address) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe2, "address", c.expected()))
}

// Script lists the interface's addresses of the address's family.
func (c *Address) Script() string {
	fam := "-4"
	if c.Address.IsValid() && c.Address.Addr().Is6() {
		fam = "-6"
	}
	return probe(step("addr", "ip", "-o", fam, "addr", "show", "dev", c.Interface))
}

// Judge collects `inet`/`inet6` prefixes.
func (c *Address) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	s, r, ok := j.step(out, "addr", "ip")
	if !ok {
		return r
	}
	var have []string
	found := false
	switch {
	case s.RC != 0 && strings.Contains(s.Body, "does not exist"):
		obs := m(i18n.MsgCkNoIface, c.Interface)
		if c.Present {
			return j.fail(obs, m(i18n.MsgCkNodeNoIface, c.Interface))
		}
		return j.pass(obs)
	case s.RC != 0:
		return j.error(m(i18n.MsgCkToolFailed, "ip addr"), m(i18n.MsgCkToolExit, "ip", s.RC, short(s.Body)))
	}
	for _, line := range strings.Split(s.Body, "\n") {
		t := strings.Fields(line)
		for i := 0; i+1 < len(t); i++ {
			if t[i] != "inet" && t[i] != "inet6" {
				continue
			}
			have = append(have, t[i+1])
			if p, err := netip.ParsePrefix(t[i+1]); err == nil && p == c.Address {
				found = true
			}
		}
	}
	var obs i18n.Localizer = m(i18n.MsgCkIfaceNoAddr, c.Interface)
	if len(have) > 0 {
		obs = raw(c.Interface + ": " + strings.Join(have, ", "))
	}
	if found != c.Present {
		return j.fail(obs, m(i18n.MsgCkWant, c.expected()))
	}
	return j.pass(obs)
}
