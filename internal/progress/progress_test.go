package progress

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func sample() ([]Record, []CatalogEntry) {
	catalog := []CatalogEntry{
		{"first-server", "server", 1}, {"ssh-hardening", "server", 2},
		{"static-routing", "network", 1}, {"firewall", "network", 2},
		{"disk-full", "operations", 1},
		{"office-design", "design", 3},
	}
	h := func(day int, scen, track string, level, score int, passed bool, mins int, inst string) Record {
		return Record{Scenario: scen, Track: track, Level: level, Time: t0.Add(time.Duration(day) * 24 * time.Hour).Add(time.Duration(mins) * time.Minute), Score: score, Max: 100, Passed: passed, Duration: time.Duration(mins) * time.Minute, Instance: inst}
	}
	recs := []Record{
		// Out of order on purpose.
		h(1, "static-routing", "network", 1, 100, true, 40, "a2"),
		h(0, "static-routing", "network", 1, 30, false, 10, "a1"),
		h(0, "static-routing", "network", 1, 60, false, 25, "a1"),
		h(2, "first-server", "server", 1, 90, true, 30, "b1"),
		h(3, "disk-full", "operations", 1, 50, false, 20, "c1"),
		h(4, "custom-lab", "security", 1, 80, true, 15, ""),
		h(4, "custom-lab", "security", 1, 85, true, 5, ""),
	}
	return recs, catalog
}

func TestAggregate(t *testing.T) {
	recs, cat := sample()
	p := Aggregate(recs, cat, "en", t0.Add(10*24*time.Hour))
	var names []string
	for _, s := range p.Stages {
		var tr []string
		for _, t := range s.Tracks {
			tr = append(tr, t.Name)
		}
		names = append(names, s.Name+":"+strings.Join(tr, ","))
	}
	if got := strings.Join(names, " "); got != "operations:operations build:server,network,cloud-ops,automation,database design:design,documents other:security" {
		t.Errorf("route order: %s", got)
	}
	net := p.Stages[1].Tracks[1]
	if net.Name != "network" || net.Passed != 1 || net.Attempted != 1 || net.Available != 2 || len(net.Levels) != 2 {
		t.Fatalf("network %+v", net)
	}
	sr := net.Levels[0].Scenarios[0]
	// Two attempts: 25 min (a1's longest) + 40 min (a2).
	if sr.Name != "static-routing" || sr.Attempts != 2 || sr.Runs != 3 || !sr.Passed || sr.BestPercent != 100 || sr.TimeSpentSeconds != 65*60 {
		t.Errorf("static-routing %+v", sr)
	}
	if sr.FirstPassed == nil || !sr.FirstPassed.Equal(t0.Add(24*time.Hour+40*time.Minute)) || !sr.LastRun.Equal(*sr.FirstPassed) {
		t.Errorf("static-routing times %v %v", sr.FirstPassed, sr.LastRun)
	}
	if fw := net.Levels[1].Scenarios[0]; fw.Runs != 0 || fw.Attempts != 0 || fw.FirstPassed != nil || net.Levels[1].Attempted != 0 {
		t.Errorf("firewall, not attempted: %+v", fw)
	}
	ops := p.Stages[0].Tracks[0]
	if ops.Passed != 0 || ops.Attempted != 1 || ops.Levels[0].BestPercent != 50 {
		t.Errorf("operations %+v", ops)
	}
	sec := p.Stages[3].Tracks[0].Levels[0].Scenarios[0]
	// Without an instance each run is its own attempt.
	if sec.Attempts != 2 || sec.TimeSpentSeconds != 20*60 || sec.BestScore != 85 {
		t.Errorf("security %+v", sec)
	}
	if p.Passed != 3 || p.Attempted != 4 || p.Available != 7 || p.Runs != 7 || p.TimeSpentSeconds != (65+30+20+20)*60 {
		t.Errorf("totals %+v", p)
	}
	empty := Aggregate(nil, nil, "ja", t0)
	if len(empty.Stages) != 3 || empty.Attempted != 0 || empty.Lang != "ja" {
		t.Errorf("empty %+v", empty)
	}
}

func TestRenderings(t *testing.T) {
	recs, cat := sample()
	for _, c := range []struct{ lang, format string }{{"en", "json"}, {"en", "text"}, {"ja", "text"}} {
		var b bytes.Buffer
		if err := Write(&b, Aggregate(recs, cat, c.lang, t0.Add(240*time.Hour)), c.format); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join("testdata", "progress-"+c.lang+"."+c.format)
		if *update {
			_ = os.WriteFile(p, b.Bytes(), 0o644)
		}
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (go test -update)", err)
		}
		if !bytes.Equal(want, b.Bytes()) {
			t.Errorf("%s differs (go test -update to accept):\n%s", p, b.String())
		}
	}
	var js bytes.Buffer
	_ = Write(&js, Aggregate(recs, cat, "en", t0), "json")
	var back Progress
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Schema != SchemaVersion {
		t.Errorf("json: %v %q", err, back.Schema)
	}
	for _, lang := range []string{"en", "ja"} {
		var h bytes.Buffer
		if err := Write(&h, Aggregate(recs, cat, lang, t0), "html"); err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(&h)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{}
		var walk func(*html.Node)
		var textOf func(*html.Node) string
		textOf = func(n *html.Node) string {
			if n.Type == html.TextNode {
				return n.Data
			}
			var s string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				s += textOf(c)
			}
			return s
		}
		var order []string
		walk = func(n *html.Node) {
			for _, a := range n.Attr {
				if a.Key == "id" {
					ids[a.Val] = textOf(n)
					order = append(order, a.Val)
				}
				if a.Key == "src" || a.Key == "href" {
					t.Errorf("external reference %s=%q", a.Key, a.Val)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if !strings.Contains(ids["totals"], "3") || !strings.Contains(ids["track-network"], "passed 1 / attempted 1 / available 2") && !strings.Contains(ids["track-network"], "合格 1 / 挑戦 1 / 公開中 2") {
			t.Errorf("%s: totals %q network %q", lang, ids["totals"], ids["track-network"])
		}
		if got := strings.Join(order[:4], " "); got != "totals stage-operations track-operations stage-build" {
			t.Errorf("%s: order %s", lang, got)
		}
		if lang == "ja" && !strings.Contains(ids["stage-build"], "構築") {
			t.Errorf("ja labels missing: %q", ids["stage-build"])
		}
	}
	if err := Write(&js, &Progress{}, "yaml"); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestLabelsComplete(t *testing.T) {
	for k, v := range labels {
		if v[0] == "" || v[1] == "" {
			t.Errorf("label %q lacks a translation", k)
		}
	}
	for _, st := range Route {
		if _, ok := labels["stage."+st.Stage]; !ok {
			t.Errorf("no label for stage %s", st.Stage)
		}
		for _, tr := range st.Tracks {
			if _, ok := labels["track."+tr]; !ok {
				t.Errorf("no label for track %s", tr)
			}
		}
	}
}

// TestAfterSolveNeverPasses: a run graded after `dojo solve` counts as a
// run and as time spent, never towards the best score or a pass.
func TestAfterSolveNeverPasses(t *testing.T) {
	cat := []CatalogEntry{{"first-server", "server", 1}}
	recs := []Record{
		{Scenario: "first-server", Track: "server", Level: 1, Time: t0, Score: 20, Max: 100, Duration: 5 * time.Minute, Instance: "a"},
		{Scenario: "first-server", Track: "server", Level: 1, Time: t0.Add(time.Minute), Score: 100, Max: 100, Passed: true, Duration: 9 * time.Minute, Instance: "a", AfterSolve: true},
	}
	p := Aggregate(recs, cat, "en", t0.Add(time.Hour))
	s := p.Stages[1].Tracks[0].Levels[0].Scenarios[0]
	if s.Passed || s.FirstPassed != nil || s.BestScore != 20 || s.BestPercent != 20 || s.Runs != 2 || s.Attempts != 1 || s.TimeSpentSeconds != 540 {
		t.Errorf("scenario %+v", s)
	}
	if p.Passed != 0 || p.Attempted != 1 || p.Runs != 2 {
		t.Errorf("totals passed %d attempted %d runs %d", p.Passed, p.Attempted, p.Runs)
	}
	// Only solved runs: attempted, max known, nothing scored.
	p = Aggregate(recs[1:], cat, "en", t0.Add(time.Hour))
	s = p.Stages[1].Tracks[0].Levels[0].Scenarios[0]
	if s.Passed || s.BestScore != 0 || s.Max != 100 || s.Runs != 1 {
		t.Errorf("solved only: %+v", s)
	}
}
