//go:build unix

package scenario

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

const scenarioTail = `goal "g" {
  check "sysctl" {
    on    = "router"
    key   = "net.ipv4.ip_forward"
    value = "1"
  }
}
`

func scenarioWith(head string) func(t *testing.T, dir string) string {
	return func(t *testing.T, dir string) string {
		writeFile(t, filepath.Join(dir, FileName), head+scenarioTail)
		return dir
	}
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mkfifo(t *testing.T, p string) string {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// hostileScenarios are the hostile scenario inputs and the diagnostic
// each load must end with.
var hostileScenarios = []struct {
	name  string
	setup func(t *testing.T, dir string) string
	want  string
	cheap bool
}{
	{name: "brief-fifo", setup: func(t *testing.T, dir string) string {
		mkfifo(t, filepath.Join(dir, "BRIEF.md"))
		return scenarioWith("scenario \"h\" {\n  lab = \"x\"\n  track = \"network\"\n  brief = file(\"BRIEF.md\")\n}\n")(t, dir)
	}, want: "not a regular file", cheap: true},
	{name: "scenario-fifo", setup: func(t *testing.T, dir string) string {
		return mkfifo(t, filepath.Join(dir, FileName))
	}, want: "not a regular file", cheap: true},
	{name: "brief-device", setup: func(t *testing.T, dir string) string {
		if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero")); err != nil {
			t.Fatal(err)
		}
		return scenarioWith("scenario \"h\" {\n  lab = \"x\"\n  track = \"network\"\n  brief = file(\"zero\")\n}\n")(t, dir)
	}, want: "zero", cheap: true},
	{name: "nested-for", setup: func(t *testing.T, dir string) string {
		return filepath.Join("testdata", "hostile", "nested-for")
	}, want: "evaluation budget exceeded"},
	{name: "nested-parens", setup: scenarioWith("scenario \"h\" {\n  lab = \"x\"\n  track = \"network\"\n  title = " +
		strings.Repeat("(", 200000) + "\"t\"" + strings.Repeat(")", 200000) + "\n}\n"),
		want: "Expression nested too deeply"},
}

// TestHostileScenarios loads each hostile scenario in a child process
// with a deadline and requires a diagnostic, a clean exit and a bounded
// peak memory.
func TestHostileScenarios(t *testing.T) {
	for _, c := range hostileScenarios {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && !c.cheap {
				t.Skip("a few seconds; runs without -short")
			}
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHostileScenarioChild$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "LABDOJO_HOSTILE_SCENARIO="+c.name)
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("child still running after a minute (killed):\n%s", out)
			}
			if err != nil {
				t.Fatalf("child failed: %v\n%s", err, out)
			}
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss<<10 > 640<<20 {
				t.Errorf("child peaked at %d MiB", ru.Maxrss>>10)
			}
			if !strings.Contains(string(out), c.want) {
				t.Errorf("diagnostics do not mention %q:\n%s", c.want, out)
			}
		})
	}
}

// TestHostileScenarioChild is the child process of TestHostileScenarios.
func TestHostileScenarioChild(t *testing.T) {
	name := os.Getenv("LABDOJO_HOSTILE_SCENARIO")
	if name == "" {
		t.Skip("child of TestHostileScenarios")
	}
	debug.SetMemoryLimit(256 << 20)
	for _, c := range hostileScenarios {
		if c.name != name {
			continue
		}
		s, _, diags := LoadFileContext(context.Background(), c.setup(t, t.TempDir()), Options{Checks: testCatalog})
		if s != nil || !diags.HasErrors() {
			t.Fatalf("hostile scenario loaded without errors: %v", diags)
		}
		for _, d := range diags {
			t.Logf("DIAG %s", d.Error())
		}
		return
	}
	t.Fatalf("no case %q", name)
}

// FuzzLoad loads arbitrary scenario sources (with a small scenario
// directory around them) and requires that the loader neither panics nor
// returns both a scenario and errors.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"testdata/valid/scenario.hcl", "testdata/invalid/*.hcl", "../../scenarios/*/scenario.hcl"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte(strings.Repeat("(", 1000)))
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{
			"s/scenario.hcl":    {Data: src},
			"s/BRIEF.md":        {Data: []byte("# Brief\n")},
			"s/setup/router.sh": {Data: []byte("sysctl -w net.ipv4.ip_forward=0\n")},
			"secret.txt":        {Data: []byte("secret")},
		}
		labNodes := func(string, string) ([]string, error) { return []string{"router", "client", "web"}, nil }
		s, _, diags := LoadFS(fsys, "s", Options{LabNodes: labNodes, Checks: testCatalog})
		if diags.HasErrors() && s != nil {
			t.Fatalf("scenario returned with errors: %v", diags)
		}
		if !diags.HasErrors() && s == nil {
			t.Fatal("no scenario and no errors")
		}
		if s != nil && strings.Contains(s.Brief, "secret") {
			t.Fatal("file() read outside the scenario directory")
		}
	})
}
