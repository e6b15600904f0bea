package check

import (
	"strconv"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// tcpType is the "tcp" check type: the fields of its block and its builder.
var tcpType = Type{
	Name:   "tcp",
	Fields: []scenario.Field{req("host", cty.String), req("port", cty.Number), opt("expect", cty.String)},
	build:  buildTCP,
}

// TCP checks whether a TCP port accepts connections, from the node.
type TCP struct {
	base
	Host   string
	Port   int
	Expect string // open or closed
}

func buildTCP(f *fields, b base) Check {
	return &TCP{base: b, Host: hostField(f, "host"), Port: f.integer("port", 0, 1, 65535),
		Expect: f.enum("expect", "open", "open", "closed")}
}

// Describe returns the title or `tcp HOST:PORT open`.
func (c *TCP) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *TCP) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe, "tcp", m(i18n.MsgCkHostPort, c.Host, c.Port), openWord(c.Expect)))
}

// Script tries a connection with netcat (2 s timeout, no data sent).
func (c *TCP) Script() string {
	return "nc -z -v -w 2 " + Quote(c.Host) + " " + Quote(strconv.Itoa(c.Port)) + "\n"
}

// Judge reads nc's exit code; refused and timed out both count as not open.
func (c *TCP) Judge(out Output) Result {
	j := newJudge(c, openWord(c.Expect), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	msg := string(out.Stderr) + string(out.Stdout)
	var obs i18n.Localizer
	switch {
	case out.ExitCode == 127:
		return j.error(m(i18n.MsgCkNotFound, "nc"), m(i18n.MsgCkNotInstalled, "netcat"))
	case out.ExitCode == 0:
		obs = m(i18n.MsgCkOpen)
	case out.ExitCode == 1 && strings.Contains(msg, "refused"):
		obs = m(i18n.MsgCkClosedWhy, "connection refused")
	case out.ExitCode == 1 && strings.Contains(msg, "timed out"):
		obs = m(i18n.MsgCkClosedFiltered)
	case out.ExitCode == 1 && strings.Contains(msg, "No route to host"):
		obs = m(i18n.MsgCkClosedWhy, "no route to host")
	case out.ExitCode == 1 && strings.Contains(msg, "unreachable"):
		obs = m(i18n.MsgCkClosedWhy, "network unreachable")
	case out.ExitCode == 1 && (strings.Contains(msg, "getaddrinfo") || strings.Contains(msg, "not known")):
		obs = m(i18n.MsgCkClosedWhy, m(i18n.MsgCkCannotResolve, c.Host))
	case out.ExitCode == 1 && !strings.Contains(msg, "usage"):
		obs = m(i18n.MsgCkClosedWhy, short(msg))
	default:
		return j.error(m(i18n.MsgCkToolFailed, "nc"), m(i18n.MsgCkToolExit, "nc", out.ExitCode, short(msg)))
	}
	got := "open"
	if out.ExitCode != 0 {
		got = "closed"
	}
	if got != c.Expect {
		return j.fail(obs, m(i18n.MsgCkTCPWant, c.Host, c.Port, openWord(got), openWord(c.Expect)))
	}
	return j.pass(obs)
}

// openWord is "open" or "closed" in every language.
func openWord(s string) i18n.Localizer {
	switch s {
	case "open":
		return m(i18n.MsgCkOpen)
	case "closed":
		return m(i18n.MsgCkClosed)
	}
	return raw(s)
}
