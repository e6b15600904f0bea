// Package check implements labdojo's typed, read-only checks. Each check
// renders a POSIX sh probe that runs on a node over SSH without installing
// anything, and judges the probe's output in Go.
package check

import (
	"time"
)

// Status is the outcome of one check.
type Status int

// Check outcomes.
const (
	Pass  Status = iota // the expectation holds
	Fail                // the expectation does not hold
	Error               // the check could not be evaluated (node unreachable, probe broken)
)

// String returns "pass", "fail" or "error".
func (s Status) String() string {
	switch s {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	default:
		return "error"
	}
}

// Check is one typed check of a goal.
type Check interface {
	// Type is the check type name as written in scenario files ("file", "http", ...).
	Type() string
	// Node is the node the probe runs on (the `on` field).
	Node() string
	// Describe is a one-line human description, e.g. `file /etc/ssh/sshd_config mode 0600`
	// (the `title` field when set).
	Describe() string
	// Script is the POSIX sh probe to run on the node. It must not change the node.
	Script() string
	// Judge turns the probe's output into a result.
	Judge(out Output) Result
}

// Output is what running a probe produced.
type Output struct {
	Stdout   []byte
	Stderr   []byte
	ExitCode int
	// Err is set when the probe could not be run at all (SSH failure, timeout).
	Err      error
	Duration time.Duration
}

// Result is the judged outcome of one check, with evidence.
type Result struct {
	Status   Status
	Expected string
	Observed string
	// Message is a one-line explanation for failures and errors.
	Message  string
	Evidence Evidence
}

// Evidence records what was run and what came back, for reports.
type Evidence struct {
	Command  string
	ExitCode int
	// Output is an excerpt (bounded length) of stdout and stderr.
	Output string
}
