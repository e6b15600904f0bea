package check

import (
	"regexp"
	"slices"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// serviceType is the "service" check type: the fields of its block and its builder.
var serviceType = Type{
	Name:   "service",
	Fields: []scenario.Field{req("name", cty.String), opt("running", cty.Bool)},
	build:  buildService,
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

// Describe returns the title or `service NAME running`.
func (c *Service) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Service) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe, "service", c.Name, runningMsg(c.Running)))
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
	j := newJudge(c, runningMsg(c.Running), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	secs := sections(out.Stdout)
	pf, svc, pn := secs["pidfile"], secs["service"], secs["procs"]
	var running bool
	var how i18n.Localizer
	switch {
	case pf != nil && pf.RC == 0 && len(strings.Fields(pf.Body)) == 3:
		f := strings.Fields(pf.Body)
		running, how = true, m(i18n.MsgCkPidfileAlive, f[0], f[1], f[2])
	case svc != nil && svc.RC == 0:
		running, how = true, m(i18n.MsgCkServiceStatus, c.Name, 0)
	case svc != nil && svc.RC >= 1 && svc.RC <= 3 && !strings.Contains(svc.Body, "unrecognized service"):
		how = m(i18n.MsgCkServiceStatus, c.Name, svc.RC)
	default:
		why := m(i18n.MsgCkNoInitScript)
		if svc != nil && svc.RC == 127 {
			why = m(i18n.MsgCkNoServiceCmd)
		} else if svc != nil && svc.RC == 4 {
			why = m(i18n.MsgCkInitUnknown)
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
			running, how = true, m(i18n.MsgCkProcFound, why, pat, strings.Join(pids, ","))
		case 1:
			how = m(i18n.MsgCkProcNone, why, pat)
		default:
			return j.error(m(i18n.MsgCkProcScanFailed), m(i18n.MsgCkToolExit, "/proc scan", pn.RC, short(pn.Body)))
		}
	}
	obs := m(i18n.MsgCkServiceObserved, runningMsg(running), how)
	if running != c.Running {
		return j.fail(obs, m(i18n.MsgCkServiceIs, c.Name, runningMsg(running)))
	}
	return j.pass(obs)
}
