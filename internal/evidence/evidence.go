// Package evidence builds the portfolio report of a scenario run: a data
// model (Evidence), its renderings as self-contained HTML, GitHub-flavoured
// Markdown and JSON, the redaction of anything that looks like a secret, and
// an ed25519 signature over a canonical form of the data that can be
// verified from any of the three renderings.
//
// The package does no I/O beyond the key files it is pointed at: the session
// layer gathers the data (history, hints, recordings, hashes) and hands it
// over; the command line writes what Render produces.
package evidence

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/graph"
	"github.com/labdojo/labdojo/internal/record"
)

// SchemaVersion identifies the JSON report format; docs/report-json.schema.json
// describes it.
const SchemaVersion = "labdojo.report/v1"

// Evidence is the data of a portfolio report. Field names in JSON are
// snake_case; times are UTC.
type Evidence struct {
	Schema string `json:"schema"`
	// Lang is the language of the rendered labels: "en" or "ja".
	Lang      string    `json:"lang"`
	Learner   string    `json:"learner"`
	Generated time.Time `json:"generated"`
	// Started is when the scenario was started; Finished the last graded
	// run (zero when there was none).
	Started  time.Time    `json:"started"`
	Finished time.Time    `json:"finished,omitzero"`
	Instance string       `json:"instance"`
	Scenario Scenario     `json:"scenario"`
	Topology *graph.Graph `json:"topology"`

	Score       int     `json:"score"`
	MaxScore    int     `json:"max_score"`
	Percent     float64 `json:"percent"`
	PassPercent int     `json:"pass_percent"`
	Passed      bool    `json:"passed"`

	Goals     []Goal          `json:"goals"`
	Timeline  []Run           `json:"timeline"`
	Hints     []Hint          `json:"hints"`
	Procedure []NodeProcedure `json:"procedure"`
	// Replay, when set, states that a runbook followed on a fresh lab was
	// graded.
	Replay *Replay `json:"replay,omitempty"`
	// Solutions lists every time the scenario's reference solution was
	// applied to the instance (dojo solve) since it was started. When
	// set, the result is not the learner's own work and every rendering
	// says so next to the score.
	Solutions   []SolutionRun `json:"solutions,omitempty"`
	Environment Environment   `json:"environment"`
	// Redactions counts the values Redact replaced.
	Redactions int `json:"redactions"`
}

// Scenario names what was practised.
type Scenario struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Track   string `json:"track"`
	Level   int    `json:"level"`
	Lab     string `json:"lab"`
	Minutes int    `json:"minutes,omitempty"`
}

// Goal is one goal's outcome in the last graded run.
type Goal struct {
	Name      string `json:"name"`
	Title     string `json:"title"`
	Status    string `json:"status"` // passed, failed, error, skipped (as grade reports them)
	Points    int    `json:"points"`
	MaxPoints int    `json:"max_points"`
	// FirstPassSeconds is the time from Started to the first graded run
	// that passed the goal; nil when it never passed.
	FirstPassSeconds *int64 `json:"first_pass_seconds"`
	HintsUsed        int    `json:"hints_used"`
	Penalty          int    `json:"penalty"`
}

// SolutionRun is one application of the reference solution (dojo solve).
type SolutionRun struct {
	Time  time.Time `json:"time"`
	Nodes []string  `json:"nodes"`
	// Result is "ok", "failed" or "cancelled" (a failed or cancelled
	// solve may still have applied part of the solution).
	Result string `json:"result"`
}

// Run is one graded run from the history.
type Run struct {
	Time            time.Time `json:"time"`
	Score           int       `json:"score"`
	Max             int       `json:"max"`
	Percent         float64   `json:"percent"`
	Passed          bool      `json:"passed"`
	GoalsPassed     int       `json:"goals_passed"`
	Goals           int       `json:"goals"`
	DurationSeconds float64   `json:"duration_seconds"`
	// AfterSolve marks a run graded after the reference solution was
	// applied.
	AfterSolve bool `json:"after_solve,omitempty"`
}

// Hint is a revealed hint.
type Hint struct {
	Time  time.Time `json:"time"`
	Goal  string    `json:"goal"`
	Index int       `json:"index"`
	Cost  int       `json:"cost"`
}

// NodeProcedure is what the learner typed on one node, in order.
type NodeProcedure struct {
	Node     string    `json:"node"`
	Commands []Command `json:"commands"`
	// Truncated is set when the recording hit its size cap.
	Truncated bool `json:"truncated,omitempty"`
}

// Command is one command line entered.
type Command struct {
	Time time.Time `json:"time"`
	Line string    `json:"line"`
}

// Replay is the result of following a runbook on a fresh lab.
type Replay struct {
	Runbook     string    `json:"runbook"`      // file name
	RunbookHash string    `json:"runbook_hash"` // hex sha256
	Time        time.Time `json:"time"`
	GoalsPassed int       `json:"goals_passed"`
	Goals       int       `json:"goals"`
	Passed      bool      `json:"passed"`
}

// Environment is where the run happened.
type Environment struct {
	DojoVersion  string `json:"dojo_version"`
	ImageID      string `json:"image_id"`
	LabHash      string `json:"lab_hash"`
	ScenarioHash string `json:"scenario_hash"`
	OS           string `json:"os,omitempty"`
	Arch         string `json:"arch,omitempty"`
}

// HistoryRun is one graded run as history.jsonl records it.
type HistoryRun struct {
	Time            time.Time
	Score, Max      int
	Percent         float64
	Passed          bool
	DurationSeconds float64
	Goals           map[string]string // goal name -> status (grade.StatusPassed, ...)
	AfterSolve      bool              // graded after dojo solve
}

// FirstPasses returns, per goal, the seconds from start to the first run
// whose status for that goal was grade.StatusPassed. Runs may come in any
// order.
func FirstPasses(start time.Time, runs []HistoryRun) map[string]int64 {
	sorted := append([]HistoryRun(nil), runs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Time.Before(sorted[j].Time) })
	out := map[string]int64{}
	for _, r := range sorted {
		for g, st := range r.Goals {
			if _, seen := out[g]; !seen && st == grade.StatusPassed {
				out[g] = max(0, int64(r.Time.Sub(start)/time.Second))
			}
		}
	}
	return out
}

// Fill sets the outcome from the last graded result res (score, pass
// mark, goals with points and hint penalties), the timeline and
// first-pass times from history, and the hints revealed. Started must be
// set first (first-pass times count from it); Finished becomes the time of
// the last run.
func (e *Evidence) Fill(res *grade.Result, history []HistoryRun, hints []Hint) {
	e.Score, e.MaxScore, e.Percent, e.PassPercent, e.Passed = res.Score, res.MaxScore, res.Percent, res.PassPercent, res.Passed
	first := FirstPasses(e.Started, history)
	used := map[string]int{}
	for _, h := range hints {
		used[h.Goal]++
	}
	e.Goals = make([]Goal, 0, len(res.Goals))
	for _, g := range res.Goals {
		goal := Goal{Name: g.Name, Title: g.Title, Status: g.Status, Points: g.Awarded, MaxPoints: g.Points, HintsUsed: used[g.Name], Penalty: g.HintPenalty}
		if s, ok := first[g.Name]; ok {
			goal.FirstPassSeconds = &s
		}
		e.Goals = append(e.Goals, goal)
	}
	e.Timeline = make([]Run, 0, len(history))
	for _, h := range history {
		r := Run{Time: h.Time, Score: h.Score, Max: h.Max, Percent: h.Percent, Passed: h.Passed, Goals: len(h.Goals), DurationSeconds: h.DurationSeconds, AfterSolve: h.AfterSolve}
		for _, st := range h.Goals {
			if st == grade.StatusPassed {
				r.GoalsPassed++
			}
		}
		e.Timeline = append(e.Timeline, r)
		if h.Time.After(e.Finished) {
			e.Finished = h.Time
		}
	}
	e.Hints = append([]Hint(nil), hints...)
}

// Procedure turns a node's command log into the report's procedure: the
// lines in order (notes left out), Truncated when the recording hit its
// size cap. Call Evidence.Redact afterwards.
func Procedure(node string, log []record.Command) NodeProcedure {
	p := NodeProcedure{Node: node, Commands: []Command{}}
	for _, c := range log {
		switch {
		case c.Note == record.NoteCapped:
			p.Truncated = true
		case c.Note != "" || strings.TrimSpace(c.Line) == "":
		default:
			p.Commands = append(p.Commands, Command{Time: c.Time, Line: c.Line})
		}
	}
	return p
}

// Normalize fixes what renderings rely on: the schema version, UTC times
// truncated to seconds, a known language, empty lists instead of nil, the
// timeline in time order, and every value exactly as a verifier will
// decode it from JSON (invalid UTF-8, for one, comes back changed). Sign
// and Render call it.
func (e *Evidence) Normalize() {
	e.normalize()
	if b, err := json.Marshal(e); err == nil {
		var n Evidence
		if json.Unmarshal(b, &n) == nil {
			*e = n
		}
	}
}

func (e *Evidence) normalize() {
	e.Schema = SchemaVersion
	if e.Lang != "ja" {
		e.Lang = "en"
	}
	ut := func(t *time.Time) {
		if !t.IsZero() {
			*t = t.UTC().Truncate(time.Second)
		}
	}
	ut(&e.Generated)
	ut(&e.Started)
	ut(&e.Finished)
	if e.Topology == nil {
		e.Topology = &graph.Graph{Networks: []graph.Network{}, Nodes: []graph.Node{}}
	}
	if e.Goals == nil {
		e.Goals = []Goal{}
	}
	if e.Timeline == nil {
		e.Timeline = []Run{}
	}
	for i := range e.Timeline {
		ut(&e.Timeline[i].Time)
	}
	sort.SliceStable(e.Timeline, func(i, j int) bool { return e.Timeline[i].Time.Before(e.Timeline[j].Time) })
	if e.Hints == nil {
		e.Hints = []Hint{}
	}
	for i := range e.Hints {
		ut(&e.Hints[i].Time)
	}
	if e.Procedure == nil {
		e.Procedure = []NodeProcedure{}
	}
	for i := range e.Procedure {
		if e.Procedure[i].Commands == nil {
			e.Procedure[i].Commands = []Command{}
		}
		for j := range e.Procedure[i].Commands {
			ut(&e.Procedure[i].Commands[j].Time)
		}
	}
	if e.Replay != nil {
		ut(&e.Replay.Time)
	}
	for i := range e.Solutions {
		ut(&e.Solutions[i].Time)
		if e.Solutions[i].Nodes == nil {
			e.Solutions[i].Nodes = []string{}
		}
	}
}
