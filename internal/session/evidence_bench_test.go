package session

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/evidence"
	"github.com/labdojo/labdojo/internal/record"
	"github.com/labdojo/labdojo/internal/runtime/fake"
	"github.com/labdojo/labdojo/internal/state"
)

// BenchmarkReport is `dojo report` after the target: a 10-node lab,
// 200 graded runs in history and ten command logs, gathered from the state
// directory by Service.Report (lab and scenario loaded again), signed with
// the learner key and rendered as HTML. Target < 300 ms per report, HTML <
// 1 MB; BenchmarkVerify checks the result (target < 50 ms).
func BenchmarkReport(b *testing.B) {
	svc, st, inst := benchState(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchReport(b, svc, st, inst)
	}
}

func BenchmarkVerify(b *testing.B) {
	svc, st, inst := benchState(b)
	html := benchReport(b, svc, st, inst)
	p := filepath.Join(b.TempDir(), "r.html")
	os.WriteFile(p, html, 0o644)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := VerifyReport(p, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func benchReport(b *testing.B, svc *Service, st *state.Store, inst string) []byte {
	rep, err := svc.Report(context.Background(), ReportRequest{Instance: inst, Learner: "bench", Lang: "en"})
	if err != nil {
		b.Fatal(err)
	}
	key, err := svc.SigningKey("", nil)
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	if err := evidence.Write(&out, &evidence.Document{Evidence: *rep.Evidence}, "html", key, time.Now()); err != nil {
		b.Fatal(err)
	}
	if out.Len() > 1<<20 {
		b.Fatalf("html %d bytes, want < 1 MB", out.Len())
	}
	b.ReportMetric(float64(out.Len()), "html-bytes")
	return out.Bytes()
}

func benchState(b *testing.B) (*Service, *state.Store, string) {
	dir := b.TempDir()
	var lab strings.Builder
	lab.WriteString("lab \"office\" {}\nnetwork \"lan\" { subnet = \"10.1.0.0/24\" }\nnetwork \"dmz\" { subnet = \"10.2.0.0/24\" }\n")
	lab.WriteString("node \"router\" {\n  interface \"lan\" { address = \"10.1.0.1/24\" }\n  interface \"dmz\" { address = \"10.2.0.1/24\" }\n}\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&lab, "node \"pc-%d\" {\n  interface \"lan\" { address = \"10.1.0.%d/24\" }\n}\n", i, 10+i)
	}
	var sc strings.Builder
	sc.WriteString("scenario \"office\" {\n  title = \"Office\"\n  lab = \"../lab\"\n  track = \"network\"\n  level = 2\n  pass = 70\n}\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&sc, "goal \"g%d\" {\n  points = 10\n  check \"command\" {\n    on = \"pc-%d\"\n    run = \"true\"\n  }\n}\n", i, i)
	}
	os.MkdirAll(filepath.Join(dir, "lab"), 0o755)
	os.MkdirAll(filepath.Join(dir, "office"), 0o755)
	os.WriteFile(filepath.Join(dir, "lab", "lab.hcl"), []byte(lab.String()), 0o644)
	scFile := filepath.Join(dir, "office", "scenario.hcl")
	os.WriteFile(scFile, []byte(sc.String()), 0o644)
	rt := fake.New(filepath.Join(dir, "nodes"))
	b.Cleanup(rt.Shutdown)
	st := &state.Store{Root: filepath.Join(dir, "state")}
	svc := &Service{Engine: &engine.Engine{RT: rt, Store: st, Version: "bench"}, Version: "bench"}
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	inst := "office"
	if err := st.Save(&state.Instance{Name: inst, Lab: "office", Scenario: "office", ScenarioFile: scFile, Started: t0, HostKeys: map[string]string{}}); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		goals := map[string]string{}
		for g := 1; g <= 8; g++ {
			goals[fmt.Sprintf("g%d", g)] = map[bool]string{true: "passed", false: "failed"}[g*25 <= i]
		}
		st.AppendHistory(inst, state.HistoryRecord{Time: t0.Add(time.Duration(i+1) * time.Minute), Scenario: "office", Score: i / 3, Max: 80, Goals: goals, Duration: 0.4})
	}
	nodes := []string{"router"}
	for i := 1; i <= 9; i++ {
		nodes = append(nodes, fmt.Sprintf("pc-%d", i))
	}
	for _, n := range nodes {
		f, err := st.OpenCommandLog(inst, n)
		if err != nil {
			b.Fatal(err)
		}
		rec, _ := record.New(&bytes.Buffer{}, f, record.Options{})
		for j := 0; j < 40; j++ {
			rec.LogCommand(fmt.Sprintf("ip route add 10.%d.0.0/24 via 10.1.0.1", j))
		}
		rec.Close()
		f.Close()
	}
	return svc, st, inst
}
