// Package check implements labdojo's typed, read-only checks. Each check
// renders a POSIX sh probe that runs on a node over SSH without installing
// anything, and judges the probe's output in Go.
package check

import (
	"time"

	"github.com/labdojo/labdojo/internal/i18n"
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

// TextDescriber is a Check whose description exists in every language.
type TextDescriber interface {
	// DescribeText is Describe in every language (its English is Describe).
	DescribeText() i18n.Localizer
}

// DescribeText returns c's description in every language: its
// DescribeText when it has one, else Describe as it is.
func DescribeText(c Check) i18n.Localizer {
	if d, ok := c.(TextDescriber); ok {
		return d.DescribeText()
	}
	return i18n.Raw(c.Describe())
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
	// Text holds Expected, Observed and Message as catalog messages, so a
	// report can print them in the learner's language; the string fields
	// are their English rendering. A nil field (or a nil Text) means the
	// string field is the only form.
	Text *Text
}

// Text is the language-neutral form of a Result's human text.
type Text struct {
	Expected, Observed, Message i18n.Localizer
}

// ExpectedIn returns Expected in lang.
func (r *Result) ExpectedIn(lang string) string {
	if r.Text != nil && r.Text.Expected != nil {
		return r.Text.Expected.In(lang)
	}
	return r.Expected
}

// ObservedIn returns Observed in lang.
func (r *Result) ObservedIn(lang string) string {
	if r.Text != nil && r.Text.Observed != nil {
		return r.Text.Observed.In(lang)
	}
	return r.Observed
}

// ExpectedText returns Expected in every language.
func (r *Result) ExpectedText() i18n.Localizer {
	if r.Text != nil && r.Text.Expected != nil {
		return r.Text.Expected
	}
	return i18n.Raw(r.Expected)
}

// ObservedText returns Observed in every language.
func (r *Result) ObservedText() i18n.Localizer {
	if r.Text != nil && r.Text.Observed != nil {
		return r.Text.Observed
	}
	return i18n.Raw(r.Observed)
}

// MessageText returns Message in every language.
func (r *Result) MessageText() i18n.Localizer {
	if r.Text != nil && r.Text.Message != nil {
		return r.Text.Message
	}
	return i18n.Raw(r.Message)
}

// MessageIn returns Message in lang.
func (r *Result) MessageIn(lang string) string {
	if r.Text != nil && r.Text.Message != nil {
		return r.Text.Message.In(lang)
	}
	return r.Message
}

// Evidence records what was run and what came back, for reports.
type Evidence struct {
	Command  string
	ExitCode int
	// Output is an excerpt (bounded length) of stdout and stderr.
	Output string
}
