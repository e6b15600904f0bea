package check

import (
	"slices"
	"strconv"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// userType is the "user" check type: the fields of its block and its builder.
var userType = Type{
	Name:   "user",
	Fields: []scenario.Field{req("name", cty.String), opt("exists", cty.Bool), opt("uid", cty.Number), opt("groups", strList), opt("shell", cty.String), opt("home", cty.String)},
	build:  buildUser,
}

// User checks an account via getent and id.
type User struct {
	base
	Name   string
	Exists bool
	UID    int // -1 = any
	Groups []string
	Shell  string
	Home   string
}

func buildUser(f *fields, b base) Check {
	c := &User{base: b, Name: f.reqStr("name"), Exists: f.boolean("exists", true), UID: f.integer("uid", -1, 0, 1<<31-1),
		Groups: f.list("groups"), Shell: f.str("shell", ""), Home: f.str("home", "")}
	f.safeName("name", c.Name)
	return c
}

func (c *User) expected() i18n.Localizer {
	if !c.Exists {
		return m(i18n.MsgCkAbsent)
	}
	parts := []i18n.Localizer{m(i18n.MsgCkExists)}
	if c.UID >= 0 {
		parts = append(parts, m(i18n.MsgCkUID, c.UID))
	}
	if len(c.Groups) > 0 {
		parts = append(parts, m(i18n.MsgCkInGroups, strings.Join(c.Groups, ",")))
	}
	if c.Shell != "" {
		parts = append(parts, m(i18n.MsgCkShell, c.Shell))
	}
	if c.Home != "" {
		parts = append(parts, m(i18n.MsgCkHome, c.Home))
	}
	return i18n.Join(i18n.SepList, parts...)
}

// Describe returns the title or `user NAME exists, ...`.
func (c *User) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *User) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe, "user", c.Name, c.expected()))
}

// Script reads the passwd entry and, when groups are expected and the user
// exists, the group list.
func (c *User) Script() string {
	steps := []string{step("passwd", "getent", "passwd", c.Name)}
	if len(c.Groups) > 0 {
		steps = append(steps, step("groups", "id", "-nG", c.Name))
	}
	return probe(chain(steps...))
}

// Judge parses the passwd entry (name:x:uid:gid:gecos:home:shell).
func (c *User) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	secs := sections(out.Stdout)
	pw := secs["passwd"]
	if r, ok := j.stepErr(pw, "passwd", "getent"); !ok {
		return r
	}
	f, r, ok := j.entry(pw, i18n.MsgCkKindUser, c.Name, c.Exists, 7)
	if !ok {
		return r
	}
	var groups []string
	obs := m(i18n.MsgCkUserObserved, f[2], f[6], f[5])
	if g := secs["groups"]; g != nil {
		if g.RC == 0 {
			groups = strings.Fields(g.Body)
		}
		obs = m(i18n.MsgCkUserObservedGroups, f[2], strings.Join(groups, ","), f[6], f[5])
	}
	if !c.Exists {
		return j.fail(obs, m(i18n.MsgCkEntryExists, m(i18n.MsgCkKindUser), c.Name))
	}
	var bad []i18n.Localizer
	if c.UID >= 0 && f[2] != strconv.Itoa(c.UID) {
		bad = append(bad, m(i18n.MsgCkUIDWant, f[2], c.UID))
	}
	if missing := missingFrom(c.Groups, groups); len(missing) > 0 {
		bad = append(bad, m(i18n.MsgCkNotIn, strings.Join(missing, ",")))
	}
	if c.Shell != "" && f[6] != c.Shell {
		bad = append(bad, m(i18n.MsgCkShellWant, f[6], c.Shell))
	}
	if c.Home != "" && strings.TrimRight(f[5], "/") != strings.TrimRight(c.Home, "/") {
		bad = append(bad, m(i18n.MsgCkHomeWant, f[5], c.Home))
	}
	return j.verdict(obs, bad)
}

// Reads is the local account files and NSS's configuration.
func (c *User) Reads() []string {
	if len(c.Groups) > 0 {
		return []string{nsswitch, etcPasswd, etcGroup}
	}
	return []string{nsswitch, etcPasswd}
}

// JudgeSnapshot judges what `getent passwd NAME` and `id -nG NAME` print,
// from /etc/passwd and /etc/group; not when NSS could name other sources.
func (c *User) JudgeSnapshot(s *Snapshot) (Result, bool) {
	pfirst, ponly := filesFirst(s, "passwd")
	gfirst, gonly := filesFirst(s, "group")
	pw, _ := s.File(etcPasswd)
	e := lookup(nssEntries(pw, 7, 2), 0, c.Name)
	if !pfirst || (e == nil && !ponly) || (len(c.Groups) > 0 && (!gfirst || !gonly)) {
		return Result{}, false
	}
	cmd := "getent passwd " + Quote(c.Name)
	if e == nil {
		return asTools(c, cmd, frame("passwd", 2, ""), etcPasswd), true
	}
	framed := frame("passwd", 0, strings.Join(e, ":"))
	from := []string{etcPasswd}
	if len(c.Groups) > 0 {
		cmd += " && id -nG " + Quote(c.Name)
		from = append(from, etcGroup)
		gr, _ := s.File(etcGroup)
		groups := nssEntries(gr, 4, 2)
		var names []string
		if g := lookup(groups, 2, e[3]); g != nil {
			names = append(names, g[0])
		} else {
			names = append(names, e[3])
		}
		for _, g := range groups {
			if slices.Contains(strings.Split(g[3], ","), c.Name) && !slices.Contains(names, g[0]) {
				names = append(names, g[0])
			}
		}
		framed += frame("groups", 0, strings.Join(names, " "))
	}
	return asTools(c, cmd, framed, from...), true
}
