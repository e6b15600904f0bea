package session

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/evidence"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/runbook"
	"github.com/labdojo/labdojo/internal/sshx"
)

// maxRunbook bounds a runbook file.
const maxRunbook = 4 << 20

// ReplayRequest is what `dojo runbook replay` asks for.
type ReplayRequest struct {
	File string
	// Scenario overrides the scenario the runbook names.
	Scenario string
	// Up carries the image and progress hooks of the fresh instance; its
	// Name, when "", is chosen by Replay (replay-XXXXXX).
	Up UpRequest
	// Progress, if set, is told what happens ("starting", a step, "grading").
	Progress func(ReplayEvent)
	// Keep leaves the instance running afterwards, for inspection.
	Keep bool
}

// ReplayEvent is a step of a replay, for the caller's display.
type ReplayEvent struct {
	Kind  string // "start", "step", "grade", "remove"
	Step  *runbook.Step
	Index int // 1-based step number
	Steps int
}

// ReplayResult is the outcome of following a runbook on a fresh lab.
type ReplayResult struct {
	File, Scenario, Instance string
	// Steps is the number of steps, Ran how many ran to completion.
	Steps, Ran int
	// Failed is the step that failed (nil when every step ran).
	Failed *runbook.StepError
	// Result is the grading of the lab after the steps (also after a
	// failed step: it shows which goals the procedure reached).
	Result *grade.Result
	// Replay is the summary a report carries.
	Replay evidence.Replay
	// Kept is set when the instance was left running.
	Kept bool
}

// Summary is the sentence the issue asks for: "this procedure, followed on
// a fresh lab, passes N/M goals".
func (r *ReplayResult) Summary() string {
	verdict := "below the pass mark"
	switch {
	case r.Replay.Passed:
		verdict = "pass mark reached"
	case r.Failed != nil:
		verdict = "not a pass: a step failed"
	}
	return fmt.Sprintf("This procedure, followed on a fresh lab, passes %d/%d goals (%d/%d points, %s).",
		r.Replay.GoalsPassed, r.Replay.Goals, r.Result.Score, r.Result.MaxScore, verdict)
}

var instanceMetaRE = regexp.MustCompile(`<!--\s*dojo:[^>]*\binstance=([a-z0-9-]+)`)

// Replay brings up a fresh instance of the runbook's scenario, runs the
// runbook's steps on their nodes in order (each with `bash -s`, stopping
// at the first failing command), grades the result and removes the
// instance (also when interrupted). A runbook that cannot run (unreadable,
// unknown scenario or node) is an error before anything is created.
func (s *Service) Replay(ctx context.Context, req ReplayRequest) (*ReplayResult, error) {
	data, err := readBounded(req.File, maxRunbook)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	name := filepath.Base(req.File)
	rb, err := runbook.Parse(bytes.NewReader(data), req.File)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	ref := req.Scenario
	if ref == "" {
		ref = rb.Scenario
	}
	if ref == "" {
		return nil, inputf("%s names no scenario (a `<!-- dojo: scenario=NAME -->` line, as `dojo runbook draft` writes): give --scenario", req.File)
	}
	ls, err := LoadScenario(ctx, ref)
	if err != nil {
		return nil, err
	}
	labRef, err := LabRef(ls.Scenario.Lab, ls.Scenario.Dir, ls.Bundled)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	ll, err := LoadLab(ctx, labRef, lab.Options{})
	if err != nil {
		return nil, err
	}
	var nodes []string
	for _, n := range ll.Lab.Nodes {
		nodes = append(nodes, n.Name)
	}
	if len(rb.Steps) == 0 {
		return nil, inputf("%s has no runnable step (```sh node=NAME blocks)", req.File)
	}
	if err := runbook.CheckNodes(rb.Steps, req.File, nodes); err != nil {
		return nil, &InputError{Err: err}
	}
	sum := sha256.Sum256(data)
	out := &ReplayResult{File: req.File, Scenario: ls.Scenario.Name, Steps: len(rb.Steps), Instance: replayName()}
	out.Replay = evidence.Replay{Runbook: name, RunbookHash: hex.EncodeToString(sum[:]), Time: time.Now().UTC()}
	progress := func(e ReplayEvent) {
		if req.Progress != nil {
			req.Progress(e)
		}
	}

	up := req.Up
	if up.Name != "" {
		out.Instance = up.Name
	}
	up.Name = out.Instance
	progress(ReplayEvent{Kind: "start", Steps: len(rb.Steps)})
	defer func() {
		if out.Kept {
			return
		}
		progress(ReplayEvent{Kind: "remove"})
		// The instance is dojo's own: remove it also after Ctrl-C.
		_, _ = s.Down(context.WithoutCancel(ctx), []string{out.Instance}, false, true)
	}()
	if _, err := s.Start(ctx, ls.Source, up, nil); err != nil {
		return nil, fmt.Errorf("fresh instance of %q: %w", ls.Scenario.Name, err)
	}
	if err := s.runSteps(ctx, out, rb.Steps, req.File, progress); err != nil {
		return nil, err
	}
	progress(ReplayEvent{Kind: "grade"})
	g, err := s.Grader(ctx, out.Instance)
	if err != nil {
		return nil, err
	}
	res, err := g.Round(ctx, nil)
	g.Close()
	if err != nil {
		return nil, err
	}
	if res.Cancelled {
		return nil, ctx.Err()
	}
	out.Result = res
	out.Replay.Goals, out.Replay.GoalsPassed, out.Replay.Passed = len(res.Goals), res.Count(grade.StatusPassed), res.Passed && out.Failed == nil
	out.Kept = req.Keep
	if inst := instanceMetaRE.FindSubmatch(data); inst != nil {
		if meta := s.knownState(string(inst[1])); meta != nil && meta.Scenario == ls.Scenario.Name {
			_ = s.Store().AppendReplay(meta.Name, out.Replay) // the report of the instance the runbook came from
		}
	}
	return out, nil
}

// runSteps runs the steps in order; the first failing one is recorded in
// out.Failed and ends the run.
func (s *Service) runSteps(ctx context.Context, out *ReplayResult, steps []runbook.Step, file string, progress func(ReplayEvent)) error {
	pool, targets, err := s.Engine.Connect(ctx, out.Instance, sshx.PoolOptions{MaxOutput: 1 << 20})
	if err != nil {
		return err
	}
	defer pool.Close()
	for i, st := range steps {
		progress(ReplayEvent{Kind: "step", Step: &steps[i], Index: i + 1, Steps: len(steps)})
		t, ok := targets[st.Node]
		if !ok {
			return fmt.Errorf("%s:%d: node %q: %w", file, st.Fence, st.Node, errNotRunning)
		}
		res, err := pool.Run(ctx, t, "bash -s", strings.NewReader(runbook.Script(st)))
		if err != nil {
			return fmt.Errorf("%s:%d: step on %s: %w", file, st.Fence, st.Node, err)
		}
		if f := runbook.Failure(file, st, res.ExitCode, string(res.Stderr)); f != nil {
			out.Failed = f
			return nil
		}
		out.Ran++
	}
	return nil
}

func replayName() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return "replay-" + hex.EncodeToString(b[:])
}

// readBounded reads a regular file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return b, nil
}

// ErrVerifyFailed wraps every reason a report does not verify.
var ErrVerifyFailed = errors.New("verification failed")

// VerifyReport checks a report file, optionally against an expected
// public key file.
func VerifyReport(file, pubFile string) (*evidence.Verification, error) {
	data, err := readBounded(file, 64<<20)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	var opts evidence.VerifyOptions
	if pubFile != "" {
		pb, err := readBounded(pubFile, 64<<10)
		if err != nil {
			return nil, &InputError{Err: err}
		}
		pk, err := evidence.ParsePublicKey(pb)
		if err != nil {
			return nil, &InputError{Err: fmt.Errorf("%s: %w", pubFile, err)}
		}
		opts.Expected = pk
	}
	v, err := evidence.Verify(data, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", file, ErrVerifyFailed, err)
	}
	return v, nil
}
