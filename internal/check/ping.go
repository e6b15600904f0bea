package check

import (
	"regexp"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// pingType is the "ping" check type: the fields of its block and its builder.
var pingType = Type{
	Name:   "ping",
	Fields: []scenario.Field{req("host", cty.String), opt("expect", cty.String)},
	build:  buildPing,
}

// Ping checks ICMP reachability from the node.
type Ping struct {
	base
	Host   string
	Expect string // reachable or unreachable
}

func buildPing(f *fields, b base) Check {
	return &Ping{base: b, Host: hostField(f, "host"), Expect: f.enum("expect", "reachable", "reachable", "unreachable")}
}

// Describe returns the title or `ping HOST reachable`.
func (c *Ping) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Ping) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe, "ping", c.Host, reachWord(c.Expect)))
}

// Script sends one echo request and waits 2 s for the reply.
func (c *Ping) Script() string { return "ping -c 1 -W 2 " + Quote(c.Host) + "\n" }

var pingTime = regexp.MustCompile(`time=([0-9.]+ ?ms)`)

// Judge reads ping's exit code: 0 reply, 1 no reply, 2 other errors (an
// unknown host or unreachable network count as unreachable).
func (c *Ping) Judge(out Output) Result {
	j := newJudge(c, reachWord(c.Expect), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	msg := string(out.Stderr) + string(out.Stdout)
	var obs i18n.Localizer
	switch {
	case out.ExitCode == 127:
		return j.error(m(i18n.MsgCkNotFound, "ping"), m(i18n.MsgCkNotInstalled, "ping"))
	case strings.Contains(msg, "Operation not permitted") || strings.Contains(msg, "Permission denied"):
		return j.error(m(i18n.MsgCkPermission), m(i18n.MsgCkRawSocket, short(string(out.Stderr))))
	case out.ExitCode == 0:
		obs = m(i18n.MsgCkReachable)
		if t := pingTime.FindStringSubmatch(msg); t != nil {
			obs = m(i18n.MsgCkReachableRTT, t[1])
		}
	case out.ExitCode == 1:
		obs = m(i18n.MsgCkNoReply)
	case out.ExitCode == 2 && strings.TrimSpace(string(out.Stderr)) != "":
		obs = m(i18n.MsgCkUnreachableWhy, short(string(out.Stderr)))
	default:
		return j.error(m(i18n.MsgCkToolFailed, "ping"), m(i18n.MsgCkToolExit, "ping", out.ExitCode, short(msg)))
	}
	got := "reachable"
	if out.ExitCode != 0 {
		got = "unreachable"
	}
	if got != c.Expect {
		return j.fail(obs, m(i18n.MsgCkHostWant, c.Host, reachWord(got), reachWord(c.Expect)))
	}
	return j.pass(obs)
}

// reachWord is "reachable" or "unreachable" in every language.
func reachWord(s string) i18n.Localizer {
	switch s {
	case "reachable":
		return m(i18n.MsgCkReachable)
	case "unreachable":
		return m(i18n.MsgCkUnreachable)
	}
	return raw(s)
}
