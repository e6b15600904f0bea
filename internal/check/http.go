package check

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// httpType is the "http" check type: the fields of its block and its builder.
var httpType = Type{
	Name:   "http",
	Fields: []scenario.Field{req("url", cty.String), opt("status", cty.Number), opt("contains", cty.String), opt("matches", cty.String)},
	build:  buildHTTP,
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
