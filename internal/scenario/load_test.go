package scenario

import (
	"bufio"
	"errors"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// labNodes is the LabNodes stub: the bundled labs' node names.
func labNodes(ref, _ string) ([]string, error) {
	switch ref {
	case "two-subnets":
		return []string{"router", "client", "web"}, nil
	case "single-server":
		return []string{"server"}, nil
	case "../labs/demo/lab.hcl":
		return []string{"router", "client", "web"}, nil
	}
	return nil, errors.New("no such lab")
}

func diagText(files map[string]*hcl.File, diags hcl.Diagnostics) string {
	var b strings.Builder
	w := hcl.NewDiagnosticTextWriter(&b, files, 100, false)
	_ = w.WriteDiagnostics(diags)
	return b.String()
}

func TestLoadValid(t *testing.T) {
	s, files, diags := LoadFile("testdata/valid", Options{LabNodes: labNodes, Checks: testCatalog})
	if diags.HasErrors() {
		t.Fatal(diagText(files, diags))
	}
	if s.Name != "demo" || s.Title != "Demo LAB" || s.Track != "network" || s.Level != 2 || s.Minutes != 20 || s.HintCost != 2 {
		t.Errorf("header: %+v", s)
	}
	if s.Pass != DefaultPass {
		t.Errorf("pass default = %d", s.Pass)
	}
	if s.Brief != "# Demo\n\nDo it." {
		t.Errorf("brief = %q", s.Brief)
	}
	if want := filepath.Join("testdata", "labs", "demo", "lab.hcl"); s.LabPath != want {
		t.Errorf("LabPath = %q, want %q", s.LabPath, want)
	}
	if len(s.Setup) != 2 || s.Setup[0].Node != "router" || !strings.Contains(s.Setup[0].Script, "ip_forward=0") || s.Setup[1].Node != "client" {
		t.Errorf("setup = %+v", s.Setup)
	}
	if len(s.Solution) != 1 || s.Solution[0].Range.Start.Line != 43 {
		t.Errorf("solution = %+v", s.Solution)
	}
	fw := s.GoalByName("forwarding")
	if fw.Points != DefaultPoints || fw.Timeout != DefaultTimeout || fw.Within != 0 || fw.Title != "forwarding" {
		t.Errorf("forwarding defaults: %+v", fw)
	}
	if strings.Join(fw.Hints, "|") != "one|two words" {
		t.Errorf("hints = %q", fw.Hints)
	}
	sc := fw.Checks[0]
	if sc.Type != "sysctl" || sc.On != "router" || !sc.Fields["value"].RawEquals(cty.StringVal("1")) {
		t.Errorf("sysctl spec: %+v", sc)
	}
	r := s.GoalByName("reach")
	if r.Points != 20 || r.Within != 20*time.Second || r.Timeout != 3*time.Second || r.Needs[0] != "forwarding" || len(r.Checks) != 2 {
		t.Errorf("reach: %+v", r)
	}
	h := r.Checks[0]
	if h.Title != "web answers" || h.Fields["contains"].AsString() != "welcome" || h.FieldRanges["url"].Start.Line != 32 || h.FieldRanges["on"].Start.Line != 30 {
		t.Errorf("http spec: %+v", h)
	}
	if p := r.Checks[1].Fields["port"]; !p.Type().Equals(cty.Number) {
		t.Errorf("port type %s", p.Type().FriendlyName())
	}
	if s.TotalPoints() != 30 || len(s.Hash) != 64 {
		t.Errorf("total %d hash %q", s.TotalPoints(), s.Hash)
	}
	// The brief is part of the hash.
	s2, _, _ := LoadFS(fstest.MapFS{
		"v/scenario.hcl":    {Data: mustRead(t, "testdata/valid/scenario.hcl")},
		"v/BRIEF.md":        {Data: []byte("other")},
		"v/setup/router.sh": {Data: mustRead(t, "testdata/valid/setup/router.sh")},
	}, "v", Options{Checks: testCatalog})
	if s2 == nil || s2.Hash == s.Hash || s2.Brief != "other" || s2.LabPath != "labs/demo/lab.hcl" {
		t.Errorf("LoadFS: %+v", s2)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var expectLine = regexp.MustCompile(`^# expect: (.+?) @ (\d+):(\d+) ~ (.+)$`)

// TestInvalid loads every fixture in testdata/invalid; each names on its
// first line the diagnostic summary, line, column and a detail excerpt it
// must produce.
func TestInvalid(t *testing.T) {
	paths, _ := filepath.Glob("testdata/invalid/*.hcl")
	if len(paths) < 15 {
		t.Fatalf("only %d fixtures", len(paths))
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".hcl"), func(t *testing.T) {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(f)
			sc.Scan()
			f.Close()
			m := expectLine.FindStringSubmatch(sc.Text())
			if m == nil {
				t.Fatalf("fixture lacks an expect line")
			}
			line, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3])
			s, files, diags := LoadFile(p, Options{LabNodes: labNodes, Checks: testCatalog})
			if s != nil || !diags.HasErrors() {
				t.Fatalf("loaded without errors")
			}
			for _, d := range diags {
				if d.Summary == m[1] && d.Subject != nil && d.Subject.Start.Line == line && d.Subject.Start.Column == col &&
					strings.Contains(d.Detail, m[4]) && d.Subject.Filename == p {
					return
				}
			}
			t.Errorf("want %q at %d:%d with %q; got:\n%s%v", m[1], line, col, m[4], diagText(files, diags), diags[0].Subject)
		})
	}
}

func TestSymlinkEscape(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "secret.txt")
	os.WriteFile(outside, []byte("secret"), 0o600)
	sdir := filepath.Join(dir, "s")
	os.Mkdir(sdir, 0o755)
	if err := os.Symlink(outside, filepath.Join(sdir, "BRIEF.md")); err != nil {
		t.Fatal(err)
	}
	os.Symlink(".", filepath.Join(sdir, "self"))
	os.WriteFile(filepath.Join(sdir, "inside.md"), []byte("inside"), 0o644)
	src := `scenario "s" {
  lab = "x"
  track = "server"
  brief = file("BRIEF.md")
}
goal "g" {
  title = file("self/inside.md")
  check "command" {
    on = "n"
    run = "true"
  }
}
`
	os.WriteFile(filepath.Join(sdir, FileName), []byte(src), 0o644)
	s, files, diags := LoadFile(sdir, Options{Checks: testCatalog})
	if s != nil || len(diags) != 1 || !strings.Contains(diags[0].Detail, "leaves the scenario directory") || diags[0].Subject.Start.Line != 4 {
		t.Fatalf("symlink escape not refused:\n%s", diagText(files, diags))
	}
	// The same through os.DirFS: symlinks are refused outright.
	_, files, diags = LoadFS(os.DirFS(dir), "s", Options{Checks: testCatalog})
	if len(diags) != 2 || !strings.Contains(diags[0].Detail, "symbolic links are not allowed") {
		t.Fatalf("LoadFS symlink not refused:\n%s", diagText(files, diags))
	}
	// A symlink that stays inside is fine on disk.
	os.Remove(filepath.Join(sdir, "BRIEF.md"))
	os.WriteFile(filepath.Join(sdir, "BRIEF.md"), []byte("ok"), 0o644)
	s, files, diags = LoadFile(filepath.Join(sdir, FileName), Options{Checks: testCatalog})
	if diags.HasErrors() || s.Goals[0].Title != "inside" {
		t.Fatalf("inside symlink refused:\n%s", diagText(files, diags))
	}
}

func TestCheckValuesHook(t *testing.T) {
	var seen []string
	hook := func(c *CheckSpec) hcl.Diagnostics {
		seen = append(seen, c.Type)
		if c.Type == "tcp" {
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "bad port", Subject: c.FieldRanges["port"].Ptr()}}
		}
		return nil
	}
	s, _, diags := LoadFile("testdata/valid/scenario.hcl", Options{Checks: mapCatalog{schemas: testSchemas, validate: hook}})
	if s != nil || len(diags) != 1 || diags[0].Subject.Start.Line != 38 {
		t.Fatalf("hook diagnostics not returned: %v", diags)
	}
	if strings.Join(seen, ",") != "sysctl,http,tcp" {
		t.Errorf("hook saw %v", seen)
	}
}

func TestDiscoverAndBundled(t *testing.T) {
	fsys := os.DirFS("../../scenarios")
	dirs, err := Discover(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if j := strings.Join(dirs, ","); !strings.Contains(j, "first-server/scenario.hcl") || !strings.Contains(j, "static-routing/scenario.hcl") || len(dirs) < 11 {
		t.Fatalf("Discover = %v", dirs)
	}
	// The whole catalog is linted against the real labs in package
	// scenarios; here the two the labNodes stub knows.
	for _, d := range []string{"first-server/scenario.hcl", "static-routing/scenario.hcl"} {
		s, files, diags := LoadFS(fsys, d, Options{LabNodes: labNodes, Checks: testCatalog})
		if len(diags) > 0 {
			t.Errorf("%s:\n%s", d, diagText(files, diags))
			continue
		}
		if s.Name != path.Dir(d) || s.File != d || s.Dir != path.Dir(d) || len(s.Solution) == 0 || len(s.Setup) == 0 || !strings.HasPrefix(s.Brief, "# ") {
			t.Errorf("%s: incomplete scenario %+v", d, s)
		}
		var idx int
		for _, g := range s.Goals {
			if g.Range.Start.Line <= idx {
				t.Errorf("%s: goals out of file order", d)
			}
			idx = g.Range.Start.Line
		}
	}
}

func TestSuggest(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"pign", "ping"}, {"netwrok", "network"}, {"file", "file"}, {"zzzzzz", ""}, {"x", ""},
	} {
		if got := Suggest(c.in, append(testCatalog.CheckTypes(), Tracks...)); got != c.want {
			t.Errorf("Suggest(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Without a catalog nothing loads.
	if s, _, diags := LoadFile("testdata/valid/scenario.hcl", Options{}); s != nil || !diags.HasErrors() || diags[0].Summary != "No check catalog" {
		t.Errorf("loaded without a catalog: %v", diags)
	}
}
