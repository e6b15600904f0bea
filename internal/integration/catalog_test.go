package integration

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/scenario"
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
func TestCatalog(t *testing.T) {
	paths, err := scenario.Discover(scenarios.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 9 {
		t.Fatalf("the catalog has %d scenarios", len(paths))
	}
	var times []string
	for _, p := range paths {
		s, _, diags := scenario.LoadFS(scenarios.Bundled(), p, scenario.Options{Checks: check.Catalog()})
		if diags.HasErrors() {
			t.Fatalf("%s: %s", p, diags.Error())
		}
		t.Run(s.Name, func(t *testing.T) {
			start := time.Now()
			selfTest(t, s)
			times = append(times, fmt.Sprintf("%-20s %5.1fs", s.Name, time.Since(start).Seconds()))
			dir := filepath.Join("testdata", "catalog", s.Name)
			if _, err := os.Stat(filepath.Join(dir, "alt")); err == nil {
				t.Run("alt", func(t *testing.T) { variant(t, s, filepath.Join(dir, "alt"), nil) })
			}
			if _, err := os.Stat(filepath.Join(dir, "wrong")); err == nil {
				t.Run("wrong", func(t *testing.T) {
					variant(t, s, filepath.Join(dir, "wrong"), readExpect(t, filepath.Join(dir, "wrong", "expect")))
				})
			}
		})
	}
	sort.Strings(times)
	t.Logf("self-test times (start, check, solve, check, down):\n%s", strings.Join(times, "\n"))
}

// selfTest: fresh start, solve, down.
func selfTest(t *testing.T, s *scenario.Scenario) {
	inst := "it-cat-" + s.Name
	if len(inst) > 30 {
		inst = inst[:30]
	}
	mustDojo(t, "start", s.Name, "--name", inst)
	defer func() {
		mustDojo(t, "down", inst, "--purge")
		requireGone(t, inst)
	}()
	d, code := checkJSON(t, inst)
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
	mustDojo(t, "solve", inst, "--yes")
	d, code = checkJSON(t, inst)
	if code != 0 || !d.Passed || d.Summary.Passed != len(s.Goals) {
		t.Errorf("after solve: exit %d, %v", code, failures(d))
	}
}

// variant starts the scenario, runs the scripts in dir (NODE.sh, in name
// order) and checks: every goal passes when expect is nil, else the goals
// named in expect have that status and the others pass.
func variant(t *testing.T, s *scenario.Scenario, dir string, expect map[string]string) {
	// alt and wrong get instances (and so containers) of their own names:
	// the engine may still be finishing the removal of the one before.
	inst := "it-" + filepath.Base(dir) + "-" + s.Name
	if len(inst) > 30 {
		inst = inst[:30]
	}
	mustDojo(t, "start", s.Name, "--name", inst)
	defer func() {
		mustDojo(t, "down", inst, "--purge")
		requireGone(t, inst)
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
		mustDojo(t, "ssh", inst+"/"+node, "--", "echo "+b64+" | base64 -d | sh -e")
	}
	d, _ := checkJSON(t, inst)
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
