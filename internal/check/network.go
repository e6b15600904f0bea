package check

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

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

func (c *Port) expected() string {
	s := fmt.Sprintf("%s/%d ", c.Protocol, c.Port)
	if !c.Listening {
		return s + "not listening"
	}
	s += "listening"
	if c.Address.IsValid() {
		s += " on " + c.Address.String()
	}
	return s
}

// Describe returns the title or `port tcp/80 listening`.
func (c *Port) Describe() string { return c.describe("port " + c.expected()) }

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
		return j.error("ss failed", fmt.Sprintf("ss exit %d: %s", s.RC, short(s.Body)))
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
	obs := fmt.Sprintf("nothing bound to %s/%d", c.Protocol, c.Port)
	if len(bound) > 0 {
		obs = "bound on " + strings.Join(bound, ", ")
	}
	if match != c.Listening {
		return j.fail(obs, "want "+c.expected())
	}
	return j.pass(obs)
}

// HTTP fetches a URL with curl and judges status and body.
type HTTP struct {
	base
	URL      string
	Status   int
	Contains string
	Matches  *regexp.Regexp
}

// httpMaxTime bounds one curl request, in seconds.
const httpMaxTime = 5

func buildHTTP(f *fields, b base) Check {
	c := &HTTP{base: b, URL: f.reqStr("url"), Status: f.integer("status", 200, 100, 599),
		Contains: f.str("contains", ""), Matches: f.regexp("matches")}
	if u, err := url.Parse(c.URL); c.URL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(c.URL, " \t\r\n")) {
		f.errf("url", "Invalid value", "%q is not an http:// or https:// URL.", c.URL)
	}
	return c
}

func (c *HTTP) expected() string {
	s := fmt.Sprintf("status %d", c.Status)
	if c.Contains != "" {
		s += fmt.Sprintf(", body contains %q", c.Contains)
	}
	if c.Matches != nil {
		s += fmt.Sprintf(", body matches /%s/", c.Matches)
	}
	return s
}

// Describe returns the title or `http URL status 200`.
func (c *HTTP) Describe() string { return c.describe("http " + c.URL + " " + c.expected()) }

// Script fetches the URL; the status code is printed on a last line of its
// own. Certificates are not verified (labs use self-signed ones) and URL
// globbing is off.
func (c *HTTP) Script() string {
	return "curl -sS -k -g --max-time " + strconv.Itoa(httpMaxTime) + " -o - -w " + Quote(`\n%{http_code}`) + " " + Quote(c.URL) + "\n"
}

// curlFailures are curl exit codes caused by the target, not the probe.
var curlFailures = map[int]string{
	6: "cannot resolve host", 7: "cannot connect", 28: "timed out", 35: "TLS handshake failed",
	52: "empty reply", 56: "connection reset",
}

// Judge splits the status code off the last line.
func (c *HTTP) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	errLine := short(string(out.Stderr))
	if out.ExitCode == 127 {
		return j.error("curl: command not found", "curl is not installed on the node (exit 127)")
	}
	if out.ExitCode != 0 {
		if why, ok := curlFailures[out.ExitCode]; ok {
			return j.fail(why, fmt.Sprintf("curl exit %d: %s", out.ExitCode, errLine))
		}
		return j.error("curl failed", fmt.Sprintf("curl exit %d: %s", out.ExitCode, errLine))
	}
	stdout := string(out.Stdout)
	i := strings.LastIndexByte(stdout, '\n')
	if i < 0 {
		return j.error("unparseable curl output", "no status line in curl output")
	}
	body, code := stdout[:i], strings.TrimSpace(stdout[i+1:])
	status, err := strconv.Atoi(code)
	if err != nil {
		return j.error("unparseable curl output", fmt.Sprintf("status line %q", short(code)))
	}
	obs := fmt.Sprintf("status %d, %d bytes", status, len(body))
	if s := short(body); s != "" {
		obs += fmt.Sprintf(": %q", excerpt(s, 60))
	}
	var bad []string
	if status != c.Status {
		bad = append(bad, fmt.Sprintf("status %d, want %d", status, c.Status))
	}
	if c.Contains != "" && !strings.Contains(body, c.Contains) {
		bad = append(bad, fmt.Sprintf("body lacks %q", c.Contains))
	}
	if c.Matches != nil && !c.Matches.MatchString(body) {
		bad = append(bad, fmt.Sprintf("body does not match /%s/", c.Matches))
	}
	return j.verdict(obs, bad)
}

// TCP checks whether a TCP port accepts connections, from the node.
type TCP struct {
	base
	Host   string
	Port   int
	Expect string // open or closed
}

func hostField(f *fields, name string) string {
	h := f.reqStr(name)
	if h != "" && (strings.HasPrefix(h, "-") || strings.ContainsAny(h, " \t\r\n\x00/@")) {
		f.errf(name, "Invalid value", "%q is not a host name or IP address.", h)
	}
	return h
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
func (c *Route) Describe() string { return c.describe("route " + c.expected()) }

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
	j := newJudge(c, c.expected(), out)
	s, r, ok := j.step(out, "route", "ip")
	if !ok {
		return r
	}
	if s.RC != 0 {
		return j.error("ip route failed", fmt.Sprintf("ip exit %d: %s", s.RC, short(s.Body)))
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
			return j.pass(short(strings.Join(t, " ")))
		}
	}
	if len(same) > 0 {
		obs := short(strings.Join(same, "; "))
		return j.fail(obs, "route differs: "+obs)
	}
	return j.fail("no route to "+c.Destination.String(), "the main table has no route for "+c.Destination.String())
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

func (c *Address) expected() string {
	if c.Present {
		return fmt.Sprintf("%s has %s", c.Interface, c.Address)
	}
	return fmt.Sprintf("%s does not have %s", c.Interface, c.Address)
}

// Describe returns the title or `address eth1 has 10.0.1.10/24`.
func (c *Address) Describe() string { return c.describe("address " + c.expected()) }

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
		obs := "no interface " + c.Interface
		if c.Present {
			return j.fail(obs, "the node has no interface "+c.Interface)
		}
		return j.pass(obs)
	case s.RC != 0:
		return j.error("ip addr failed", fmt.Sprintf("ip exit %d: %s", s.RC, short(s.Body)))
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
	obs := c.Interface + ": no address"
	if len(have) > 0 {
		obs = c.Interface + ": " + strings.Join(have, ", ")
	}
	if found != c.Present {
		return j.fail(obs, "want "+c.expected())
	}
	return j.pass(obs)
}
