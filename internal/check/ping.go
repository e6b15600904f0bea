package check

import (
	"fmt"
	"regexp"
	"strings"

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
func (c *Ping) Describe() string { return c.describe("ping " + c.Host + " " + c.Expect) }

// Script sends one echo request and waits 2 s for the reply.
func (c *Ping) Script() string { return "ping -c 1 -W 2 " + Quote(c.Host) + "\n" }

var pingTime = regexp.MustCompile(`time=([0-9.]+ ?ms)`)

// Judge reads ping's exit code: 0 reply, 1 no reply, 2 other errors (an
// unknown host or unreachable network count as unreachable).
func (c *Ping) Judge(out Output) Result {
	j := newJudge(c, c.Expect, out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	msg := string(out.Stderr) + string(out.Stdout)
	var obs string
	switch {
	case out.ExitCode == 127:
		return j.error("ping: command not found", "ping is not installed on the node (exit 127)")
	case strings.Contains(msg, "Operation not permitted") || strings.Contains(msg, "Permission denied"):
		return j.error("permission denied", "ping may not open a raw socket: "+short(string(out.Stderr)))
	case out.ExitCode == 0:
		obs = "reachable"
		if m := pingTime.FindStringSubmatch(msg); m != nil {
			obs += " (rtt " + m[1] + ")"
		}
	case out.ExitCode == 1:
		obs = "unreachable (no reply within 2s)"
	case out.ExitCode == 2 && strings.TrimSpace(string(out.Stderr)) != "":
		obs = "unreachable (" + short(string(out.Stderr)) + ")"
	default:
		return j.error("ping failed", fmt.Sprintf("ping exit %d: %s", out.ExitCode, short(msg)))
	}
	got := "reachable"
	if out.ExitCode != 0 {
		got = "unreachable"
	}
	if got != c.Expect {
		return j.fail(obs, fmt.Sprintf("%s is %s, want %s", c.Host, got, c.Expect))
	}
	return j.pass(obs)
}
