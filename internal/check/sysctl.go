package check

import (
	"regexp"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// sysctlType is the "sysctl" check type: the fields of its block and its builder.
var sysctlType = Type{
	Name:   "sysctl",
	Fields: []scenario.Field{req("key", cty.String), req("value", cty.String)},
	build:  buildSysctl,
}

// Sysctl checks a kernel parameter's current value.
type Sysctl struct {
	base
	Key   string
	Value string
}

var sysctlKey = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.*/-]*$`)

func buildSysctl(f *fields, b base) Check {
	c := &Sysctl{base: b, Key: f.reqStr("key"), Value: f.str("value", "")}
	if c.Key != "" && !sysctlKey.MatchString(c.Key) {
		f.errf("key", "Invalid value", "%q is not a sysctl key such as net.ipv4.ip_forward.", c.Key)
	}
	return c
}

// Describe returns the title or `sysctl KEY = VALUE`.
func (c *Sysctl) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Sysctl) DescribeText() i18n.Localizer {
	return c.describeText(raw("sysctl " + c.Key + " = " + c.Value))
}

// Script reads the value with sysctl -n.
func (c *Sysctl) Script() string { return probe(step("sysctl", "sysctl", "-n", c.Key)) }

// Judge compares whitespace-normalised values.
func (c *Sysctl) Judge(out Output) Result {
	j := newJudge(c, raw(c.Value), out)
	s, r, ok := j.step(out, "sysctl", "sysctl")
	if !ok {
		return r
	}
	if s.RC != 0 {
		if strings.Contains(s.Body, "No such file") || strings.Contains(s.Body, "cannot stat") {
			return j.error(m(i18n.MsgCkUnknownKey), m(i18n.MsgCkNoSysctl, c.Key))
		}
		return j.toolFailed("sysctl", s.RC, s.Body)
	}
	got := strings.Join(strings.Fields(s.Body), " ")
	if got != strings.Join(strings.Fields(c.Value), " ") {
		return j.fail(raw(got), m(i18n.MsgCkSysctlWant, c.Key, got, c.Value))
	}
	return j.pass(raw(got))
}

// sysctlPath is the /proc/sys file of the key, or "" when the key has
// characters sysctl treats specially ('/' swaps with '.', '*' globs).
func (c *Sysctl) sysctlPath() string {
	if strings.ContainsAny(c.Key, "/*") || strings.Contains(c.Key, "..") {
		return ""
	}
	return "/proc/sys/" + strings.ReplaceAll(c.Key, ".", "/")
}

// Reads is the key's /proc/sys file.
func (c *Sysctl) Reads() []string {
	if p := c.sysctlPath(); p != "" {
		return []string{p}
	}
	return nil
}

// JudgeSnapshot judges what `sysctl -n KEY` prints: the file's content.
func (c *Sysctl) JudgeSnapshot(s *Snapshot) (Result, bool) {
	p := c.sysctlPath()
	cmd := "sysctl -n " + Quote(c.Key)
	v, ok := s.File(p)
	if !ok {
		return asTool(c, cmd, "sysctl", 255, "sysctl: cannot stat "+p+": No such file or directory", p), true
	}
	return asTool(c, cmd, "sysctl", 0, v, p), true
}
