package lab

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLoad loads arbitrary lab sources (with a small lab directory around
// them) and requires that the loader neither panics nor returns both a lab
// and errors.
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"testdata/valid/*/lab.hcl", "testdata/invalid/*/lab.hcl", "../../labs/*/lab.hcl"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	hello, err := os.ReadFile("testdata/valid/full/files/hello.txt")
	if err != nil {
		f.Fatal(err)
	}
	tpl, err := os.ReadFile("testdata/valid/full/files/hosts.tpl")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{
			"lab/lab.hcl":              {Data: src},
			"lab/files/hello.txt":      {Data: hello},
			"lab/files/hosts.tpl":      {Data: tpl},
			"lab/files/index.html.tpl": {Data: []byte("${network} ${n} ${db}")},
			"lab/files/motd":           {Data: []byte("motd")},
			"secret.txt":               {Data: []byte("secret")},
		}
		for _, opts := range []Options{{}, {Allow: Allow{Privileged: true, Capabilities: true, Binds: true, HostNetwork: true}}} {
			lab, files, diags := LoadFS(fsys, "lab/lab.hcl", opts)
			if diags.HasErrors() && lab != nil {
				t.Fatal("lab returned with errors")
			}
			if !diags.HasErrors() && lab == nil {
				t.Fatal("no lab and no errors")
			}
			if lab != nil && strings.Contains(fmt.Sprint(lab.Nodes), "secret") {
				t.Fatal("read outside the lab directory")
			}
			_ = WriteDiagnostics(io.Discard, files, diags, true, 80)
			_ = DiagnosticsJSON(diags)
		}
	})
}

func BenchmarkLoad200(b *testing.B) {
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("lab \"bench\" {\n  title = \"200 nodes\"\n}\n\n")
	sb.WriteString("defaults {\n  memory = \"128m\"\n  env = { LAB = \"bench\" }\n  file \"/etc/motd\" { content = file(\"motd\") }\n}\n\n")
	for i := range 20 {
		fmt.Fprintf(&sb, "network \"net%d\" {\n  subnet = \"10.%d.0.0/24\"\n}\n", i, i)
	}
	for i := range 200 {
		a, c := i%20, (i+1)%20
		fmt.Fprintf(&sb, `node "node%d" {
  title = "node ${%d}"
  interface "net%d" { address = "${cidrhost("10.%d.0.0/24", %d)}/24" }
  interface "net%d" { address = "10.%d.0.%d/24" }
  route {
    destination = "10.%d.0.0/24"
    via         = "10.%d.0.1"
  }
  file "/etc/node" {
    content = format("node-%%d", %d)
    mode    = "0644"
  }
  exec = ["echo %d"]
}
`, i, i, a, a, 10+i/20, c, c, 100+i/20, (a+2)%20, a, i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "lab.hcl"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "motd"), []byte("welcome\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	// The dojo command raises the GC target (cmd/dojo: GCPercent); measure
	// the loader as the command runs it. GOGC in the environment wins, so
	// `GOGC=100 go test -bench Load200` gives the library default.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(GCPercent))
	}
	for b.Loop() {
		lab, _, diags := LoadFile(dir, Options{})
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if len(lab.Nodes) != 200 || len(lab.Networks) != 20 {
			b.Fatalf("%d nodes %d networks", len(lab.Nodes), len(lab.Networks))
		}
	}
}
