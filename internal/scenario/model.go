// Package scenario loads and validates scenario files: an exercise on a lab
// with a briefing, setup scripts, goals with typed checks, hints and a
// reference solution.
package scenario

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Scenario is a resolved scenario.
type Scenario struct {
	Name    string
	Title   string
	Track   string // server, network, operations, cloud-ops, automation, database, design, documents
	Level   int
	Minutes int
	// Pass is the percentage of points needed to pass (0-100).
	Pass int
	// Brief is the Markdown briefing shown at start.
	Brief string
	// HintCost is the number of points each revealed hint costs (0 = free).
	HintCost int
	// Lab is the lab reference as written: a bundled lab name or a path
	// relative to the scenario file.
	Lab string
	// LabPath is the resolved lab file path when Lab is a path, "" for a
	// bundled lab name.
	LabPath string
	// Dir and File locate the scenario file.
	Dir  string
	File string
	// Hash is a hex sha256 of the scenario sources.
	Hash     string
	Setup    []Script
	Goals    []*Goal
	Solution []Script
}

// Script is a shell script run on one node (setup or solution).
type Script struct {
	Node   string
	Script string
	Range  hcl.Range
}

// Goal is one graded objective.
type Goal struct {
	Name   string
	Title  string
	Points int
	Hints  []string
	// Needs lists goals that must pass before this one is evaluated.
	Needs []string
	// Within keeps retrying failing checks up to this long (0 = once).
	Within time.Duration
	// Timeout bounds each check's probe (default 10s).
	Timeout time.Duration
	Checks  []*CheckSpec
	Range   hcl.Range
}

// CheckSpec is a check block as written: its type, node and fields. The
// check package turns it into a typed check.
type CheckSpec struct {
	Type  string
	On    string
	Title string
	// Fields holds every other attribute, evaluated.
	Fields map[string]cty.Value
	// FieldRanges locates each field's expression, for diagnostics.
	FieldRanges map[string]hcl.Range
	Range       hcl.Range
}

// GoalByName returns the goal with that name, or nil.
func (s *Scenario) GoalByName(name string) *Goal {
	for _, g := range s.Goals {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// TotalPoints is the sum of all goals' points.
func (s *Scenario) TotalPoints() int {
	t := 0
	for _, g := range s.Goals {
		t += g.Points
	}
	return t
}
