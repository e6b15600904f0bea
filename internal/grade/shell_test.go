package grade

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/check"
)

// shellRunner runs probes with the local /bin/sh: a real process per
// probe, honouring ctx, as the SSH runner does on a node.
type shellRunner struct{}

func (shellRunner) Run(ctx context.Context, _, script string) check.Output {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "sh", "-c", script)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	start := time.Now()
	err := cmd.Run()
	out := check.Output{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), Duration: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		out.Err = ctx.Err()
	case errors.As(err, &exit):
		out.ExitCode = exit.ExitCode()
	case err != nil:
		out.Err = err
	}
	return out
}

// exitCheck passes when its script exits 0.
type exitCheck struct{ script string }

func (c exitCheck) Type() string     { return "command" }
func (c exitCheck) Node() string     { return "local" }
func (c exitCheck) Describe() string { return "command " + c.script }
func (c exitCheck) Script() string   { return c.script }
func (c exitCheck) Judge(out check.Output) check.Result {
	r := check.Result{Expected: "exit 0", Observed: fmt.Sprintf("exit %d", out.ExitCode)}
	if out.ExitCode == 0 {
		r.Status = check.Pass
	} else {
		r.Status = check.Fail
	}
	return r
}

func TestRealShellProbes(t *testing.T) {
	var checks []check.Check
	for i := range 100 {
		checks = append(checks, exitCheck{fmt.Sprintf("test %d -ge 0", i)})
	}
	goals := []Goal{
		{Name: "many", Points: 10, Checks: checks},
		{Name: "false", Points: 5, Checks: []check.Check{exitCheck{"exit 3"}}},
		{Name: "slow", Points: 5, Timeout: 100 * time.Millisecond, Checks: []check.Check{exitCheck{"sleep 5"}}},
		{Name: "after", Points: 5, Needs: []string{"many"}, Checks: []check.Check{exitCheck{"true"}}},
	}
	start := time.Now()
	res := runBounded(t, context.Background(), shellRunner{}, goals, Options{PassPercent: 50})
	t.Logf("4 goals, 103 real sh probes (8 per node): %v", time.Since(start))
	g := byName(t, res)
	if g["many"].Status != StatusPassed || g["after"].Status != StatusPassed {
		t.Errorf("many=%s after=%s", g["many"].Status, g["after"].Status)
	}
	if c := g["false"].Checks[0]; g["false"].Status != StatusFailed || c.Observed != "exit 3" {
		t.Errorf("false: %s %+v", g["false"].Status, c)
	}
	if c := g["slow"].Checks[0]; g["slow"].Status != StatusError || !strings.Contains(c.Message, "timed out after 100ms") {
		t.Errorf("slow: %s %q", g["slow"].Status, c.Message)
	}
	if res.Score != 15 || res.MaxScore != 25 || !res.Passed {
		t.Errorf("score %d/%d passed=%v", res.Score, res.MaxScore, res.Passed)
	}
}

func BenchmarkRun100Checks(b *testing.B) {
	var checks []check.Check
	for i := range 100 {
		checks = append(checks, ok(fmt.Sprintf("node%d", i%5), "x"))
	}
	goals := []Goal{{Name: "g", Checks: checks}}
	for b.Loop() {
		Run(context.Background(), echoRunner, goals, Options{})
	}
}
