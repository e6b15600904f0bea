package check

import (
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// cronType is the "cron" check type: the fields of its block and its builder.
var cronType = Type{
	Name:   "cron",
	Fields: []scenario.Field{opt("user", cty.String), req("contains", cty.String)},
	build:  buildCron,
}

// Cron checks that a crontab line contains a string. It reads the user's
// crontab (crontab -l -u USER) and, for root, /etc/crontab and the files in
// /etc/cron.d. Comment lines do not count.
type Cron struct {
	base
	User     string
	Contains string
}

func buildCron(f *fields, b base) Check {
	c := &Cron{base: b, User: f.str("user", "root"), Contains: f.reqStr("contains")}
	f.safeName("user", c.User)
	return c
}

// Describe returns the title or `cron USER contains "X"`.
func (c *Cron) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Cron) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe, "cron", c.User, m(i18n.MsgCkContains, c.Contains)))
}

// cronFunc is `_cf FILE...`: it prints every regular file among its
// arguments with the read builtin (crontabs are short text files), so the
// system crontabs cost no process.
const cronFunc = `_cf() {
	for _f in "$@"; do
		[ -f "$_f" ] || continue
		while IFS= read -r _l || [ -n "$_l" ]; do printf '%s\n' "$_l"; _l=; done <"$_f"
	done
	return 0
}
`

// Script lists the user's crontab and, for root, the system crontabs.
func (c *Cron) Script() string {
	s := probe(step("user", "crontab", "-l", "-u", c.User))
	if c.User == "root" {
		s += cronFunc + "_s system _cf /etc/crontab /etc/cron.d/*\n"
	}
	return s
}

// Judge searches non-comment lines.
func (c *Cron) Judge(out Output) Result {
	j := newJudge(c, m(i18n.MsgCkCronEntry, c.Contains), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	secs := sections(out.Stdout)
	u := secs["user"]
	if r, ok := j.stepErr(u, "user", "crontab"); !ok {
		return r
	}
	var lines []string
	switch {
	case u.RC == 0:
		lines = append(lines, strings.Split(u.Body, "\n")...)
	case strings.Contains(u.Body, "no crontab for"):
	default:
		return j.error(m(i18n.MsgCkToolFailed, "crontab"), m(i18n.MsgCkToolExit, "crontab -l -u "+c.User, u.RC, short(u.Body)))
	}
	if s := secs["system"]; s != nil && s.RC == 0 {
		lines = append(lines, strings.Split(s.Body, "\n")...)
	}
	n := 0
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		n++
		if strings.Contains(t, c.Contains) {
			return j.pass(raw(short(t)))
		}
	}
	obs := m(i18n.MsgCkCronEntries, n, c.Contains)
	if n == 0 {
		obs = m(i18n.MsgCkCronNone)
	}
	return j.fail(obs, obs)
}
