package check

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Command runs a shell command and judges its exit code and output. stdout
// and matches compare stdout without its trailing newlines.
type Command struct {
	base
	Run            string
	ExitCode       int
	Stdout         *string
	Contains       string
	Matches        *regexp.Regexp
	StderrContains string
}

func buildCommand(f *fields, b base) Check {
	c := &Command{base: b, Run: f.reqStr("run"), ExitCode: f.integer("exit_code", 0, 0, 255),
		Contains: f.str("contains", ""), Matches: f.regexp("matches"), StderrContains: f.str("stderr_contains", "")}
	if f.has("stdout") {
		s := f.str("stdout", "")
		c.Stdout = &s
	}
	return c
}

// Describe returns the title or `command "RUN"`.
func (c *Command) Describe() string { return c.describe(fmt.Sprintf("command %q", short(c.Run))) }

// Script runs the command in its own sh so that `exit` in it ends only it.
func (c *Command) Script() string { return "sh -c " + Quote(c.Run) + "\n" }

// Judge compares the exit code and outputs with the expectations.
func (c *Command) Judge(out Output) Result {
	exp := []string{fmt.Sprintf("exit %d", c.ExitCode)}
	if c.Stdout != nil {
		exp = append(exp, fmt.Sprintf("stdout %q", short(*c.Stdout)))
	}
	if c.Contains != "" {
		exp = append(exp, fmt.Sprintf("stdout contains %q", c.Contains))
	}
	if c.Matches != nil {
		exp = append(exp, fmt.Sprintf("stdout matches /%s/", c.Matches))
	}
	if c.StderrContains != "" {
		exp = append(exp, fmt.Sprintf("stderr contains %q", c.StderrContains))
	}
	j := newJudge(c, strings.Join(exp, ", "), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	stdout := string(out.Stdout)
	trimmed := strings.TrimRight(stdout, "\n")
	obs := fmt.Sprintf("exit %d", out.ExitCode)
	if s := short(stdout); s != "" {
		obs += fmt.Sprintf(", stdout %q", s)
	}
	if out.ExitCode == 127 && c.ExitCode != 127 {
		return j.error(obs, "command not found (exit 127): "+short(string(out.Stderr)))
	}
	var bad []string
	if out.ExitCode != c.ExitCode {
		bad = append(bad, fmt.Sprintf("exit code %d, want %d", out.ExitCode, c.ExitCode))
	}
	if c.Stdout != nil && trimmed != strings.TrimRight(*c.Stdout, "\n") {
		bad = append(bad, "stdout differs")
	}
	if c.Contains != "" && !strings.Contains(stdout, c.Contains) {
		bad = append(bad, fmt.Sprintf("stdout lacks %q", c.Contains))
	}
	if c.Matches != nil && !c.Matches.MatchString(trimmed) {
		bad = append(bad, fmt.Sprintf("stdout does not match /%s/", c.Matches))
	}
	if c.StderrContains != "" && !strings.Contains(string(out.Stderr), c.StderrContains) {
		bad = append(bad, fmt.Sprintf("stderr lacks %q", c.StderrContains))
	}
	return j.verdict(obs, bad)
}

// File checks a path: existence, type, mode, owner, group and content.
type File struct {
	base
	Path     string
	Exists   bool
	FileType string // "" (any), file, directory, symlink
	Mode     string // octal as written, "" = any
	mode     uint64
	Owner    string
	Group    string
	Contains string
	Matches  *regexp.Regexp
}

// maxContent bounds how much of a file the probe reads for contains/matches.
const maxContent = 1 << 20

func buildFile(f *fields, b base) Check {
	c := &File{base: b, Path: f.reqStr("path"), Exists: f.boolean("exists", true),
		Owner: f.str("owner", ""), Group: f.str("group", ""), Contains: f.str("contains", ""), Matches: f.regexp("matches")}
	if c.Path != "" && !strings.HasPrefix(c.Path, "/") {
		f.errf("path", "Invalid value", "%q must be an absolute path.", c.Path)
	}
	if f.has("type") {
		c.FileType = f.enum("type", "file", "file", "directory", "symlink")
	}
	if f.has("mode") {
		c.Mode = f.str("mode", "")
		m, err := strconv.ParseUint(c.Mode, 8, 32)
		if err != nil || m > 07777 || len(c.Mode) < 3 {
			f.errf("mode", "Invalid value", "%q is not an octal file mode such as \"0640\" or \"755\".", c.Mode)
		}
		c.mode = m
	}
	if c.FileType == "directory" && (c.Contains != "" || c.Matches != nil) {
		f.errf("contains", "Invalid value", "contains/matches need a file, not a directory.")
	}
	return c
}

// Describe returns the title or a summary such as `file /etc/motd exists`.
func (c *File) Describe() string {
	return c.describe("file " + c.Path + " " + c.expected())
}

func (c *File) expected() string {
	if !c.Exists {
		return "absent"
	}
	parts := []string{"exists"}
	if c.FileType != "" {
		parts = append(parts, "type "+c.FileType)
	}
	if c.Mode != "" {
		parts = append(parts, fmt.Sprintf("mode %04o", c.mode))
	}
	if c.Owner != "" {
		parts = append(parts, "owner "+c.Owner)
	}
	if c.Group != "" {
		parts = append(parts, "group "+c.Group)
	}
	if c.Contains != "" {
		parts = append(parts, fmt.Sprintf("contains %q", c.Contains))
	}
	if c.Matches != nil {
		parts = append(parts, fmt.Sprintf("matches /%s/", c.Matches))
	}
	return strings.Join(parts, ", ")
}

// Script stats the path (following symlinks unless type is symlink) and,
// for contains/matches and only when stat succeeded, reads its first MiB.
func (c *File) Script() string {
	stat := []string{"stat", "-L", "-c", "%F|%a|%U|%G", "--", c.Path}
	if c.FileType == "symlink" {
		stat = []string{"stat", "-c", "%F|%a|%U|%G", "--", c.Path}
	}
	steps := []string{step("stat", stat...)}
	if c.Exists && (c.Contains != "" || c.Matches != nil) {
		// head runs only when stat succeeded: an absent file costs one process.
		steps = append(steps, step("content", "head", "-c", strconv.Itoa(maxContent), "--", c.Path))
	}
	return probe(chain(steps...))
}

// Judge compares the stat line and content with the expectations.
func (c *File) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	secs := sections(out.Stdout)
	st := secs["stat"]
	if st != nil && st.RC != 0 && strings.Contains(st.Body, "No such file or directory") {
		if !c.Exists {
			return j.pass("absent")
		}
		return j.fail("absent", c.Path+" does not exist")
	}
	if r, ok := j.stepErr(st, "stat", "stat"); !ok {
		return r
	}
	parts := strings.Split(st.Body, "|")
	if st.RC != 0 || len(parts) != 4 {
		return j.error("unparseable stat output", "stat: "+short(st.Body))
	}
	kind := map[string]string{"regular file": "file", "regular empty file": "file", "directory": "directory", "symbolic link": "symlink"}[parts[0]]
	if kind == "" {
		kind = parts[0]
	}
	mode, err := strconv.ParseUint(parts[1], 8, 32)
	if err != nil {
		return j.error("unparseable stat output", "stat mode: "+short(parts[1]))
	}
	obs := fmt.Sprintf("%s, mode %04o, owner %s, group %s", kind, mode, parts[2], parts[3])
	if !c.Exists {
		return j.fail(obs, c.Path+" exists")
	}
	var bad []string
	if c.FileType != "" && kind != c.FileType {
		bad = append(bad, fmt.Sprintf("is a %s, not a %s", kind, c.FileType))
	}
	if c.Mode != "" && mode != c.mode {
		bad = append(bad, fmt.Sprintf("mode %04o, want %04o", mode, c.mode))
	}
	if c.Owner != "" && parts[2] != c.Owner {
		bad = append(bad, fmt.Sprintf("owner %s, want %s", parts[2], c.Owner))
	}
	if c.Group != "" && parts[3] != c.Group {
		bad = append(bad, fmt.Sprintf("group %s, want %s", parts[3], c.Group))
	}
	if c.Contains != "" || c.Matches != nil {
		ct := secs["content"]
		if ct == nil || ct.RC != 0 {
			if r, ok := j.stepErr(ct, "content", "head"); !ok {
				return r
			}
			return j.error(obs, "cannot read "+c.Path+": "+short(ct.Body))
		}
		if c.Contains != "" && !strings.Contains(ct.Body, c.Contains) {
			bad = append(bad, fmt.Sprintf("content lacks %q", c.Contains))
		}
		if c.Matches != nil && !c.Matches.MatchString(ct.Body) {
			bad = append(bad, fmt.Sprintf("content does not match /%s/", c.Matches))
		}
	}
	return j.verdict(obs, bad)
}

// Package checks a Debian package's state with dpkg-query.
type Package struct {
	base
	Name      string
	Installed bool
	// Version is an exact version, or a prefix when it ends in '*'.
	Version string
}

var pkgName = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+(:[a-z0-9]+)?$`)

func buildPackage(f *fields, b base) Check {
	c := &Package{base: b, Name: f.reqStr("name"), Installed: f.boolean("installed", true), Version: f.str("version", "")}
	if c.Name != "" && !pkgName.MatchString(c.Name) {
		f.errf("name", "Invalid value", "%q is not a Debian package name.", c.Name)
	}
	if c.Version != "" && !c.Installed {
		f.errf("version", "Invalid value", "a version makes no sense with installed = false.")
	}
	return c
}

func (c *Package) expected() string {
	switch {
	case !c.Installed:
		return "not installed"
	case c.Version != "":
		return "installed, version " + c.Version
	}
	return "installed"
}

// Describe returns the title or `package NAME installed`.
func (c *Package) Describe() string { return c.describe("package " + c.Name + " " + c.expected()) }

// Script queries dpkg's status database.
func (c *Package) Script() string {
	return probe(step("pkg", "dpkg-query", "-W", "-f", `${Status}|${Version}\n`, c.Name))
}

// Judge parses `Status|Version` lines.
func (c *Package) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	s, r, ok := j.step(out, "pkg", "dpkg-query")
	if !ok {
		return r
	}
	installed, version := false, ""
	switch {
	case s.RC == 1 && strings.Contains(s.Body, "no packages found"):
	case s.RC != 0:
		return j.error("dpkg-query failed", fmt.Sprintf("dpkg-query exit %d: %s", s.RC, short(s.Body)))
	default:
		for _, line := range strings.Split(s.Body, "\n") {
			st, v, ok := strings.Cut(line, "|")
			if !ok {
				return j.error("unparseable dpkg-query output", short(line))
			}
			if w := strings.Fields(st); len(w) == 3 && w[2] == "installed" {
				installed, version = true, v
			}
		}
	}
	obs := "not installed"
	if installed {
		obs = "installed, version " + version
	}
	switch {
	case installed != c.Installed:
		return j.fail(obs, fmt.Sprintf("package %s is %s", c.Name, obs))
	case installed && c.Version != "" && !versionMatch(c.Version, version):
		return j.fail(obs, fmt.Sprintf("version %s, want %s", version, c.Version))
	}
	return j.pass(obs)
}

func versionMatch(want, got string) bool {
	if p, ok := strings.CutSuffix(want, "*"); ok {
		return strings.HasPrefix(got, p)
	}
	return want == got
}

// Service checks whether a service runs. Nodes have no systemd. The probe
// first looks for the daemon's pidfile (the one its Debian init script
// uses, or a conventional /run path): a pid in it that is alive and whose
// command name is the daemon's proves the service runs without starting a
// process. Otherwise it asks the init script (`service NAME status`, about
// fifteen processes), and when there is no usable init script it scans
// /proc for the daemon's process name (what `pgrep -x` does) with shell
// builtins only. Observed says which way decided.
type Service struct {
	base
	Name    string
	Running bool
}

var svcName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9@._+-]*$`)

func buildService(f *fields, b base) Check {
	c := &Service{base: b, Name: f.reqStr("name"), Running: f.boolean("running", true)}
	if c.Name != "" && !svcName.MatchString(c.Name) {
		f.errf("name", "Invalid value", "%q is not a service name.", c.Name)
	}
	return c
}

// daemonNames maps service names whose daemon process is named differently.
var daemonNames = map[string][]string{
	"ssh":             {"sshd"},
	"mysql":           {"mysqld", "mariadbd"},
	"mariadb":         {"mariadbd", "mysqld"},
	"postgresql":      {"postgres"},
	"bind9":           {"named"},
	"named":           {"named"},
	"rsyslog":         {"rsyslogd"},
	"docker":          {"dockerd"},
	"isc-dhcp-server": {"dhcpd"},
}

// pidFiles are the pidfiles Debian 12's init scripts use where they differ
// from the conventional /run/NAME.pid and /run/NAME/NAME.pid.
var pidFiles = map[string][]string{
	"ssh":             {"/run/sshd.pid"},
	"cron":            {"/var/run/crond.pid"},
	"rsync":           {"/var/run/rsync.pid"},
	"rsyslog":         {"/run/rsyslogd.pid"},
	"apache2":         {"/var/run/apache2/apache2.pid"},
	"mysql":           {"/run/mysqld/mysqld.pid"},
	"mariadb":         {"/run/mysqld/mysqld.pid"},
	"bind9":           {"/run/named/named.pid"},
	"named":           {"/run/named/named.pid"},
	"isc-dhcp-server": {"/var/run/dhcpd.pid"},
}

func (c *Service) daemons() []string {
	if d, ok := daemonNames[c.Name]; ok {
		return d
	}
	return []string{c.Name}
}

// pidFileCandidates lists the pidfiles to look at, most specific first.
func (c *Service) pidFileCandidates() []string {
	var out []string
	add := func(p string) {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	for _, p := range pidFiles[c.Name] {
		add(p)
	}
	for _, n := range append([]string{c.Name}, c.daemons()...) {
		add("/run/" + n + ".pid")
		add("/run/" + c.Name + "/" + n + ".pid")
	}
	return out
}

func runningWord(b bool) string {
	if b {
		return "running"
	}
	return "not running"
}

// Describe returns the title or `service NAME running`.
func (c *Service) Describe() string {
	return c.describe("service " + c.Name + " " + runningWord(c.Running))
}

// serviceFuncs are the service probe's shell helpers; both read $_d, the
// daemon names. `_pf PIDFILE...` prints `PIDFILE PID COMM` for the first
// pidfile naming a live process called like a daemon. `_pn` prints `PID
// COMM` for every process called like a daemon (pgrep -x). Neither starts
// a process: /proc/PID/comm and pidfiles are read with the read builtin.
const serviceFuncs = `_pf() {
	for _f in "$@"; do
		[ -r "$_f" ] || continue
		_p=; read -r _p _z 2>/dev/null <"$_f"
		case $_p in ''|*[!0-9]*) continue;; esac
		IFS= read -r _c 2>/dev/null <"/proc/$_p/comm" || continue
		for _x in $_d; do
			if [ "$_c" = "$_x" ]; then printf '%s %s %s\n' "$_f" "$_p" "$_c"; return 0; fi
		done
	done
	return 1
}
_pn() {
	_h=1
	for _q in /proc/[0-9]*; do
		IFS= read -r _c 2>/dev/null <"$_q/comm" || continue
		for _x in $_d; do
			if [ "$_c" = "$_x" ]; then printf '%s %s\n' "${_q#/proc/}" "$_c"; _h=0; fi
		done
	done
	return $_h
}
`

// Script tries the pidfiles, then the init script (only when the pidfiles
// do not show the daemon alive), and scans /proc for the daemon.
func (c *Service) Script() string {
	var b strings.Builder
	b.WriteString(sectionFunc + serviceFuncs)
	b.WriteString("_d=" + Quote(strings.Join(c.daemons(), " ")) + "\n")
	b.WriteString("if [ -d /run/systemd/system ]; then\n\t" + step("service", "service", c.Name, "status"))
	b.WriteString("elif [ -x " + Quote("/etc/init.d/"+c.Name) + " ]; then\n\t")
	b.WriteString(strings.TrimSuffix(step("pidfile", append([]string{"_pf"}, c.pidFileCandidates()...)...), "\n"))
	b.WriteString(" || " + step("service", "service", c.Name, "status"))
	b.WriteString("fi\n" + step("procs", "_pn"))
	return b.String()
}

// Judge decides from a live pidfile, else from the init script's LSB exit
// code (0 running, 1-3 not running), else (no usable init script) from the
// /proc scan.
func (c *Service) Judge(out Output) Result {
	j := newJudge(c, runningWord(c.Running), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	secs := sections(out.Stdout)
	pf, svc, pn := secs["pidfile"], secs["service"], secs["procs"]
	var running bool
	var how string
	switch {
	case pf != nil && pf.RC == 0 && len(strings.Fields(pf.Body)) == 3:
		f := strings.Fields(pf.Body)
		running, how = true, fmt.Sprintf("pidfile %s: pid %s (%s) alive", f[0], f[1], f[2])
	case svc != nil && svc.RC == 0:
		running, how = true, fmt.Sprintf("service %s status: exit 0", c.Name)
	case svc != nil && svc.RC >= 1 && svc.RC <= 3 && !strings.Contains(svc.Body, "unrecognized service"):
		how = fmt.Sprintf("service %s status: exit %d", c.Name, svc.RC)
	default:
		why := "no init script"
		if svc != nil && svc.RC == 127 {
			why = "no service command"
		} else if svc != nil && svc.RC == 4 {
			why = "init script status unknown"
		}
		if r, ok := j.stepErr(pn, "procs", "sh"); !ok {
			return r
		}
		pat := strings.Join(c.daemons(), "|")
		switch pn.RC {
		case 0:
			var pids []string
			for _, l := range strings.Split(pn.Body, "\n") {
				if f := strings.Fields(l); len(f) > 0 {
					pids = append(pids, f[0])
				}
			}
			running, how = true, fmt.Sprintf("%s; process %s found in /proc (pid %s)", why, pat, strings.Join(pids, ","))
		case 1:
			how = fmt.Sprintf("%s; no process %s in /proc", why, pat)
		default:
			return j.error("process scan failed", fmt.Sprintf("/proc scan exit %d: %s", pn.RC, short(pn.Body)))
		}
	}
	obs := fmt.Sprintf("%s (%s)", runningWord(running), how)
	if running != c.Running {
		return j.fail(obs, fmt.Sprintf("service %s is %s", c.Name, runningWord(running)))
	}
	return j.pass(obs)
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

func (c *Process) expected() string {
	s := runningWord(c.Running)
	if c.User != "" {
		s += " as " + c.User
	}
	return s
}

// Describe returns the title or `process NAME running`.
func (c *Process) Describe() string { return c.describe("process " + c.Name + " " + c.expected()) }

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
		return j.error("process scan failed", fmt.Sprintf("/proc scan exit %d: %s", s.RC, short(s.Body)))
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
	obs := "no process"
	if total > 0 {
		var us []string
		for u := range users {
			us = append(us, u)
		}
		slices.Sort(us)
		obs = fmt.Sprintf("%d process(es), user %s", total, strings.Join(us, ", "))
	}
	if (mine > 0) != c.Running {
		return j.fail(obs, fmt.Sprintf("want %s", c.expected()))
	}
	return j.pass(obs)
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

func (c *User) expected() string {
	if !c.Exists {
		return "absent"
	}
	parts := []string{"exists"}
	if c.UID >= 0 {
		parts = append(parts, fmt.Sprintf("uid %d", c.UID))
	}
	if len(c.Groups) > 0 {
		parts = append(parts, "in groups "+strings.Join(c.Groups, ","))
	}
	if c.Shell != "" {
		parts = append(parts, "shell "+c.Shell)
	}
	if c.Home != "" {
		parts = append(parts, "home "+c.Home)
	}
	return strings.Join(parts, ", ")
}

// Describe returns the title or `user NAME exists, ...`.
func (c *User) Describe() string { return c.describe("user " + c.Name + " " + c.expected()) }

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
	f, r, ok := j.entry(pw, "user", c.Name, c.Exists, 7)
	if !ok {
		return r
	}
	var groups []string
	obs := "uid " + f[2]
	if g := secs["groups"]; g != nil {
		if g.RC == 0 {
			groups = strings.Fields(g.Body)
		}
		obs += ", groups " + strings.Join(groups, ",")
	}
	obs += fmt.Sprintf(", shell %s, home %s", f[6], f[5])
	if !c.Exists {
		return j.fail(obs, "user "+c.Name+" exists")
	}
	var bad []string
	if c.UID >= 0 && f[2] != strconv.Itoa(c.UID) {
		bad = append(bad, fmt.Sprintf("uid %s, want %d", f[2], c.UID))
	}
	if missing := missingFrom(c.Groups, groups); len(missing) > 0 {
		bad = append(bad, "not in "+strings.Join(missing, ","))
	}
	if c.Shell != "" && f[6] != c.Shell {
		bad = append(bad, fmt.Sprintf("shell %s, want %s", f[6], c.Shell))
	}
	if c.Home != "" && strings.TrimRight(f[5], "/") != strings.TrimRight(c.Home, "/") {
		bad = append(bad, fmt.Sprintf("home %s, want %s", f[5], c.Home))
	}
	return j.verdict(obs, bad)
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

func (c *Group) expected() string {
	switch {
	case !c.Exists:
		return "absent"
	case len(c.Members) > 0:
		return "exists with members " + strings.Join(c.Members, ",")
	}
	return "exists"
}

// Describe returns the title or `group NAME exists`.
func (c *Group) Describe() string { return c.describe("group " + c.Name + " " + c.expected()) }

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
	f, r, ok := j.entry(g, "group", c.Name, c.Exists, 4)
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
	obs := fmt.Sprintf("gid %s, members %s", f[2], strings.Join(members, ","))
	if len(members) == 0 {
		obs = fmt.Sprintf("gid %s, no members", f[2])
	}
	if !c.Exists {
		return j.fail(obs, "group "+c.Name+" exists")
	}
	if missing := missingFrom(c.Members, members); len(missing) > 0 {
		return j.fail(obs, "not members: "+strings.Join(missing, ","))
	}
	return j.pass(obs)
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
func (c *Sysctl) Describe() string { return c.describe("sysctl " + c.Key + " = " + c.Value) }

// Script reads the value with sysctl -n.
func (c *Sysctl) Script() string { return probe(step("sysctl", "sysctl", "-n", c.Key)) }

// Judge compares whitespace-normalised values.
func (c *Sysctl) Judge(out Output) Result {
	j := newJudge(c, c.Value, out)
	s, r, ok := j.step(out, "sysctl", "sysctl")
	if !ok {
		return r
	}
	if s.RC != 0 {
		if strings.Contains(s.Body, "No such file") || strings.Contains(s.Body, "cannot stat") {
			return j.error("unknown key", fmt.Sprintf("the node has no sysctl %s", c.Key))
		}
		return j.error("sysctl failed", fmt.Sprintf("sysctl exit %d: %s", s.RC, short(s.Body)))
	}
	got := strings.Join(strings.Fields(s.Body), " ")
	if got != strings.Join(strings.Fields(c.Value), " ") {
		return j.fail(got, fmt.Sprintf("%s = %s, want %s", c.Key, got, c.Value))
	}
	return j.pass(got)
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
func (c *SSHD) Describe() string { return c.describe("sshd " + c.Key + " " + c.Value) }

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
	j := newJudge(c, c.Value, out)
	s, r, ok := j.step(out, "sshd", "sshd")
	if !ok {
		return r
	}
	if s.RC != 0 {
		if strings.Contains(strings.ToLower(s.Body), "configuration") {
			return j.fail("invalid sshd configuration", "sshd -T rejects the configuration: "+short(s.Body))
		}
		return j.error("sshd -T failed", fmt.Sprintf("sshd -T exit %d: %s", s.RC, short(s.Body)))
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
		return j.error("key not reported", fmt.Sprintf("sshd -T does not report %q; is it an sshd_config keyword?", c.Key))
	}
	obs := strings.Join(vals, ", ")
	want := normSSHD(c.Value)
	for _, v := range vals {
		if normSSHD(v) == want {
			return j.pass(obs)
		}
	}
	return j.fail(obs, fmt.Sprintf("%s is %s, want %s", key, obs, c.Value))
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
func (c *Cron) Describe() string {
	return c.describe(fmt.Sprintf("cron %s contains %q", c.User, c.Contains))
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
	j := newJudge(c, fmt.Sprintf("an entry containing %q", c.Contains), out)
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
		return j.error("crontab failed", fmt.Sprintf("crontab -l -u %s exit %d: %s", c.User, u.RC, short(u.Body)))
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
			return j.pass(short(t))
		}
	}
	obs := fmt.Sprintf("%d entries, none contains %q", n, c.Contains)
	if n == 0 {
		obs = "no cron entries"
	}
	return j.fail(obs, obs)
}

func missingFrom(want, have []string) []string {
	var missing []string
	for _, w := range want {
		if !slices.Contains(have, w) {
			missing = append(missing, w)
		}
	}
	return missing
}
