package session

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/report"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
)

// Grader grades one instance against its scenario, any number of rounds,
// over one SSH pool. Close it when done.
type Grader struct {
	s        *Service
	Instance string
	Scenario *scenario.Scenario
	Meta     report.Meta
	// Warnings are problems found on the way that did not stop grading
	// (for example unreadable lines of hints.jsonl).
	Warnings []error

	goals  []grade.Goal
	runner grade.Runner
	pool   *sshx.Pool
	labSum string
	// started is when the instance was started from the scenario; a
	// solve recorded since marks every run as after_solve.
	started time.Time
	// changed: the scenario file is not the one the instance was started
	// from; every run is marked so in the history.
	changed bool
}

// Grader prepares grading of the named instance (or the only one): it
// loads the instance's scenario, builds its checks, makes sure the grading
// history can be written (before any probe runs) and connects.
func (s *Service) Grader(ctx context.Context, name string) (*Grader, error) {
	is, err := s.scenarioOf(ctx, name)
	if err != nil {
		return nil, err
	}
	sc := is.Loaded.Scenario.Localize(s.Lang)
	goals, err := grade.FromScenario(sc)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	if err := s.Store().CheckWritable(is.Instance); err != nil {
		return nil, err
	}
	pool, targets, err := s.connect(ctx, is.Instance, sshx.PoolOptions{MaxOutput: 64 << 20})
	if err != nil {
		return nil, err
	}
	g := &Grader{
		s: s, Instance: is.Instance, Scenario: sc, goals: goals, pool: pool, labSum: is.Meta.LabHash, started: is.Meta.Started,
		runner: grade.NewBatcher(grade.SSHExec(pool, targets)),
		Meta: report.Meta{Scenario: sc.Name, Title: sc.Title, Instance: is.Instance, Lab: sc.Lab, Track: sc.Track,
			PassPercent: sc.Pass, ToolVersion: s.Version},
	}
	if solved, err := s.solvedSince(is.Instance, sc.Name, is.Meta.Started); err == nil && solved {
		g.Warnings = append(g.Warnings, i18n.Errorf(i18n.MsgAfterSolve, is.Instance))
	}
	if started := is.Meta.ScenarioHash; started != "" && started != is.Loaded.Scenario.Hash {
		g.changed = true
		g.Warnings = append(g.Warnings, i18n.Errorf(i18n.MsgScenarioChanged, sc.Name, is.Instance))
	}
	return g, nil
}

// Close releases the SSH connections.
func (g *Grader) Close() error { return g.pool.Close() }

// Round grades once, with the hint penalties recorded so far, and appends
// the run to the history. progress, if set, receives grading events. A
// cancelled round returns its partial result and is not recorded.
func (g *Grader) Round(ctx context.Context, progress func(grade.Event)) (*grade.Result, error) {
	penalty, err := g.s.hintPenalties(g)
	if err != nil {
		return nil, err
	}
	opts := grade.BatchOptions(grade.Options{PassPercent: g.Scenario.Pass, HintPenalty: penalty, Progress: progress})
	res := grade.Run(ctx, g.runner, g.goals, opts)
	g.Meta.Generated = time.Now().UTC()
	if res.Cancelled {
		return res, nil
	}
	h := historyOf(g.Scenario, g.labSum, res)
	h.ScenarioChanged = g.changed
	if h.AfterSolve, err = g.s.solvedSince(g.Instance, g.Scenario.Name, g.started); err != nil {
		return res, err
	}
	return res, g.s.Store().AppendHistory(g.Instance, h)
}

// solvedSince reports whether the history of instance records a solve of
// scenario (successful or not: a failed one may have applied part of the
// solution) at or after started, the time the instance was started from
// it. Unreadable lines are not solves.
func (s *Service) solvedSince(instance, scenario string, started time.Time) (bool, error) {
	recs, _, err := s.Store().History(instance)
	if err != nil {
		return false, err
	}
	return SolvedSince(recs, scenario, started), nil
}

// SolvedSince reports whether recs hold a solve of scenario at or after
// started (a second's slack for clocks truncated on the way).
func SolvedSince(recs []state.HistoryRecord, scenario string, started time.Time) bool {
	for _, r := range recs {
		if r.Kind == state.KindSolve && r.Scenario == scenario && !r.Time.Before(started.Add(-time.Second)) {
			return true
		}
	}
	return false
}

func historyOf(sc *scenario.Scenario, labHash string, res *grade.Result) state.HistoryRecord {
	h := state.HistoryRecord{Kind: state.KindCheck, Time: res.Started.UTC(), Scenario: sc.Name, ScenarioHash: sc.Hash, LabHash: labHash,
		Score: res.Score, Max: res.MaxScore, Percent: res.Percent, Passed: res.Passed, Goals: map[string]string{},
		Duration: res.Duration.Seconds()}
	for _, gr := range res.Goals {
		h.Goals[gr.Name] = gr.Status
	}
	return h
}

// hintPenalties sums the cost of the hints revealed so far, per goal.
func (s *Service) hintPenalties(g *Grader) (map[string]int, error) {
	hints, bad, err := s.Store().Hints(g.Instance)
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		g.Warnings = appendOnce(g.Warnings, b)
	}
	penalty := map[string]int{}
	for _, h := range hints {
		penalty[h.Goal] += h.Cost
	}
	return penalty, nil
}

func appendOnce(errs []error, e error) []error {
	for _, x := range errs {
		if x.Error() == e.Error() {
			return errs
		}
	}
	return append(errs, e)
}

// HintResult is the outcome of asking for a hint.
type HintResult struct {
	Instance string
	Goal     string
	// Hints are all the goal's hints; Index is the one revealed now.
	Hints []string
	Index int
	// AllRevealed is true when every hint was already revealed (nothing
	// new is recorded and Index is -1).
	AllRevealed bool
	Cost        int
	// Warnings are unreadable lines of the hint record.
	Warnings []error
}

// Hint reveals the next hint of goal on the named instance (or the only
// one) and records it. A goal without hints gives an empty Hints.
func (s *Service) Hint(ctx context.Context, name, goal string) (*HintResult, error) {
	is, err := s.scenarioOf(ctx, name)
	if err != nil {
		return nil, err
	}
	sc := is.Loaded.Scenario.Localize(s.Lang)
	g := sc.GoalByName(goal)
	if g == nil {
		var names []string
		for _, x := range sc.Goals {
			names = append(names, x.Name)
		}
		return nil, inputf("scenario %q has no goal %q (goals: %s)", sc.Name, goal, strings.Join(names, ", "))
	}
	out := &HintResult{Instance: is.Instance, Goal: g.Name, Hints: g.Hints, Index: -1}
	if len(g.Hints) == 0 {
		return out, nil
	}
	hints, bad, err := s.Store().Hints(is.Instance)
	if err != nil {
		return nil, err
	}
	for _, b := range bad {
		out.Warnings = append(out.Warnings, b)
	}
	seen := 0
	for _, h := range hints {
		if h.Goal == g.Name {
			seen++
		}
	}
	if seen >= len(g.Hints) {
		out.AllRevealed = true
		return out, nil
	}
	out.Index, out.Cost = seen, sc.HintCost
	if err := s.Store().AppendHint(is.Instance, state.HintRecord{Time: time.Now().UTC(), Goal: g.Name, Index: seen, Cost: sc.HintCost,
		Scenario: sc.Name, ScenarioHash: is.Loaded.Scenario.Hash}); err != nil {
		return nil, err
	}
	return out, nil
}

// Solution is a scenario's reference solution about to be applied.
type Solution struct {
	Instance string
	Scenario *scenario.Scenario
	labHash  string
}

// Solution looks up the reference solution for the named instance (or the
// only one), for the caller to confirm before Solve.
func (s *Service) Solution(ctx context.Context, name string) (*Solution, error) {
	is, err := s.scenarioOf(ctx, name)
	if err != nil {
		return nil, err
	}
	if len(is.Loaded.Scenario.Solution) == 0 {
		return nil, inputf("scenario %q has no reference solution", is.Loaded.Scenario.Name)
	}
	// A solve is always recorded: refuse one the history cannot take.
	if err := s.Store().CheckWritable(is.Instance); err != nil {
		return nil, err
	}
	return &Solution{Instance: is.Instance, Scenario: is.Loaded.Scenario, labHash: is.Meta.LabHash}, nil
}

// Solve applies the solution's scripts and records the solve in the
// history (also when it failed or was interrupted: part of the solution
// may be in place). Every later graded run of the instance is marked
// after_solve.
func (s *Service) Solve(ctx context.Context, sol *Solution) error {
	err := s.runRecorded(ctx, sol.Instance, state.KindSolve, sol.Scenario, sol.labHash, sol.Scenario.Solution, "solution")
	if err != nil {
		return fmt.Errorf("instance %q: %w", sol.Instance, err)
	}
	return nil
}

// runRecorded runs scripts like RunScripts and appends a history record of
// kind (solve or setup) with the outcome. A record that cannot be written
// is an error even when the scripts ran.
func (s *Service) runRecorded(ctx context.Context, instance, kind string, sc *scenario.Scenario, labHash string, scripts []scenario.Script, what string) error {
	if len(scripts) == 0 {
		return nil
	}
	start := time.Now()
	runErr := s.RunScripts(ctx, instance, scripts, what)
	rec := state.HistoryRecord{Kind: kind, Time: start.UTC(), Scenario: sc.Name, ScenarioHash: sc.Hash, LabHash: labHash,
		Goals: map[string]string{}, Duration: time.Since(start).Seconds(), Result: state.ResultOK}
	seen := map[string]bool{}
	for _, x := range scripts {
		if !seen[x.Node] {
			seen[x.Node] = true
			rec.Nodes = append(rec.Nodes, x.Node)
		}
	}
	switch {
	case runErr != nil && ctx.Err() != nil:
		rec.Result, rec.Error = state.ResultCancelled, runErr.Error()
	case runErr != nil:
		rec.Result, rec.Error = state.ResultFailed, runErr.Error()
	}
	if err := s.Store().AppendHistory(instance, rec); err != nil {
		if runErr != nil {
			return fmt.Errorf("%w (and it could not be recorded: %v)", runErr, err)
		}
		return fmt.Errorf("%s ran but could not be recorded: %w", what, err)
	}
	return runErr
}

// History returns an instance's graded runs and the lines of its record
// that could not be read.
func (s *Service) History(ctx context.Context, name string) (string, []state.HistoryRecord, []state.LineError, error) {
	inst, err := s.ResolveInstance(ctx, name)
	if err != nil {
		return "", nil, nil, err
	}
	// An instance neither running nor with state is an input error, not
	// an empty history.
	if err := s.requireKnown(ctx, inst); err != nil {
		return "", nil, nil, err
	}
	recs, bad, err := s.Store().History(inst)
	return inst, recs, bad, err
}

// HintRecords returns the hints revealed on an instance (resolved by
// History) and the lines of their record that could not be read.
func (s *Service) HintRecords(inst string) ([]state.HintRecord, []state.LineError, error) {
	return s.Store().Hints(inst)
}
