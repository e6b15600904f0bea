package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/i18n"
)

// LiveText renders grading progress as it happens. In place mode (for a
// terminal, and for `dojo check --watch`) it keeps one line per goal and
// redraws the whole block on every event: cursor up over what it drew last,
// clear to the end of the screen, draw again. Otherwise it appends one line
// per finished goal, which suits logs and pipes. It only writes to its
// io.Writer. It is not safe for concurrent use; grade.Run serialises its
// Progress calls, so Event can be passed as grade.Options.Progress directly.
type LiveText struct {
	w       io.Writer
	s       style
	inPlace bool

	goals []liveGoal
	index map[string]int
	drawn int // lines currently on screen that the next redraw replaces
	err   error
}

type liveGoal struct {
	name, title string
	status      string // running or a goal status
	checks      int    // checks finished
	retries     int
	left        time.Duration // of the goal's `within` window at its last retry
	result      *grade.GoalResult
}

// NewLiveText returns a progress renderer writing to w; inPlace selects
// redraw-in-place mode (use it only when w is a terminal).
func NewLiveText(w io.Writer, opts Options, inPlace bool) *LiveText {
	return &LiveText{w: w, s: style{Options: opts}, inPlace: inPlace, index: map[string]int{}}
}

// Err returns the first write error, if any. Event and Replace stop writing
// after one.
func (l *LiveText) Err() error { return l.err }

// Event records a grading event and updates the display.
func (l *LiveText) Event(e grade.Event) {
	if l.err != nil {
		return
	}
	i, ok := l.index[e.Goal]
	if !ok {
		i = len(l.goals)
		l.index[e.Goal] = i
		l.goals = append(l.goals, liveGoal{name: e.Goal, title: e.Title, status: "running"})
	}
	g := &l.goals[i]
	switch e.Kind {
	case grade.CheckDone:
		g.checks++
	case grade.CheckRetry:
		g.retries++
		g.left = e.Left
	case grade.GoalDone:
		if e.Result != nil {
			r := *e.Result
			g.result = &r
			g.status = r.Status
		}
	}
	if l.inPlace {
		l.redraw()
		return
	}
	if e.Kind == grade.GoalDone && g.result != nil {
		l.write(l.s.goalLine(g.result, 0) + "\n")
	}
}

// Reset forgets the goals seen so far (for the next --watch round); the
// lines on screen stay and are replaced by the next redraw.
func (l *LiveText) Reset() {
	l.goals = nil
	l.index = map[string]int{}
}

// Replace erases the block last drawn in place and writes text instead,
// remembering its height so the next redraw replaces it in turn. In append
// mode it simply writes text. Lines wider than the terminal wrap and make
// the next erase fall short, so render text for the terminal's width.
func (l *LiveText) Replace(text []byte) {
	if l.err != nil {
		return
	}
	if !l.inPlace {
		l.write(string(text))
		return
	}
	t := string(text)
	if t != "" && !strings.HasSuffix(t, "\n") {
		t += "\n"
	}
	var b bytes.Buffer
	l.erase(&b)
	b.WriteString(t)
	l.drawn = strings.Count(t, "\n")
	l.write(b.String())
}

func (l *LiveText) erase(b *bytes.Buffer) {
	if l.drawn > 0 {
		fmt.Fprintf(b, "\x1b[%dA", l.drawn)
	}
	b.WriteString("\r\x1b[J")
}

func (l *LiveText) redraw() {
	var lines []string
	running, done := 0, 0
	for i := range l.goals {
		g := &l.goals[i]
		var line string
		if g.result != nil {
			done++
			line = l.s.goalLine(g.result, maxLabelWidth)
		} else {
			running++
			label := g.title
			if label == "" {
				label = g.name
			}
			detail := l.s.word(i18n.MsgLiveGoal, g.checks, g.retries)
			if g.left > 0 {
				detail = l.s.word(i18n.MsgLiveWaiting, g.left.Round(100*time.Millisecond).String(), g.retries)
			}
			line = fmt.Sprintf("%s %s  %s", l.s.mark("running"), clean(label), l.s.paint(ansiDim, detail))
		}
		lines = append(lines, l.fit(line))
	}
	lines = append(lines, l.fit(l.s.paint(ansiDim, l.s.word(i18n.MsgLiveProgress, done, running))))
	var b bytes.Buffer
	l.erase(&b)
	for _, line := range lines {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	l.drawn = len(lines)
	l.write(b.String())
}

// fit truncates a line to the terminal width so each line takes one row.
// Lines with colour codes are cut on visible characters only approximately
// (codes count as characters), which errs on the short side.
func (l *LiveText) fit(line string) string {
	line = strings.TrimRight(line, " ")
	if l.s.Width <= 1 {
		return line
	}
	if l.s.Color {
		if visibleLen(line) < l.s.Width {
			return line
		}
		return truncate(stripANSI(line), l.s.Width-1, l.s.ell())
	}
	return truncate(line, l.s.Width-1, l.s.ell())
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// visibleLen is the display width of s without its colour codes (a wide
// character takes two columns).
func visibleLen(s string) int { return i18n.Width(stripANSI(s)) }

func (l *LiveText) write(s string) {
	if l.err != nil {
		return
	}
	_, l.err = io.WriteString(l.w, s)
}
