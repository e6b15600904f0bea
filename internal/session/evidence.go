package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	goruntime "runtime"
	"sort"
	"time"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/evidence"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/graph"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/record"
	"github.com/labdojo/labdojo/internal/runbook"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/state"
)

// This file gathers the portfolio evidence of an instance (topology,
// graded runs, hints, recorded commands) for `dojo graph`, `dojo report`
// and `dojo runbook draft`. Everything here only reads: the lab, the
// state directory and the engine's container list. Nothing changes a lab.

// knownState loads an instance's state when name names one in this state
// directory (running or not); nil when it does not.
func (s *Service) knownState(name string) *state.Instance {
	if name == "" || state.ValidName(name) != nil {
		return nil
	}
	meta, err := s.Store().Load(name)
	if err != nil {
		return nil
	}
	return meta
}

// stateOf resolves an instance (name, or the only running one) that has a
// state directory. It works after `dojo down` (not after --purge).
func (s *Service) stateOf(ctx context.Context, name string) (*state.Instance, error) {
	if meta := s.knownState(name); meta != nil {
		return meta, nil
	}
	inst, err := s.ResolveInstance(ctx, name)
	if err != nil {
		return nil, err
	}
	meta, err := s.Store().Load(inst)
	if errors.Is(err, os.ErrNotExist) {
		if names, _ := s.Store().InstanceNames(); len(names) > 0 && name != "" {
			return nil, inputf("no instance %q in %s (instances with a record: %v)", name, s.Store().Root, names)
		}
		return nil, inputf("instance %q has no state in %s", inst, s.Store().Dir(inst))
	}
	if err != nil {
		return nil, err
	}
	return meta, nil
}

// instanceLab loads the lab an instance was brought up from, with its
// variables. The lab file is read again: when it changed since, Changed
// says so (the hashes differ) and the picture shows the file as it is now.
func instanceLab(ctx context.Context, meta *state.Instance) (*lab.Lab, *LoadedScenario, error) {
	opts := lab.Options{Vars: meta.Vars}
	if meta.ScenarioFile != "" {
		ls, err := LoadScenario(ctx, meta.ScenarioFile)
		if err != nil {
			return nil, nil, err
		}
		ref, err := LabRef(ls.Scenario.Lab, ls.Scenario.Dir, ls.Bundled)
		if err != nil {
			return nil, nil, &InputError{Err: err}
		}
		ll, err := LoadLab(ctx, ref, opts)
		if err != nil {
			return nil, nil, err
		}
		return ll.Lab, ls, nil
	}
	for _, ref := range []string{meta.LabFile, meta.Lab} {
		if ref == "" {
			continue
		}
		if _, err := os.Stat(ref); err != nil && ref == meta.LabFile {
			continue
		}
		ll, err := LoadLab(ctx, ref, opts)
		if err == nil {
			return ll.Lab, nil, nil
		}
	}
	return nil, nil, inputf("instance %q: its lab %q (%s) can no longer be found", meta.Name, meta.Lab, meta.LabFile)
}

// GraphOf returns the topology of ref: an instance (running or with a
// state record) or a lab reference; "" means the only running instance.
func (s *Service) GraphOf(ctx context.Context, ref, lang string) (*graph.Graph, error) {
	if meta := s.knownState(ref); meta != nil {
		l, _, err := instanceLab(ctx, meta)
		if err != nil {
			return nil, err
		}
		return langGraph(l, lang), nil
	}
	if ref != "" {
		ll, err := LoadLab(ctx, ref, lab.Options{})
		if err != nil {
			return nil, err
		}
		return langGraph(ll.Lab, lang), nil
	}
	meta, err := s.stateOf(ctx, "")
	if err != nil {
		return nil, err
	}
	l, _, err := instanceLab(ctx, meta)
	if err != nil {
		return nil, err
	}
	return langGraph(l, lang), nil
}

// LabGraph returns the topology of a lab reference without touching the
// engine (`dojo graph LAB` works with no engine at all).
func LabGraph(ctx context.Context, ref, lang string) (*graph.Graph, error) {
	ll, err := LoadLab(ctx, ref, lab.Options{})
	if err != nil {
		return nil, err
	}
	return langGraph(ll.Lab, lang), nil
}

func langGraph(l *lab.Lab, lang string) *graph.Graph {
	g := graph.FromLab(l)
	g.Lang = lang
	return g
}

// ReportRequest is what `dojo report` asks for.
type ReportRequest struct {
	Instance string
	Learner  string
	Lang     string
	Now      time.Time
}

// Report is the evidence of an instance, ready to sign and render.
type Report struct {
	Evidence *evidence.Evidence
	// Warnings are records that could not be read (left out of the report).
	Warnings []error
}

// Report assembles the portfolio evidence of an instance from its state:
// the last graded run and the history, the hints revealed, the command
// logs of its recorded sessions and the topology. It never grades and
// never changes the lab; an instance removed with `dojo down` (not
// --purge) still reports.
func (s *Service) Report(ctx context.Context, req ReportRequest) (*Report, error) {
	meta, err := s.stateOf(ctx, req.Instance)
	if err != nil {
		return nil, err
	}
	if meta.Scenario == "" {
		return nil, inputf("instance %q runs a lab without a scenario: a report needs a graded scenario (`dojo start SCENARIO`, then `dojo check`)", meta.Name)
	}
	l, ls, err := instanceLab(ctx, meta)
	if err != nil {
		return nil, err
	}
	sc := ls.Scenario
	hist, badH, err := s.Store().History(meta.Name)
	if err != nil {
		return nil, err
	}
	out := &Report{}
	for _, b := range badH {
		out.Warnings = append(out.Warnings, b)
	}
	var runs []state.HistoryRecord
	var solves []evidence.SolutionRun
	for _, h := range hist {
		if h.Scenario != sc.Name || h.Time.Before(meta.Started.Add(-time.Second)) {
			continue
		}
		switch {
		case h.Graded():
			runs = append(runs, h)
		case h.Kind == state.KindSolve:
			solves = append(solves, evidence.SolutionRun{Time: h.Time, Nodes: h.Nodes, Result: h.Result})
		}
	}
	if len(runs) == 0 {
		return nil, inputf("instance %q has no graded run of %q yet: run `dojo check` first", meta.Name, sc.Name)
	}
	hints, badK, err := s.Store().Hints(meta.Name)
	if err != nil {
		return nil, err
	}
	for _, b := range badK {
		out.Warnings = append(out.Warnings, b)
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	e := &evidence.Evidence{
		Lang: req.Lang, Learner: req.Learner, Generated: now, Started: meta.Started, Instance: meta.Name,
		Scenario: evidence.Scenario{Name: sc.Name, Title: sc.Title, Track: sc.Track, Level: sc.Level, Lab: l.Name, Minutes: sc.Minutes},
		Topology: langGraph(l, req.Lang),
		Environment: evidence.Environment{DojoVersion: s.Version, ImageID: s.imageOf(ctx, meta.Name),
			LabHash: meta.LabHash, ScenarioHash: meta.ScenarioHash, OS: goruntime.GOOS, Arch: goruntime.GOARCH},
	}
	if e.Environment.ScenarioHash == "" {
		e.Environment.ScenarioHash = sc.Hash
	}
	var eh []evidence.Hint
	penalty := map[string]int{}
	for _, h := range hints {
		eh = append(eh, evidence.Hint{Time: h.Time, Goal: h.Goal, Index: h.Index, Cost: h.Cost})
		penalty[h.Goal] += h.Cost
	}
	hr := make([]evidence.HistoryRun, len(runs))
	for i, h := range runs {
		hr[i] = evidence.HistoryRun{Time: h.Time, Score: h.Score, Max: h.Max, Percent: h.Percent, Passed: h.Passed, DurationSeconds: h.Duration, Goals: h.Goals,
			AfterSolve: h.AfterSolve || solvedBefore(solves, h.Time)}
	}
	e.Fill(resultFromHistory(sc, runs[len(runs)-1], penalty), hr, eh)
	e.Solutions = solves
	logs, warn := s.commandLogs(meta.Name, l)
	out.Warnings = append(out.Warnings, warn...)
	for _, nl := range logs {
		e.Procedure = append(e.Procedure, evidence.Procedure(nl.Node, nl.Commands))
	}
	if reps, _, _ := state.Replays[evidence.Replay](s.Store(), meta.Name); len(reps) > 0 {
		last := reps[len(reps)-1]
		e.Replay = &last
	}
	e.Redact()
	out.Evidence = e
	return out, nil
}

// solvedBefore reports whether a solve in solves happened at or before t.
func solvedBefore(solves []evidence.SolutionRun, t time.Time) bool {
	for _, x := range solves {
		if !x.Time.After(t) {
			return true
		}
	}
	return false
}

// resultFromHistory rebuilds the outcome of a graded run from its history
// record: statuses as recorded, points as the scenario gives them, hint
// penalties as recorded when the run was graded.
func resultFromHistory(sc *scenario.Scenario, h state.HistoryRecord, penalty map[string]int) *grade.Result {
	res := &grade.Result{Started: h.Time, Duration: time.Duration(h.Duration * float64(time.Second)),
		Score: h.Score, MaxScore: h.Max, Percent: h.Percent, PassPercent: sc.Pass, Passed: h.Passed}
	for _, g := range sc.Goals {
		st, ok := h.Goals[g.Name]
		if !ok {
			st = grade.StatusSkipped
		}
		gr := grade.GoalResult{Name: g.Name, Title: g.Title, Status: st, Points: g.Points, HintPenalty: penalty[g.Name]}
		if st == grade.StatusPassed {
			gr.Awarded = max(0, g.Points-gr.HintPenalty)
		}
		res.Goals = append(res.Goals, gr)
	}
	return res
}

// imageOf is the image ID of the instance's nodes ("" when none runs).
func (s *Service) imageOf(ctx context.Context, instance string) string {
	cs, err := s.Engine.RT.ListContainers(ctx, engine.InstanceLabels(instance))
	if err != nil {
		return ""
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Name < cs[j].Name })
	for _, c := range cs {
		if c.Labels[runtime.LabelNode] != "" && c.Image != "" {
			return c.Image
		}
	}
	return ""
}

// commandLogs reads the recorded command logs of an instance, in the
// lab's node order (nodes no longer in the lab last).
func (s *Service) commandLogs(instance string, l *lab.Lab) ([]runbook.NodeLog, []error) {
	nodes, err := s.Store().CommandLogs(instance)
	if err != nil {
		return nil, []error{err}
	}
	order := map[string]int{}
	for i, n := range l.Nodes {
		order[n.Name] = i
	}
	sort.SliceStable(nodes, func(i, j int) bool {
		oi, ok1 := order[nodes[i]]
		oj, ok2 := order[nodes[j]]
		if ok1 != ok2 {
			return ok1
		}
		return oi < oj
	})
	var out []runbook.NodeLog
	var warn []error
	for _, n := range nodes {
		p := s.Store().CommandLogFile(instance, n)
		f, err := os.Open(p)
		if err != nil {
			warn = append(warn, err)
			continue
		}
		cmds, err := record.ReadCommands(f)
		f.Close()
		if err != nil {
			warn = append(warn, fmt.Errorf("%s: %w", p, err))
		}
		if len(cmds) > 0 {
			out = append(out, runbook.NodeLog{Node: n, Commands: cmds})
		}
	}
	return out, warn
}

// SigningKey returns the learner's own report key (made on first use, in
// the state directory) when path is "", else the instructor key at path;
// passphrase is asked for an encrypted key.
func (s *Service) SigningKey(path string, passphrase func() ([]byte, error)) (*evidence.Signer, error) {
	if path == "" {
		return evidence.LearnerKey(s.Store().ReportKeyFile())
	}
	k, err := evidence.LoadKey(path, passphrase)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	return k, nil
}

// DraftRequest is what `dojo runbook draft` asks for.
type DraftRequest struct {
	Instance string
	Lang     string
	Now      time.Time
}

// RunbookDraft gathers what runbook.Draft needs for an instance: its
// scenario and lab names and the command logs of its recorded sessions.
func (s *Service) RunbookDraft(ctx context.Context, req DraftRequest) (*runbook.DraftInput, []error, error) {
	meta, err := s.stateOf(ctx, req.Instance)
	if err != nil {
		return nil, nil, err
	}
	l, ls, err := instanceLab(ctx, meta)
	if err != nil {
		return nil, nil, err
	}
	in := &runbook.DraftInput{Lab: l.Name, Instance: meta.Name, Lang: req.Lang, Generated: req.Now, Title: l.Title}
	if ls != nil {
		in.Title, in.Scenario = ls.Scenario.Title, ls.Scenario.Name
	}
	logs, warn := s.commandLogs(meta.Name, l)
	in.Logs = logs
	return in, warn, nil
}
