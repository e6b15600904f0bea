package runbook

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// failMarker starts the line the wrapped script prints on stderr when a
// command fails.
const failMarker = "dojo-runbook-failed:"

// Script returns the step's script wrapped for a replay with bash
// (`bash -s` on the node, the script on stdin): it stops at the first
// failing command, including one inside a pipeline, and reports its line
// on stderr for Failure to read. Line numbers inside the wrapper match the
// step's own lines.
func Script(s Step) string {
	// Everything on one line ahead of the step keeps $LINENO aligned:
	// line 2 of the wrapper is line 1 of the step.
	return "set -eE -o pipefail; trap 'echo \"" + failMarker + "$((LINENO-1)):$?:${BASH_COMMAND}\" >&2' ERR\n" + s.Script
}

var failRE = regexp.MustCompile(failMarker + `(\d+):(\d+):(.*)`)

// StepError says where a replayed runbook failed.
type StepError struct {
	File    string
	Line    int // file line of the failing command (the block's fence when unknown)
	Node    string
	Section string
	Command string // the failing line as written, "" when unknown
	Exit    int
	Stderr  string // the step's stderr without dojo's marker, trimmed
}

func (e *StepError) Error() string {
	where := fmt.Sprintf("%s:%d: step on %s", e.File, e.Line, e.Node)
	if e.Section != "" {
		where += " (" + e.Section + ")"
	}
	msg := fmt.Sprintf("%s failed with exit code %d", where, e.Exit)
	if e.Command != "" {
		msg += ": " + e.Command
	}
	if e.Stderr != "" {
		last := e.Stderr
		if i := strings.LastIndexByte(last, '\n'); i >= 0 {
			last = last[i+1:]
		}
		msg += ": " + last
	}
	return msg
}

// Failure turns the exit code and stderr of a step run with Script into a
// StepError naming the file line of the failing command (nil when exit is
// 0).
func Failure(file string, s Step, exit int, stderr string) *StepError {
	if exit == 0 {
		return nil
	}
	e := &StepError{File: file, Line: s.Fence, Node: s.Node, Section: s.Section, Exit: exit}
	var rest []string
	for _, l := range strings.Split(stderr, "\n") {
		if m := failRE.FindStringSubmatch(l); m != nil {
			e.Command = strings.TrimSpace(m[3])
			if n, err := strconv.Atoi(m[1]); err == nil && n >= 1 {
				e.Line = s.Line + n - 1
				// The line as written names a failing pipeline better
				// than bash's BASH_COMMAND (its last command only).
				if lines := strings.Split(s.Script, "\n"); n <= len(lines) && strings.TrimSpace(lines[n-1]) != "" {
					e.Command = strings.TrimSpace(lines[n-1])
				}
			}
			continue
		}
		rest = append(rest, l)
	}
	e.Stderr = strings.TrimSpace(strings.Join(rest, "\n"))
	return e
}
