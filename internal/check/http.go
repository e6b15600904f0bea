package check

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
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

// Describe returns the title or `http URL status 200`.
func (c *HTTP) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *HTTP) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe, "http", c.URL, c.expected()))
}

// Script fetches the URL; the status code is printed on a last line of its
// own. Certificates are not verified (labs use self-signed ones) and URL
// globbing is off.
func (c *HTTP) Script() string {
	return "curl -sS -k -g --max-time " + strconv.Itoa(httpMaxTime) + " -o - -w " + Quote(`\n%{http_code}`) + " " + Quote(c.URL) + "\n"
}

// curlFailures are curl exit codes caused by the target, not the probe.
var curlFailures = map[int]i18n.Key{
	6: i18n.MsgCkCurlResolve, 7: i18n.MsgCkCurlConnect, 28: i18n.MsgCkCurlTimeout, 35: i18n.MsgCkCurlTLS,
	52: i18n.MsgCkCurlEmpty, 56: i18n.MsgCkCurlReset,
}

// Judge splits the status code off the last line.
func (c *HTTP) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	errLine := short(string(out.Stderr))
	if out.ExitCode == 127 {
		return j.error(m(i18n.MsgCkNotFound, "curl"), m(i18n.MsgCkNotInstalled, "curl"))
	}
	if out.ExitCode != 0 {
		if why, ok := curlFailures[out.ExitCode]; ok {
			return j.fail(m(why), m(i18n.MsgCkToolExit, "curl", out.ExitCode, errLine))
		}
		return j.error(m(i18n.MsgCkToolFailed, "curl"), m(i18n.MsgCkToolExit, "curl", out.ExitCode, errLine))
	}
	stdout := string(out.Stdout)
	i := strings.LastIndexByte(stdout, '\n')
	if i < 0 {
		return j.error(m(i18n.MsgCkUnparseable, "curl"), m(i18n.MsgCkNoStatusLine))
	}
	body, code := stdout[:i], strings.TrimSpace(stdout[i+1:])
	status, err := strconv.Atoi(code)
	if err != nil {
		return j.error(m(i18n.MsgCkUnparseable, "curl"), m(i18n.MsgCkStatusLine, short(code)))
	}
	obs := m(i18n.MsgCkHTTPObserved, status, len(body))
	if s := short(body); s != "" {
		obs = m(i18n.MsgCkHTTPObservedBody, status, len(body), excerpt(s, 60))
	}
	var bad []i18n.Localizer
	if status != c.Status {
		bad = append(bad, m(i18n.MsgCkStatusWant, status, c.Status))
	}
	if c.Contains != "" && !strings.Contains(body, c.Contains) {
		bad = append(bad, m(i18n.MsgCkBodyLacks, c.Contains))
	}
	if c.Matches != nil && !c.Matches.MatchString(body) {
		bad = append(bad, m(i18n.MsgCkBodyNoMatch, c.Matches.String()))
	}
	return j.verdict(obs, bad)
}

// expected is what the check expects, in every language.
func (c *HTTP) expected() i18n.Localizer {
	parts := []i18n.Localizer{m(i18n.MsgCkStatus, c.Status)}
	if c.Contains != "" {
		parts = append(parts, m(i18n.MsgCkBodyContains, c.Contains))
	}
	if c.Matches != nil {
		parts = append(parts, m(i18n.MsgCkBodyMatches, c.Matches.String()))
	}
	return i18n.Join(i18n.SepList, parts...)
}
