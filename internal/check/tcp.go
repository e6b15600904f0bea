package check

import (
	"fmt"
	"strconv"
	"strings"

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
func (c *TCP) Describe() string {
	return c.describe(fmt.Sprintf("tcp %s port %d %s", c.Host, c.Port, c.Expect))
}

// Script tries a connection with netcat (2 s timeout, no data sent).
func (c *TCP) Script() string {
	return "nc -z -v -w 2 " + Quote(c.Host) + " " + Quote(strconv.Itoa(c.Port)) + "\n"
}

// Judge reads nc's exit code; refused and timed out both count as not open.
func (c *TCP) Judge(out Output) Result {
	j := newJudge(c, c.Expect, out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	msg := string(out.Stderr) + string(out.Stdout)
	var obs string
	switch {
	case out.ExitCode == 127:
		return j.error("nc: command not found", "netcat is not installed on the node (exit 127)")
	case out.ExitCode == 0:
		obs = "open"
	case out.ExitCode == 1 && strings.Contains(msg, "refused"):
		obs = "closed (connection refused)"
	case out.ExitCode == 1 && strings.Contains(msg, "timed out"):
		obs = "closed or filtered (timed out)"
	case out.ExitCode == 1 && strings.Contains(msg, "No route to host"):
		obs = "closed (no route to host)"
	case out.ExitCode == 1 && strings.Contains(msg, "unreachable"):
		obs = "closed (network unreachable)"
	case out.ExitCode == 1 && (strings.Contains(msg, "getaddrinfo") || strings.Contains(msg, "not known")):
		obs = "closed (cannot resolve " + c.Host + ")"
	case out.ExitCode == 1 && !strings.Contains(msg, "usage"):
		obs = "closed (" + short(msg) + ")"
	default:
		return j.error("nc failed", fmt.Sprintf("nc exit %d: %s", out.ExitCode, short(msg)))
	}
	got := "open"
	if out.ExitCode != 0 {
		got = "closed"
	}
	if got != c.Expect {
		return j.fail(obs, fmt.Sprintf("%s port %d is %s, want %s", c.Host, c.Port, got, c.Expect))
	}
	return j.pass(obs)
}
