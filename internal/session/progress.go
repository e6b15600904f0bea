package session

import (
	"context"
	"time"

	"github.com/labdojo/labdojo/internal/progress"
	"github.com/labdojo/labdojo/internal/state"
)

// Progress aggregates the learner's graded runs across every instance
// this state directory has a record of (running or removed with `dojo
// down`, not --purge) against the scenario catalog. It reads only.
func (s *Service) Progress(ctx context.Context, lang string, now time.Time) (*progress.Progress, []error, error) {
	return ProgressOf(ctx, s.Store(), lang, now)
}

// ProgressOf is Progress without an engine: it needs only the state
// directory.
func ProgressOf(ctx context.Context, st *state.Store, lang string, now time.Time) (*progress.Progress, []error, error) {
	var warn []error
	catalog := map[string]progress.CatalogEntry{}
	var entries []progress.CatalogEntry
	rows, err := Scenarios(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rows {
		if r.Error != "" {
			continue
		}
		if _, dup := catalog[r.Name]; dup {
			continue
		}
		e := progress.CatalogEntry{Scenario: r.Name, Track: r.Track, Level: r.Level}
		catalog[r.Name] = e
		entries = append(entries, e)
	}
	names, err := st.InstanceNames()
	if err != nil {
		return nil, nil, err
	}
	var recs []progress.Record
	for _, inst := range names {
		meta, _ := st.Load(inst) // nil: history without a record of the start
		hist, bad, err := st.History(inst)
		if err != nil {
			warn = append(warn, err)
			continue
		}
		for _, b := range bad {
			warn = append(warn, b)
		}
		for _, h := range hist {
			if !h.Graded() {
				continue // solve and setup runs; AfterSolve marks what followed a solve
			}
			c, ok := catalog[h.Scenario]
			if !ok && meta != nil && meta.ScenarioFile != "" {
				if ls, err := LoadScenario(ctx, meta.ScenarioFile); err == nil && ls.Scenario.Name == h.Scenario {
					c = progress.CatalogEntry{Scenario: h.Scenario, Track: ls.Scenario.Track, Level: ls.Scenario.Level}
					catalog[h.Scenario] = c
				}
			}
			r := progress.Record{Scenario: h.Scenario, Track: c.Track, Level: c.Level, Time: h.Time, Score: h.Score, Max: h.Max, Passed: h.Passed, Instance: inst, AfterSolve: h.AfterSolve}
			if meta != nil && !meta.Started.IsZero() && meta.Scenario == h.Scenario && !h.Time.Before(meta.Started) {
				r.Duration = h.Time.Sub(meta.Started)
				r.Instance = inst + "@" + meta.Started.Format(time.RFC3339)
			}
			recs = append(recs, r)
		}
	}
	return progress.Aggregate(recs, entries, lang, now), warn, nil
}
