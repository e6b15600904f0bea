package check

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/shellquote"
)

// Quote returns s as a single-quoted POSIX sh word (shellquote.Quote).
// Every value a check puts into a probe goes through Quote.
func Quote(s string) string { return shellquote.Quote(s) }

// sectionFunc is the preamble of multi-step probes: `_s NAME CMD ARGS...`
// prints a start marker line, runs CMD with stderr merged into stdout so
// its output streams straight to the probe's stdout (no capture, so a step
// costs exactly the fork+exec of CMD, or nothing when CMD is a shell
// function), then prints an end marker line with the step name and CMD's
// exit status, and returns that status so steps can be chained with &&.
// Probes built from it are read-only as long as each CMD is.
const sectionFunc = `_s() { _n=$1; shift; printf '@@labdojo %s@@\n' "$_n"; "$@" 2>&1; _r=$?; printf '\n@@labdojo %s exit %d@@\n' "$_n" "$_r"; return $_r; }
`

// step renders one `_s` line with every argument quoted.
func step(name string, argv ...string) string {
	var b strings.Builder
	b.WriteString("_s ")
	b.WriteString(name)
	for _, a := range argv {
		b.WriteByte(' ')
		b.WriteString(Quote(a))
	}
	b.WriteByte('\n')
	return b.String()
}

// probe joins the preamble and steps into a script.
func probe(steps ...string) string {
	return sectionFunc + strings.Join(steps, "")
}

// section is the captured result of one `_s` step. RC is -1 when the step
// started but its end marker never came (the shell died mid-step).
type section struct {
	RC   int
	Body string
}

// marker parses a marker line: `@@labdojo NAME@@` (start, rc false) or
// `@@labdojo NAME exit N@@` (end, with its status).
func marker(line string) (name string, rc int, end, ok bool) {
	in, found := strings.CutPrefix(line, "@@labdojo ")
	if !found {
		return "", 0, false, false
	}
	in, found = strings.CutSuffix(in, "@@")
	if !found {
		return "", 0, false, false
	}
	f := strings.Split(in, " ")
	switch {
	case len(f) == 1 && f[0] != "":
		return f[0], 0, false, true
	case len(f) == 3 && f[0] != "" && f[1] == "exit":
		n, err := strconv.Atoi(f[2])
		if err != nil {
			return "", 0, false, false
		}
		return f[0], n, true, true
	}
	return "", 0, false, false
}

// sections parses the output of a probe built with probe/step. A step's
// body runs from its start marker to the LAST end marker carrying its name
// (step names are unique within a probe), so marker-like lines inside a
// tool's output (a file's content, say) can neither end a step early nor
// start another one.
func sections(stdout []byte) map[string]*section {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	last := map[string]int{}
	for i, l := range lines {
		if name, _, end, ok := marker(l); ok && end {
			last[name] = i
		}
	}
	out := map[string]*section{}
	for i := 0; i < len(lines); i++ {
		name, _, end, ok := marker(lines[i])
		if !ok || end || out[name] != nil {
			continue
		}
		e, done := last[name]
		if !done || e < i {
			out[name] = &section{RC: -1, Body: strings.TrimRight(strings.Join(lines[i+1:], "\n"), "\n")}
			break
		}
		_, rc, _, _ := marker(lines[e])
		out[name] = &section{RC: rc, Body: strings.TrimRight(strings.Join(lines[i+1:e], "\n"), "\n")}
		i = e
	}
	return out
}

// maxEvidence bounds the output excerpt kept as evidence.
const maxEvidence = 2048

// evidence records the script, exit code and a bounded output excerpt.
func evidence(script string, out Output) Evidence {
	var b strings.Builder
	b.Write(out.Stdout)
	if len(out.Stderr) > 0 {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte('\n')
		}
		b.WriteString("[stderr] ")
		b.Write(out.Stderr)
	}
	if out.Err != nil {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("[error] " + out.Err.Error())
	}
	return Evidence{Command: script, ExitCode: out.ExitCode, Output: excerpt(b.String(), maxEvidence)}
}

// excerpt caps s at n bytes (on a UTF-8 boundary) and says how much was cut.
func excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + fmt.Sprintf("\n... (%d more bytes)", len(s)-cut)
}

// short caps a value for Observed/Expected lines.
func short(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " ..."
	}
	if len(s) > 120 {
		s = excerpt(s, 117)
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[:i] + "..."
		}
	}
	return s
}

// judge bundles the common parts of judging a probe. Its texts are
// catalog messages (i18n), which a report renders in the learner's
// language; the Result's string fields are their English rendering.
type judge struct {
	res Result
}

func newJudge(c Check, expected i18n.Localizer, out Output) *judge {
	return &judge{res: Result{Expected: i18n.In(expected, i18n.English), Evidence: evidence(c.Script(), out), Text: &Text{Expected: expected}}}
}

// set gives the result a status, observation and message in every language.
func (j *judge) set(st Status, observed, msg i18n.Localizer) Result {
	t := Text{}
	if j.res.Text != nil {
		t = *j.res.Text
	}
	t.Observed, t.Message = observed, msg
	j.res.Text = &t
	j.res.Status = st
	j.res.Observed, j.res.Message = i18n.In(observed, i18n.English), i18n.In(msg, i18n.English)
	return j.res
}

func (j *judge) pass(observed i18n.Localizer) Result { return j.set(Pass, observed, nil) }

func (j *judge) fail(observed, msg i18n.Localizer) Result { return j.set(Fail, observed, msg) }

func (j *judge) error(observed, msg i18n.Localizer) Result { return j.set(Error, observed, msg) }

// m is shorthand for a catalog message.
func m(key i18n.Key, args ...any) i18n.Msg { return i18n.M(key, args...) }

// raw is text from the node, the same in every language.
func raw(s string) i18n.Raw { return i18n.Raw(s) }

// runErr reports a probe that did not run, or a shell-level failure common
// to all probes. ok is false when the result is final.
func (j *judge) runErr(out Output) (Result, bool) {
	if out.Err != nil {
		return j.error(m(i18n.MsgCkProbeNotRun), m(i18n.MsgCkProbeNotRunWhy, out.Err.Error())), false
	}
	return Result{}, true
}

// step returns the section of the named step after the checks every probe
// needs: the probe ran and the step's tool ran (see stepErr). ok is false
// when r is the final result.
func (j *judge) step(out Output, name, tool string) (s *section, r Result, ok bool) {
	if r, ok := j.runErr(out); !ok {
		return nil, r, false
	}
	s = sections(out.Stdout)[name]
	if r, ok := j.stepErr(s, name, tool); !ok {
		return nil, r, false
	}
	return s, Result{}, true
}

// verdict passes with observed when nothing is wrong, and otherwise fails
// listing what is.
func (j *judge) verdict(observed i18n.Localizer, bad []i18n.Localizer) Result {
	if len(bad) > 0 {
		return j.fail(observed, i18n.Join(i18n.SepProblems, bad...))
	}
	return j.pass(observed)
}

// toolFailed is the error of a tool that exited with an unexpected status.
func (j *judge) toolFailed(tool string, rc int, body string) Result {
	return j.error(m(i18n.MsgCkToolFailed, tool), m(i18n.MsgCkToolExit, tool, rc, short(body)))
}

// entry judges a getent lookup of a kind ("user", "group") that should
// exist or not: exit 2 (no such entry) decides at once. Otherwise it
// returns the entry's fields, which must number n. ok is false when r is
// the final result.
func (j *judge) entry(s *section, kind i18n.Key, name string, exists bool, n int) (f []string, r Result, ok bool) {
	if s.RC == 2 {
		if !exists {
			return nil, j.pass(m(i18n.MsgCkAbsent)), false
		}
		return nil, j.fail(m(i18n.MsgCkAbsent), m(i18n.MsgCkNoEntry, m(kind), name)), false
	}
	f = strings.Split(s.Body, ":")
	if s.RC != 0 || len(f) != n {
		return nil, j.error(m(i18n.MsgCkUnparseable, "getent"), m(i18n.MsgCkToolExit, "getent", s.RC, short(s.Body))), false
	}
	return f, Result{}, true
}

// stepErr turns a section that could not run into an error result: a
// missing step (probe output unparseable), command not found (127), not
// executable (126) or permission denied.
func (j *judge) stepErr(s *section, name, cmd string) (Result, bool) {
	switch {
	case s == nil:
		return j.error(m(i18n.MsgCkUnparseableProbe), m(i18n.MsgCkNoStep, name)), false
	case s.RC < 0:
		if b := short(s.Body); b != "" {
			return j.error(m(i18n.MsgCkCutShort), m(i18n.MsgCkStepUnfinishedOut, name, b)), false
		}
		return j.error(m(i18n.MsgCkCutShort), m(i18n.MsgCkStepUnfinished, name)), false
	case s.RC == 127:
		return j.error(m(i18n.MsgCkNotFound, cmd), m(i18n.MsgCkNotInstalled, cmd)), false
	case s.RC == 126:
		return j.error(m(i18n.MsgCkCannotExec, cmd), m(i18n.MsgCkCannotExecWhy, cmd)), false
	case s.RC != 0 && (strings.Contains(strings.ToLower(s.Body), "permission denied") || strings.Contains(s.Body, "Operation not permitted")):
		msg := short(s.Body)
		if !strings.HasPrefix(msg, cmd) {
			msg = cmd + ": " + msg
		}
		return j.error(m(i18n.MsgCkPermission), raw(msg)), false
	}
	return Result{}, true
}

// chain joins step lines with && so that each step runs only when the
// previous one succeeded.
func chain(steps ...string) string {
	for i, s := range steps {
		steps[i] = strings.TrimSuffix(s, "\n")
	}
	return strings.Join(steps, " && ") + "\n"
}

func runningMsg(b bool) i18n.Msg {
	if b {
		return m(i18n.MsgCkRunning)
	}
	return m(i18n.MsgCkNotRunning)
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

func hostField(f *fields, name string) string {
	h := f.reqStr(name)
	if h != "" && (strings.HasPrefix(h, "-") || strings.ContainsAny(h, " \t\r\n\x00/@")) {
		f.errf(name, "Invalid value", "%q is not a host name or IP address.", h)
	}
	return h
}
