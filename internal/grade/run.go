package grade

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/i18n"
)

// Run grades goals with r and returns the scored result; it never returns
// nil. Goals whose needs are met run as soon as those needs finish (a DAG,
// not rounds); all their checks run concurrently within the Concurrency and
// PerNode bounds. Dependency cycles, unknown needs and duplicate names turn
// the goals involved into error results instead of blocking. When ctx is
// cancelled, Run stops waiting promptly: unfinished checks and goals become
// errors and Result.Cancelled is set.
func Run(ctx context.Context, r Runner, goals []Goal, opts Options) *Result {
	g := newGrader(r, opts)
	start := g.now()
	res := &Result{
		Started:     start,
		Goals:       make([]GoalResult, len(goals)),
		PassPercent: g.opts.PassPercent,
	}

	index := make(map[string]int, len(goals))
	for i, gl := range goals {
		if _, dup := index[gl.Name]; !dup {
			index[gl.Name] = i
		}
	}
	invalid := validate(goals, index)

	done := make([]chan struct{}, len(goals))
	for i := range done {
		done[i] = make(chan struct{})
	}
	var wg sync.WaitGroup
	for i := range goals {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[i])
			var gr GoalResult
			if reason, bad := invalid[i]; bad {
				gr = goalError(goals[i], reason)
			} else {
				gr = g.runGoal(ctx, start, goals[i], func(need string) (*GoalResult, error) {
					j := index[need]
					select {
					case <-done[j]:
						return &res.Goals[j], nil
					case <-ctx.Done():
						return nil, ctx.Err()
					}
				})
			}
			gr.HintPenalty = max(0, g.opts.HintPenalty[gr.Name])
			if gr.Status == StatusPassed {
				gr.Awarded = max(0, gr.Points-gr.HintPenalty)
			}
			res.Goals[i] = gr
			g.emit(Event{Kind: GoalDone, Goal: gr.Name, Title: gr.Title, Result: &gr})
		}()
	}
	wg.Wait()

	allPassed := true
	for _, gr := range res.Goals {
		res.MaxScore += max(0, gr.Points)
		res.Score += gr.Awarded
		if gr.Status != StatusPassed {
			allPassed = false
		}
	}
	if res.MaxScore > 0 {
		res.Percent = float64(res.Score) * 100 / float64(res.MaxScore)
		res.Passed = res.Score*100 >= res.PassPercent*res.MaxScore
	} else {
		if allPassed {
			res.Percent = 100
		}
		res.Passed = allPassed
	}
	if ctx.Err() != nil {
		res.Cancelled = true
		res.Passed = false
	}
	res.Duration = g.now().Sub(start)
	return res
}

type grader struct {
	r      Runner
	opts   Options
	global chan struct{}
	// faultGate lets a goal with faults run alone: such goals hold it
	// exclusively, every other goal shares it while its checks run.
	faultGate sync.RWMutex

	mu      sync.Mutex
	perNode map[string]chan struct{}

	emitMu sync.Mutex
}

func newGrader(r Runner, opts Options) *grader {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.PerNode <= 0 {
		opts.PerNode = DefaultPerNode
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PassPercent <= 0 {
		opts.PassPercent = 100
	}
	if opts.after == nil {
		opts.after = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTimer(d)
			return t.C, func() { t.Stop() }
		}
	}
	return &grader{
		r:       r,
		opts:    opts,
		global:  make(chan struct{}, opts.Concurrency),
		perNode: make(map[string]chan struct{}),
	}
}

func (g *grader) now() time.Time { return g.opts.Now() }

func (g *grader) emit(e Event) {
	if g.opts.Progress == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = g.now()
	}
	g.emitMu.Lock()
	defer g.emitMu.Unlock()
	g.opts.Progress(e)
}

// nodeSem returns the semaphore bounding probes on one node.
func (g *grader) nodeSem(node string) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	s, ok := g.perNode[node]
	if !ok {
		s = make(chan struct{}, g.opts.PerNode)
		g.perNode[node] = s
	}
	return s
}

// validate reports goals that cannot run: duplicate names, unknown needs and
// dependency cycles, keyed by goal index.
func validate(goals []Goal, index map[string]int) map[int]string {
	bad := map[int]string{}
	for i, gl := range goals {
		if j := index[gl.Name]; j != i {
			bad[i] = fmt.Sprintf("duplicate goal name %q (also goal %d)", gl.Name, j+1)
			continue
		}
		for _, n := range gl.Needs {
			if _, ok := index[n]; !ok {
				bad[i] = fmt.Sprintf("needs unknown goal %q", n)
				break
			}
		}
	}
	for i := range goals {
		if _, ok := bad[i]; ok {
			continue
		}
		if path := cycleThrough(goals, index, i); path != nil {
			bad[i] = "dependency cycle: " + strings.Join(path, " -> ")
		}
	}
	return bad
}

// cycleThrough returns a needs path from goal i back to itself, or nil.
func cycleThrough(goals []Goal, index map[string]int, i int) []string {
	parent := map[int]int{}
	queue := []int{i}
	seen := map[int]bool{}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, n := range goals[cur].Needs {
			j, ok := index[n]
			if !ok {
				continue
			}
			if j == i {
				// Rebuild i -> ... -> cur -> i.
				path := []string{goals[i].Name}
				var back []string
				for k := cur; k != i; k = parent[k] {
					back = append(back, goals[k].Name)
				}
				for x := len(back) - 1; x >= 0; x-- {
					path = append(path, back[x])
				}
				return append(path, goals[i].Name)
			}
			if !seen[j] {
				seen[j] = true
				parent[j] = cur
				queue = append(queue, j)
			}
		}
	}
	return nil
}

func goalError(gl Goal, reason string) GoalResult {
	return GoalResult{Name: gl.Name, Title: gl.Title, Status: StatusError, Points: gl.Points, Reason: reason}
}

// runGoal waits for the goal's needs, then runs its checks.
func (g *grader) runGoal(ctx context.Context, runStart time.Time, gl Goal, wait func(string) (*GoalResult, error)) (gr GoalResult) {
	gr = GoalResult{Name: gl.Name, Title: gl.Title, Points: gl.Points}
	for _, need := range gl.Needs {
		dep, err := wait(need)
		if err != nil {
			gr.Status = StatusError
			gr.setReason(i18n.M(i18n.MsgGrCancelledWaiting, need, err))
			return gr
		}
		if dep.Status != StatusPassed {
			gr.Status = StatusSkipped
			gr.setReason(i18n.M(i18n.MsgGrNeeds, need, pastTense(dep.Status)))
			return gr
		}
	}
	if err := ctx.Err(); err != nil {
		gr.Status = StatusError
		gr.setReason(i18n.M(i18n.MsgGrCancelled, err))
		return gr
	}
	if len(gl.Checks) == 0 {
		gr.Status = StatusError
		gr.setReason(i18n.M(i18n.MsgGrNoChecks))
		return gr
	}

	if len(gl.Faults) > 0 {
		g.faultGate.Lock()
		defer g.faultGate.Unlock()
		gr.Faults, gr.FaultTexts = faultNames(gl.Faults)
		undo, err := g.applyFaults(ctx, gl.Faults)
		if err != nil {
			gr.Status = StatusError
			gr.Reason = err.Error()
			return gr
		}
		defer func() {
			if err := undo(); err != nil {
				gr.Status = StatusError
				gr.setReason(i18n.M(i18n.MsgGrDegraded, err.Error()))
			}
		}()
		runStart = g.now() // Within counts from the fault
	} else {
		g.faultGate.RLock()
		defer g.faultGate.RUnlock()
	}
	started := g.now()
	g.emit(Event{Kind: GoalStarted, Goal: gl.Name, Title: gl.Title, Time: started})
	timeout := gl.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var deadline time.Time
	if gl.Within > 0 {
		deadline = runStart.Add(gl.Within)
	}

	gr.Checks = g.runChecks(ctx, gl, timeout, deadline)
	gr.Duration = g.now().Sub(started)

	var failed, errored []*CheckResult
	for i := range gr.Checks {
		cr := &gr.Checks[i]
		gr.Attempts = max(gr.Attempts, cr.Attempts)
		switch cr.Status {
		case check.Pass:
		case check.Fail:
			failed = append(failed, cr)
		default:
			errored = append(errored, cr)
		}
	}
	switch {
	case len(failed) > 0:
		gr.Status = StatusFailed
		gr.setReason(reasonFor(failed, len(gr.Checks), i18n.MsgGrChecksFailed))
	case len(errored) > 0:
		gr.Status = StatusError
		gr.setReason(reasonFor(errored, len(gr.Checks), i18n.MsgGrChecksErrored))
	default:
		gr.Status = StatusPassed
	}
	return gr
}

func pastTense(status string) i18n.Msg {
	switch status {
	case StatusFailed:
		return i18n.M(i18n.MsgGrDepFailed)
	case StatusSkipped:
		return i18n.M(i18n.MsgGrDepSkipped)
	default:
		return i18n.M(i18n.MsgGrDepError)
	}
}

func reasonFor(crs []*CheckResult, total int, verb i18n.Key) i18n.Localizer {
	first := crs[0]
	var why i18n.Localizer
	if first.Message != "" {
		why = first.MessageText()
	} else if first.Expected != "" || first.Observed != "" {
		why = i18n.M(i18n.MsgGrExpectedObserved, first.ExpectedText(), first.ObservedText())
	}
	var s i18n.Localizer = i18n.M(i18n.MsgGrSomeChecks, len(crs), total, i18n.M(verb), first.describeText(), first.Node)
	if total == 1 {
		s = i18n.M(i18n.MsgGrOneCheck, first.describeText(), first.Node, i18n.M(verb))
	}
	if why != nil {
		s = i18n.M(i18n.MsgGrWhy, s, why)
	}
	return s
}

// runChecks runs a goal's checks concurrently. With a `within` deadline
// it runs the checks that did not pass again, with backoff, but only while
// waiting can help (see worthWaiting): a goal nobody has started on is
// judged at once instead of being retried until its window closes.
func (g *grader) runChecks(ctx context.Context, gl Goal, timeout time.Duration, deadline time.Time) []CheckResult {
	crs := make([]CheckResult, len(gl.Checks))
	pending := make([]int, len(gl.Checks))
	for i := range pending {
		pending[i] = i
	}
	var prev []CheckResult
	delay := backoffStart
	for attempt := 1; ; attempt++ {
		var wg sync.WaitGroup
		for _, i := range pending {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cr := g.probe(ctx, gl.Checks[i], timeout)
				cr.Attempts = attempt
				crs[i] = cr
			}()
		}
		wg.Wait()
		var failing []int
		for _, i := range pending {
			if crs[i].Status == check.Pass {
				g.emit(Event{Kind: CheckDone, Goal: gl.Name, Title: gl.Title, Check: &crs[i]})
			} else {
				failing = append(failing, i)
			}
		}
		left := time.Duration(0)
		if !deadline.IsZero() {
			left = deadline.Sub(g.now())
		}
		if len(failing) == 0 || left <= 0 || ctx.Err() != nil || !worthWaiting(gl, crs, prev, failing) {
			for _, i := range failing {
				g.emit(Event{Kind: CheckDone, Goal: gl.Name, Title: gl.Title, Check: &crs[i]})
			}
			return crs
		}
		for _, i := range failing {
			g.emit(Event{Kind: CheckRetry, Goal: gl.Name, Title: gl.Title, Check: &crs[i], Until: deadline, Left: left})
		}
		prev = append(prev[:0], crs...)
		ch, stop := g.opts.after(min(delay, left))
		select {
		case <-ch:
		case <-ctx.Done():
			stop()
			for _, i := range failing {
				g.emit(Event{Kind: CheckDone, Goal: gl.Name, Title: gl.Title, Check: &crs[i]})
			}
			return crs
		}
		pending = failing
		delay = min(time.Duration(float64(delay)*backoffFactor), backoffCap)
	}
}

// worthWaiting says whether retrying the failing checks of a goal can
// change the verdict: the learner has met the goal's needs (so the goal
// is being worked on and may be converging: routes, ARP, a daemon
// starting), or some of its checks already pass (half done: the service
// runs but its port is not open yet), or a failing check observed
// something different from its previous attempt (the node is changing),
// or the goal runs under injected faults (the lab should converge).
// A goal of which nothing holds and nothing moves, typically one the
// learner has not started, is not waited for.
func worthWaiting(gl Goal, crs, prev []CheckResult, failing []int) bool {
	// Under an injected fault the lab is expected to converge (failover,
	// retries), so the whole window is waited.
	if len(gl.Faults) > 0 || len(gl.Needs) > 0 || len(failing) < len(crs) {
		return true
	}
	if prev == nil {
		return false
	}
	for _, i := range failing {
		if crs[i].Status != prev[i].Status || crs[i].Observed != prev[i].Observed {
			return true
		}
	}
	return false
}

// probe runs c's script once within the concurrency bounds and judges it.
func (g *grader) probe(ctx context.Context, c check.Check, timeout time.Duration) (cr CheckResult) {
	cr = CheckResult{Node: c.Node(), Type: c.Type(), Describe: c.Describe(), DescribeText: check.DescribeText(c)}
	script := c.Script()
	fail := func(key i18n.Key, a ...any) CheckResult {
		msg, obs := i18n.M(key, a...), i18n.M(i18n.MsgGrNoResult)
		cr.Result = check.Result{
			Status:   check.Error,
			Message:  msg.In(i18n.English),
			Observed: obs.In(i18n.English),
			Evidence: check.Evidence{Command: script, ExitCode: -1},
			Text:     &check.Text{Observed: obs, Message: msg},
		}
		return cr
	}

	node := g.nodeSem(cr.Node)
	select {
	case node <- struct{}{}:
	case <-ctx.Done():
		return fail(i18n.MsgGrCancelledBefore, cr.Node, ctx.Err())
	}
	defer func() { <-node }()
	select {
	case g.global <- struct{}{}:
	case <-ctx.Done():
		return fail(i18n.MsgGrCancelledBefore, cr.Node, ctx.Err())
	}
	defer func() { <-g.global }()

	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if sc, ok := c.(check.SnapshotCheck); ok {
		if sr, ok := g.r.(SnapshotRunner); ok {
			if paths := sc.Reads(); len(paths) > 0 {
				snap, out := sr.Snapshot(pctx, cr.Node, paths)
				if out.Err != nil {
					return g.probeErr(ctx, pctx, fail, cr.Node, timeout, out.Err)
				}
				if res, ok := safeJudgeSnapshot(sc, snap); ok {
					cr.Result = res
					return cr
				}
				// The snapshot cannot decide: run the check's own probe.
			}
		}
	}
	out, perr := safeRun(pctx, g.r, cr.Node, script)
	if perr != nil {
		return fail(i18n.MsgGrProbeOn, cr.Node, perr)
	}
	if out.Err != nil {
		return g.probeErr(ctx, pctx, fail, cr.Node, timeout, out.Err)
	}
	res, jerr := safeJudge(c, out)
	if jerr != nil {
		return fail(i18n.MsgGrJudging, cr.Node, jerr)
	}
	if res.Evidence.Command == "" {
		res.Evidence.Command = script
		res.Evidence.ExitCode = out.ExitCode
	}
	cr.Result = res
	return cr
}

// probeErr turns a probe that did not run into an error result.
func (g *grader) probeErr(ctx, pctx context.Context, fail func(i18n.Key, ...any) CheckResult, node string, timeout time.Duration, err error) CheckResult {
	switch {
	case ctx.Err() != nil:
		return fail(i18n.MsgGrCancelledProbing, node, err)
	case errors.Is(err, context.DeadlineExceeded) || pctx.Err() != nil:
		return fail(i18n.MsgGrTimedOut, node, timeout.String(), err)
	case errors.Is(err, ErrNotRunning):
		return fail(i18n.MsgGrNotRunning, node)
	case errors.Is(err, syscall.ECONNREFUSED):
		// Through a connection keeper too: a keeper that cannot reach the
		// node makes the pool dial it directly, and that dial's error
		// keeps its type.
		return fail(i18n.MsgGrSSHRefused, node, node)
	default:
		return fail(i18n.MsgGrUnreachable, node, err)
	}
}

// safeJudgeSnapshot is JudgeSnapshot with a panic turned into "cannot
// decide", so the check's own probe runs instead.
func safeJudgeSnapshot(c check.SnapshotCheck, s *check.Snapshot) (res check.Result, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			ok = false
		}
	}()
	return c.JudgeSnapshot(s)
}

func safeRun(ctx context.Context, r Runner, node, script string) (out check.Output, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("runner panicked: %v", p)
		}
	}()
	if r == nil {
		return out, errors.New("no runner")
	}
	return r.Run(ctx, node, script), nil
}

func safeJudge(c check.Check, out check.Output) (res check.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("check %s panicked: %v", c.Type(), p)
		}
	}()
	return c.Judge(out), nil
}
