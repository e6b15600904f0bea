package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/grade"
	"gopkg.in/yaml.v3"
)

// tapDiag is the YAML diagnostic block under a "not ok" line.
type tapDiag struct {
	Message     string        `yaml:"message"`
	Severity    string        `yaml:"severity"`
	Points      int           `yaml:"points"`
	Awarded     int           `yaml:"awarded"`
	HintPenalty int           `yaml:"hint_penalty,omitempty"`
	Attempts    int           `yaml:"attempts,omitempty"`
	DurationMS  int64         `yaml:"duration_ms"`
	Checks      []tapDiagItem `yaml:"checks,omitempty"`
}

type tapDiagItem struct {
	Node     string `yaml:"node"`
	Type     string `yaml:"type"`
	Describe string `yaml:"describe"`
	Status   string `yaml:"status"`
	Expected string `yaml:"expected,omitempty"`
	Observed string `yaml:"observed,omitempty"`
	Message  string `yaml:"message,omitempty"`
	Command  string `yaml:"command,omitempty"`
	ExitCode int    `yaml:"exit_code"`
	Output   string `yaml:"output,omitempty"`
}

// tapText makes s safe for a TAP test line: one line, '#' escaped.
func tapText(s string) string {
	s = strings.Join(strings.Fields(clean(s)), " ")
	s = strings.ReplaceAll(s, `\`, `\\`)
	return strings.ReplaceAll(s, "#", `\#`)
}

func writeTAP(w io.Writer, res *grade.Result, meta Meta, _ Options) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "TAP version 13\n1..%d\n", len(res.Goals))
	if meta.Scenario != "" {
		fmt.Fprintf(bw, "# scenario %s\n", tapText(meta.Scenario+" "+meta.Title))
	}
	for i := range res.Goals {
		g := &res.Goals[i]
		desc := tapText(g.Name)
		if g.Title != "" {
			desc += " - " + tapText(g.Title)
		}
		switch g.Status {
		case grade.StatusPassed:
			fmt.Fprintf(bw, "ok %d - %s\n", i+1, desc)
		case grade.StatusSkipped:
			fmt.Fprintf(bw, "ok %d - %s # SKIP %s\n", i+1, desc, tapText(g.Reason))
		default:
			fmt.Fprintf(bw, "not ok %d - %s\n", i+1, desc)
			if err := writeTAPDiag(bw, g); err != nil {
				return fmt.Errorf("goal %q: %w", g.Name, err)
			}
		}
	}
	verdict := "PASSED"
	if !res.Passed {
		verdict = "FAILED"
	}
	fmt.Fprintf(bw, "# Score %d/%d (%.1f%%) - %s (pass mark %d%%)\n",
		res.Score, res.MaxScore, res.Percent, verdict, passMark(res, meta))
	return bw.Flush()
}

func writeTAPDiag(w io.Writer, g *grade.GoalResult) error {
	d := tapDiag{
		Message: g.Reason, Severity: "fail", Points: g.Points, Awarded: g.Awarded,
		HintPenalty: g.HintPenalty, Attempts: g.Attempts, DurationMS: g.Duration.Milliseconds(),
	}
	if g.Status == grade.StatusError {
		d.Severity = "error"
	}
	for _, c := range g.Checks {
		if c.Status == check.Pass {
			continue
		}
		d.Checks = append(d.Checks, tapDiagItem{
			Node: c.Node, Type: c.Type, Describe: c.Describe, Status: c.Status.String(),
			Expected: c.Expected, Observed: c.Observed, Message: c.Message,
			Command: c.Evidence.Command, ExitCode: c.Evidence.ExitCode, Output: c.Evidence.Output,
		})
	}
	var out strings.Builder
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("yaml diagnostic: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("yaml diagnostic: %w", err)
	}
	var b strings.Builder
	b.WriteString("  ---\n")
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		b.WriteString("  " + line + "\n")
	}
	b.WriteString("  ...\n")
	_, err := io.WriteString(w, b.String())
	return err
}
