package check

import (
	"regexp"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// sshdType is the "sshd" check type: the fields of its block and its builder.
var sshdType = Type{
	Name:   "sshd",
	Fields: []scenario.Field{req("key", cty.String), req("value", cty.String)},
	build:  buildSSHD,
}

// SSHD checks an effective sshd setting as printed by `sshd -T`.
type SSHD struct {
	base
	Key   string
	Value string
}

var sshdKey = regexp.MustCompile(`^[A-Za-z0-9]+$`)

func buildSSHD(f *fields, b base) Check {
	c := &SSHD{base: b, Key: f.reqStr("key"), Value: f.str("value", "")}
	if c.Key != "" && !sshdKey.MatchString(c.Key) {
		f.errf("key", "Invalid value", "%q is not an sshd_config keyword such as PermitRootLogin.", c.Key)
	}
	return c
}

// Describe returns the title or `sshd KEY VALUE`.
func (c *SSHD) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *SSHD) DescribeText() i18n.Localizer {
	return c.describeText(raw("sshd " + c.Key + " " + c.Value))
}

// Script prints the effective configuration (needs root).
func (c *SSHD) Script() string {
	return "PATH=\"$PATH:/usr/sbin:/sbin\"\n" + probe(step("sshd", "sshd", "-T"))
}

// sshdSynonyms are values sshd -T prints for settings written another way.
var sshdSynonyms = map[string]string{"without-password": "prohibit-password"}

func normSSHD(v string) string {
	v = strings.ToLower(strings.Join(strings.Fields(v), " "))
	if s, ok := sshdSynonyms[v]; ok {
		return s
	}
	return v
}

// Judge finds `key value` lines (keys are lower case; some keys repeat).
func (c *SSHD) Judge(out Output) Result {
	j := newJudge(c, raw(c.Value), out)
	s, r, ok := j.step(out, "sshd", "sshd")
	if !ok {
		return r
	}
	if s.RC != 0 {
		if strings.Contains(strings.ToLower(s.Body), "configuration") {
			return j.fail(m(i18n.MsgCkSSHDInvalid), m(i18n.MsgCkSSHDRejects, short(s.Body)))
		}
		return j.toolFailed("sshd -T", s.RC, s.Body)
	}
	key := strings.ToLower(c.Key)
	var vals []string
	for _, line := range strings.Split(s.Body, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
		if k == key {
			vals = append(vals, strings.TrimSpace(v))
		}
	}
	if len(vals) == 0 {
		return j.error(m(i18n.MsgCkKeyNotReported), m(i18n.MsgCkSSHDNoKey, c.Key))
	}
	obs := strings.Join(vals, ", ")
	want := normSSHD(c.Value)
	for _, v := range vals {
		if normSSHD(v) == want {
			return j.pass(raw(obs))
		}
	}
	return j.fail(raw(obs), m(i18n.MsgCkValueWant, key, obs, c.Value))
}
