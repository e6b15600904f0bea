package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// processType is the "process" check type: the fields of its block and its builder.
var processType = Type{
	Name:   "process",
	Fields: []scenario.Field{req("name", cty.String), opt("running", cty.Bool), opt("user", cty.String)},
	build:  buildProcess,
}

// Process checks for a process by exact command name, optionally owned by
// a user.
type Process struct {
	base
	Name    string
	Running bool
	User    string
}

func buildProcess(f *fields, b base) Check {
	c := &Process{base: b, Name: f.reqStr("name"), Running: f.boolean("running", true), User: f.str("user", "")}
	if strings.ContainsAny(c.Name, "\n\t ") {
		f.errf("name", "Invalid value", "%q: a process name has no whitespace.", c.Name)
	}
	return c
}

func (c *Process) expected() i18n.Msg {
	if c.User != "" {
		return m(i18n.MsgCkRunningAs, runningMsg(c.Running), c.User)
	}
	return runningMsg(c.Running)
}

// Describe returns the title or `process NAME running`.
func (c *Process) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Process) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe, "process", c.Name, c.expected()))
}

// processFunc is `_pu NAME`: it prints `USER COMM` for every process whose
// command name is NAME, the user being the effective uid's name (what
// `ps -o user=` prints), and returns 1 when there is none. It reads
// /proc/PID/comm, /proc/PID/status and /etc/passwd with the read builtin;
// only a uid missing from /etc/passwd (NSS users) costs a getent.
const processFunc = `_pu() {
	_h=1; _lu=; _ln=
	for _q in /proc/[0-9]*; do
		IFS= read -r _c 2>/dev/null <"$_q/comm" || continue
		[ "$_c" = "$1" ] || continue
		_e=
		while read -r _k _ru _e _z; do [ "$_k" = Uid: ] && break; _e=; done 2>/dev/null <"$_q/status"
		[ -n "$_e" ] || continue
		if [ "$_e" != "$_lu" ]; then
			_lu=$_e; _ln=
			while IFS=: read -r _a _b _i _z || [ -n "$_a" ]; do
				if [ "$_i" = "$_e" ]; then _ln=$_a; break; fi
				_a=
			done 2>/dev/null </etc/passwd
			if [ -z "$_ln" ]; then _ln=$(getent passwd "$_e" 2>/dev/null); _ln=${_ln%%:*}; fi
			[ -n "$_ln" ] || _ln=$_e
		fi
		printf '%s %s\n' "$_ln" "$_c"; _h=0
	done
	return $_h
}
`

// procName is the name as the kernel keeps it (15 bytes).
func (c *Process) procName() string {
	if len(c.Name) > 15 {
		return c.Name[:15]
	}
	return c.Name
}

// Script lists the user and command name of every process called Name,
// with shell builtins only.
func (c *Process) Script() string {
	return sectionFunc + processFunc + step("procs", "_pu", c.procName())
}

// Judge matches command names (the kernel truncates them to 15 bytes).
func (c *Process) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	s, r, ok := j.step(out, "procs", "sh")
	if !ok {
		return r
	}
	if s.RC != 0 && s.RC != 1 {
		return j.error(m(i18n.MsgCkProcScanFailed), m(i18n.MsgCkToolExit, "/proc scan", s.RC, short(s.Body)))
	}
	name := c.procName()
	users := map[string]int{}
	total, mine := 0, 0
	for _, line := range strings.Split(s.Body, "\n") {
		user, comm, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || strings.TrimSpace(comm) != name {
			continue
		}
		total++
		users[user]++
		if c.User == "" || user == c.User {
			mine++
		}
	}
	obs := m(i18n.MsgCkNoProcess)
	if total > 0 {
		var us []string
		for u := range users {
			us = append(us, u)
		}
		slices.Sort(us)
		obs = m(i18n.MsgCkProcesses, total, strings.Join(us, ", "))
	}
	if (mine > 0) != c.Running {
		return j.fail(obs, m(i18n.MsgCkWant, c.expected()))
	}
	return j.pass(obs)
}

// Reads is every process's command name and status, and the local
// accounts (to name the effective user).
func (c *Process) Reads() []string { return []string{ProcComm, ProcStatus, nsswitch, etcPasswd} }

// JudgeSnapshot judges the `USER COMM` list the probe's /proc scan
// prints, from the same /proc files; not when a process's user is known
// only to NSS.
func (c *Process) JudgeSnapshot(s *Snapshot) (Result, bool) {
	name := c.procName()
	pw, _ := s.File(etcPasswd)
	users := nssEntries(pw, 7, 2)
	_, ponly := filesFirst(s, "passwd")
	var b strings.Builder
	for _, pid := range s.procFiles("comm") {
		comm, _ := s.File("/proc/" + pid + "/comm")
		if strings.TrimSuffix(comm, "\n") != name {
			continue
		}
		st, ok := s.File("/proc/" + pid + "/status")
		if !ok {
			continue // gone between the two reads
		}
		euid := ""
		for _, line := range strings.Split(st, "\n") {
			if f := strings.Fields(line); len(f) >= 3 && f[0] == "Uid:" {
				euid = f[2]
				break
			}
		}
		if euid == "" {
			continue
		}
		user := euid
		if u := lookup(users, 2, euid); u != nil {
			user = u[0]
		} else if !ponly {
			return Result{}, false
		}
		fmt.Fprintf(&b, "%s %s\n", user, name)
	}
	rc := 0
	if b.Len() == 0 {
		rc = 1
	}
	cmd := "ps -eo user=,comm= | grep -w -- " + Quote(name)
	return asTool(c, cmd, "procs", rc, b.String(), ProcComm, ProcStatus, etcPasswd), true
}
