package check

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// portType is the "port" check type: the fields of its block and its builder.
var portType = Type{
	Name:   "port",
	Fields: []scenario.Field{req("port", cty.Number), opt("protocol", cty.String), opt("listening", cty.Bool), opt("address", cty.String)},
	build:  buildPort,
}

// Port checks for a listening socket with `ss`.
type Port struct {
	base
	Port      int
	Protocol  string // tcp or udp
	Listening bool
	// Address, when set, must be the bound address; a wildcard bind
	// (0.0.0.0, ::, *) also counts.
	Address netip.Addr
}

func buildPort(f *fields, b base) Check {
	c := &Port{base: b, Port: f.integer("port", 0, 1, 65535), Protocol: f.enum("protocol", "tcp", "tcp", "udp"),
		Listening: f.boolean("listening", true)}
	if f.has("address") {
		a, err := netip.ParseAddr(f.str("address", ""))
		if err != nil {
			f.errf("address", "Invalid value", "%q is not an IP address.", f.str("address", ""))
		}
		c.Address = a
	}
	return c
}

func (c *Port) expected() i18n.Msg {
	switch {
	case !c.Listening:
		return m(i18n.MsgCkPortNotListening, c.Protocol, c.Port)
	case c.Address.IsValid():
		return m(i18n.MsgCkPortListeningOn, c.Protocol, c.Port, c.Address.String())
	}
	return m(i18n.MsgCkPortListening, c.Protocol, c.Port)
}

// Describe returns the title or `port tcp/80 listening`.
func (c *Port) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Port) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe2, "port", c.expected()))
}

// Script lists listening TCP and bound UDP sockets.
func (c *Port) Script() string { return probe(step("ss", "ss", "-H", "-ltnu")) }

// splitHostPort splits ss's local address column: 0.0.0.0:80, [::]:80,
// *:80, 127.0.0.53%lo:53, [fe80::1]%eth0:546.
func splitHostPort(s string) (host string, port int, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", 0, false
	}
	p, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return "", 0, false
	}
	host = s[:i]
	if j := strings.IndexByte(host, '%'); j >= 0 {
		host = host[:j]
	}
	host = strings.Trim(host, "[]")
	return host, p, true
}

func isWildcard(h string) bool { return h == "*" || h == "0.0.0.0" || h == "::" }

// Judge parses `ss -H -ltnu` lines: netid state recv-q send-q local peer.
func (c *Port) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	s, r, ok := j.step(out, "ss", "ss")
	if !ok {
		return r
	}
	if s.RC != 0 {
		return j.toolFailed("ss", s.RC, s.Body)
	}
	var bound []string
	match := false
	for _, line := range strings.Split(s.Body, "\n") {
		f := strings.Fields(line)
		if len(f) < 5 || f[0] != c.Protocol {
			continue
		}
		host, port, ok := splitHostPort(f[4])
		if !ok || port != c.Port {
			continue
		}
		bound = append(bound, f[4])
		if !c.Address.IsValid() || isWildcard(host) {
			match = true
		} else if a, err := netip.ParseAddr(host); err == nil && a.Unmap() == c.Address.Unmap() {
			match = true
		}
	}
	obs := m(i18n.MsgCkPortNothing, c.Protocol, c.Port)
	if len(bound) > 0 {
		obs = m(i18n.MsgCkPortBound, strings.Join(bound, ", "))
	}
	if match != c.Listening {
		return j.fail(obs, m(i18n.MsgCkWant, c.expected()))
	}
	return j.pass(obs)
}

// procNetFiles are the kernel's socket tables `ss -ltnu` reads.
var procNetFiles = []string{"/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6"}

// Reads is the kernel's TCP and UDP socket tables.
func (c *Port) Reads() []string { return procNetFiles }

// JudgeSnapshot judges what `ss -H -ltnu` prints, rendered from the
// socket tables: TCP sockets in LISTEN and unconnected UDP sockets.
func (c *Port) JudgeSnapshot(s *Snapshot) (Result, bool) {
	var b strings.Builder
	for _, f := range procNetFiles {
		tab, _ := s.File(f)
		proto := strings.TrimRight(strings.TrimPrefix(f, "/proc/net/"), "6")
		for _, line := range strings.Split(tab, "\n") {
			fl := strings.Fields(line)
			if len(fl) < 4 || fl[0] == "sl" {
				continue
			}
			state := "LISTEN"
			if proto == "udp" {
				state = "UNCONN"
			}
			if (proto == "tcp" && fl[3] != "0A") || (proto == "udp" && fl[3] != "07") {
				continue
			}
			local, ok := procNetAddr(fl[1])
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "%s %s 0 0 %s *\n", proto, state, local)
		}
	}
	return asTool(c, "ss -H -ltnu", "ss", 0, b.String(), procNetFiles...), true
}

// procNetAddr turns /proc/net/tcp's "0100007F:0050" (and tcp6's 32 hex
// digits) into ss's "127.0.0.1:80" or "[::]:80".
func procNetAddr(s string) (string, bool) {
	h, p, ok := strings.Cut(s, ":")
	if !ok {
		return "", false
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil || (len(h) != 8 && len(h) != 32) {
		return "", false
	}
	raw := make([]byte, len(h)/2)
	for i := range raw {
		v, err := strconv.ParseUint(h[2*i:2*i+2], 16, 8)
		if err != nil {
			return "", false
		}
		raw[i] = byte(v)
	}
	// The kernel prints each 32-bit word in host (little-endian) order.
	for w := 0; w+4 <= len(raw); w += 4 {
		raw[w], raw[w+1], raw[w+2], raw[w+3] = raw[w+3], raw[w+2], raw[w+1], raw[w]
	}
	a, _ := netip.AddrFromSlice(raw)
	if a.Is4() {
		return fmt.Sprintf("%s:%d", a, port), true
	}
	return fmt.Sprintf("[%s]:%d", a, port), true
}
