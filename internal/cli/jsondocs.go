package cli

import (
	"runtime"
	"time"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/report"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/session"
	"github.com/labdojo/labdojo/internal/state"
)

// Every JSON document dojo prints is an object with a "schema" field naming
// its layout and version, and snake_case keys. docs/cli-json.schema.json
// defines each (and docs/check-json.schema.json the check report);
// TestScripts validates real output against them.
const (
	schemaValidate  = "labdojo.validate/v1"
	schemaLabs      = "labdojo.labs/v1"
	schemaScenarios = "labdojo.scenarios/v1"
	schemaUp        = "labdojo.up/v1"
	schemaStart     = "labdojo.start/v1"
	schemaStatus    = "labdojo.status/v1"
	schemaVersion   = "labdojo.version/v1"
	schemaHistory   = "labdojo.history/v1"
)

type upDoc struct {
	Schema    string              `json:"schema"`
	Instance  string              `json:"instance"`
	Unchanged bool                `json:"unchanged"`
	ElapsedMS int64               `json:"elapsed_ms"`
	Nodes     []engine.NodeStatus `json:"nodes"`
}

func upJSON(res *engine.UpResult) upDoc {
	return upDoc{Schema: schemaUp, Instance: res.Instance, Unchanged: res.Unchanged,
		ElapsedMS: res.Elapsed.Milliseconds(), Nodes: nonNil(res.Nodes)}
}

type startDoc struct {
	Schema   string              `json:"schema"`
	Instance string              `json:"instance"`
	Scenario string              `json:"scenario"`
	Title    string              `json:"title"`
	Nodes    []engine.NodeStatus `json:"nodes"`
	Brief    string              `json:"brief"`
}

// startJSON builds the start document; sc is the scenario localized to
// the learner's language (title and brief).
func startJSON(res *session.StartResult, sc *scenario.Scenario) startDoc {
	return startDoc{Schema: schemaStart, Instance: res.Instance, Scenario: sc.Name,
		Title: sc.Title, Nodes: nonNil(res.Up.Nodes), Brief: sc.Brief}
}

type statusDoc struct {
	Schema    string                   `json:"schema"`
	Instances []*engine.InstanceStatus `json:"instances"`
	// Others run on the engine from another state directory.
	Others []*engine.InstanceStatus `json:"other_state_dirs"`
}

func statusJSON(ov *session.Overview) statusDoc {
	for _, l := range [][]*engine.InstanceStatus{ov.Instances, ov.Others} {
		for _, st := range l {
			st.Nodes = nonNil(st.Nodes)
			for i := range st.Nodes {
				st.Nodes[i].Data = nonNil(st.Nodes[i].Data)
			}
		}
	}
	return statusDoc{Schema: schemaStatus, Instances: ov.Instances, Others: ov.Others}
}

func labsJSON(entries []session.LabEntry) any {
	return map[string]any{"schema": schemaLabs, "labs": nonNil(entries)}
}

func scenariosJSON(rows []session.ScenarioEntry) any {
	return map[string]any{"schema": schemaScenarios, "scenarios": nonNil(rows)}
}

type versionDoc struct {
	Schema      string `json:"schema"`
	Version     string `json:"version"`
	GoVersion   string `json:"go_version"`
	Platform    string `json:"platform"`
	CheckSchema string `json:"check_schema"`
}

func versionJSON() versionDoc {
	return versionDoc{Schema: schemaVersion, Version: version(), GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH, CheckSchema: report.JSONSchema}
}

type historyRun struct {
	Time            string            `json:"time"`
	Scenario        string            `json:"scenario"`
	ScenarioHash    string            `json:"scenario_hash"`
	LabHash         string            `json:"lab_hash"`
	Score           int               `json:"score"`
	MaxScore        int               `json:"max_score"`
	Percent         float64           `json:"percent"`
	Passed          bool              `json:"passed"`
	Goals           map[string]string `json:"goals"`
	DurationSeconds float64           `json:"duration_seconds"`
	// AfterSolve: graded after dojo solve; ScenarioChanged: graded
	// against a scenario file edited since the start.
	AfterSolve      bool `json:"after_solve,omitempty"`
	ScenarioChanged bool `json:"scenario_changed,omitempty"`
}

// historyScript is a solve or setup run of the history.
type historyScript struct {
	Kind            string   `json:"kind"` // solve or setup
	Time            string   `json:"time"`
	Scenario        string   `json:"scenario"`
	ScenarioHash    string   `json:"scenario_hash"`
	LabHash         string   `json:"lab_hash"`
	Nodes           []string `json:"nodes"`
	Result          string   `json:"result"`
	Error           string   `json:"error,omitempty"`
	DurationSeconds float64  `json:"duration_seconds"`
}

// historyHint is a revealed hint.
type historyHint struct {
	Time         string `json:"time"`
	Goal         string `json:"goal"`
	Index        int    `json:"index"`
	Cost         int    `json:"cost"`
	Scenario     string `json:"scenario,omitempty"`
	ScenarioHash string `json:"scenario_hash,omitempty"`
}

type historyDoc struct {
	Schema   string       `json:"schema"`
	Instance string       `json:"instance"`
	Runs     []historyRun `json:"runs"`
	// Scripts are the solve and setup runs, oldest first.
	Scripts []historyScript `json:"scripts"`
	// Hints are the hints revealed, oldest first.
	Hints []historyHint `json:"hints"`
	// Unreadable are lines of the record that could not be decoded.
	Unreadable []string `json:"unreadable"`
}

func historyJSON(inst string, recs []state.HistoryRecord, hints []state.HintRecord, bad []state.LineError) historyDoc {
	d := historyDoc{Schema: schemaHistory, Instance: inst, Runs: []historyRun{}, Scripts: []historyScript{}, Hints: []historyHint{}, Unreadable: []string{}}
	for _, h := range hints {
		d.Hints = append(d.Hints, historyHint{Time: h.Time.UTC().Format(time.RFC3339), Goal: h.Goal, Index: h.Index, Cost: h.Cost,
			Scenario: h.Scenario, ScenarioHash: h.ScenarioHash})
	}
	for _, r := range recs {
		if !r.Graded() {
			d.Scripts = append(d.Scripts, historyScript{Kind: r.Kind, Time: r.Time.UTC().Format(time.RFC3339), Scenario: r.Scenario,
				ScenarioHash: r.ScenarioHash, LabHash: r.LabHash, Nodes: nonNil(r.Nodes), Result: r.Result, Error: r.Error, DurationSeconds: r.Duration})
			continue
		}
		goals := r.Goals
		if goals == nil {
			goals = map[string]string{}
		}
		d.Runs = append(d.Runs, historyRun{Time: r.Time.UTC().Format(time.RFC3339), Scenario: r.Scenario,
			ScenarioHash: r.ScenarioHash, LabHash: r.LabHash, Score: r.Score, MaxScore: r.Max, Percent: r.Percent,
			Passed: r.Passed, Goals: goals, DurationSeconds: r.Duration, AfterSolve: r.AfterSolve, ScenarioChanged: r.ScenarioChanged})
	}
	for _, b := range bad {
		d.Unreadable = append(d.Unreadable, b.Error())
	}
	return d
}

// nonNil makes an empty list render as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
