package check

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// dnsType is the "dns" check type: the fields of its block and its builder.
var dnsType = Type{
	Name:   "dns",
	Fields: []scenario.Field{req("name", cty.String), opt("address", cty.String), opt("server", cty.String), opt("type", cty.String), opt("expect", cty.String)},
	build:  buildDNS,
}

// DNS resolves a name with dig from the node.
type DNS struct {
	base
	Name    string
	Address string
	Server  string
	RRType  string
	Expect  string // resolves or nxdomain
}

var dnsTypes = []string{"A", "AAAA", "CNAME", "MX", "NS", "PTR", "SOA", "SRV", "TXT"}

func buildDNS(f *fields, b base) Check {
	c := &DNS{base: b, Name: hostField(f, "name"), Address: f.str("address", ""),
		RRType: f.enum("type", "A", dnsTypes...), Expect: f.enum("expect", "resolves", "resolves", "nxdomain")}
	if f.has("server") {
		c.Server = hostField(f, "server")
	}
	if c.Expect == "nxdomain" && c.Address != "" {
		f.errf("address", "Invalid value", "an address makes no sense with expect = \"nxdomain\".")
	}
	if c.Address != "" && (c.RRType == "A" || c.RRType == "AAAA") {
		if a, err := netip.ParseAddr(c.Address); err != nil || a.Is4() != (c.RRType == "A") {
			f.errf("address", "Invalid value", "%q is not an %s record address.", c.Address, c.RRType)
		}
	}
	return c
}

func (c *DNS) expected() i18n.Localizer {
	if c.Expect == "nxdomain" {
		return raw("NXDOMAIN")
	}
	if c.Address != "" {
		return raw(c.RRType + " " + c.Address)
	}
	return m(i18n.MsgCkResolves, c.RRType)
}

// Describe returns the title or `dns NAME A 10.0.0.1`.
func (c *DNS) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *DNS) DescribeText() i18n.Localizer {
	var l i18n.Localizer = m(i18n.MsgCkDescribe, "dns", c.Name, c.expected())
	if c.Server != "" {
		l = m(i18n.MsgCkAt, l, c.Server)
	}
	return c.describeText(l)
}

// Script queries once with a 2 s timeout and prints the status header and
// the answer section.
func (c *DNS) Script() string {
	s := "dig +time=2 +tries=1 +noall +comments +answer"
	if c.Server != "" {
		s += " " + Quote("@"+c.Server)
	}
	return s + " -q " + Quote(c.Name) + " -t " + Quote(c.RRType) + "\n"
}

var digStatus = regexp.MustCompile(`status: ([A-Z]+)`)

func normDNS(s string) string { return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), ".")) }

// Judge parses the header status and the answer records of the asked type.
func (c *DNS) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	stdout := string(out.Stdout)
	switch out.ExitCode {
	case 0:
	case 127:
		return j.error(m(i18n.MsgCkNotFound, "dig"), m(i18n.MsgCkNotInstalled, "dig (dnsutils)"))
	case 9:
		return j.fail(m(i18n.MsgCkNoReplyDNS), raw("dig: "+short(stdout+string(out.Stderr))))
	default:
		return j.error(m(i18n.MsgCkToolFailed, "dig"), m(i18n.MsgCkToolExit, "dig", out.ExitCode, short(string(out.Stderr)+stdout)))
	}
	sm := digStatus.FindStringSubmatch(stdout)
	if sm == nil {
		return j.error(m(i18n.MsgCkUnparseable, "dig"), m(i18n.MsgCkNoDNSStatus))
	}
	status := sm[1]
	var answers []string
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || strings.HasPrefix(f[0], ";") || f[3] != c.RRType {
			continue
		}
		answers = append(answers, strings.Join(f[4:], " "))
	}
	var obs i18n.Localizer = raw(status)
	if len(answers) > 0 {
		obs = raw(status + ", " + c.RRType + " " + strings.Join(answers, ", "))
	} else if status == "NOERROR" {
		obs = m(i18n.MsgCkDNSNoRecords, status, c.RRType)
	}
	if c.Expect == "nxdomain" {
		if status != "NXDOMAIN" {
			return j.fail(obs, m(i18n.MsgCkNameExists, c.Name))
		}
		return j.pass(obs)
	}
	if status != "NOERROR" || len(answers) == 0 {
		return j.fail(obs, m(i18n.MsgCkNoResolve, c.Name, obs))
	}
	if c.Address != "" {
		want := normDNS(c.Address)
		if wa, err := netip.ParseAddr(c.Address); err == nil {
			want = wa.String()
		}
		found := slices.ContainsFunc(answers, func(a string) bool {
			f := strings.Fields(a)
			return normDNS(a) == want || len(f) > 1 && normDNS(f[len(f)-1]) == want
		})
		if !found {
			return j.fail(obs, m(i18n.MsgCkNoRecord, c.RRType, c.Address))
		}
	}
	return j.pass(obs)
}
