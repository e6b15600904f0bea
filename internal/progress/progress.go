// Package progress aggregates a learner's graded runs across scenarios into
// the route the project is built around: operations, then build (server,
// network, cloud-ops, automation, database), then design and documents.
// Per track and level it counts scenarios passed and attempted, the best
// score and the time spent, and renders that as JSON, HTML or text.
package progress

import (
	"fmt"
	"sort"
	"time"
)

// SchemaVersion identifies the JSON format.
const SchemaVersion = "labdojo.progress/v1"

// Record is one graded run, as history keeps it.
type Record struct {
	Scenario string
	Track    string
	Level    int
	Time     time.Time
	Score    int
	Max      int
	Passed   bool
	// Duration is how long the learner had worked on this attempt when
	// it was graded (time since the scenario was started).
	Duration time.Duration
	// Instance groups the runs of one attempt: the time spent on an
	// attempt is its longest Duration. "" makes each run its own attempt.
	Instance string
	// AfterSolve marks a run graded after the reference solution was
	// applied (dojo solve): it counts as a run and as time spent, never
	// towards the best score or a pass.
	AfterSolve bool
}

// CatalogEntry is a scenario that exists, attempted or not.
type CatalogEntry struct {
	Scenario string
	Track    string
	Level    int
}

// Route is the order of the stages and their tracks.
var Route = []struct {
	Stage  string
	Tracks []string
}{
	{"operations", []string{"operations"}},
	{"build", []string{"server", "network", "cloud-ops", "automation", "database"}},
	{"design", []string{"design", "documents"}},
}

// Progress is the aggregated record.
type Progress struct {
	Schema    string    `json:"schema"`
	Lang      string    `json:"lang"`
	Generated time.Time `json:"generated"`
	Stages    []Stage   `json:"stages"`
	// Totals over every track.
	Passed           int   `json:"passed"`
	Attempted        int   `json:"attempted"`
	Available        int   `json:"available"`
	Runs             int   `json:"runs"`
	TimeSpentSeconds int64 `json:"time_spent_seconds"`
}

// Stage is a step of the route.
type Stage struct {
	Name   string  `json:"name"` // operations, build, design, other
	Tracks []Track `json:"tracks"`
}

// Track is one track's progress.
type Track struct {
	Name             string  `json:"name"`
	Passed           int     `json:"passed"`
	Attempted        int     `json:"attempted"`
	Available        int     `json:"available"`
	TimeSpentSeconds int64   `json:"time_spent_seconds"`
	Levels           []Level `json:"levels"`
}

// Level is one level of a track.
type Level struct {
	Level            int        `json:"level"`
	Passed           int        `json:"passed"`
	Attempted        int        `json:"attempted"`
	Available        int        `json:"available"`
	BestPercent      float64    `json:"best_percent"`
	TimeSpentSeconds int64      `json:"time_spent_seconds"`
	Scenarios        []Scenario `json:"scenarios"`
}

// Scenario is one scenario's record.
type Scenario struct {
	Name             string     `json:"name"`
	Attempts         int        `json:"attempts"`
	Runs             int        `json:"runs"`
	Passed           bool       `json:"passed"`
	BestScore        int        `json:"best_score"`
	Max              int        `json:"max"`
	BestPercent      float64    `json:"best_percent"`
	FirstPassed      *time.Time `json:"first_passed"`
	LastRun          *time.Time `json:"last_run"`
	TimeSpentSeconds int64      `json:"time_spent_seconds"`
}

func percent(score, max int) float64 {
	if max <= 0 {
		return 0
	}
	p := float64(score) * 100 / float64(max)
	return float64(int64(p*10+0.5)) / 10
}

// Aggregate builds the progress from history records and, optionally, the
// catalog (so scenarios not attempted yet count as available). lang is
// kept for renderings ("en" or "ja"); now is the generation time.
func Aggregate(records []Record, catalog []CatalogEntry, lang string, now time.Time) *Progress {
	if lang != "ja" {
		lang = "en"
	}
	type key struct {
		track string
		level int
	}
	scen := map[key]map[string]*Scenario{}
	attemptTime := map[string]map[string]time.Duration{} // scenario -> attempt -> longest duration
	get := func(track string, level int, name string) *Scenario {
		k := key{track, level}
		if scen[k] == nil {
			scen[k] = map[string]*Scenario{}
		}
		s := scen[k][name]
		if s == nil {
			s = &Scenario{Name: name}
			scen[k][name] = s
		}
		return s
	}
	for _, c := range catalog {
		get(c.Track, c.Level, c.Scenario)
	}
	scored := map[*Scenario]bool{} // a run not after a solve set the best score
	sorted := append([]Record(nil), records...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Time.Before(sorted[j].Time) })
	for i, r := range sorted {
		s := get(r.Track, r.Level, r.Scenario)
		s.Runs++
		p := percent(r.Score, r.Max)
		switch {
		case r.AfterSolve:
			if s.Max == 0 {
				s.Max = r.Max
			}
		case !scored[s] || p > s.BestPercent:
			s.BestPercent, s.BestScore, s.Max = p, r.Score, r.Max
			scored[s] = true
		}
		t := r.Time.UTC()
		s.LastRun = &t
		if r.Passed && !r.AfterSolve {
			if !s.Passed {
				s.FirstPassed = &t
			}
			s.Passed = true
		}
		att := r.Instance
		if att == "" {
			att = fmt.Sprint("#", i)
		}
		if attemptTime[r.Scenario] == nil {
			attemptTime[r.Scenario] = map[string]time.Duration{}
		}
		attemptTime[r.Scenario][att] = max(attemptTime[r.Scenario][att], r.Duration)
	}
	for _, m := range scen {
		for name, s := range m {
			s.Attempts = len(attemptTime[name])
			var d time.Duration
			for _, v := range attemptTime[name] {
				d += v
			}
			s.TimeSpentSeconds = int64(d / time.Second)
		}
	}

	p := &Progress{Schema: SchemaVersion, Lang: lang, Generated: now.UTC().Truncate(time.Second), Stages: []Stage{}}
	placed := map[string]bool{}
	build := func(name string) Track {
		placed[name] = true
		t := Track{Name: name, Levels: []Level{}}
		var levels []int
		for k := range scen {
			if k.track == name {
				levels = append(levels, k.level)
			}
		}
		sort.Ints(levels)
		for _, lv := range levels {
			l := Level{Level: lv, Scenarios: []Scenario{}}
			m := scen[key{name, lv}]
			names := make([]string, 0, len(m))
			for n := range m {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				s := m[n]
				l.Scenarios = append(l.Scenarios, *s)
				l.Available++
				if s.Runs > 0 {
					l.Attempted++
					l.BestPercent = max(l.BestPercent, s.BestPercent)
				}
				if s.Passed {
					l.Passed++
				}
				l.TimeSpentSeconds += s.TimeSpentSeconds
				p.Runs += s.Runs
			}
			t.Passed += l.Passed
			t.Attempted += l.Attempted
			t.Available += l.Available
			t.TimeSpentSeconds += l.TimeSpentSeconds
			t.Levels = append(t.Levels, l)
		}
		p.Passed += t.Passed
		p.Attempted += t.Attempted
		p.Available += t.Available
		p.TimeSpentSeconds += t.TimeSpentSeconds
		return t
	}
	for _, st := range Route {
		s := Stage{Name: st.Stage, Tracks: []Track{}}
		for _, tr := range st.Tracks {
			s.Tracks = append(s.Tracks, build(tr))
		}
		p.Stages = append(p.Stages, s)
	}
	var others []string
	seen := map[string]bool{}
	for k := range scen {
		if !placed[k.track] && !seen[k.track] {
			seen[k.track] = true
			others = append(others, k.track)
		}
	}
	if len(others) > 0 {
		sort.Strings(others)
		s := Stage{Name: "other", Tracks: []Track{}}
		for _, tr := range others {
			s.Tracks = append(s.Tracks, build(tr))
		}
		p.Stages = append(p.Stages, s)
	}
	return p
}
