package engine

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden boot scripts")

// TestBootScriptGolden compares each test node's boot script with its
// golden file (go test ./internal/engine -run Golden -update rewrites
// them) and checks its syntax with the host's POSIX sh (dash on Debian).
func TestBootScriptGolden(t *testing.T) {
	p := testPlan(t)
	for _, np := range p.Nodes {
		script := p.BootScript(np)
		golden := filepath.Join("testdata", "boot", np.Node.Name+".sh")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(script), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if script != string(want) {
			t.Errorf("%s: boot script differs from %s (run with -update after checking the change):\n%s", np.Node.Name, golden, script)
		}
		shellSyntax(t, np.Node.Name, script)
	}
}

// shellSyntax checks script with `sh -n`.
func shellSyntax(t *testing.T, name, script string) {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatalf("no sh on this host: %v", err)
	}
	cmd := exec.Command(sh, "-n")
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: sh -n: %v\n%s", name, err, out)
	}
}
