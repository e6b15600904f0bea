// Package grade runs a scenario's goals against a running lab: it resolves
// goal dependencies as a DAG, runs every ready goal's checks concurrently
// (bounded globally and per node), retries failing checks while a goal's
// `within` window lasts, and scores the result.
package grade

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
)

// Goal statuses, as found in GoalResult.Status.
const (
	StatusPassed  = "passed"
	StatusFailed  = "failed"
	StatusError   = "error"
	StatusSkipped = "skipped"
)

// Defaults applied by Run when the corresponding value is zero.
const (
	DefaultConcurrency = 40
	DefaultPerNode     = 8
	DefaultTimeout     = 10 * time.Second
)

// Retry backoff for checks of goals with a `within` window.
const (
	backoffStart  = 250 * time.Millisecond
	backoffFactor = 1.5
	backoffCap    = 2 * time.Second
)

// Runner runs a probe script on a lab node. The CLI adapts the SSH pool to
// it. Run must honour ctx; when the node cannot be reached or the probe
// cannot be run at all, it sets Output.Err.
type Runner interface {
	Run(ctx context.Context, node, script string) check.Output
}

// SnapshotRunner is a Runner that can also read files of a node for
// check.SnapshotCheck judges. The Batcher reads every file asked for in a
// grading round with one process per node.
type SnapshotRunner interface {
	Runner
	Snapshot(ctx context.Context, node string, paths []string) (*check.Snapshot, check.Output)
}

// Goal is one graded objective with its typed checks.
type Goal struct {
	Name   string
	Title  string
	Points int
	// Needs names goals that must pass before this one is evaluated.
	Needs []string
	// Within keeps retrying failing checks until this long after the run
	// started (0 = a single attempt), while waiting can help: the goal's
	// needs passed, some of its checks pass, or an observation changed.
	Within time.Duration
	// Timeout bounds each probe (0 = DefaultTimeout).
	Timeout time.Duration
	Checks  []check.Check
	// Faults are applied before the checks and undone after them; while
	// they are applied no other goal runs, and Within counts from the
	// moment they are in place.
	Faults []Fault
}

// FromScenario turns a scenario's goals into runnable goals, building each
// check with check.Build. Every build error is returned, joined, each
// prefixed with its goal, check and file position.
func FromScenario(s *scenario.Scenario) ([]Goal, error) {
	return fromScenario(s, func(spec *scenario.CheckSpec) (check.Check, error) {
		c, diags := check.Build(spec)
		if diags.HasErrors() {
			return nil, diags
		}
		return c, nil
	})
}

// fromScenario is FromScenario with the check builder as a parameter.
func fromScenario(s *scenario.Scenario, build func(*scenario.CheckSpec) (check.Check, error)) ([]Goal, error) {
	if s == nil {
		return nil, errors.New("grade: nil scenario")
	}
	if build == nil {
		return nil, errors.New("grade: nil check builder")
	}
	var errs []error
	goals := make([]Goal, 0, len(s.Goals))
	for _, sg := range s.Goals {
		if sg == nil {
			continue
		}
		g := Goal{
			Name:    sg.Name,
			Title:   sg.Title,
			Points:  sg.Points,
			Needs:   append([]string(nil), sg.Needs...),
			Within:  sg.Within,
			Timeout: sg.Timeout,
		}
		for _, f := range sg.Faults {
			g.Faults = append(g.Faults, Fault{Type: f.Type, Node: f.Node, Interface: f.Interface})
		}
		for i, spec := range sg.Checks {
			if spec == nil {
				continue
			}
			c, err := build(spec)
			if err == nil && c == nil {
				err = errors.New("builder returned no check")
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: goal %q check %d (%s on %q): %w",
					spec.Range.String(), sg.Name, i+1, spec.Type, spec.On, err))
				continue
			}
			g.Checks = append(g.Checks, c)
		}
		goals = append(goals, g)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return goals, nil
}

// Options tune Run. The zero value is usable.
type Options struct {
	// Concurrency bounds the probes in flight in total (default 40).
	Concurrency int
	// PerNode bounds the probes in flight on one node (default 8, matching
	// 8 sessions per SSH connection).
	PerNode int
	// Progress, when set, receives events as grading proceeds. Calls are
	// serialised, so the callback need not be safe for concurrent use; it
	// should return quickly.
	Progress func(Event)
	// Now is the clock (default time.Now). Tests may fake it; `within`
	// deadlines are measured with it.
	Now func() time.Time
	// HintPenalty maps a goal name to the points deducted for hints the
	// learner revealed.
	HintPenalty map[string]int
	// PassPercent is the percentage of points needed to pass
	// (0 means 100: every point is needed).
	PassPercent int
	// Faulter applies goals' faults (default: ShellFaulter on the Runner).
	Faulter Faulter

	// after replaces time.NewTimer for backoff waits in tests.
	after func(time.Duration) (<-chan time.Time, func())
}

// EventKind says what an Event reports.
type EventKind int

// Event kinds.
const (
	GoalStarted EventKind = iota // a goal's needs are met and its checks start
	CheckDone                    // a check finished (after its last attempt)
	CheckRetry                   // a check failed and will be retried (within)
	GoalDone                     // a goal has its final result (also skipped/error goals)
)

// String returns a short name for the kind.
func (k EventKind) String() string {
	switch k {
	case GoalStarted:
		return "goal-started"
	case CheckDone:
		return "check-done"
	case CheckRetry:
		return "check-retry"
	case GoalDone:
		return "goal-done"
	default:
		return fmt.Sprintf("EventKind(%d)", int(k))
	}
}

// Event is a progress notification from Run.
type Event struct {
	Kind  EventKind
	Time  time.Time
	Goal  string // goal name
	Title string // goal title
	// Check is set for CheckDone and CheckRetry.
	Check *CheckResult
	// Result is set for GoalDone.
	Result *GoalResult
	// Until and Left are set for CheckRetry: the goal's `within` deadline
	// and how long is left of it, so a display can say which goal is
	// being waited for and for how long at most.
	Until time.Time
	Left  time.Duration
}

// Result is the outcome of one grading run.
type Result struct {
	Started  time.Time
	Duration time.Duration
	// Goals are in the order they were given to Run.
	Goals    []GoalResult
	Score    int
	MaxScore int
	// Percent is Score/MaxScore*100 (100 when MaxScore is 0 and every goal passed).
	Percent float64
	// PassPercent is the effective pass mark used.
	PassPercent int
	Passed      bool
	// Cancelled is set when ctx ended before grading finished; Passed is
	// then false.
	Cancelled bool
}

// Count returns how many goals have the given status.
func (r *Result) Count(status string) int {
	n := 0
	for _, g := range r.Goals {
		if g.Status == status {
			n++
		}
	}
	return n
}

// GoalResult is the outcome of one goal.
type GoalResult struct {
	Name   string
	Title  string
	Status string // passed | failed | error | skipped
	Points int
	// Awarded is Points minus HintPenalty (not below 0) when passed, else 0.
	Awarded     int
	HintPenalty int
	// Reason explains a non-passed status in one line (English).
	Reason string
	// ReasonText is Reason in every language (nil: Reason is the only
	// form); see ReasonIn.
	ReasonText i18n.Localizer
	// Attempts is the largest number of attempts any of its checks made.
	Attempts int
	Duration time.Duration
	Checks   []CheckResult
	// Faults describes the faults the checks ran under (English).
	Faults []string
	// FaultTexts are Faults in every language (nil: Faults is the only
	// form); see FaultsIn.
	FaultTexts []i18n.Localizer
}

// CheckResult is the outcome of one check of a goal.
type CheckResult struct {
	Node     string
	Type     string
	Describe string
	// DescribeText is Describe in every language (nil: Describe is the
	// only form); see DescribeIn.
	DescribeText i18n.Localizer
	check.Result
	// Attempts is how many times the probe ran.
	Attempts int
}

// ReasonIn returns the goal's Reason in lang.
func (g *GoalResult) ReasonIn(lang string) string {
	if g.ReasonText != nil {
		return g.ReasonText.In(lang)
	}
	return g.Reason
}

// FaultsIn returns the goal's Faults in lang.
func (g *GoalResult) FaultsIn(lang string) []string {
	if len(g.FaultTexts) != len(g.Faults) {
		return g.Faults
	}
	out := make([]string, len(g.FaultTexts))
	for i, t := range g.FaultTexts {
		out[i] = t.In(lang)
	}
	return out
}

// DescribeIn returns the check's description in lang.
func (c *CheckResult) DescribeIn(lang string) string {
	if c.DescribeText != nil {
		return c.DescribeText.In(lang)
	}
	return c.Describe
}

// describeText is DescribeText, or Describe as it is.
func (c *CheckResult) describeText() i18n.Localizer {
	if c.DescribeText != nil {
		return c.DescribeText
	}
	return i18n.Raw(c.Describe)
}

// setReason sets Reason and ReasonText from a catalog text.
func (g *GoalResult) setReason(l i18n.Localizer) {
	g.ReasonText, g.Reason = l, i18n.In(l, i18n.English)
}
