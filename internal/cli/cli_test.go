package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/runtime"
)

// noEngine fails like a machine without Docker.
func noEngine(context.Context) (runtime.Runtime, error) {
	return nil, fmt.Errorf("no engine in this test: %w", runtime.ErrEngineUnavailable)
}

// run runs dojo in-process (no engine needed for these commands).
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, args, Options{Runtime: noEngine, Getenv: func(string) string { return "" }})
	return out.String(), errb.String(), code
}

func TestVersionAndUsageErrors(t *testing.T) {
	if out, _, code := run(t, "--version"); code != 0 || !strings.Contains(out, "dojo version") {
		t.Errorf("--version: %d %q", code, out)
	}
	if _, errs, code := run(t, "no-such-command"); code != ExitUsage || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: %d %q", code, errs)
	}
	if _, _, code := run(t, "up"); code != ExitUsage {
		t.Errorf("up without a lab: %d", code)
	}
	if _, _, code := run(t, "status", "--bogus-flag"); code != ExitUsage {
		t.Errorf("bad flag: %d", code)
	}
	if out, _, code := run(t, "completion", "bash"); code != 0 || !strings.Contains(out, "bash completion") {
		t.Errorf("completion: %d", code)
	}
}

func TestValidate(t *testing.T) {
	// ospf-triangle-frr's routers ask for SYS_ADMIN.
	out, _, code := run(t, "validate", "--allow-capabilities", "../../labs", "../../scenarios")
	labFiles, _ := filepath.Glob("../../labs/*/lab.hcl")
	scenarioFiles, _ := filepath.Glob("../../scenarios/*/scenario.hcl")
	if n := len(labFiles) + len(scenarioFiles); code != 0 || n < 21 || strings.Count(out, "valid") != n {
		t.Errorf("bundled catalog (%d labs, %d scenarios): %d\n%s", len(labFiles), len(scenarioFiles), code, out)
	}
	_, errs, code := run(t, "validate", "../lab/testdata/invalid/undeclared-net")
	if code != ExitUsage || !strings.Contains(errs, "lab.hcl line") || !strings.Contains(errs, "not valid") {
		t.Errorf("invalid lab: %d\n%s", code, errs)
	}
	out, _, code = run(t, "validate", "--format", "json", "../lab/testdata/invalid/undeclared-net")
	var doc struct {
		Valid bool `json:"valid"`
		Files []struct {
			Path        string `json:"path"`
			Diagnostics []struct {
				Severity string `json:"severity"`
				Summary  string `json:"summary"`
				Range    struct {
					Start struct{ Line, Column int } `json:"start"`
				} `json:"range"`
			} `json:"diagnostics"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != ExitUsage || doc.Valid || len(doc.Files) != 1 {
		t.Fatalf("json: %v %d %s", err, code, out)
	}
	d := doc.Files[0].Diagnostics
	if len(d) == 0 || d[0].Severity != "error" || d[0].Range.Start.Line == 0 {
		t.Errorf("diagnostics: %+v", d)
	}
	if _, errs, code := run(t, "validate", "/nonexistent/path"); code != ExitUsage || !strings.Contains(errs, "/nonexistent/path") {
		t.Errorf("missing path: %d %s", code, errs)
	}
}

func TestCatalogListings(t *testing.T) {
	out, _, code := run(t, "labs")
	for _, want := range []string{"single-server", "two-subnets", "web-tier", "NODES"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("labs lacks %q: %d\n%s", want, code, out)
		}
	}
	out, _, code = run(t, "scenarios", "--format", "json")
	var doc struct {
		Schema    string
		Scenarios []struct{ Name, Track, Lab string }
	}
	err := json.Unmarshal([]byte(out), &doc)
	if rows := doc.Scenarios; err != nil || code != 0 || len(rows) < 2 || doc.Schema != "labdojo.scenarios/v1" {
		t.Errorf("scenarios json: %v %d %s", err, code, out)
	}
}

func TestRenderMarkdown(t *testing.T) {
	plain := func(_, s string) string { return s }
	got := renderMarkdown("# Title\n\nUse **bold** and `code`.\n- item\n```\nraw *x*\n```\n[docs](http://x)", plain)
	want := "TITLE\n\nUse bold and code.\n  • item\n    raw *x*\ndocs (http://x)\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestKeeperConfig(t *testing.T) {
	for _, c := range []struct {
		keep, noKeep bool
		env          map[string]string
		enabled      bool
		idle         time.Duration
	}{
		{keep: true, enabled: true},
		{keep: false, enabled: false},
		{keep: true, noKeep: true, enabled: false},
		{keep: true, env: map[string]string{"DOJO_NO_KEEP": "1"}, enabled: false},
		{keep: true, env: map[string]string{"DOJO_NO_KEEP": "0", "DOJO_KEEP_IDLE": "90s"}, enabled: true, idle: 90 * time.Second},
	} {
		a := &app{keep: c.keep, noKeep: c.noKeep, opts: Options{Getenv: func(k string) string { return c.env[k] }}}
		if got := a.keeperConfig(); got.Enabled != c.enabled || got.Idle != c.idle {
			t.Errorf("%+v: got %+v", c, got)
		}
	}
}
