package check

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

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

func (c *DNS) expected() string {
	if c.Expect == "nxdomain" {
		return "NXDOMAIN"
	}
	if c.Address != "" {
		return fmt.Sprintf("%s %s", c.RRType, c.Address)
	}
	return "resolves (" + c.RRType + ")"
}

// Describe returns the title or `dns NAME A 10.0.0.1`.
func (c *DNS) Describe() string {
	s := "dns " + c.Name + " " + c.expected()
	if c.Server != "" {
		s += " @" + c.Server
	}
	return c.describe(s)
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
		return j.error("dig: command not found", "dig (dnsutils) is not installed on the node (exit 127)")
	case 9:
		return j.fail("no reply from server", "dig: "+short(stdout+string(out.Stderr)))
	default:
		return j.error("dig failed", fmt.Sprintf("dig exit %d: %s", out.ExitCode, short(string(out.Stderr)+stdout)))
	}
	m := digStatus.FindStringSubmatch(stdout)
	if m == nil {
		return j.error("unparseable dig output", "no status in dig output")
	}
	status := m[1]
	var answers []string
	for _, line := range strings.Split(stdout, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || strings.HasPrefix(f[0], ";") || f[3] != c.RRType {
			continue
		}
		answers = append(answers, strings.Join(f[4:], " "))
	}
	obs := status
	if len(answers) > 0 {
		obs += ", " + c.RRType + " " + strings.Join(answers, ", ")
	} else if status == "NOERROR" {
		obs += ", no " + c.RRType + " records"
	}
	if c.Expect == "nxdomain" {
		if status != "NXDOMAIN" {
			return j.fail(obs, c.Name+" exists")
		}
		return j.pass(obs)
	}
	if status != "NOERROR" || len(answers) == 0 {
		return j.fail(obs, fmt.Sprintf("%s does not resolve (%s)", c.Name, obs))
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
			return j.fail(obs, fmt.Sprintf("no %s record %s", c.RRType, c.Address))
		}
	}
	return j.pass(obs)
}
