package integration

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/labs"
	"github.com/labdojo/labdojo/scenarios"
)

// TestCatalog is the self-test of every bundled scenario: a fresh start
// fails every goal that is not a guard (guards pass: they check that
// something already in place stays), `dojo solve` makes every goal pass,
// and `down` removes everything. Where testdata/catalog/<scenario> holds
// them, a second correct solution (alt/) must pass every goal too, and a
// plausible wrong or shortcut one (wrong/) must fail the goals its
// `expect` file names. Run one scenario with -run 'TestCatalog/NAME'.
//
// Per-scenario times are logged (go test -v) for scenarios/README.md.
//
// A scenario whose lab gives a node CAP_SYS_ADMIN (ospf-frr: FRR's zebra
// needs it) runs here only when the main engine confines SYS_ADMIN
// (user-namespace remapping, rootless, AppArmor, SELinux), with
// --allow-capabilities: on an engine that does not, dojo refuses it by
// design (a container with SYS_ADMIN could escape to the host), so it is
// not tried, and TestOSPFFRR runs it on a userns-remapped second engine.
func TestCatalog(t *testing.T) {
	paths, err := scenario.Discover(scenarios.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 9 {
		t.Fatalf("the catalog has %d scenarios", len(paths))
	}
	secOpts, err := rt.SecurityOptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var times []string
	for _, p := range paths {
		s, _, diags := scenario.LoadFS(scenarios.Bundled(), p, scenario.Options{Checks: check.Catalog()})
		if diags.HasErrors() {
			t.Fatalf("%s: %s", p, diags.Error())
		}
		e := mainEngine(t)
		if nodes := sysAdminNodes(t, s); len(nodes) > 0 {
			if engine.Confinement(secOpts) == "" {
				t.Logf("%s: not run on the main engine: its lab gives %v CAP_SYS_ADMIN, which this engine (security options %v) does not confine, so dojo refuses it (TestOSPFFRR runs it on a userns-remapped engine)", s.Name, nodes, secOpts)
				continue
			}
			e.start = []string{"--allow-capabilities"}
		}
		t.Run(s.Name, func(t *testing.T) {
			start := time.Now()
			selfTest(t, s, e, nil)
			times = append(times, fmt.Sprintf("%-20s %5.1fs", s.Name, time.Since(start).Seconds()))
			variants(t, s, e)
		})
	}
	sort.Strings(times)
	t.Logf("self-test times (start, check, solve, check, down):\n%s", strings.Join(times, "\n"))
}

// sysAdminNodes returns the nodes of s's bundled lab that get
// CAP_SYS_ADMIN.
func sysAdminNodes(t *testing.T, s *scenario.Scenario) []string {
	t.Helper()
	l, _, diags := lab.LoadFS(labs.Bundled(), s.Lab+"/lab.hcl", lab.Options{Allow: lab.Allow{Capabilities: true}})
	if diags.HasErrors() {
		t.Fatalf("lab %s: %s", s.Lab, diags.Error())
	}
	return engine.SysAdminNodes(l)
}

// variants runs the alt and wrong solutions of s where
// testdata/catalog/<scenario> holds them.
func variants(t *testing.T, s *scenario.Scenario, e *engineUnderTest) {
	dir := filepath.Join("testdata", "catalog", s.Name)
	if _, err := os.Stat(filepath.Join(dir, "alt")); err == nil {
		t.Run("alt", func(t *testing.T) { variant(t, s, filepath.Join(dir, "alt"), nil, e) })
	}
	if _, err := os.Stat(filepath.Join(dir, "wrong")); err == nil {
		t.Run("wrong", func(t *testing.T) {
			variant(t, s, filepath.Join(dir, "wrong"), readExpect(t, filepath.Join(dir, "wrong", "expect")), e)
		})
	}
}

// engineUnderTest is the engine the catalog runs on: the main one, or a
// second engine (see secondEngine).
type engineUnderTest struct {
	// run runs dojo against the engine.
	run func(t *testing.T, args ...string) result
	// gone fails the test if anything of an instance is left.
	gone func(t *testing.T, instance string)
	// start holds extra flags for `dojo start`.
	start []string
	// startMu serialises starts: two `up`s at once on one engine may
	// pick the same free subnet and one of them fails ("Pool overlaps").
	startMu sync.Mutex
}

// startInstance starts s as instance inst on e, one start at a time.
func (e *engineUnderTest) startInstance(t *testing.T, s *scenario.Scenario, inst string) {
	t.Helper()
	e.startMu.Lock()
	defer e.startMu.Unlock() // also when must stops the test
	e.must(t, append([]string{"start", s.Name, "--name", inst}, e.start...)...)
}

// mainEngine is the engine every other test uses.
func mainEngine(*testing.T) *engineUnderTest {
	return &engineUnderTest{run: dojo, gone: requireGone}
}

// must runs dojo and fails the test on a non-zero exit.
func (e *engineUnderTest) must(t *testing.T, args ...string) result {
	t.Helper()
	r := e.run(t, args...)
	if r.code != 0 {
		t.Fatalf("dojo %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// selfTest: fresh start, solve, then (if set) solved(instance) on the
// solved instance, down.
func selfTest(t *testing.T, s *scenario.Scenario, e *engineUnderTest, solved func(inst string)) {
	inst := "it-cat-" + s.Name
	if len(inst) > 30 {
		inst = inst[:30]
	}
	e.startInstance(t, s, inst)
	defer func() {
		e.must(t, "down", inst, "--purge")
		e.gone(t, inst)
	}()
	d, code := checkJSONOn(t, e, inst)
	if code != 1 || d.Passed {
		t.Errorf("fresh: exit %d, passed %v", code, d.Passed)
	}
	got := d.status()
	for _, g := range s.Goals {
		switch {
		case g.Guard && got[g.Name] != "passed":
			t.Errorf("fresh: guard %s is %s, want passed (%s)", g.Name, got[g.Name], reason(d, g.Name))
		case !g.Guard && got[g.Name] != "failed" && got[g.Name] != "skipped":
			t.Errorf("fresh: goal %s is %s before any work, want failed or skipped (%s)", g.Name, got[g.Name], reason(d, g.Name))
		}
	}
	if d.Score != 0 {
		t.Errorf("fresh: score %d/%d before any work", d.Score, d.MaxScore)
	}
	e.must(t, "solve", inst, "--yes")
	d, code = checkJSONOn(t, e, inst)
	if code != 0 || !d.Passed || d.Summary.Passed != len(s.Goals) {
		t.Errorf("after solve: exit %d, %v", code, failures(d))
	}
	if solved != nil {
		solved(inst)
	}
}

// variant starts the scenario, runs the scripts in dir (NODE.sh, in name
// order) and checks: every goal passes when expect is nil, else the goals
// named in expect have that status and the others pass.
func variant(t *testing.T, s *scenario.Scenario, dir string, expect map[string]string, e *engineUnderTest) {
	// alt and wrong get instances (and so containers) of their own names:
	// the engine may still be finishing the removal of the one before.
	inst := "it-" + filepath.Base(dir) + "-" + s.Name
	if len(inst) > 30 {
		inst = inst[:30]
	}
	e.startInstance(t, s, inst)
	defer func() {
		e.must(t, "down", inst, "--purge")
		e.gone(t, inst)
	}()
	scripts, _ := filepath.Glob(filepath.Join(dir, "*.sh"))
	sort.Strings(scripts)
	if len(scripts) == 0 {
		t.Fatalf("%s holds no NODE.sh scripts", dir)
	}
	for _, p := range scripts {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// "10-gw.sh" and "gw.sh" both run on gw.
		node := strings.TrimSuffix(filepath.Base(p), ".sh")
		if i := strings.IndexByte(node, '-'); i > 0 && strings.Trim(node[:i], "0123456789") == "" {
			node = node[i+1:]
		}
		b64 := base64.StdEncoding.EncodeToString(src)
		e.must(t, "ssh", inst+"/"+node, "--", "echo "+b64+" | base64 -d | sh -e")
	}
	d, _ := checkJSONOn(t, e, inst)
	got := d.status()
	for _, g := range s.Goals {
		want := "passed"
		if w, ok := expect[g.Name]; ok {
			want = w
		}
		if got[g.Name] != want {
			t.Errorf("goal %s is %s, want %s (%s)", g.Name, got[g.Name], want, reason(d, g.Name))
		}
	}
	for n := range expect {
		if s.GoalByName(n) == nil {
			t.Errorf("expect names unknown goal %q", n)
		}
	}
}

// readExpect reads "goal status" lines (# comments allowed).
func readExpect(t *testing.T, p string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			t.Fatalf("%s: bad line %q", p, line)
		}
		m[f[0]] = f[1]
	}
	if len(m) == 0 {
		t.Fatalf("%s expects nothing", p)
	}
	return m
}

func reason(d checkDoc, goal string) string {
	for _, g := range d.Goals {
		if g.Name == goal {
			var b strings.Builder
			b.WriteString(g.Reason)
			for _, c := range g.Checks {
				if c.Status != "pass" {
					fmt.Fprintf(&b, "; %s on %s: %s (observed %q)", c.Type, c.Node, c.Message, c.Observed)
				}
			}
			return b.String()
		}
	}
	return "no result"
}

func failures(d checkDoc) []string {
	var out []string
	for _, g := range d.Goals {
		if g.Status != "passed" {
			out = append(out, g.Name+"="+g.Status+": "+reason(d, g.Name))
		}
	}
	return out
}
