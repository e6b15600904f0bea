package check

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Quote returns s as a single-quoted POSIX sh word: the shell performs no
// expansion inside it, and embedded single quotes are closed, escaped and
// reopened. Every value a check puts into a probe goes through Quote.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sectionFunc is the preamble of multi-step probes: `_s NAME CMD ARGS...`
// runs CMD with stderr merged into stdout and prints a marker line with the
// step name and exit status, then the output. Probes built from it are
// read-only as long as each CMD is.
const sectionFunc = `_s() { _n=$1; shift; _o=$("$@" 2>&1); _r=$?; printf '@@labdojo %s %s@@\n%s\n' "$_n" "$_r" "$_o"; }
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

// section is the captured result of one `_s` step.
type section struct {
	RC   int
	Body string
}

// sections parses the output of a probe built with probe/step.
func sections(stdout []byte) map[string]*section {
	out := map[string]*section{}
	var cur *section
	var body []string
	flush := func() {
		if cur != nil {
			cur.Body = strings.TrimRight(strings.Join(body, "\n"), "\n")
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(stdout))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "@@labdojo ") && strings.HasSuffix(line, "@@") {
			parts := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(line, "@@labdojo "), "@@"))
			if len(parts) == 2 {
				if rc, err := strconv.Atoi(parts[1]); err == nil {
					flush()
					cur = &section{RC: rc}
					body = nil
					out[parts[0]] = cur
					continue
				}
			}
		}
		if cur != nil {
			body = append(body, line)
		}
	}
	flush()
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

// judge bundles the common parts of judging a probe.
type judge struct {
	res Result
}

func newJudge(c Check, expected string, out Output) *judge {
	return &judge{res: Result{Expected: expected, Evidence: evidence(c.Script(), out)}}
}

func (j *judge) pass(observed string) Result {
	j.res.Status, j.res.Observed = Pass, observed
	return j.res
}

func (j *judge) fail(observed, msg string) Result {
	j.res.Status, j.res.Observed, j.res.Message = Fail, observed, msg
	return j.res
}

func (j *judge) error(observed, msg string) Result {
	j.res.Status, j.res.Observed, j.res.Message = Error, observed, msg
	return j.res
}

// runErr reports a probe that did not run, or a shell-level failure common
// to all probes. ok is false when the result is final.
func (j *judge) runErr(out Output) (Result, bool) {
	if out.Err != nil {
		return j.error("probe did not run", "probe did not run: "+out.Err.Error()), false
	}
	return Result{}, true
}

// stepErr turns a section that could not run into an error result: a
// missing step (probe output unparseable), command not found (127), not
// executable (126) or permission denied.
func (j *judge) stepErr(s *section, name, cmd string) (Result, bool) {
	switch {
	case s == nil:
		return j.error("unparseable probe output", fmt.Sprintf("probe output has no %q step; the shell on the node may be broken", name)), false
	case s.RC == 127:
		return j.error(cmd+": command not found", cmd+" is not installed on the node (exit 127)"), false
	case s.RC == 126:
		return j.error(cmd+": cannot execute", cmd+" could not be executed (exit 126)"), false
	case s.RC != 0 && (strings.Contains(strings.ToLower(s.Body), "permission denied") || strings.Contains(s.Body, "Operation not permitted")):
		msg := short(s.Body)
		if !strings.HasPrefix(msg, cmd) {
			msg = cmd + ": " + msg
		}
		return j.error("permission denied", msg), false
	}
	return Result{}, true
}
