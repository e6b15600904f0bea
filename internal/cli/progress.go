package cli

import (
	"sync"
	"time"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/report"
)

// progress renders engine events as one self-updating line on a terminal,
// or as plain lines with -v; nothing in quiet or JSON mode.
type progress struct {
	a                  *app
	mu                 sync.Mutex
	total              int
	nets, nodes, ready int
	live, off          bool
	last, start        time.Time
	rollback           bool
}

func (a *app) newProgress(total int, jsonOut bool) *progress {
	return &progress{a: a, total: total, live: report.IsTerminal(a.streams.Err) && !a.verbose, off: a.quiet || jsonOut, start: time.Now()}
}

func (p *progress) event(ev engine.Event) {
	if p.off {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.a.verbose {
		state := "..."
		if ev.Done {
			state = "done"
		}
		p.a.errOut.printf("  %6.2fs %-8s %-20s %s\n", time.Since(p.start).Seconds(), string(ev.Step), ev.Subject, state)
		return
	}
	switch {
	case ev.Step == engine.StepNetwork && ev.Done:
		p.nets++
	case ev.Step == engine.StepNode && ev.Done:
		p.nodes++
	case ev.Step == engine.StepReady && ev.Done:
		p.ready++
	case ev.Step == engine.StepRollback:
		p.rollback = true
	}
	if p.live && time.Since(p.last) > 50*time.Millisecond {
		p.last = time.Now()
		p.draw()
	}
}

func (p *progress) draw() {
	msg := "  " + p.a.msg(i18n.MsgUpProgress, p.nets, p.nodes, p.total, p.ready, p.total)
	if p.rollback {
		msg = "  " + p.a.msg(i18n.MsgUpRollback)
	}
	p.a.errOut.text("\r\x1b[2K" + msg)
}

// finish clears the progress line; it may be called on a nil progress.
func (p *progress) finish() {
	if p == nil || p.off || !p.live {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.a.errOut.text("\r\x1b[2K")
}
