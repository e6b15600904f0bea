package check

import (
	"slices"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// groupType is the "group" check type: the fields of its block and its builder.
var groupType = Type{
	Name:   "group",
	Fields: []scenario.Field{req("name", cty.String), opt("exists", cty.Bool), opt("members", strList)},
	build:  buildGroup,
}

// Group checks a group and its members (listed members and users whose
// primary group it is; the latter are looked up only when members are
// expected).
type Group struct {
	base
	Name    string
	Exists  bool
	Members []string
}

func buildGroup(f *fields, b base) Check {
	c := &Group{base: b, Name: f.reqStr("name"), Exists: f.boolean("exists", true), Members: f.list("members")}
	f.safeName("name", c.Name)
	return c
}

func (c *Group) expected() i18n.Msg {
	switch {
	case !c.Exists:
		return m(i18n.MsgCkAbsent)
	case len(c.Members) > 0:
		return m(i18n.MsgCkGroupMembers, strings.Join(c.Members, ","))
	}
	return m(i18n.MsgCkExists)
}

// Describe returns the title or `group NAME exists`.
func (c *Group) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Group) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe, "group", c.Name, c.expected()))
}

// Script reads the group entry and, when members are expected and the
// group exists, the passwd database (members by primary group).
func (c *Group) Script() string {
	steps := []string{step("group", "getent", "group", c.Name)}
	if len(c.Members) > 0 {
		steps = append(steps, step("passwd", "getent", "passwd"))
	}
	return probe(chain(steps...))
}

// Judge parses name:x:gid:members.
func (c *Group) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	secs := sections(out.Stdout)
	g := secs["group"]
	if r, ok := j.stepErr(g, "group", "getent"); !ok {
		return r
	}
	f, r, ok := j.entry(g, i18n.MsgCkKindGroup, c.Name, c.Exists, 4)
	if !ok {
		return r
	}
	var members []string
	for _, m := range strings.Split(f[3], ",") {
		if m != "" {
			members = append(members, m)
		}
	}
	if pw := secs["passwd"]; pw != nil && pw.RC == 0 {
		for _, line := range strings.Split(pw.Body, "\n") {
			if p := strings.Split(line, ":"); len(p) == 7 && p[3] == f[2] && !slices.Contains(members, p[0]) {
				members = append(members, p[0])
			}
		}
	}
	obs := m(i18n.MsgCkGroupObserved, f[2], strings.Join(members, ","))
	if len(members) == 0 {
		obs = m(i18n.MsgCkGroupNoMembers, f[2])
	}
	if !c.Exists {
		return j.fail(obs, m(i18n.MsgCkEntryExists, m(i18n.MsgCkKindGroup), c.Name))
	}
	if missing := missingFrom(c.Members, members); len(missing) > 0 {
		return j.fail(obs, m(i18n.MsgCkNotMembers, strings.Join(missing, ",")))
	}
	return j.pass(obs)
}

// Reads is the local group and account files and NSS's configuration.
func (c *Group) Reads() []string { return []string{nsswitch, etcGroup, etcPasswd} }

// JudgeSnapshot judges what `getent group NAME` (and, for members,
// `getent passwd`) print, from /etc/group and /etc/passwd; not when NSS
// could name other sources.
func (c *Group) JudgeSnapshot(s *Snapshot) (Result, bool) {
	gfirst, gonly := filesFirst(s, "group")
	pfirst, ponly := filesFirst(s, "passwd")
	gr, _ := s.File(etcGroup)
	e := lookup(nssEntries(gr, 4, 2), 0, c.Name)
	if !gfirst || (e == nil && !gonly) || (len(c.Members) > 0 && (!pfirst || !ponly)) {
		return Result{}, false
	}
	cmd := "getent group " + Quote(c.Name)
	if e == nil {
		return asTools(c, cmd, frame("group", 2, ""), etcGroup), true
	}
	framed := frame("group", 0, strings.Join(e, ":"))
	from := []string{etcGroup}
	if len(c.Members) > 0 {
		cmd += " && getent passwd"
		from = append(from, etcPasswd)
		pw, _ := s.File(etcPasswd)
		var lines []string
		for _, p := range nssEntries(pw, 7, 2) {
			lines = append(lines, strings.Join(p, ":"))
		}
		framed += frame("passwd", 0, strings.Join(lines, "\n"))
	}
	return asTools(c, cmd, framed, from...), true
}
