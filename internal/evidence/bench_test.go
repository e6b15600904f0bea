package evidence

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/graph"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/record"
)

// BenchmarkReportFromFiles is `dojo report` without the engine: load a
// 10-node lab file, read 200 graded runs from a history file and ten
// command logs, build, redact, sign with the learner key on disk and
// render HTML. Target: < 300 ms.
func BenchmarkReportFromFiles(b *testing.B) {
	dir := b.TempDir()
	hist := filepath.Join(dir, "history.jsonl")
	f, _ := os.Create(hist)
	for i := 0; i < 200; i++ {
		goals := map[string]string{"forwarding": "failed", "dmz": "failed", "dns": "failed", "web": "failed"}
		if i > 100 {
			goals["forwarding"] = grade.StatusPassed
		}
		line, _ := json.Marshal(map[string]any{"time": t0.Add(time.Duration(i) * time.Minute), "scenario": "office", "score": i / 2, "max": 100, "percent": float64(i) / 2, "passed": i > 140, "goals": goals, "duration_seconds": 1.2})
		fmt.Fprintf(f, "%s\n", line)
	}
	f.Close()
	nodes := []string{"router", "fw", "pc-1", "pc-2", "pc-3", "pc-4", "srv-1", "srv-2", "srv-3", "web"}
	for _, n := range nodes {
		f, _ := os.Create(filepath.Join(dir, "commands-"+n+".jsonl"))
		for j := 0; j < 40; j++ {
			line, _ := json.Marshal(record.Command{Time: t0.Add(time.Duration(j) * time.Second), Line: fmt.Sprintf("ip route add 10.%d.0.0/24 via 10.10.1.1 # %d", j, j), Prompt: "root@" + n + ":~# "})
			fmt.Fprintf(f, "%s\n", line)
		}
		f.Close()
	}
	key, err := LearnerKey(filepath.Join(dir, "report_ed25519"))
	if err != nil {
		b.Fatal(err)
	}
	res := &grade.Result{Score: 85, MaxScore: 100, Percent: 85, PassPercent: 70, Passed: true}
	for _, g := range []string{"forwarding", "dmz", "dns", "web"} {
		res.Goals = append(res.Goals, grade.GoalResult{Name: g, Title: "Goal " + g, Status: grade.StatusPassed, Points: 25, Awarded: 25})
	}
	var size int
	for b.Loop() {
		l, _, diags := lab.LoadFile(filepath.Join("testdata", "ten-nodes"), lab.Options{})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		var runs []HistoryRun
		hf, _ := os.Open(hist)
		sc := bufio.NewScanner(hf)
		for sc.Scan() {
			var h struct {
				Time     time.Time         `json:"time"`
				Score    int               `json:"score"`
				Max      int               `json:"max"`
				Percent  float64           `json:"percent"`
				Passed   bool              `json:"passed"`
				Goals    map[string]string `json:"goals"`
				Duration float64           `json:"duration_seconds"`
			}
			if err := json.Unmarshal(sc.Bytes(), &h); err != nil {
				b.Fatal(err)
			}
			runs = append(runs, HistoryRun{Time: h.Time, Score: h.Score, Max: h.Max, Percent: h.Percent, Passed: h.Passed, Goals: h.Goals, DurationSeconds: h.Duration})
		}
		hf.Close()
		e := &Evidence{Lang: "en", Learner: "Hanako", Generated: t0, Started: t0, Instance: "office",
			Scenario: Scenario{Name: "office", Title: "Office routing", Track: "network", Level: 2, Lab: l.Name},
			Topology: graph.FromLab(l), Environment: Environment{DojoVersion: "dev", LabHash: l.Hash}}
		e.Fill(res, runs, nil)
		for _, n := range nodes {
			cf, _ := os.Open(filepath.Join(dir, "commands-"+n+".jsonl"))
			cmds, err := record.ReadCommands(cf)
			cf.Close()
			if err != nil {
				b.Fatal(err)
			}
			e.Procedure = append(e.Procedure, Procedure(n, cmds))
		}
		e.Redact()
		signer, err := LoadKey(filepath.Join(dir, "report_ed25519"), nil)
		if err != nil || !bytes.Equal(signer.Key, key.Key) {
			b.Fatal(err)
		}
		var out bytes.Buffer
		if err := Write(&out, &Document{Evidence: *e}, "html", signer, t0); err != nil {
			b.Fatal(err)
		}
		size = out.Len()
	}
	b.ReportMetric(float64(size), "html-bytes")
}
