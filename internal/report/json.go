package report

import (
	"io"
	"math"
	"time"

	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/i18n"
)

// JSONSchema identifies the JSON document format (docs/check-json.md).
const JSONSchema = "labdojo.check/v1"

// JSONReport is the JSON document written by the json format. Its layout is
// versioned by Schema and documented in docs/check-json.md and
// docs/check-json.schema.json.
type JSONReport struct {
	Schema      string       `json:"schema"`
	Tool        JSONTool     `json:"tool"`
	Generated   string       `json:"generated,omitempty"`
	Scenario    JSONScenario `json:"scenario"`
	Started     string       `json:"started"`
	DurationMS  int64        `json:"duration_ms"`
	Score       int          `json:"score"`
	MaxScore    int          `json:"max_score"`
	Percent     float64      `json:"percent"`
	PassPercent int          `json:"pass_percent"`
	Passed      bool         `json:"passed"`
	Cancelled   bool         `json:"cancelled"`
	Summary     JSONSummary  `json:"summary"`
	Goals       []JSONGoal   `json:"goals"`
}

// JSONTool names the program that graded.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONScenario says what was graded.
type JSONScenario struct {
	Name     string `json:"name"`
	Title    string `json:"title"`
	Track    string `json:"track"`
	Lab      string `json:"lab"`
	Instance string `json:"instance"`
}

// JSONSummary counts goals by status.
type JSONSummary struct {
	Total   int `json:"total"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Error   int `json:"error"`
	Skipped int `json:"skipped"`
}

// JSONGoal is one goal's result.
type JSONGoal struct {
	Name        string      `json:"name"`
	Title       string      `json:"title"`
	Status      string      `json:"status"`
	Points      int         `json:"points"`
	Awarded     int         `json:"awarded"`
	HintPenalty int         `json:"hint_penalty"`
	Reason      string      `json:"reason"`
	Attempts    int         `json:"attempts"`
	DurationMS  int64       `json:"duration_ms"`
	Checks      []JSONCheck `json:"checks"`
	Faults      []string    `json:"faults,omitempty"` // faults the checks ran under; omitted when none
}

// JSONCheck is one check's result with its evidence.
type JSONCheck struct {
	Node     string       `json:"node"`
	Type     string       `json:"type"`
	Describe string       `json:"describe"`
	Status   string       `json:"status"`
	Expected string       `json:"expected"`
	Observed string       `json:"observed"`
	Message  string       `json:"message"`
	Attempts int          `json:"attempts"`
	Evidence JSONEvidence `json:"evidence"`
}

// JSONEvidence is what a check's probe ran and returned.
type JSONEvidence struct {
	// Command is the probe script as run; Summary the commands in it a
	// person would type to see the same (no framing wrapper).
	Command  string `json:"command"`
	Summary  string `json:"summary"`
	ExitCode int    `json:"exit_code"`
	Output   string `json:"output"`
}

// NewJSONReport converts a grading result to the JSON document, its human
// text (reasons, expected, observed, messages) in English.
func NewJSONReport(res *grade.Result, meta Meta) *JSONReport {
	return newJSONReport(res, meta, i18n.English)
}

// newJSONReport is NewJSONReport with the human text in lang; machine
// fields (names, statuses, types, numbers) are the same in every language.
func newJSONReport(res *grade.Result, meta Meta, lang string) *JSONReport {
	tool := "dojo"
	doc := &JSONReport{
		Schema: JSONSchema,
		Tool:   JSONTool{Name: tool, Version: meta.ToolVersion},
		Scenario: JSONScenario{
			Name: meta.Scenario, Title: meta.Title, Track: meta.Track, Lab: meta.Lab, Instance: meta.Instance,
		},
		Started:     res.Started.UTC().Format(time.RFC3339Nano),
		DurationMS:  res.Duration.Milliseconds(),
		Score:       res.Score,
		MaxScore:    res.MaxScore,
		Percent:     math.Round(res.Percent*10) / 10,
		PassPercent: passMark(res, meta),
		Passed:      res.Passed,
		Cancelled:   res.Cancelled,
		Summary: JSONSummary{
			Total:   len(res.Goals),
			Passed:  res.Count(grade.StatusPassed),
			Failed:  res.Count(grade.StatusFailed),
			Error:   res.Count(grade.StatusError),
			Skipped: res.Count(grade.StatusSkipped),
		},
		Goals: make([]JSONGoal, 0, len(res.Goals)),
	}
	if !meta.Generated.IsZero() {
		doc.Generated = meta.Generated.UTC().Format(time.RFC3339Nano)
	}
	for _, g := range res.Goals {
		jg := JSONGoal{
			Name: g.Name, Title: g.Title, Status: g.Status, Points: g.Points, Awarded: g.Awarded,
			HintPenalty: g.HintPenalty, Reason: g.ReasonIn(lang), Attempts: g.Attempts,
			DurationMS: g.Duration.Milliseconds(), Checks: make([]JSONCheck, 0, len(g.Checks)),
			Faults: g.FaultsIn(lang),
		}
		for _, c := range g.Checks {
			jg.Checks = append(jg.Checks, JSONCheck{
				Node: c.Node, Type: c.Type, Describe: c.DescribeIn(lang), Status: c.Status.String(),
				Expected: c.ExpectedIn(lang), Observed: c.ObservedIn(lang), Message: c.MessageIn(lang), Attempts: c.Attempts,
				Evidence: JSONEvidence{Command: c.Evidence.Command, Summary: personCommand(c.Evidence.Command), ExitCode: c.Evidence.ExitCode, Output: c.Evidence.Output},
			})
		}
		doc.Goals = append(doc.Goals, jg)
	}
	return doc
}

func writeJSON(w io.Writer, res *grade.Result, meta Meta, opts Options) error {
	return WriteJSON(w, newJSONReport(res, meta, opts.Lang))
}
