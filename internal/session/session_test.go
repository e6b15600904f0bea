package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/runtime/fake"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
)

const testLab = `lab "pair" {}
network "lan" { subnet = "10.1.0.0/24" }
node "client" {
  interface "lan" { address = "10.1.0.20/24" }
}
node "web" {
  interface "lan" { address = "10.1.0.10/24" }
}
`

const testScenario = `scenario "drill" {
  title = "Drill"
  lab   = "../lab"
  track = "server"
  pass  = 50
}
setup "web" { script = "echo once >> setup-log" }
goal "marker" {
  hints = ["touch it"]
  check "command" {
    on  = "web"
    run = "test -f done"
  }
}
solution "web" { script = "touch done" }
`

// newService returns a service on a fake runtime with its files in a
// temporary directory: dir/lab/lab.hcl and dir/drill/scenario.hcl.
func newService(t *testing.T) (*Service, *fake.Runtime, string) {
	t.Helper()
	dir := t.TempDir()
	for p, c := range map[string]string{"lab/lab.hcl": testLab, "drill/scenario.hcl": testScenario} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rt := fake.New(filepath.Join(dir, "nodes"))
	t.Cleanup(rt.Shutdown)
	eng := &engine.Engine{RT: rt, Store: &state.Store{Root: filepath.Join(dir, "state")}, Version: "test", Dial: rt.Dial}
	return &Service{Engine: eng, Version: "test"}, rt, dir
}

func isInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

func TestResolve(t *testing.T) {
	s, _, dir := newService(t)
	ctx := context.Background()
	if _, err := s.ResolveInstance(ctx, ""); !isInput(err) || !strings.Contains(err.Error(), "no instance is running") {
		t.Fatalf("nothing running: %v", err)
	}
	for i, name := range []string{"a", "b"} {
		mgmt := []string{"172.30.1.0/24", "172.30.2.0/24"}[i]
		if _, err := s.Up(ctx, filepath.Join(dir, "lab"), UpRequest{Name: name, MgmtSubnet: mgmt}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.ResolveInstance(ctx, ""); !isInput(err) || !strings.Contains(err.Error(), "several instances are running (a, b)") {
		t.Errorf("two running: %v", err)
	}
	if _, _, err := s.ResolveNode(ctx, "web", ""); !isInput(err) || !strings.Contains(err.Error(), "write INSTANCE/web") {
		t.Errorf("ambiguous node: %v", err)
	}
	if inst, node, err := s.ResolveNode(ctx, "b/web", ""); err != nil || inst != "b" || node != "web" {
		t.Errorf("b/web: %s %s %v", inst, node, err)
	}
	if inst, node, err := s.ResolveNode(ctx, "web", "a"); err != nil || inst != "a" || node != "web" {
		t.Errorf("--name a web: %s %s %v", inst, node, err)
	}
	if _, _, err := s.ResolveNode(ctx, "db", ""); !isInput(err) || !strings.Contains(err.Error(), `no running instance has a node "db" (instances: a, b)`) {
		t.Errorf("unknown node: %v", err)
	}
	if _, err := s.ConnectNode(ctx, "a/db", "", sshx.PoolOptions{}); !isInput(err) {
		t.Errorf("connect to a missing node: %v", err)
	}
	n, err := s.ConnectNode(ctx, "a/web", "", sshx.PoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := n.Pool.Run(ctx, n.Target, "pwd", nil)
	n.Close()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(res.Stdout)), "dojo-a.web") {
		t.Errorf("ran on the wrong node: %q %v", res.Stdout, err)
	}
}

// TestStartOnce: the setup runs on the first start only; a changed
// scenario file is noticed, not re-run.
func TestStartOnce(t *testing.T) {
	s, _, dir := newService(t)
	ctx := context.Background()
	ref := filepath.Join(dir, "drill")
	var setups int
	res, err := s.Start(ctx, ref, UpRequest{MgmtSubnet: "172.30.3.0/24"}, func() { setups++ })
	if err != nil || !res.Fresh || res.Instance != "drill" || setups != 1 {
		t.Fatalf("first start: %+v %v (setups %d)", res, err, setups)
	}
	res, err = s.Start(ctx, ref, UpRequest{}, func() { setups++ })
	if err != nil || res.Fresh || res.Changed || setups != 1 {
		t.Fatalf("second start: %+v %v", res, err)
	}
	os.WriteFile(filepath.Join(ref, "scenario.hcl"), []byte(testScenario+"\n# edited\n"), 0o644)
	res, err = s.Start(ctx, ref, UpRequest{}, nil)
	if err != nil || res.Fresh || !res.Changed {
		t.Fatalf("after an edit: %+v %v", res, err)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "nodes", "dojo-drill.web", "setup-log"))
	if string(log) != "once\n" {
		t.Errorf("setup ran %q", log)
	}
	meta, err := s.Store().Load("drill")
	if err != nil || meta.Scenario != "drill" || meta.ScenarioFile != ref || meta.Started.IsZero() {
		t.Errorf("recorded: %+v %v", meta, err)
	}
}

// TestGradeHintSolve: a failing round, a hint that costs nothing, the
// solution, a passing round; both rounds are in the history with the
// hashes they graded.
func TestGradeHintSolve(t *testing.T) {
	s, _, dir := newService(t)
	ctx := context.Background()
	if _, err := s.Start(ctx, filepath.Join(dir, "drill"), UpRequest{MgmtSubnet: "172.30.4.0/24"}, nil); err != nil {
		t.Fatal(err)
	}
	g, err := s.Grader(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	res, err := g.Round(ctx, nil)
	if err != nil || res.Passed || res.Score != 0 {
		t.Fatalf("before: %+v %v", res, err)
	}
	h, err := s.Hint(ctx, "", "marker")
	if err != nil || h.Index != 0 || h.Hints[0] != "touch it" || h.AllRevealed {
		t.Fatalf("hint: %+v %v", h, err)
	}
	if h, err = s.Hint(ctx, "", "marker"); err != nil || !h.AllRevealed {
		t.Fatalf("second hint: %+v %v", h, err)
	}
	if _, err := s.Hint(ctx, "", "nope"); !isInput(err) {
		t.Errorf("unknown goal: %v", err)
	}
	sol, err := s.Solution(ctx, "drill")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Solve(ctx, sol); err != nil {
		t.Fatal(err)
	}
	if res, err = g.Round(ctx, nil); err != nil || !res.Passed {
		t.Fatalf("after: %+v %v", res, err)
	}
	inst, recs, bad, err := s.History(ctx, "")
	if err != nil || inst != "drill" || len(bad) != 0 {
		t.Fatalf("history: %s %v %v", inst, bad, err)
	}
	// Every setup, graded run and solve, in order (issue 9).
	var kinds []string
	for _, r := range recs {
		kinds = append(kinds, r.Kind)
		if r.ScenarioHash == "" || r.LabHash == "" || r.Scenario != "drill" || r.Time.IsZero() {
			t.Errorf("record without scenario, hashes or time: %+v", r)
		}
	}
	if got := strings.Join(kinds, " "); got != "setup check solve check" {
		t.Fatalf("history kinds: %s", got)
	}
	if r := recs[0]; r.Result != state.ResultOK || strings.Join(r.Nodes, ",") != "web" || r.Graded() {
		t.Errorf("setup record: %+v", r)
	}
	if r := recs[2]; r.Result != state.ResultOK || strings.Join(r.Nodes, ",") != "web" || r.Graded() || r.Time.Before(recs[1].Time) {
		t.Errorf("solve record: %+v", r)
	}
	if recs[1].AfterSolve || !recs[3].AfterSolve || !recs[3].Passed {
		t.Errorf("after_solve marks: %+v / %+v", recs[1], recs[3])
	}
	// A passed run after the solve is not a pass of the learner's.
	rows := []ScenarioEntry{{Name: "drill"}}
	if _, err := MarkPassed(s.Store(), rows); err != nil || rows[0].Passed {
		t.Errorf("MarkPassed counted a solved run: %+v %v", rows, err)
	}
}

// TestSolveInterruptedIsRecorded: a solve cut short by the context is
// recorded as cancelled (part of it may have run), and grading after it is
// marked.
func TestSolveInterruptedIsRecorded(t *testing.T) {
	s, _, dir := newService(t)
	ctx := context.Background()
	if _, err := s.Start(ctx, filepath.Join(dir, "drill"), UpRequest{MgmtSubnet: "172.30.6.0/24"}, nil); err != nil {
		t.Fatal(err)
	}
	sol, err := s.Solution(ctx, "drill")
	if err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Solve(cctx, sol); err == nil {
		t.Fatal("a cancelled solve succeeded")
	}
	_, recs, _, err := s.History(ctx, "")
	if err != nil || len(recs) != 2 || recs[1].Kind != state.KindSolve || recs[1].Result != state.ResultCancelled || recs[1].Error == "" {
		t.Fatalf("history: %+v %v", recs, err)
	}
	g, err := s.Grader(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if _, err := g.Round(ctx, nil); err != nil {
		t.Fatal(err)
	}
	_, recs, _, _ = s.History(ctx, "")
	if last := recs[len(recs)-1]; !last.Graded() || !last.AfterSolve {
		t.Errorf("run after a cancelled solve not marked: %+v", last)
	}
}

// TestSetupFailureNamesTheScript: a failing setup reports node, file
// position, status and output.
func TestSetupFailureNamesTheScript(t *testing.T) {
	s, _, dir := newService(t)
	p := filepath.Join(dir, "drill", "scenario.hcl")
	os.WriteFile(p, []byte(strings.Replace(testScenario, "echo once >> setup-log", "echo broken >&2; exit 4", 1)), 0o644)
	_, err := s.Start(context.Background(), filepath.Join(dir, "drill"), UpRequest{MgmtSubnet: "172.30.5.0/24"}, nil)
	if err == nil || !strings.Contains(err.Error(), `setup on node "web"`) || !strings.Contains(err.Error(), "status 4") || !strings.Contains(err.Error(), "broken") {
		t.Errorf("err = %v", err)
	}
	recs, _, err := s.Store().History("drill")
	if err != nil || len(recs) != 1 || recs[0].Kind != state.KindSetup || recs[0].Result != state.ResultFailed || !strings.Contains(recs[0].Error, "status 4") {
		t.Errorf("failed setup not recorded: %+v %v", recs, err)
	}
}

// TestChangedScenarioMarksRuns: a scenario edited after `start` is graded
// as it now is, with a warning, and every such run is marked in the
// history (issue 9: records could be forged by editing the scenario).
func TestChangedScenarioMarksRuns(t *testing.T) {
	s, _, dir := newService(t)
	ctx := context.Background()
	ref := filepath.Join(dir, "drill")
	if _, err := s.Start(ctx, ref, UpRequest{MgmtSubnet: "172.30.5.0/24"}, nil); err != nil {
		t.Fatal(err)
	}
	grade := func() (*Grader, bool) {
		g, err := s.Grader(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		if _, err := g.Round(ctx, nil); err != nil {
			t.Fatal(err)
		}
		return g, len(g.Warnings) > 0
	}
	if _, warned := grade(); warned {
		t.Fatal("warned before any edit")
	}
	if err := os.WriteFile(filepath.Join(ref, "scenario.hcl"), []byte(testScenario+"\n# edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g, warned := grade()
	if !warned || !strings.Contains(g.Warnings[0].Error(), "changed since") {
		t.Fatalf("no warning after an edit: %v", g.Warnings)
	}
	_, all, _, err := s.History(ctx, "")
	var recs []state.HistoryRecord
	for _, r := range all {
		if r.Graded() {
			recs = append(recs, r)
		}
	}
	if err != nil || len(recs) != 2 || recs[0].ScenarioChanged || !recs[1].ScenarioChanged || recs[0].ScenarioHash == recs[1].ScenarioHash {
		t.Errorf("history: %+v %v", recs, err)
	}
}

// TestLoadersHonourContext: every catalog loader (lab and scenario by
// reference, validate, the labs and scenarios listings of ./labs and
// ./scenarios) stops when its context is done, so Ctrl-C ends a slow load
// (issue 9); with a live context the same calls succeed.
func TestLoadersHonourContext(t *testing.T) {
	_, _, dir := newService(t)
	os.MkdirAll(filepath.Join(dir, "labs", "pair"), 0o755)
	os.WriteFile(filepath.Join(dir, "labs", "pair", "lab.hcl"), []byte(testLab), 0o644)
	t.Chdir(dir)
	live := context.Background()
	done, cancel := context.WithCancel(live)
	cancel()
	if _, err := LoadLab(live, "lab", lab.Options{}); err != nil {
		t.Fatalf("live LoadLab: %v", err)
	}
	if _, err := LoadLab(done, "lab", lab.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("LoadLab with a done context: %v", err)
	}
	if _, err := LoadScenario(live, "drill"); err != nil {
		t.Fatalf("live LoadScenario: %v", err)
	}
	if _, err := LoadScenario(done, "drill"); !errors.Is(err, context.Canceled) {
		t.Errorf("LoadScenario with a done context: %v", err)
	}
	files := []string{filepath.Join("lab", "lab.hcl"), filepath.Join("drill", "scenario.hcl")}
	if res, err := Validate(live, files, lab.Options{}); err != nil || len(res) != 2 || !res[0].Valid() || !res[1].Valid() {
		t.Fatalf("Validate: %+v %v", res, err)
	}
	// A load cut short is not a verdict on the file: the context's error.
	if res, err := Validate(done, files, lab.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Validate with a done context: %+v %v", res, err)
	}
	entries, err := Labs(live)
	var found bool
	for _, e := range entries {
		found = found || e.Name == "pair" && e.Error == "" && e.Source == filepath.Join("labs", "pair", "lab.hcl")
	}
	if err != nil || !found {
		t.Errorf("Labs: %+v %v", entries, err)
	}
	if _, err := Labs(done); !errors.Is(err, context.Canceled) {
		t.Errorf("Labs with a done context: %v", err)
	}
	if _, err := Validate(done, []string{"."}, lab.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Validate of a directory with a done context: %v", err)
	}
	os.MkdirAll(filepath.Join(dir, "scenarios"), 0o755)
	if err := os.Rename(filepath.Join(dir, "drill"), filepath.Join(dir, "scenarios", "drill")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "scenarios", "drill", "scenario.hcl"), []byte(strings.Replace(testScenario, `"../lab"`, `"../../lab"`, 1)), 0o644)
	rows, err := Scenarios(live)
	found = false
	for _, r := range rows {
		found = found || r.Name == "drill" && r.Error == "" && r.Source == filepath.Join("scenarios", "drill", "scenario.hcl")
	}
	if err != nil || !found {
		t.Errorf("Scenarios: %+v %v", rows, err)
	}
	if _, err := Scenarios(done); !errors.Is(err, context.Canceled) {
		t.Errorf("Scenarios with a done context: %v", err)
	}
	if rows, err := ScenariosIn(done, "ja"); err == nil {
		t.Errorf("ScenariosIn with a done context listed %d rows", len(rows))
	}
}

// TestUpRecreatesLostNetwork: a lab network removed behind dojo's back
// (its node stopped, as the engine refuses to remove a network in use) is
// created again by the next up, with the node attached to it; a node on
// another network keeps its work, and the host rules are installed again
// for the new bridge (issue 9).
func TestUpRecreatesLostNetwork(t *testing.T) {
	s, rt, dir := newService(t)
	ctx := context.Background()
	os.MkdirAll(filepath.Join(dir, "two"), 0o755)
	os.WriteFile(filepath.Join(dir, "two", "lab.hcl"), []byte(`lab "two" {}
network "lan" { subnet = "10.1.0.0/24" }
network "dmz" { subnet = "10.2.0.0/24" }
node "a" {
  interface "lan" { address = "10.1.0.10/24" }
}
node "b" {
  interface "dmz" { address = "10.2.0.10/24" }
}
`), 0o644)
	ref := filepath.Join(dir, "two")
	if _, err := s.Up(ctx, ref, UpRequest{MgmtSubnet: "172.30.7.0/24"}); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(dir, "nodes", engine.ContainerName("two", "a"), "kept")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := rt.Stop(engine.ContainerName("two", "b")); err != nil {
		t.Fatal(err)
	}
	dmz := engine.NetworkName("two", "dmz")
	if err := rt.RemoveNetwork(ctx, dmz); err != nil {
		t.Fatal(err)
	}
	helpers := len(rt.HelperRuns())
	res, err := s.Up(ctx, ref, UpRequest{})
	if err != nil {
		t.Fatalf("up after a lost network: %v", err)
	}
	if res.Unchanged || strings.Join(res.RecreatedNetworks, ",") != dmz || strings.Join(res.Recreated, ",") != "b" {
		t.Errorf("recreated networks %v, nodes %v, unchanged %v", res.RecreatedNetworks, res.Recreated, res.Unchanged)
	}
	if len(rt.HelperRuns()) == helpers {
		t.Error("host rules not installed again for the new bridge")
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("node a lost its work: %v", err)
	}
	// Both nodes answer over SSH with their pinned keys.
	if err := s.RunScripts(ctx, "two", []scenario.Script{{Node: "a", Script: "test -e kept"}, {Node: "b", Script: "true"}}, "check"); err != nil {
		t.Errorf("nodes after the repair: %v", err)
	}
	// The management network lost too: every node is recreated.
	for _, n := range []string{"a", "b"} {
		rt.Stop(engine.ContainerName("two", n))
	}
	if err := rt.RemoveNetwork(ctx, engine.MgmtNetworkName("two")); err != nil {
		t.Fatal(err)
	}
	if res, err = s.Up(ctx, ref, UpRequest{}); err != nil {
		t.Fatalf("up after a lost management network: %v", err)
	}
	if strings.Join(res.RecreatedNetworks, ",") != engine.MgmtNetworkName("two") || strings.Join(res.Recreated, ",") != "a,b" {
		t.Errorf("recreated networks %v, nodes %v", res.RecreatedNetworks, res.Recreated)
	}
	if err := s.RunScripts(ctx, "two", []scenario.Script{{Node: "a", Script: "true"}, {Node: "b", Script: "true"}}, "check"); err != nil {
		t.Errorf("nodes after the management repair: %v", err)
	}
	// Unchanged now.
	if res, err = s.Up(ctx, ref, UpRequest{}); err != nil || !res.Unchanged || len(res.RecreatedNetworks) != 0 {
		t.Errorf("third up: %+v %v", res, err)
	}
}

// TestSolveSurvivesRestart: starting the scenario again after a node
// stopped runs its setup again, but keeps the attempt's first start, so a
// solve before the restart still marks later runs.
func TestSolveSurvivesRestart(t *testing.T) {
	s, rt, dir := newService(t)
	ctx := context.Background()
	ref := filepath.Join(dir, "drill")
	if _, err := s.Start(ctx, ref, UpRequest{MgmtSubnet: "172.30.9.0/24"}, nil); err != nil {
		t.Fatal(err)
	}
	first, err := s.Store().Load("drill")
	if err != nil {
		t.Fatal(err)
	}
	sol, err := s.Solution(ctx, "drill")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Solve(ctx, sol); err != nil {
		t.Fatal(err)
	}
	if err := rt.Stop(engine.ContainerName("drill", "web")); err != nil {
		t.Fatal(err)
	}
	res, err := s.Start(ctx, ref, UpRequest{MgmtSubnet: "172.30.9.0/24"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Fresh {
		t.Fatal("a restarted node did not get the setup again")
	}
	again, err := s.Store().Load("drill")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Started.Equal(first.Started) {
		t.Errorf("the attempt's start moved from %v to %v", first.Started, again.Started)
	}
	g, err := s.Grader(ctx, "drill")
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if len(g.Warnings) == 0 || !strings.Contains(g.Warnings[0].Error(), "reference solution") {
		t.Errorf("no after-solve warning after the restart: %v", g.Warnings)
	}
}
