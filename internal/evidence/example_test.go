package evidence_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/labdojo/labdojo/internal/evidence"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/graph"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/record"
	"github.com/labdojo/labdojo/labs"
)

// Example shows what `dojo report` does with the data the session layer
// gathers, and what `dojo verify` does with the file.
func Example() {
	start := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	l, _, _ := lab.LoadFS(labs.Bundled(), "two-subnets/lab.hcl", lab.Options{})

	e := &evidence.Evidence{
		Lang: "en", Learner: "Hanako Yamada", Generated: start.Add(time.Hour), Started: start,
		Instance:    "static-routing",
		Scenario:    evidence.Scenario{Name: "static-routing", Title: "Join two subnets", Track: "network", Level: 1, Lab: l.Name},
		Topology:    graph.FromLab(l),
		Environment: evidence.Environment{DojoVersion: "dev", ImageID: "sha256:…", LabHash: l.Hash},
	}
	res := &grade.Result{Score: 10, MaxScore: 10, Percent: 100, PassPercent: 70, Passed: true,
		Goals: []grade.GoalResult{{Name: "forwarding", Title: "The router forwards IPv4", Status: grade.StatusPassed, Points: 10, Awarded: 10}}}
	history := []evidence.HistoryRun{{Time: start.Add(12 * time.Minute), Score: 10, Max: 10, Percent: 100, Passed: true, Goals: map[string]string{"forwarding": grade.StatusPassed}}}
	e.Fill(res, history, nil)
	e.Procedure = []evidence.NodeProcedure{evidence.Procedure("router", []record.Command{
		{Time: start.Add(5 * time.Minute), Line: "sysctl -w net.ipv4.ip_forward=1"},
		{Time: start.Add(6 * time.Minute), Line: "mysql -pS3cret"},
	})}
	e.Redact()

	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	key, err := evidence.LearnerKey(filepath.Join(dir, "report_ed25519"))
	if err != nil {
		panic(err)
	}
	var out bytes.Buffer
	if err := evidence.Write(&out, &evidence.Document{Evidence: *e}, "html", key, start.Add(time.Hour)); err != nil {
		panic(err)
	}

	v, err := evidence.Verify(out.Bytes(), evidence.VerifyOptions{Expected: key.Public()})
	fmt.Println(err, v.Format, v.Label, v.RenderingChecked, v.Evidence.Score, v.Evidence.Redactions)
	fmt.Println(v.Evidence.Goals[0].Name, *v.Evidence.Goals[0].FirstPassSeconds)

	out.Bytes()[out.Len()/2] ^= 1
	_, err = evidence.Verify(out.Bytes(), evidence.VerifyOptions{})
	fmt.Println(err != nil)
	// Output:
	// <nil> html self-check true 10 1
	// forwarding 720
	// true
}
