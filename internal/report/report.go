// Package report renders grading results: text (for people, with a live
// progress renderer), versioned JSON, JUnit XML and TAP. Each format is a
// formatter in a plain map; every formatter returns the process exit code.
package report

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/i18n"
)

// Exit codes returned by Write.
const (
	ExitPassed = 0 // the run passed
	ExitFailed = 1 // the run did not pass (or the output could not be written)
	ExitUsage  = 2 // unknown format
)

// Meta describes what was graded, for report headers.
type Meta struct {
	Scenario string // scenario name
	Title    string // scenario title
	Instance string // lab instance name
	Lab      string // lab name
	Track    string
	// PassPercent is the pass mark; 0 means use the Result's.
	PassPercent int
	// Generated is when the report was made (zero: omitted where optional).
	Generated   time.Time
	ToolVersion string
}

// Options tune human-oriented output. Machine formats ignore them.
type Options struct {
	// Color enables ANSI colours.
	Color bool
	// Unicode enables ✔ ✘ ! ○ marks and typographic dashes; otherwise ASCII.
	Unicode bool
	// Verbose also lists passing checks in the text format.
	Verbose bool
	// Lang is the language of the text format's own words (i18n codes;
	// "" is English). Goal titles come localized in the Result.
	Lang string
	// Width, when > 0, truncates live progress lines to fit a terminal this
	// wide, so in-place redraws count lines correctly.
	Width int
}

type formatter func(w io.Writer, res *grade.Result, meta Meta, opts Options) error

// formatters is the registry of output formats.
var formatters = map[string]formatter{
	"text":  writeText,
	"json":  writeJSON,
	"junit": writeJUnit,
	"tap":   writeTAP,
}

// Formats lists the format names Write accepts, sorted.
func Formats() []string {
	names := make([]string, 0, len(formatters))
	for n := range formatters {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Write renders res in the named format to w and returns the exit code:
// ExitPassed when the run passed, ExitFailed when it did not (or writing
// failed), ExitUsage for an unknown format. A cancelled ctx does not stop
// it: an interrupted run's result (Result.Cancelled) is rendered like any
// other, marked cancelled, so CI still gets a well-formed report.
func Write(ctx context.Context, w io.Writer, format string, res *grade.Result, meta Meta, opts Options) (exitCode int, err error) {
	f, ok := formatters[format]
	if !ok {
		return ExitUsage, fmt.Errorf("unknown report format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	if res == nil {
		return ExitFailed, fmt.Errorf("report %s: no result", format)
	}
	if err := f(w, res, meta, opts); err != nil {
		return ExitFailed, fmt.Errorf("report %s: %w", format, err)
	}
	return exitFor(res), nil
}

func exitFor(res *grade.Result) int {
	if res.Passed {
		return ExitPassed
	}
	return ExitFailed
}

// passMark is the effective pass percentage.
func passMark(res *grade.Result, meta Meta) int {
	if meta.PassPercent > 0 {
		return meta.PassPercent
	}
	return res.PassPercent
}

// clean makes probe output safe to print: control characters other than
// newline and tab become visible \xNN escapes, so a node cannot drive the
// user's terminal; invalid UTF-8 becomes U+FFFD.
func clean(s string) string {
	if !needsClean(s) {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			fmt.Fprintf(&b, `\x%02x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func needsClean(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return true
		}
	}
	return false
}

// firstLine returns the first line of s, with a note of how many lines were
// dropped, bounded to limit runes; ell is the ellipsis to use.
func firstLine(s string, limit int, ell string) string {
	s = strings.TrimSpace(s)
	line, rest, more := strings.Cut(s, "\n")
	line = strings.TrimSpace(line)
	if more {
		n := strings.Count(rest, "\n") + 1
		line += fmt.Sprintf(" %s (+%d lines)", ell, n)
	}
	return truncate(line, limit, ell)
}

// truncate bounds s to limit terminal columns (a wide CJK character
// counts as two), ending with ell when cut.
func truncate(s string, limit int, ell string) string {
	if limit <= 0 || i18n.Width(s) <= limit {
		return s
	}
	keep := max(0, limit-i18n.Width(ell))
	var b strings.Builder
	used := 0
	for _, r := range s {
		w := i18n.RuneWidth(r)
		if used+w > keep {
			break
		}
		b.WriteRune(r)
		used += w
	}
	return b.String() + ell
}

// goalLabel is the goal's title, or its name when it has none.
func goalLabel(g *grade.GoalResult) string {
	if g.Title != "" {
		return g.Title
	}
	return g.Name
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}
