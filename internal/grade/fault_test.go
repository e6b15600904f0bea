package grade

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/scenario"
)

// fakeLab is a lab whose links can be taken down: a Faulter and a Runner
// sharing state. A probe "path" answers "ok" while no fault is applied and
// "down" while one is, and "redundant" answers "ok" unless two faults are
// applied at once; every probe records whether a fault was active.
type fakeLab struct {
	mu         sync.Mutex
	active     map[string]bool
	log        []string
	failApply  string // fault String() whose Apply fails
	failUndo   bool
	probesInFx []string // probes run while a fault was active
	undoCtxErr []error  // ctx.Err() seen by each undo
}

func newFakeLab() *fakeLab { return &fakeLab{active: map[string]bool{}} }

func (l *fakeLab) Apply(ctx context.Context, f Fault) (Undo, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f.String() == l.failApply {
		l.log = append(l.log, "apply-failed "+f.String())
		return nil, errors.New("no such interface")
	}
	l.active[f.String()] = true
	l.log = append(l.log, "apply "+f.String())
	return func(ctx context.Context) error {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.undoCtxErr = append(l.undoCtxErr, ctx.Err())
		l.log = append(l.log, "undo "+f.String())
		if l.failUndo {
			return errors.New("ip: RTNETLINK answers: Operation not permitted")
		}
		delete(l.active, f.String())
		return nil
	}, nil
}

func (l *fakeLab) Run(ctx context.Context, node, script string) check.Output {
	if strings.HasPrefix(script, "slow") {
		// A long probe: a fault applied meanwhile would overlap it.
		l.mu.Lock()
		if len(l.active) > 0 {
			l.probesInFx = append(l.probesInFx, script+" (start)")
		}
		l.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	l.mu.Lock()
	n := len(l.active)
	l.mu.Unlock()
	if n > 0 {
		time.Sleep(30 * time.Millisecond) // probes under a fault take a while too
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.active) > 0 {
		l.probesInFx = append(l.probesInFx, script)
	}
	l.log = append(l.log, "probe "+script)
	switch {
	case strings.HasPrefix(script, "path"):
		if n == 0 {
			return check.Output{Stdout: []byte("ok")}
		}
		return check.Output{Stdout: []byte("down")}
	case strings.HasPrefix(script, "redundant"):
		if n < 2 {
			return check.Output{Stdout: []byte("ok")}
		}
		return check.Output{Stdout: []byte("down")}
	}
	return check.Output{Stdout: []byte(script)}
}

func want(node, script, out string) check.Check {
	return &fakeCheck{node: node, script: script, want: out}
}

var (
	linkR2 = Fault{Type: scenario.FaultLinkDown, Node: "r2", Interface: "eth2"}
	nodeR3 = Fault{Type: scenario.FaultNodeDown, Node: "r3"}
)

func TestFaultsAppliedAndUndone(t *testing.T) {
	lab := newFakeLab()
	goals := []Goal{
		{Name: "plain", Points: 10, Checks: []check.Check{want("c", "path-1", "ok"), ok("c", "slow-1")}},
		{Name: "plain2", Points: 10, Checks: []check.Check{ok("c", "slow-2")}},
		{Name: "survives-one", Points: 10, Faults: []Fault{linkR2}, Checks: []check.Check{want("c", "redundant-1", "ok")}},
		{Name: "single-path", Points: 10, Faults: []Fault{linkR2}, Checks: []check.Check{want("c", "path-2", "ok")}},
		{Name: "two-faults", Points: 10, Faults: []Fault{linkR2, nodeR3}, Checks: []check.Check{want("c", "redundant-2", "ok")}},
		{Name: "after", Points: 10, Needs: []string{"two-faults", "single-path"}, Checks: []check.Check{want("c", "path-3", "ok")}},
		{Name: "after-ok", Points: 10, Needs: []string{"survives-one"}, Checks: []check.Check{want("c", "path-4", "ok")}},
	}
	res := runBounded(t, context.Background(), lab, goals, Options{Faulter: lab})
	st := map[string]string{}
	for _, g := range res.Goals {
		st[g.Name] = g.Status
	}
	wantSt := map[string]string{"plain": StatusPassed, "survives-one": StatusPassed, "single-path": StatusFailed,
		"two-faults": StatusFailed, "after": StatusSkipped, "after-ok": StatusPassed, "plain2": StatusPassed}
	for n, w := range wantSt {
		if st[n] != w {
			t.Errorf("goal %s: %s, want %s\n%s", n, st[n], w, strings.Join(lab.log, "\n"))
		}
	}
	if len(lab.active) != 0 {
		t.Errorf("faults left applied: %v", lab.active)
	}
	// No probe of a goal without faults ran while a fault was applied.
	for _, p := range lab.probesInFx {
		if strings.HasPrefix(p, "path-1") || strings.HasPrefix(p, "slow") || strings.HasPrefix(p, "path-4") {
			t.Errorf("probe %s of a fault-free goal ran under a fault\n%s", p, strings.Join(lab.log, "\n"))
		}
	}
	// Faults are undone in reverse order.
	log := strings.Join(lab.log, "\n")
	if i, j := strings.Index(log, "undo "+nodeR3.String()), strings.LastIndex(log, "undo "+linkR2.String()); i < 0 || j < i {
		t.Errorf("undo order wrong:\n%s", log)
	}
	g := res.Goals[4]
	if len(g.Faults) != 2 || !strings.Contains(g.Faults[0], "link eth2 of r2 down") || !strings.Contains(g.Faults[1], "node r3 down") {
		t.Errorf("fault descriptions: %q", g.Faults)
	}
}

func TestFaultApplyError(t *testing.T) {
	lab := newFakeLab()
	lab.failApply = nodeR3.String()
	goals := []Goal{{Name: "g", Points: 10, Faults: []Fault{linkR2, nodeR3}, Checks: []check.Check{want("c", "redundant", "ok")}}}
	res := runBounded(t, context.Background(), lab, goals, Options{Faulter: lab})
	g := res.Goals[0]
	if g.Status != StatusError || !strings.Contains(g.Reason, "no such interface") {
		t.Errorf("goal: %s %q", g.Status, g.Reason)
	}
	if len(lab.active) != 0 || !strings.Contains(strings.Join(lab.log, "\n"), "undo "+linkR2.String()) {
		t.Errorf("the fault applied first was not undone: %v", lab.log)
	}
	for _, l := range lab.log {
		if strings.HasPrefix(l, "probe") {
			t.Errorf("checks ran although a fault could not be applied: %v", lab.log)
		}
	}
}

func TestFaultUndoError(t *testing.T) {
	lab := newFakeLab()
	lab.failUndo = true
	goals := []Goal{{Name: "g", Points: 10, Faults: []Fault{linkR2}, Checks: []check.Check{want("c", "redundant", "ok")}}}
	res := runBounded(t, context.Background(), lab, goals, Options{Faulter: lab})
	if g := res.Goals[0]; g.Status != StatusError || !strings.Contains(g.Reason, "may still be degraded") || g.Awarded != 0 {
		t.Errorf("an undo failure must be visible: %s %q", g.Status, g.Reason)
	}
}

// TestFaultUndoneOnCancel: cancelling the run mid-check still undoes the
// fault, with a context that is not cancelled.
func TestFaultUndoneOnCancel(t *testing.T) {
	lab := newFakeLab()
	ctx, cancel := context.WithCancel(context.Background())
	r := funcRunner(func(ctx context.Context, node, script string) check.Output {
		cancel()
		<-ctx.Done()
		return check.Output{Err: ctx.Err()}
	})
	goals := []Goal{{Name: "g", Points: 10, Faults: []Fault{linkR2}, Checks: []check.Check{ok("c", "x")}}}
	res := runBounded(t, ctx, r, goals, Options{Faulter: lab})
	if !res.Cancelled || len(lab.active) != 0 || len(lab.undoCtxErr) != 1 || lab.undoCtxErr[0] != nil {
		t.Errorf("cancelled %v, active %v, undo ctx %v", res.Cancelled, lab.active, lab.undoCtxErr)
	}
}

// TestFaultWithinFromApply: a goal's within window starts when its faults
// are in place, not when grading started.
func TestFaultWithinFromApply(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	lab := newFakeLab()
	var n int
	slowFaulter := faulterFunc(func(ctx context.Context, f Fault) (Undo, error) {
		clk.mu.Lock()
		clk.t = clk.t.Add(time.Minute) // applying took longer than the window
		clk.mu.Unlock()
		return lab.Apply(ctx, f)
	})
	r := funcRunner(func(ctx context.Context, node, script string) check.Output {
		n++
		if n < 3 {
			return check.Output{Stdout: []byte("converging")}
		}
		return check.Output{Stdout: []byte("ok")}
	})
	goals := []Goal{{Name: "g", Points: 10, Within: 10 * time.Second, Faults: []Fault{linkR2}, Checks: []check.Check{want("c", "p", "ok")}}}
	res := runBounded(t, context.Background(), r, goals, Options{Faulter: slowFaulter, Now: clk.Now, after: clk.after})
	if g := res.Goals[0]; g.Status != StatusPassed || g.Attempts != 3 {
		t.Errorf("goal %s after %d attempts: %s", g.Status, g.Attempts, g.Reason)
	}
}

type faulterFunc func(ctx context.Context, f Fault) (Undo, error)

func (f faulterFunc) Apply(ctx context.Context, ft Fault) (Undo, error) { return f(ctx, ft) }

// TestShellFaulter: the default faulter runs its scripts on the fault's
// node through the Runner, and reports a failing script.
func TestShellFaulter(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	exit := 0
	r := funcRunner(func(_ context.Context, node, script string) check.Output {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, node+": "+script)
		return check.Output{ExitCode: exit, Stdout: []byte("no interface eth2 on this node\n")}
	})
	sf := ShellFaulter{Runner: r}
	undo, err := sf.Apply(context.Background(), linkR2)
	if err != nil {
		t.Fatal(err)
	}
	if err := undo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || !strings.HasPrefix(calls[0], "r2: ") || !strings.Contains(calls[0], "'eth2'") ||
		!strings.Contains(calls[0], "ip link set dev \"$i\" down") || !strings.Contains(calls[1], "ip link set dev \"$i\" up") ||
		!strings.Contains(calls[1], "ip -4 route replace") {
		t.Errorf("scripts:\n%s", strings.Join(calls, "\n---\n"))
	}
	// node_down finds every data interface except eth0 on the node.
	calls = nil
	if _, err := sf.Apply(context.Background(), nodeR3); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(calls[0], "ids=''") || !strings.Contains(calls[0], "eth0) ;;") {
		t.Errorf("node_down script:\n%s", calls[0])
	}
	exit = 3
	if _, err := sf.Apply(context.Background(), linkR2); err == nil || !strings.Contains(err.Error(), "no interface eth2") {
		t.Errorf("failing apply: %v", err)
	}
	if _, err := sf.Apply(context.Background(), Fault{Type: scenario.FaultLinkDown, Node: "r2", Interface: "eth0; reboot"}); err == nil {
		t.Error("an interface that is not ethN must be refused")
	}
	if _, err := sf.Apply(context.Background(), Fault{Type: "reboot", Node: "r2"}); err == nil {
		t.Error("unknown fault type accepted")
	}
}

func TestFromScenarioFaults(t *testing.T) {
	s := &scenario.Scenario{Goals: []*scenario.Goal{{Name: "g", Points: 5,
		Faults: []scenario.FaultSpec{{Type: scenario.FaultLinkDown, Node: "r1", Interface: "eth1"}}}}}
	goals, err := fromScenario(s, func(*scenario.CheckSpec) (check.Check, error) { return ok("a", "b"), nil })
	if err != nil || len(goals) != 1 || len(goals[0].Faults) != 1 || goals[0].Faults[0] != (Fault{Type: "link_down", Node: "r1", Interface: "eth1"}) {
		t.Errorf("%v %+v", err, goals)
	}
}
