// Package scenario loads and validates scenario files: an exercise on a lab
// with a briefing, setup scripts, goals with typed checks, hints and a
// reference solution.
package scenario

import (
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/labdojo/labdojo/internal/i18n"
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
	// Titles and Briefs hold Title and Brief in every language the file
	// gives (English always; Title and Brief are the English text).
	// Localize returns a copy in one language.
	Titles i18n.Text
	Briefs i18n.Text
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
	// Titles and HintsByLang hold Title and Hints in every language the
	// file gives; Title and Hints are English.
	Titles      i18n.Text
	HintsByLang i18n.List
	// Guard marks a goal that passes before any work and checks that the
	// learner keeps something in place ("keep X in place"); every other
	// goal must fail on a fresh start.
	Guard bool
	// Faults are applied, in order, before the goal's checks and undone
	// after them (grading under faults).
	Faults []FaultSpec
	// Needs lists goals that must pass before this one is evaluated.
	Needs []string
	// Within keeps retrying failing checks up to this long (0 = once).
	Within time.Duration
	// Timeout bounds each check's probe (default 10s).
	Timeout time.Duration
	Checks  []*CheckSpec
	Range   hcl.Range
}

// Fault types a goal may declare.
const (
	// FaultLinkDown takes one interface of a node down.
	FaultLinkDown = "link_down"
	// FaultNodeDown cuts a node off every lab network (all its data
	// interfaces down) while it keeps running, so the learner's work on it
	// survives; from the lab's point of view the node has failed.
	FaultNodeDown = "node_down"
)

// FaultTypes lists the fault types.
var FaultTypes = []string{FaultLinkDown, FaultNodeDown}

// FaultSpec is a fault block: `fault "link_down" { node = "r2"
// interface = "eth2" }` or `fault "node_down" { node = "r2" }`.
type FaultSpec struct {
	Type string
	Node string
	// Interface is a data interface (eth1..ethN) for link_down.
	Interface string
	Range     hcl.Range
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

// Localize returns a copy of s with Title, Brief, and each goal's Title and
// Hints in lang, falling back to English where the file has no text in
// that language. The copy shares checks and scripts with s.
func (s *Scenario) Localize(lang string) *Scenario {
	c := *s
	if t := s.Titles.In(lang); t != "" {
		c.Title = t
	}
	if b := s.Briefs.In(lang); b != "" {
		c.Brief = b
	}
	c.Goals = make([]*Goal, len(s.Goals))
	for i, g := range s.Goals {
		gc := *g
		if t := g.Titles.In(lang); t != "" {
			gc.Title = t
		}
		if h := g.HintsByLang.In(lang); len(h) > 0 {
			gc.Hints = h
		}
		c.Goals[i] = &gc
	}
	return &c
}

// Languages returns the languages every learner-facing text of s exists
// in: the title, the brief, and each goal's title and hints (goals without
// hints do not restrict it). English is always first when present.
func (s *Scenario) Languages() []string {
	var out []string
	for _, lang := range i18n.Languages {
		ok := s.Titles.Has(lang) && s.Briefs.Has(lang)
		for _, g := range s.Goals {
			if !g.Titles.Has(lang) || len(g.Hints) > 0 && !g.HintsByLang.Has(lang) {
				ok = false
			}
		}
		if ok {
			out = append(out, lang)
		}
	}
	return out
}
