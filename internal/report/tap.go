package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/i18n"
)

// tapText makes s safe for a TAP test line: one line, '#' escaped.
func tapText(s string) string {
	s = strings.Join(strings.Fields(clean(s)), " ")
	s = strings.ReplaceAll(s, `\`, `\\`)
	return strings.ReplaceAll(s, "#", `\#`)
}

func writeTAP(w io.Writer, res *grade.Result, meta Meta, opts Options) error {
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
			fmt.Fprintf(bw, "ok %d - %s # SKIP %s\n", i+1, desc, tapText(g.ReasonIn(opts.Lang)))
		default:
			fmt.Fprintf(bw, "not ok %d - %s\n", i+1, desc)
			if err := writeTAPDiag(bw, g, opts.Lang); err != nil {
				return fmt.Errorf("goal %q: %w", g.Name, err)
			}
		}
	}
	if res.Cancelled {
		bw.WriteString("# cancelled: grading was interrupted, the result is incomplete\n")
	}
	if opts.Lang != "" && opts.Lang != i18n.English {
		verdict := i18n.Format(opts.Lang, i18n.MsgCheckPassed)
		if !res.Passed {
			verdict = i18n.Format(opts.Lang, i18n.MsgCheckFailed)
		}
		fmt.Fprintf(bw, "# %s\n", i18n.Format(opts.Lang, i18n.MsgCheckScore, res.Score, res.MaxScore, res.Percent, verdict, passMark(res, meta)))
		return bw.Flush()
	}
	verdict := "PASSED"
	if !res.Passed {
		verdict = "FAILED"
	}
	fmt.Fprintf(bw, "# Score %d/%d (%.1f%%) - %s (pass mark %d%%)\n",
		res.Score, res.MaxScore, res.Percent, verdict, passMark(res, meta))
	return bw.Flush()
}

// writeTAPDiag writes the YAML diagnostic block under a "not ok" line in
// the subset of YAML that TAP::Parser's YAMLish reader (prove) and full
// YAML parsers both read: a mapping of plain keys whose string values are
// always one-line double-quoted scalars (newlines as \n), so no block
// scalar (`|-`) and no blank line can end the block early.
func writeTAPDiag(w io.Writer, g *grade.GoalResult, lang string) error {
	severity := "fail"
	if g.Status == grade.StatusError {
		severity = "error"
	}
	var b strings.Builder
	b.WriteString("  ---\n")
	kv := func(indent, key, value string) { fmt.Fprintf(&b, "%s%s: %s\n", indent, key, value) }
	kv("  ", "goal", yamlString(g.Name))
	kv("  ", "message", yamlString(g.ReasonIn(lang)))
	kv("  ", "severity", severity)
	kv("  ", "points", fmt.Sprint(g.Points))
	kv("  ", "awarded", fmt.Sprint(g.Awarded))
	if g.HintPenalty != 0 {
		kv("  ", "hint_penalty", fmt.Sprint(g.HintPenalty))
	}
	if g.Attempts != 0 {
		kv("  ", "attempts", fmt.Sprint(g.Attempts))
	}
	kv("  ", "duration_ms", fmt.Sprint(g.Duration.Milliseconds()))
	first := true
	for _, c := range g.Checks {
		if c.Status == check.Pass {
			continue
		}
		if first {
			b.WriteString("  checks:\n")
			first = false
		}
		fmt.Fprintf(&b, "    - node: %s\n", yamlString(c.Node))
		const in = "      "
		kv(in, "type", yamlString(c.Type))
		kv(in, "describe", yamlString(c.DescribeIn(lang)))
		kv(in, "status", yamlString(c.Status.String()))
		for _, f := range [][2]string{{"expected", c.ExpectedIn(lang)}, {"observed", c.ObservedIn(lang)}, {"message", c.MessageIn(lang)},
			{"command", personCommand(c.Evidence.Command)}} {
			if f[1] != "" {
				kv(in, f[0], yamlString(f[1]))
			}
		}
		kv(in, "exit_code", fmt.Sprint(c.Evidence.ExitCode))
		if c.Evidence.Output != "" {
			kv(in, "output", yamlString(c.Evidence.Output))
		}
	}
	b.WriteString("  ...\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// yamlString is s as a one-line YAML double-quoted scalar. Escapes are
// those YAML and TAP::Parser::YAMLish::Reader share: \\ \" \n \t \r and
// \xNN for other control characters; invalid UTF-8 becomes U+FFFD.
func yamlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
