package grade

import (
	"context"
	"errors"
	"fmt"
	"github.com/zclconf/go-cty/cty"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/scenario"
)

// fakeCheck is a hand-written check.Check: it passes when the probe's stdout
// equals want.
type fakeCheck struct {
	node, script string
	want         string
	panics       bool
}

func (c *fakeCheck) Type() string     { return "fake" }
func (c *fakeCheck) Node() string     { return c.node }
func (c *fakeCheck) Describe() string { return "fake " + c.script }
func (c *fakeCheck) Script() string   { return c.script }
func (c *fakeCheck) Judge(out check.Output) check.Result {
	if c.panics {
		panic("boom")
	}
	got := string(out.Stdout)
	r := check.Result{Expected: c.want, Observed: got,
		Evidence: check.Evidence{Command: c.script, ExitCode: out.ExitCode, Output: got}}
	if got == c.want {
		r.Status = check.Pass
	} else {
		r.Status = check.Fail
		r.Message = fmt.Sprintf("got %q", got)
	}
	return r
}

// funcRunner adapts a function to Runner.
type funcRunner func(ctx context.Context, node, script string) check.Output

func (f funcRunner) Run(ctx context.Context, node, script string) check.Output {
	return f(ctx, node, script)
}

// echoRunner answers every probe with its script as stdout, so a check
// passes when want == script.
var echoRunner = funcRunner(func(_ context.Context, _, script string) check.Output {
	return check.Output{Stdout: []byte(script)}
})

func ok(node, name string) check.Check  { return &fakeCheck{node: node, script: name, want: name} }
func bad(node, name string) check.Check { return &fakeCheck{node: node, script: name, want: "other"} }

func byName(t *testing.T, res *Result) map[string]GoalResult {
	t.Helper()
	m := map[string]GoalResult{}
	for _, g := range res.Goals {
		m[g.Name] = g
	}
	return m
}

// runBounded runs Run but fails the test instead of hanging forever.
func runBounded(t *testing.T, ctx context.Context, r Runner, goals []Goal, opts Options) *Result {
	t.Helper()
	ch := make(chan *Result, 1)
	go func() { ch <- Run(ctx, r, goals, opts) }()
	select {
	case res := <-ch:
		return res
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return (deadlock?)")
		return nil
	}
}

func TestNeedsAndSkip(t *testing.T) {
	goals := []Goal{
		{Name: "c", Points: 5, Needs: []string{"b"}, Checks: []check.Check{ok("n1", "c")}},
		{Name: "a", Points: 10, Checks: []check.Check{bad("n1", "a")}},
		{Name: "b", Points: 10, Needs: []string{"a"}, Checks: []check.Check{ok("n1", "b")}},
		{Name: "d", Points: 10, Checks: []check.Check{ok("n2", "d")}},
		{Name: "e", Points: 10, Needs: []string{"d"}, Checks: []check.Check{ok("n2", "e")}},
	}
	res := runBounded(t, context.Background(), echoRunner, goals, Options{})
	g := byName(t, res)
	want := map[string]string{"a": StatusFailed, "b": StatusSkipped, "c": StatusSkipped, "d": StatusPassed, "e": StatusPassed}
	for n, s := range want {
		if g[n].Status != s {
			t.Errorf("goal %s: status %s, want %s (reason %q)", n, g[n].Status, s, g[n].Reason)
		}
	}
	if g["b"].Reason != "needs goal a, which failed" {
		t.Errorf("b reason = %q", g["b"].Reason)
	}
	if g["c"].Reason != "needs goal b, which was skipped" {
		t.Errorf("c reason = %q", g["c"].Reason)
	}
	if len(g["b"].Checks) != 0 {
		t.Errorf("skipped goal ran checks: %+v", g["b"].Checks)
	}
	if res.Goals[0].Name != "c" || res.Goals[1].Name != "a" {
		t.Errorf("goal order not preserved: %v, %v", res.Goals[0].Name, res.Goals[1].Name)
	}
	if !strings.Contains(g["a"].Reason, "fake a on n1 failed") {
		t.Errorf("a reason = %q", g["a"].Reason)
	}
}

// fakeClock advances when a backoff timer is requested, so `within` runs
// instantly and deterministically.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	delays []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) after(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.delays = append(c.delays, d)
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch, func() {}
}

func TestWithinRetriesUntilPass(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	var calls atomic.Int32
	r := funcRunner(func(_ context.Context, node, script string) check.Output {
		if node == "n" && calls.Add(1) < 4 {
			return check.Output{Stdout: []byte("not yet")}
		}
		return check.Output{Stdout: []byte(script)}
	})
	// A sibling check already passes (half done), so waiting can help.
	goals := []Goal{{Name: "w", Points: 10, Within: 20 * time.Second, Checks: []check.Check{ok("n", "up"), ok("m", "base")}}}
	var retries int
	res := runBounded(t, context.Background(), r, goals, Options{Now: clk.Now, after: clk.after,
		Progress: func(e Event) {
			if e.Kind == CheckRetry {
				retries++
			}
		}})
	g := res.Goals[0]
	if g.Status != StatusPassed || g.Attempts != 4 || g.Checks[0].Attempts != 4 {
		t.Fatalf("status %s attempts %d/%d, want passed after 4", g.Status, g.Attempts, g.Checks[0].Attempts)
	}
	if retries != 3 {
		t.Errorf("retry events = %d, want 3", retries)
	}
	want := []time.Duration{250 * time.Millisecond, 375 * time.Millisecond, 562500 * time.Microsecond}
	if fmt.Sprint(clk.delays) != fmt.Sprint(want) {
		t.Errorf("backoff delays %v, want %v", clk.delays, want)
	}
}

func TestWithinGivesUpAtDeadline(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	// Needs met: the learner works on this goal, so it is waited for.
	goals := []Goal{{Name: "pre", Checks: []check.Check{ok("n", "pre")}},
		{Name: "w", Points: 10, Needs: []string{"pre"}, Within: 10 * time.Second, Checks: []check.Check{bad("n", "x")}}}
	res := runBounded(t, context.Background(), echoRunner, goals, Options{Now: clk.Now, after: clk.after})
	g := res.Goals[1]
	if g.Status != StatusFailed {
		t.Fatalf("status %s, want failed", g.Status)
	}
	var total time.Duration
	for i, d := range clk.delays {
		if d > backoffCap {
			t.Errorf("delay %d = %v exceeds cap", i, d)
		}
		total += d
	}
	if total != 10*time.Second {
		t.Errorf("waited %v in total, want exactly the 10s window", total)
	}
	if clk.delays[5] != 1898437500*time.Nanosecond || clk.delays[6] != 2*time.Second {
		t.Errorf("backoff not x1.5 capped at 2s: %v", clk.delays)
	}
	if g.Attempts != len(clk.delays)+1 {
		t.Errorf("attempts %d, delays %d", g.Attempts, len(clk.delays))
	}
	// Deadline is measured from the run start: a goal whose window has
	// already passed gets exactly one attempt.
	clk2 := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	slow := funcRunner(func(_ context.Context, _, s string) check.Output {
		clk2.mu.Lock()
		clk2.t = clk2.t.Add(time.Minute)
		clk2.mu.Unlock()
		return check.Output{Stdout: []byte(s)}
	})
	goals = []Goal{
		{Name: "first", Checks: []check.Check{ok("n", "first")}},
		{Name: "late", Needs: []string{"first"}, Within: 30 * time.Second, Checks: []check.Check{bad("n", "x")}},
	}
	res = runBounded(t, context.Background(), slow, goals, Options{Now: clk2.Now, after: clk2.after})
	if a := res.Goals[1].Attempts; a != 1 {
		t.Errorf("late goal made %d attempts, want 1", a)
	}
}

func TestWithinRealTimers(t *testing.T) {
	// Short real run: the check passes on the second attempt (after a real
	// 250 ms backoff timer).
	var calls atomic.Int32
	r := funcRunner(func(_ context.Context, _, script string) check.Output {
		if calls.Add(1) == 1 {
			return check.Output{Stdout: []byte("no")}
		}
		return check.Output{Stdout: []byte(script)}
	})
	goals := []Goal{{Name: "w", Within: 5 * time.Second, Checks: []check.Check{ok("n", "up"), ok("m", "base")}}}
	res := runBounded(t, context.Background(), funcRunner(func(ctx context.Context, node, script string) check.Output {
		if node == "m" {
			return echoRunner(ctx, node, script)
		}
		return r(ctx, node, script)
	}), goals, Options{})
	if res.Goals[0].Status != StatusPassed || res.Goals[0].Attempts != 2 {
		t.Fatalf("got %s after %d attempts", res.Goals[0].Status, res.Goals[0].Attempts)
	}
}

func TestUnreachableNodeIsError(t *testing.T) {
	r := funcRunner(func(_ context.Context, node, script string) check.Output {
		if node == "down" {
			return check.Output{Err: errors.New("dial tcp 172.20.0.5:22: connect: no route to host")}
		}
		return check.Output{Stdout: []byte(script)}
	})
	goals := []Goal{
		{Name: "e", Points: 10, Checks: []check.Check{ok("up", "a"), ok("down", "b")}},
		{Name: "f", Points: 10, Checks: []check.Check{bad("up", "a"), ok("down", "b")}},
	}
	res := runBounded(t, context.Background(), r, goals, Options{})
	g := byName(t, res)
	if g["e"].Status != StatusError {
		t.Errorf("e: %s, want error", g["e"].Status)
	}
	c := g["e"].Checks[1]
	if c.Status != check.Error || !strings.Contains(c.Message, `node "down" unreachable`) || c.Node != "down" {
		t.Errorf("check result %+v", c)
	}
	if c.Evidence.Command != "b" {
		t.Errorf("evidence command %q", c.Evidence.Command)
	}
	if !strings.Contains(g["e"].Reason, "could not be evaluated") {
		t.Errorf("reason %q", g["e"].Reason)
	}
	if g["f"].Status != StatusFailed {
		t.Errorf("f (fail + error): %s, want failed", g["f"].Status)
	}
}

func TestPanicsAndTimeoutsBecomeErrors(t *testing.T) {
	r := funcRunner(func(ctx context.Context, node, script string) check.Output {
		switch node {
		case "hang":
			<-ctx.Done()
			return check.Output{Err: ctx.Err()}
		case "crash":
			panic("runner exploded")
		}
		return check.Output{Stdout: []byte(script)}
	})
	goals := []Goal{
		{Name: "judge", Checks: []check.Check{&fakeCheck{node: "n", script: "x", panics: true}}},
		{Name: "hang", Timeout: 20 * time.Millisecond, Checks: []check.Check{ok("hang", "x")}},
		{Name: "crash", Checks: []check.Check{ok("crash", "x")}},
		{Name: "empty"},
	}
	res := runBounded(t, context.Background(), r, goals, Options{})
	g := byName(t, res)
	for name, want := range map[string]string{"judge": "panicked: boom", "hang": "timed out after 20ms", "crash": "runner panicked"} {
		gr := g[name]
		if gr.Status != StatusError || !strings.Contains(gr.Checks[0].Message, want) {
			t.Errorf("%s: status %s message %q, want error containing %q", name, gr.Status, gr.Checks[0].Message, want)
		}
	}
	if g["empty"].Status != StatusError || g["empty"].Reason != "goal has no checks" {
		t.Errorf("empty: %+v", g["empty"])
	}
}

func TestConcurrencyBounds(t *testing.T) {
	var (
		mu        sync.Mutex
		perNode   = map[string]int{}
		maxNode   = map[string]int{}
		total     int
		maxTotal  int
		probesRun atomic.Int32
	)
	r := funcRunner(func(ctx context.Context, node, script string) check.Output {
		mu.Lock()
		perNode[node]++
		total++
		maxNode[node] = max(maxNode[node], perNode[node])
		maxTotal = max(maxTotal, total)
		mu.Unlock()
		probesRun.Add(1)
		select {
		case <-time.After(3 * time.Millisecond):
		case <-ctx.Done():
		}
		mu.Lock()
		perNode[node]--
		total--
		mu.Unlock()
		return check.Output{Stdout: []byte(script)}
	})
	var goals []Goal
	for gi := range 12 {
		g := Goal{Name: fmt.Sprintf("g%d", gi), Points: 1}
		for ci := range 10 {
			g.Checks = append(g.Checks, ok(fmt.Sprintf("node%d", (gi+ci)%4), "x"))
		}
		goals = append(goals, g)
	}
	res := runBounded(t, context.Background(), r, goals, Options{Concurrency: 10, PerNode: 3})
	if !res.Passed || res.Score != 12 {
		t.Fatalf("not all passed: %+v", res)
	}
	if probesRun.Load() != 120 {
		t.Errorf("probes run %d, want 120", probesRun.Load())
	}
	if maxTotal > 10 {
		t.Errorf("max in flight %d > 10", maxTotal)
	}
	for n, m := range maxNode {
		if m > 3 {
			t.Errorf("node %s: max in flight %d > 3", n, m)
		}
	}
	if maxTotal < 4 {
		t.Errorf("max in flight only %d: probes are not running concurrently", maxTotal)
	}
}

func TestCancelStopsPromptly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{}, 100)
	r := funcRunner(func(ctx context.Context, node, script string) check.Output {
		started <- struct{}{}
		<-ctx.Done()
		return check.Output{Err: ctx.Err()}
	})
	goals := []Goal{
		{Name: "a", Points: 10, Checks: []check.Check{ok("n", "a"), ok("n", "b")}},
		{Name: "b", Points: 10, Needs: []string{"a"}, Checks: []check.Check{ok("n", "c")}},
		// This one keeps retrying on a one-hour window until cancelled.
		{Name: "c", Points: 10, Within: time.Hour, Checks: []check.Check{bad("m", "c"), ok("m", "c2")}},
	}
	retrying := make(chan struct{})
	var once sync.Once
	progress := func(e Event) {
		if e.Goal == "c" && e.Kind == CheckRetry {
			once.Do(func() { close(retrying) })
		}
	}
	go func() {
		// Cancel once a probe is in flight and c is in its backoff wait.
		<-started
		<-retrying
		cancel()
	}()
	begin := time.Now()
	res := runBounded(t, ctx, funcRunner(func(ctx context.Context, node, script string) check.Output {
		if node == "m" {
			return echoRunner(ctx, node, script)
		}
		return r(ctx, node, script)
	}), goals, Options{Progress: progress})
	if d := time.Since(begin); d > 2*time.Second {
		t.Errorf("Run took %v after cancel", d)
	}
	if !res.Cancelled || res.Passed {
		t.Errorf("cancelled=%v passed=%v", res.Cancelled, res.Passed)
	}
	g := byName(t, res)
	if g["a"].Status != StatusError || !strings.Contains(g["a"].Checks[0].Message, "cancelled") {
		t.Errorf("a: %s %+v", g["a"].Status, g["a"].Checks)
	}
	if g["b"].Status == StatusPassed {
		t.Errorf("b passed")
	}
	if g["c"].Status != StatusFailed {
		t.Errorf("c: %s", g["c"].Status)
	}
}

func TestCycleDoesNotDeadlock(t *testing.T) {
	goals := []Goal{
		{Name: "a", Needs: []string{"b"}, Checks: []check.Check{ok("n", "a")}},
		{Name: "b", Needs: []string{"c"}, Checks: []check.Check{ok("n", "b")}},
		{Name: "c", Needs: []string{"a"}, Checks: []check.Check{ok("n", "c")}},
		{Name: "self", Needs: []string{"self"}, Checks: []check.Check{ok("n", "s")}},
		{Name: "dep", Needs: []string{"a"}, Checks: []check.Check{ok("n", "d")}},
		{Name: "unknown", Needs: []string{"nope"}, Checks: []check.Check{ok("n", "u")}},
		{Name: "fine", Points: 3, Checks: []check.Check{ok("n", "fine")}},
		{Name: "fine", Points: 3, Checks: []check.Check{ok("n", "fine")}},
	}
	res := runBounded(t, context.Background(), echoRunner, goals, Options{})
	if got := res.Goals[0].Reason; got != "dependency cycle: a -> b -> c -> a" {
		t.Errorf("a reason %q", got)
	}
	if got := res.Goals[3].Reason; got != "dependency cycle: self -> self" {
		t.Errorf("self reason %q", got)
	}
	for _, i := range []int{0, 1, 2, 3, 5, 7} {
		if res.Goals[i].Status != StatusError {
			t.Errorf("goal %d %s: %s, want error", i, res.Goals[i].Name, res.Goals[i].Status)
		}
	}
	if res.Goals[4].Status != StatusSkipped || res.Goals[4].Reason != "needs goal a, which ended in error" {
		t.Errorf("dep: %s %q", res.Goals[4].Status, res.Goals[4].Reason)
	}
	if res.Goals[5].Reason != `needs unknown goal "nope"` || !strings.HasPrefix(res.Goals[7].Reason, "duplicate goal name") {
		t.Errorf("reasons %q / %q", res.Goals[5].Reason, res.Goals[7].Reason)
	}
	if res.Goals[6].Status != StatusPassed {
		t.Errorf("fine: %s", res.Goals[6].Status)
	}
}

func TestScoringAndHintPenalties(t *testing.T) {
	goals := []Goal{
		{Name: "a", Points: 10, Checks: []check.Check{ok("n", "a")}},
		{Name: "b", Points: 20, Checks: []check.Check{ok("n", "b")}},
		{Name: "c", Points: 30, Checks: []check.Check{bad("n", "c")}},
		{Name: "d", Points: 5, Checks: []check.Check{ok("n", "d")}},
	}
	pen := map[string]int{"a": 3, "c": 5, "d": 50}
	res := runBounded(t, context.Background(), echoRunner, goals, Options{HintPenalty: pen, PassPercent: 40})
	g := byName(t, res)
	for n, want := range map[string]int{"a": 7, "b": 20, "c": 0, "d": 0} {
		if g[n].Awarded != want {
			t.Errorf("%s awarded %d, want %d", n, g[n].Awarded, want)
		}
		if g[n].HintPenalty != pen[n] {
			t.Errorf("%s hint penalty %d, want %d", n, g[n].HintPenalty, pen[n])
		}
	}
	if res.Score != 27 || res.MaxScore != 65 {
		t.Errorf("score %d/%d, want 27/65", res.Score, res.MaxScore)
	}
	if want := 2700.0 / 65; res.Percent != want {
		t.Errorf("percent %v, want %v", res.Percent, want)
	}
	if !res.Passed || res.PassPercent != 40 {
		t.Errorf("passed=%v pass=%d, want passed at 40%%", res.Passed, res.PassPercent)
	}
	// The pass mark is inclusive, and 0 means every point is needed.
	res = Run(context.Background(), echoRunner, goals[:2], Options{PassPercent: 0})
	if !res.Passed || res.Percent != 100 || res.PassPercent != 100 {
		t.Errorf("all passed: passed=%v percent=%v", res.Passed, res.Percent)
	}
	res = Run(context.Background(), echoRunner, goals[1:3], Options{PassPercent: 40})
	if !res.Passed || res.Score != 20 || res.MaxScore != 50 {
		t.Errorf("20/50 at pass 40: passed=%v", res.Passed)
	}
	res = Run(context.Background(), echoRunner, goals[1:3], Options{PassPercent: 41})
	if res.Passed {
		t.Errorf("20/50 at pass 41 passed")
	}
	res = Run(context.Background(), echoRunner, nil, Options{})
	if !res.Passed || res.MaxScore != 0 {
		t.Errorf("empty run: %+v", res)
	}
}

func TestProgressEvents(t *testing.T) {
	var kinds []string
	goals := []Goal{
		{Name: "a", Checks: []check.Check{ok("n", "a"), ok("n", "b")}},
		{Name: "b", Needs: []string{"x"}},
		{Name: "x", Checks: []check.Check{bad("n", "x")}},
	}
	inCallback := atomic.Int32{}
	Run(context.Background(), echoRunner, goals, Options{Progress: func(e Event) {
		if inCallback.Add(1) > 1 {
			t.Error("progress callback called concurrently")
		}
		defer inCallback.Add(-1)
		kinds = append(kinds, e.Goal+":"+e.Kind.String())
		if e.Kind == GoalDone && e.Result == nil || e.Kind == CheckDone && e.Check == nil {
			t.Errorf("event without payload: %+v", e)
		}
	}})
	count := map[string]int{}
	for _, k := range kinds {
		count[k]++
	}
	want := map[string]int{"a:goal-started": 1, "a:check-done": 2, "a:goal-done": 1, "x:goal-started": 1, "x:check-done": 1, "x:goal-done": 1, "b:goal-done": 1}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Errorf("events %v, want %v", count, want)
	}
}

func TestFromScenario(t *testing.T) {
	rng := hcl.Range{Filename: "scenario.hcl", Start: hcl.Pos{Line: 12, Column: 3}, End: hcl.Pos{Line: 12, Column: 9}}
	s := &scenario.Scenario{Goals: []*scenario.Goal{
		{Name: "g1", Title: "One", Points: 10, Needs: []string{"g0"}, Within: time.Second, Timeout: 2 * time.Second,
			Checks: []*scenario.CheckSpec{{Type: "fake", On: "web"}}},
		{Name: "g2", Checks: []*scenario.CheckSpec{{Type: "fake", On: "db"}, {Type: "bogus", On: "db", Range: rng}}},
	}}
	build := func(spec *scenario.CheckSpec) (check.Check, error) {
		if spec.Type == "bogus" {
			return nil, errors.New("unknown check type")
		}
		return ok(spec.On, spec.Type), nil
	}
	_, err := fromScenario(s, build)
	if err == nil || !strings.Contains(err.Error(), `scenario.hcl:12,3-9: goal "g2" check 2 (bogus on "db"): unknown check type`) {
		t.Fatalf("err = %v", err)
	}
	s.Goals[1].Checks = s.Goals[1].Checks[:1]
	goals, err := fromScenario(s, build)
	if err != nil {
		t.Fatal(err)
	}
	g := goals[0]
	if len(goals) != 2 || g.Name != "g1" || g.Title != "One" || g.Points != 10 || g.Needs[0] != "g0" ||
		g.Within != time.Second || g.Timeout != 2*time.Second || len(g.Checks) != 1 || g.Checks[0].Node() != "web" {
		t.Errorf("goals = %+v", goals)
	}
}

func TestFromScenarioBuildsRealChecks(t *testing.T) {
	s := &scenario.Scenario{Goals: []*scenario.Goal{{Name: "fwd", Checks: []*scenario.CheckSpec{{
		Type: "sysctl", On: "router",
		Fields: map[string]cty.Value{"key": cty.StringVal("net.ipv4.ip_forward"), "value": cty.StringVal("1")},
	}}}}}
	goals, err := FromScenario(s)
	if err != nil || len(goals) != 1 || goals[0].Checks[0].Type() != "sysctl" || goals[0].Checks[0].Node() != "router" {
		t.Fatalf("goals %+v err %v", goals, err)
	}
	s.Goals[0].Checks[0].Type = "bogus"
	if _, err := FromScenario(s); err == nil || !strings.Contains(err.Error(), "Unknown check type") {
		t.Errorf("err = %v", err)
	}
}

func TestWithinDoesNotWaitForNothing(t *testing.T) {
	// An untouched goal (no needs, nothing holds, nothing moves) gets one
	// attempt however long its window.
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	goals := []Goal{{Name: "w", Points: 10, Within: time.Hour, Checks: []check.Check{bad("n", "x"), bad("n", "y")}}}
	var retries int
	res := runBounded(t, context.Background(), echoRunner, goals, Options{Now: clk.Now, after: clk.after,
		Progress: func(e Event) {
			if e.Kind == CheckRetry {
				retries++
			}
		}})
	if g := res.Goals[0]; g.Status != StatusFailed || g.Attempts != 1 || retries != 0 || len(clk.delays) != 0 {
		t.Fatalf("status %s attempts %d retries %d waits %v: want failed at once", g.Status, g.Attempts, retries, clk.delays)
	}
}

func TestWithinWaitsWhileObservationMoves(t *testing.T) {
	// worthWaiting on its own: a changing observation is worth waiting
	// for, a standing one (or a first attempt) of an untouched goal is not.
	// Then a goal whose needs passed is waited for, and the retry events
	// carry its deadline and the time left.
	obs := []string{"1", "2", "3", "3", "3"}
	var calls atomic.Int32
	r := funcRunner(func(_ context.Context, _, script string) check.Output {
		i := int(calls.Add(1)) - 1
		return check.Output{Stdout: []byte(obs[min(i, len(obs)-1)])}
	})
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	prev := []CheckResult{{Result: check.Result{Status: check.Fail, Observed: "1"}}}
	cur := []CheckResult{{Result: check.Result{Status: check.Fail, Observed: "2"}}}
	gl := Goal{Name: "w", Within: time.Hour, Checks: []check.Check{bad("n", "x")}}
	if !worthWaiting(gl, cur, prev, []int{0}) {
		t.Error("a changed observation should be worth waiting for")
	}
	if worthWaiting(gl, cur, cur, []int{0}) {
		t.Error("a standing observation of a goal with nothing passing should not be waited for")
	}
	if worthWaiting(gl, cur, nil, []int{0}) {
		t.Error("a first failed attempt of an untouched goal should not be waited for")
	}
	if faulted := (Goal{Name: "f", Within: time.Hour, Faults: []Fault{{Type: "link-down", Node: "r", Interface: "eth1"}}}); !worthWaiting(faulted, cur, nil, []int{0}) {
		t.Error("a goal under injected faults should be waited for")
	}
	var left []time.Duration
	goals := []Goal{{Name: "pre", Checks: []check.Check{ok("m", "pre")}},
		{Name: "w", Needs: []string{"pre"}, Within: 3 * time.Second, Checks: []check.Check{bad("n", "x")}}}
	res := runBounded(t, context.Background(), funcRunner(func(ctx context.Context, node, script string) check.Output {
		if node == "m" {
			return echoRunner(ctx, node, script)
		}
		return r(ctx, node, script)
	}), goals, Options{Now: clk.Now, after: clk.after, Progress: func(e Event) {
		if e.Kind == CheckRetry {
			if e.Until.IsZero() || e.Left <= 0 {
				t.Errorf("retry event without deadline: %+v", e)
			}
			left = append(left, e.Left)
		}
	}})
	if res.Goals[1].Status != StatusFailed || len(left) == 0 || left[0] != 3*time.Second {
		t.Fatalf("status %s, waits left %v", res.Goals[1].Status, left)
	}
}

// TestReasonsInJapanese: the grader's own texts (a skipped goal's reason,
// an unreachable node, how many checks failed) exist in Japanese, and
// Reason is their English form.
func TestReasonsInJapanese(t *testing.T) {
	r := funcRunner(func(_ context.Context, node, script string) check.Output {
		if node == "down" {
			return check.Output{Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
		}
		return check.Output{Stdout: []byte(script)}
	})
	goals := []Goal{
		{Name: "a", Points: 10, Checks: []check.Check{bad("n1", "a")}},
		{Name: "b", Points: 10, Needs: []string{"a"}, Checks: []check.Check{ok("n1", "b")}},
		{Name: "e", Points: 10, Checks: []check.Check{ok("n1", "x"), ok("down", "y")}},
		{Name: "f", Points: 10, Faults: []Fault{{Type: "link_down", Node: "r2", Interface: "eth2"}}, Checks: []check.Check{ok("n1", "f")}},
	}
	res := runBounded(t, context.Background(), r, goals, Options{Faulter: nopFaulter{}})
	g := byName(t, res)
	for name, want := range map[string][2]string{
		"a": {`fake a on n1 failed: got "a"`, `fake a（n1 で確認）が不合格: got "a"`},
		"b": {"needs goal a, which failed", "前提の課題 a が不合格のため未採点"},
		"e": {"1 of 2 checks could not be evaluated; fake y on down: node \"down\" refused the SSH connection: its sshd is not running. Log in through the engine with `dojo console down`, check the configuration with `sshd -t`, then `service ssh start`",
			"チェック 2 件中 1 件が評価できず。fake y（down で確認）: ノード \"down\" への SSH 接続が拒否されました（sshd が停止しています）。`dojo console down` で Docker 経由でログインし、`sshd -t` で設定を確認してから `service ssh start` で起動してください"},
	} {
		gr := g[name]
		if gr.Reason != want[0] || gr.ReasonIn("en") != want[0] || gr.ReasonIn("ja") != want[1] {
			t.Errorf("%s: reason %q / %q, want %q / %q", name, gr.Reason, gr.ReasonIn("ja"), want[0], want[1])
		}
	}
	c := g["e"].Checks[1]
	if c.ObservedIn("ja") != "結果なし" || c.Observed != "no result" {
		t.Errorf("unreachable check observed %q / %q", c.Observed, c.ObservedIn("ja"))
	}
	if f := g["f"]; len(f.Faults) != 1 || f.Faults[0] != "link eth2 of r2 down" || f.FaultsIn("ja")[0] != "r2 のリンク eth2 をダウン" {
		t.Errorf("faults %q / %q", f.Faults, f.FaultsIn("ja"))
	}
}

// nopFaulter applies every fault as a no-op.
type nopFaulter struct{}

func (nopFaulter) Apply(context.Context, Fault) (Undo, error) {
	return func(context.Context) error { return nil }, nil
}

// TestUnreachableExplained: the usual reasons a node cannot be probed are
// explained in the learner's language with what to do, from the error's
// value (a keeper that cannot reach a node leaves the dial to the pool, so
// the value survives it too: sshx's TestKeeperCannotReachNode).
func TestUnreachableExplained(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	_, _, notRunning := SSHExec(nil, nil)(context.Background(), "n9", "true")
	for _, tc := range []struct {
		err    error
		en, ja string
	}{
		{refused, "refused the SSH connection", "SSH 接続が拒否されました"},
		{fmt.Errorf("node %q: ssh: %w", "n9", refused), "`dojo console n9`", "`dojo console n9` で Docker 経由でログイン"},
		{notRunning, "is not running: its container has stopped (see `dojo status`)", "は停止しています（コンテナが停止中です。`dojo status` で確認できます）"},
		// Text alone is not classified: only the error values are.
		{errors.New("connection refused"), "unreachable: connection refused", "に到達できません: connection refused"},
		{errors.New("ssh: handshake failed: EOF"), `unreachable: ssh: handshake failed: EOF`, "に到達できません: ssh: handshake failed: EOF"},
	} {
		r := funcRunner(func(context.Context, string, string) check.Output { return check.Output{Err: tc.err} })
		res := runBounded(t, context.Background(), r, []Goal{{Name: "g", Points: 1, Checks: []check.Check{ok("n9", "x")}}}, Options{})
		c := res.Goals[0].Checks[0]
		if c.Status != check.Error || !strings.Contains(c.Message, tc.en) || !strings.Contains(c.MessageIn("ja"), tc.ja) {
			t.Errorf("%v: %q / %q", tc.err, c.Message, c.MessageIn("ja"))
		}
	}
}
