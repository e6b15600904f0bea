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

const (
	maxIDWidth      = 24
	maxLabelWidth   = 72
	maxDetailWidth  = 160
	maxObservedRows = 5
)

// style applies marks, colours and typography per Options.
type style struct {
	Options
	// idWidth aligns the titles after goal ids (0: no alignment).
	idWidth int
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func (s style) paint(code, text string) string {
	if !s.Color || text == "" {
		return text
	}
	return code + text + ansiReset
}

func (s style) ell() string {
	if s.Unicode {
		return "…"
	}
	return "..."
}

func (s style) dash() string {
	if s.Unicode {
		return "—"
	}
	return "-"
}

func (s style) dot() string {
	if s.Unicode {
		return " · "
	}
	return ", "
}

// mark returns the coloured status mark for a goal status or "running".
func (s style) mark(status string) string {
	type m struct{ uni, ascii, color string }
	marks := map[string]m{
		grade.StatusPassed:  {"✔", "ok  ", ansiGreen},
		grade.StatusFailed:  {"✘", "FAIL", ansiRed},
		grade.StatusError:   {"!", "ERR ", ansiYellow},
		grade.StatusSkipped: {"○", "skip", ansiDim},
		"running":           {"…", "... ", ansiCyan},
	}
	mk, ok := marks[status]
	if !ok {
		mk = m{"?", "?   ", ""}
	}
	if s.Unicode {
		return s.paint(mk.color, mk.uni)
	}
	return s.paint(mk.color, mk.ascii)
}

func checkStatus(st check.Status) string {
	switch st {
	case check.Pass:
		return grade.StatusPassed
	case check.Fail:
		return grade.StatusFailed
	default:
		return grade.StatusError
	}
}

// pad pads s to width terminal columns; a wide (CJK) character counts
// as two, so Japanese goal titles line up.
func pad(s string, width int) string { return i18n.PadRight(s, width) }

// goalText is a goal's id (what `dojo hint GOAL` takes), then its title.
func (s style) goalText(g *grade.GoalResult) string {
	if g.Title == "" || g.Title == g.Name {
		return clean(g.Name)
	}
	return pad(clean(g.Name), s.idWidth) + "  " + clean(g.Title)
}

// goalLine is the one-line summary of a goal: mark, id and title, points.
func (s style) goalLine(g *grade.GoalResult, labelWidth int) string {
	label := pad(truncate(s.goalText(g), labelWidth, s.ell()), labelWidth)
	pts := fmt.Sprintf("%d/%d", g.Awarded, g.Points)
	line := fmt.Sprintf("%s %s  %7s", s.mark(g.Status), label, pts)
	var notes []string
	if g.HintPenalty > 0 {
		notes = append(notes, s.word(i18n.MsgReportHints, g.HintPenalty))
	}
	if g.Attempts > 1 {
		notes = append(notes, s.word(i18n.MsgReportAttempts, g.Attempts))
	}
	if len(notes) > 0 {
		line += "  " + s.paint(ansiDim, "("+strings.Join(notes, ", ")+")")
	}
	return strings.TrimRight(line, " ")
}

func (s style) labelWidth(res *grade.Result) int {
	w := 0
	for i := range res.Goals {
		w = max(w, i18n.Width(s.goalText(&res.Goals[i])))
	}
	return min(w, maxLabelWidth)
}

func idWidth(res *grade.Result) int {
	w := 0
	for i := range res.Goals {
		w = max(w, i18n.Width(clean(res.Goals[i].Name)))
	}
	return min(w, maxIDWidth)
}

func writeText(w io.Writer, res *grade.Result, meta Meta, opts Options) error {
	s := style{Options: opts, idWidth: idWidth(res)}
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format+"\n", a...) }

	if meta.Scenario != "" || meta.Title != "" {
		head := meta.Scenario
		if meta.Title != "" {
			if head != "" {
				head += " " + s.dash() + " "
			}
			head += meta.Title
		}
		p("%s", s.paint(ansiBold, clean(head)))
		var parts []string
		for _, kv := range [][2]string{{s.word(i18n.MsgReportInstance), meta.Instance}, {s.word(i18n.MsgReportLab), meta.Lab}, {s.word(i18n.MsgReportTrack), meta.Track}} {
			if kv[1] != "" {
				parts = append(parts, kv[0]+" "+clean(kv[1]))
			}
		}
		if len(parts) > 0 {
			p("%s", s.paint(ansiDim, strings.Join(parts, s.dot())))
		}
		p("")
	}

	lw := s.labelWidth(res)
	for i := range res.Goals {
		g := &res.Goals[i]
		p("%s", s.goalLine(g, lw))
		for _, f := range g.FaultsIn(s.Lang) {
			p("    %s", s.paint(ansiDim, clean(i18n.Format(s.Lang, i18n.MsgCheckFault, f))))
		}
		s.goalDetails(bw, g)
	}
	p("")
	if s.english() {
		p("%s", s.paint(ansiDim, fmt.Sprintf("%d passed, %d failed, %d %s, %d skipped in %.1fs",
			res.Count(grade.StatusPassed), res.Count(grade.StatusFailed), res.Count(grade.StatusError),
			plural(res.Count(grade.StatusError), "error", "errors"), res.Count(grade.StatusSkipped), res.Duration.Seconds())))
	} else {
		p("%s", s.paint(ansiDim, i18n.Format(s.Lang, i18n.MsgCheckSummary,
			res.Count(grade.StatusPassed), res.Count(grade.StatusFailed), res.Count(grade.StatusError),
			res.Count(grade.StatusSkipped), res.Duration.Seconds())))
	}
	if res.Cancelled {
		p("%s", s.paint(ansiYellow, i18n.Format(s.Lang, i18n.MsgCheckCancelled)))
	}
	p("%s", s.summary(res, meta))
	return bw.Flush()
}

// summary is the final score line.
func (s style) summary(res *grade.Result, meta Meta) string {
	verdict := s.paint(ansiBold+ansiGreen, i18n.Format(s.Lang, i18n.MsgCheckPassed))
	if !res.Passed {
		verdict = s.paint(ansiBold+ansiRed, i18n.Format(s.Lang, i18n.MsgCheckFailed))
	}
	if !s.english() {
		return i18n.Format(s.Lang, i18n.MsgCheckScore, res.Score, res.MaxScore, res.Percent, verdict, passMark(res, meta))
	}
	return fmt.Sprintf("Score %d/%d (%.1f%%) %s %s (pass mark %d%%)",
		res.Score, res.MaxScore, res.Percent, s.dash(), verdict, passMark(res, meta))
}

// english reports whether the text report is in English, whose lines
// keep their own wording (plurals, the dash); other languages use the
// i18n message catalog.
func (s style) english() bool { return s.Lang == "" || s.Lang == i18n.English }

// word is a message of the i18n catalog in the report's language.
func (s style) word(key i18n.Key, args ...any) string { return i18n.Format(s.Lang, key, args...) }

// goalDetails writes the indented explanation of a goal that did not pass
// (and, when verbose, the list of its passing checks).
func (s style) goalDetails(w io.Writer, g *grade.GoalResult) {
	if g.Status == grade.StatusPassed && !s.Verbose {
		return
	}
	if len(g.Checks) == 0 {
		if r := g.ReasonIn(s.Lang); r != "" {
			fmt.Fprintf(w, "    %s\n", s.paint(ansiDim, clean(r)))
		}
		return
	}
	for i := range g.Checks {
		c := &g.Checks[i]
		if c.Status == check.Pass && !s.Verbose {
			continue
		}
		fmt.Fprintf(w, "    %s %s %s\n", s.mark(checkStatus(c.Status)),
			truncate(clean(c.DescribeIn(s.Lang)), maxDetailWidth, s.ell()), s.paint(ansiDim, s.word(i18n.MsgReportOn, clean(c.Node))))
		if c.Status == check.Pass {
			continue
		}
		field := func(name, value string) {
			if value == "" {
				return
			}
			lines := strings.Split(strings.TrimRight(clean(value), "\n"), "\n")
			extra := 0
			if len(lines) > maxObservedRows {
				extra = len(lines) - maxObservedRows
				lines = lines[:maxObservedRows]
			}
			for j, l := range lines {
				l = truncate(l, maxDetailWidth, s.ell())
				if j == 0 {
					fmt.Fprintf(w, "        %s %s\n", s.paint(ansiDim, pad(name+":", 9)), l)
				} else {
					fmt.Fprintf(w, "        %s %s\n", pad("", 9), l)
				}
			}
			if extra > 0 {
				fmt.Fprintf(w, "        %s %s\n", pad("", 9), s.paint(ansiDim, s.ell()+" "+s.word(i18n.MsgReportMoreLines, extra)))
			}
		}
		field(s.word(i18n.MsgFieldExpected), c.ExpectedIn(s.Lang))
		field(s.word(i18n.MsgFieldObserved), c.ObservedIn(s.Lang))
		if c.Message != "" && c.Message != c.Observed {
			name := s.word(i18n.MsgFieldWhy)
			if c.Status == check.Error {
				name = s.word(i18n.MsgFieldError)
			}
			field(name, c.MessageIn(s.Lang))
		}
		if c.Evidence.Command != "" {
			field(s.word(i18n.MsgFieldCommand), firstLine(clean(personCommand(c.Evidence.Command)), maxDetailWidth, s.ell()))
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
