package lab

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// wantRE matches an expectation line of an invalid fixture.
var wantRE = regexp.MustCompile(`^# error: (\d+):(\d+) (.+)$`)

// fixtureWants reads the "# error: L:C Summary" lines of a fixture.
func fixtureWants(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var wants []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if m := wantRE.FindStringSubmatch(sc.Text()); m != nil {
			wants = append(wants, fmt.Sprintf("%s:%s %s", m[1], m[2], m[3]))
		}
	}
	return wants
}

func diagKeys(diags hcl.Diagnostics) []string {
	var out []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		if d.Subject == nil {
			out = append(out, "- "+d.Summary)
			continue
		}
		out = append(out, fmt.Sprintf("%d:%d %s", d.Subject.Start.Line, d.Subject.Start.Column, d.Summary))
	}
	return out
}

func TestInvalidFixtures(t *testing.T) {
	dirs, err := filepath.Glob("testdata/invalid/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			wants := fixtureWants(t, filepath.Join(dir, "lab.hcl"))
			if len(wants) == 0 {
				t.Fatal("fixture has no '# error:' expectations")
			}
			lab, files, diags := LoadFile(dir, Options{})
			if lab != nil {
				t.Error("invalid lab returned a *Lab")
			}
			got := diagKeys(diags)
			sort.Strings(got)
			sort.Strings(wants)
			if !reflect.DeepEqual(got, wants) {
				t.Errorf("diagnostics:\n got  %q\n want %q", got, wants)
			}
			for _, d := range diags {
				if d.Subject != nil && files.Map()[d.Subject.Filename] == nil {
					t.Errorf("diagnostic %q names file %q that Files does not hold", d.Summary, d.Subject.Filename)
				}
			}
			var buf bytes.Buffer
			if err := WriteDiagnostics(&buf, files, diags, false, 0); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(buf.String(), "Error: ") {
				t.Errorf("rendered diagnostics lack 'Error: ':\n%s", buf.String())
			}
		})
	}
}

func TestValidFixtures(t *testing.T) {
	dirs, err := filepath.Glob("testdata/valid/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			lab, files, diags := LoadFile(dir, Options{})
			if diags.HasErrors() || lab == nil {
				var buf bytes.Buffer
				_ = WriteDiagnostics(&buf, files, diags, false, 100)
				t.Fatalf("load failed:\n%s", buf.String())
			}
			if len(lab.Hash) != 64 {
				t.Errorf("hash %q", lab.Hash)
			}
		})
	}
}

func nodeNames(l *Lab) []string {
	var out []string
	for _, n := range l.Nodes {
		out = append(out, n.Name)
	}
	return out
}

func TestFullFixture(t *testing.T) {
	lab, files, diags := LoadFile("testdata/valid/full/lab.hcl", Options{Vars: map[string]string{"greeting": "hello"}})
	if diags.HasErrors() {
		var buf bytes.Buffer
		_ = WriteDiagnostics(&buf, files, diags, false, 100)
		t.Fatal(buf.String())
	}
	if lab.Name != "full" || lab.Description != "TEST FIXTURE" {
		t.Errorf("lab block: %q %q", lab.Name, lab.Description)
	}
	wantNodes := []string{"router", "web-1", "web-2", "web-3", "site-alpha", "site-beta", "pkg-curl", "pkg-nginx"}
	if got := nodeNames(lab); !reflect.DeepEqual(got, wantNodes) {
		t.Errorf("nodes %v, want %v", got, wantNodes)
	}
	var nets []string
	for _, n := range lab.Networks {
		nets = append(nets, n.Name+"="+n.Subnet.String())
	}
	if want := []string{"lan=10.20.0.0/24", "alpha=10.20.1.0/24", "beta=10.20.2.0/24"}; !reflect.DeepEqual(nets, want) {
		t.Errorf("networks %v", nets)
	}
	r := lab.NodeByName("router")
	if r.Title != "Router 255.255.255.0" || r.Memory != 1<<30 || r.CPUs != 0.5 || r.Image != "labdojo/node:test" {
		t.Errorf("router basics: %+v", r)
	}
	if !reflect.DeepEqual(r.Env, map[string]string{"LAB": "full", "GREETING": "router"}) {
		t.Errorf("router env %v", r.Env)
	}
	if !reflect.DeepEqual(r.Exec, []string{"echo defaults", "sysctl -w net.ipv4.ip_forward=0"}) {
		t.Errorf("router exec %v", r.Exec)
	}
	if len(r.Files) != 2 || r.Files[0].Path != "/etc/issue" || r.Files[1].Path != "/etc/motd" ||
		string(r.Files[1].Content) != "router motd" || r.Files[1].Mode != 0o600 || r.Files[1].Owner != "root:root" {
		t.Errorf("router files %+v", r.Files)
	}
	if got := r.Interfaces[1].Address; got != netip.MustParsePrefix("10.20.1.1/24") {
		t.Errorf("address without prefix length: %v", got)
	}
	if len(r.Routes) != 1 || r.Routes[0].Dev != "eth2" || r.Routes[0].Via.IsValid() {
		t.Errorf("router routes %+v", r.Routes)
	}
	w2 := lab.NodeByName("web-2")
	if w2.Interfaces[0].Address != netip.MustParsePrefix("10.20.0.11/24") || w2.Interfaces[0].Gateway != netip.MustParseAddr("10.20.0.1") {
		t.Errorf("web-2 interface %+v", w2.Interfaces[0])
	}
	if w2.Env["GREETING"] != "hello" || w2.CPUs != 1 || w2.Memory != 256<<20 {
		t.Errorf("web-2 inherits: %+v", w2)
	}
	if len(w2.Files) != 4 {
		t.Fatalf("web-2 files %+v", w2.Files)
	}
	if got := string(w2.Files[2].Content); got != "10.20.0.1 router\n" {
		t.Errorf("templatefile: %q", got)
	}
	if w2.Files[3].Mode != 0o755|os.ModeSetuid || !strings.HasPrefix(string(w2.Files[3].Content), "hello") {
		t.Errorf("source file %+v", w2.Files[3])
	}
	sb := lab.NodeByName("site-beta")
	if sb.Interfaces[0].Address != netip.MustParsePrefix("10.20.0.60/24") ||
		len(sb.Routes) != 1 || sb.Routes[0].Destination != netip.MustParsePrefix("0.0.0.0/0") {
		t.Errorf("site-beta %+v", sb)
	}
	if lab.NodeByName("pkg-nginx").Title != "has nginx" {
		t.Error("each.value in set")
	}
}

func TestVariables(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "lab.hcl"), `
lab "vars" {}
variable "n" { type = number }
variable "s" { default = "x" }
variable "l" {
  type    = list(string)
  default = []
}
node "web" { count = var.n }
`)
	varFile := filepath.Join(dir, "my.vars")
	write(t, varFile, "n = 2\nl = [\"a\"]\nzzz = 1\n")

	lab, _, diags := LoadFile(dir, Options{VarFiles: []string{varFile}, Vars: map[string]string{"n": "3", "s": "[not parsed]"}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if got := len(lab.Nodes); got != 3 {
		t.Errorf("--var should override the var file: %d nodes", got)
	}
	if len(diags) != 1 || diags[0].Severity != hcl.DiagWarning || diags[0].Subject == nil || diags[0].Subject.Start.Line != 3 {
		t.Errorf("want one warning for zzz at line 3, got %v", diags)
	}
	lab2, _, _ := LoadFile(dir, Options{VarFiles: []string{varFile}})
	if len(lab2.Nodes) != 2 {
		t.Errorf("var file: %d nodes", len(lab2.Nodes))
	}
	if lab.Hash == lab2.Hash {
		t.Error("hash does not depend on variable values")
	}

	cases := []struct {
		opts Options
		want string
	}{
		{Options{}, "No value for required variable"},
		{Options{Vars: map[string]string{"n": "abc"}}, "Variables not allowed"},
		{Options{Vars: map[string]string{"n": `"abc"`}}, "Invalid value for variable"},
		{Options{Vars: map[string]string{"n": "1", "m": "2"}}, "Value for undeclared variable"},
		{Options{Vars: map[string]string{"n": "1"}, VarFiles: []string{filepath.Join(dir, "missing.vars")}}, "Cannot read variables file"},
	}
	for _, c := range cases {
		_, _, diags := LoadFile(dir, c.opts)
		if !diags.HasErrors() || !strings.Contains(diags.Error(), c.want) {
			t.Errorf("%+v: want %q, got %v", c.opts, c.want, diags)
		}
	}
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestAllowFlags(t *testing.T) {
	const src = `
lab "host" {}
node "aa" {
  privileged   = true
  capabilities = ["sys_admin", "CAP_SYS_ADMIN", "SYS_TIME"]
  host_network = true
  bind "/srv/data" {
    target    = "/data"
    read_only = true
  }
}
`
	dir := t.TempDir()
	write(t, filepath.Join(dir, "lab.hcl"), src)
	_, _, diags := LoadFile(dir, Options{})
	var all strings.Builder
	for _, d := range diags {
		all.WriteString(d.Detail + "\n")
	}
	for _, flag := range []string{"--allow-privileged", "--allow-capabilities", "--allow-binds", "--allow-host-network"} {
		if !strings.Contains(all.String(), flag) {
			t.Errorf("refusal does not name %s: %v", flag, diags)
		}
	}
	allowAll := Allow{Privileged: true, Capabilities: true, Binds: true, HostNetwork: true}
	lab, _, diags := LoadFile(dir, Options{Allow: allowAll})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	n := lab.Nodes[0]
	if !n.Privileged || !n.HostNetwork || !reflect.DeepEqual(n.Capabilities, []string{"SYS_ADMIN", "SYS_TIME"}) ||
		!reflect.DeepEqual(n.Binds, []Bind{{Source: "/srv/data", Target: "/data", ReadOnly: true}}) {
		t.Errorf("node %+v", n)
	}
	// Each flag unlocks only its own option.
	_, _, diags = LoadFile(dir, Options{Allow: Allow{Privileged: true, Capabilities: true, Binds: true}})
	if got := diagKeys(diags); len(got) != 1 || !strings.Contains(got[0], "Host networking") {
		t.Errorf("only host networking should be refused: %v", got)
	}
}

func TestSecurity(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "lab")
	write(t, filepath.Join(root, "secret.txt"), "top secret")
	write(t, filepath.Join(dir, "files", "ok.txt"), "fine")
	if err := os.Symlink("../../secret.txt", filepath.Join(dir, "files", "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "secret.txt"), filepath.Join(dir, "abs-escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("ok.txt", filepath.Join(dir, "files", "inside")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(dir, "files", "up")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("loop", filepath.Join(dir, "loop")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		expr string
		want string // "" = loads
	}{
		{`file("files/ok.txt")`, ""},
		{`file("files/inside")`, ""},
		{`file("files/up/files/ok.txt")`, ""},
		{`file("./files/../files/ok.txt")`, ""},
		{`file("../secret.txt")`, "escapes the lab directory"},
		{`file("files/../../secret.txt")`, "escapes the lab directory"},
		{`file("/etc/passwd")`, "absolute path"},
		{`file("files/escape")`, "escapes the lab directory"},
		{`file("abs-escape")`, "escapes the lab directory"},
		{`file("files/up/files/up/../secret.txt")`, "escapes the lab directory"},
		{`file("loop")`, "too many levels"},
		{`file("files")`, "not a regular file"},
		{`fileexists("files/escape")`, "escapes the lab directory"},
		{`tostring(fileexists("files/none"))`, ""},
		{`templatefile("../secret.txt", {})`, "escapes the lab directory"},
	}
	for _, c := range cases {
		src := fmt.Sprintf("lab \"sec\" {\n  title = %s\n}\n", c.expr)
		write(t, filepath.Join(dir, "lab.hcl"), src)
		lab, _, diags := LoadFile(dir, Options{})
		if c.want == "" {
			if diags.HasErrors() {
				t.Errorf("%s: %v", c.expr, diags)
			}
			continue
		}
		if lab != nil || !strings.Contains(diags.Error(), c.want) {
			t.Errorf("%s: want %q, got %v", c.expr, c.want, diags)
			continue
		}
		if s := diags[0].Subject; s == nil || s.Start.Line != 2 {
			t.Errorf("%s: diagnostic not at the call site: %v", c.expr, diags[0].Subject)
		}
	}
	// source = in a file block is checked the same way.
	write(t, filepath.Join(dir, "lab.hcl"), "lab \"sec\" {}\nnode \"aa\" {\n  file \"/x\" { source = \"files/escape\" }\n}\n")
	_, _, diags := LoadFile(dir, Options{})
	if !strings.Contains(diags.Error(), "escapes the lab directory") || diags[0].Subject.Start.Line != 3 {
		t.Errorf("source escape: %v", diags)
	}
}

func TestLoadFSEmbeddedStyle(t *testing.T) {
	fsys := os.DirFS("testdata/valid")
	lab, files, diags := LoadFS(fsys, "full/lab.hcl", Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if lab.File != "full/lab.hcl" || lab.Dir != "" {
		t.Errorf("File %q Dir %q", lab.File, lab.Dir)
	}
	if files.Map()["full/lab.hcl"] == nil {
		t.Errorf("files %v", files.Names())
	}
	// The same lab from the OS path hashes the same.
	lab2, _, _ := LoadFile("testdata/valid/full", Options{})
	if lab2.Hash != lab.Hash {
		t.Error("the same lab hashes differently from an fs.FS and from a directory")
	}
	if _, _, diags := LoadFS(fsys, "../x/lab.hcl", Options{}); !diags.HasErrors() {
		t.Error("invalid fs path accepted")
	}
	if _, _, diags := LoadFS(fsys, "nope/lab.hcl", Options{}); !diags.HasErrors() || !strings.Contains(diags.Error(), "Cannot read lab file") {
		t.Errorf("missing file: %v", diags)
	}
}

func TestBundledLabs(t *testing.T) {
	fsys := os.DirFS("../../labs")
	names, err := Discover(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ansible-fleet/lab.hcl", "app-db/lab.hcl", "backup-pair/lab.hcl", "client-server/lab.hcl", "dhcp-lan/lab.hcl", "dns-lan/lab.hcl", "dual-wan/lab.hcl", "gateway-fw/lab.hcl", "log-center/lab.hcl", "monitoring/lab.hcl", "ospf-triangle-frr/lab.hcl", "ospf-triangle/lab.hcl", "patch-lan/lab.hcl",
		"single-server/lab.hcl", "small-office/lab.hcl", "two-subnets/lab.hcl", "web-tier/lab.hcl"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Discover = %v, want %v", names, want)
	}
	labs := map[string]*Lab{}
	for _, name := range names {
		// ospf-triangle-frr's routers ask for SYS_ADMIN.
		lab, files, diags := LoadFS(fsys, name, Options{Allow: Allow{Capabilities: true}})
		if len(diags) > 0 {
			var buf bytes.Buffer
			_ = WriteDiagnostics(&buf, files, diags, false, 100)
			t.Fatalf("%s:\n%s", name, buf.String())
		}
		if lab.Title == "" || lab.Description == "" || lab.Name+"/lab.hcl" != name {
			t.Errorf("%s: needs a title, a description and a name matching its directory", name)
		}
		labs[lab.Name] = lab
	}
	ts := labs["two-subnets"]
	if ts == nil {
		t.Fatal("two-subnets missing")
	}
	addr := func(l *Lab, node string, i int) string { return l.NodeByName(node).Interfaces[i].Address.String() }
	if addr(ts, "router", 0) != "10.10.1.1/24" || addr(ts, "router", 1) != "10.10.2.1/24" ||
		addr(ts, "client", 0) != "10.10.1.10/24" || addr(ts, "web", 0) != "10.10.2.10/24" {
		t.Error("two-subnets addresses changed")
	}
	web := ts.NodeByName("web")
	if !strings.Contains(string(web.Files[0].Content), "Welcome") || web.Routes[0].Via.String() != "10.10.2.1" {
		t.Errorf("two-subnets web: %+v", web)
	}
	for _, n := range ts.Nodes {
		for _, e := range n.Exec {
			if strings.Contains(e, "ip_forward") {
				t.Error("two-subnets must not enable forwarding")
			}
		}
	}
	if got := nodeNames(labs["web-tier"]); !reflect.DeepEqual(got, []string{"client", "lb", "web-1", "web-2", "db"}) {
		t.Errorf("web-tier nodes %v", got)
	}
	if addr(labs["single-server"], "server", 0) != "10.0.0.10/24" {
		t.Error("single-server address")
	}
}

func TestDiagnosticsJSON(t *testing.T) {
	_, _, diags := LoadFile("testdata/invalid/undeclared-net", Options{})
	js := DiagnosticsJSON(diags)
	data, err := json.Marshal(js)
	if err != nil {
		t.Fatal(err)
	}
	var back []map[string]any
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 1 || back[0]["severity"] != "error" || back[0]["summary"] != "Reference to undeclared network" {
		t.Fatalf("json %s", data)
	}
	rng := back[0]["range"].(map[string]any)
	start := rng["start"].(map[string]any)
	if rng["filename"] != "testdata/invalid/undeclared-net/lab.hcl" || start["line"] != 4.0 || start["column"] != 13.0 {
		t.Errorf("range %s", data)
	}
	if string(mustJSON(t, DiagnosticsJSON(nil))) != "[]" {
		t.Error("empty diagnostics must encode as []")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWriteDiagnosticsSnippet(t *testing.T) {
	_, files, diags := LoadFile("testdata/invalid/undeclared-net", Options{})
	var buf bytes.Buffer
	if err := WriteDiagnostics(&buf, files, diags, false, 80); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"Error: Reference to undeclared network",
		"on testdata/invalid/undeclared-net/lab.hcl line 4, in node \"client\":",
		`interface "ofice" {}`,
		`Did you mean "office"?`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCIDRFunctions(t *testing.T) {
	cases := map[string]string{
		`cidrhost("10.0.0.0/24", 5)`:          "10.0.0.5",
		`cidrhost("10.0.0.0/24", -1)`:         "10.0.0.255",
		`cidrhost("10.0.0.7/24", 256)`:        "error",
		`cidrhost("fd00::/64", 16)`:           "fd00::10",
		`cidrsubnet("10.0.0.0/16", 8, 3)`:     "10.0.3.0/24",
		`cidrsubnet("10.0.0.0/16", 8, 256)`:   "error",
		`cidrsubnet("10.0.0.0/30", 8, 0)`:     "error",
		`cidrsubnet("fd00::/48", 16, 1)`:      "fd00:0:0:1::/64",
		`cidrnetmask("10.0.0.0/20")`:          "255.255.240.0",
		`cidrnetmask("10.0.0.0/0")`:           "0.0.0.0",
		`cidrnetmask("fd00::/64")`:            "error",
		`cidrhost("nope", 1)`:                 "error",
		`cidrhost("10.0.0.0/24", 1.5)`:        "error",
		`cidrhost("10.0.0.0/24", 1e30)`:       "error",
		`cidrsubnet("10.0.0.0/8", -1, 0)`:     "error",
		`cidrsubnet("10.0.0.0/8", 8, -1)`:     "error",
		`cidrhost("0.0.0.0/0", 4294967295)`:   "255.255.255.255",
		`format("%s-%d", "web", 3)`:           "web-3",
		`join(",", split(" ", "a b"))`:        "a,b",
		`tostring(length(concat([1], [2])))`:  "2",
		`tostring(contains(["a"], "a"))`:      "true",
		`element(values({a = "x"}), 0)`:       "x",
		`coalesce(null, "y")`:                 "y",
		`tostring(max(1, 5, abs(-7)))`:        "7",
		`replace(lower("A-B"), "-", "_")`:     "a_b",
		`jsonencode(merge({a = 1}, {b = 2}))`: `{"a":1,"b":2}`,
		`tostring(can(file("nope")))`:         "false",
		`tostring(min(tonumber("3"), 4))`:     "3",
		`join(",", keys({b = 1, a = 2}))`:     "a,b",
		`join(",", [for i in range(2) : i])`:  "0,1",
	}
	dir := t.TempDir()
	for expr, want := range cases {
		write(t, filepath.Join(dir, "lab.hcl"), fmt.Sprintf("lab \"fn\" {\n  title = %s\n}\n", expr))
		lab, _, diags := LoadFile(dir, Options{})
		if want == "error" {
			if !diags.HasErrors() {
				t.Errorf("%s: want an error, got %q", expr, lab.Title)
			}
			continue
		}
		if diags.HasErrors() {
			t.Errorf("%s: %v", expr, diags)
			continue
		}
		if lab.Title != want {
			t.Errorf("%s = %q, want %q", expr, lab.Title, want)
		}
	}
}

func TestMemoryAndMode(t *testing.T) {
	dir := t.TempDir()
	mem := map[string]int64{`"512m"`: 512 << 20, `"1g"`: 1 << 30, `"1.5G"`: 3 << 29, `"64MiB"`: 64 << 20, `"8388608"`: 8 << 20, `8388608`: 8 << 20}
	for expr, want := range mem {
		write(t, filepath.Join(dir, "lab.hcl"), fmt.Sprintf("lab \"mm\" {}\nnode \"aa\" {\n  memory = %s\n}\n", expr))
		lab, _, diags := LoadFile(dir, Options{})
		if diags.HasErrors() || lab.Nodes[0].Memory != want {
			t.Errorf("memory %s: %v %v", expr, diags, lab)
		}
	}
	for _, bad := range []string{`"0"`, `"2t"`, `1.5`, `true`, `"12x"`, `[]`} {
		write(t, filepath.Join(dir, "lab.hcl"), fmt.Sprintf("lab \"mm\" {}\nnode \"aa\" {\n  memory = %s\n}\n", bad))
		if _, _, diags := LoadFile(dir, Options{}); !diags.HasErrors() {
			t.Errorf("memory %s accepted", bad)
		}
	}
	modes := map[string]os.FileMode{"0644": 0o644, "755": 0o755, "1777": 0o777 | os.ModeSticky, "2750": 0o750 | os.ModeSetgid}
	for s, want := range modes {
		if got, err := parseMode(s); err != nil || got != want {
			t.Errorf("parseMode(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "8", "0o644", "77777", "rw-r--r--"} {
		if _, err := parseMode(s); err == nil {
			t.Errorf("parseMode(%q) accepted", s)
		}
	}
}

func TestCheckName(t *testing.T) {
	good := []string{"ab", "web-1", "a1", strings.Repeat("a", 63)}
	bad := []string{"a", "", "-ab", "ab-", "Ab", "a_b", "a.b", strings.Repeat("a", 64), "ümlaut"}
	for _, s := range good {
		if err := checkName(s, 2); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range bad {
		if err := checkName(s, 2); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestHashStable(t *testing.T) {
	a, _, _ := LoadFile("testdata/valid/full", Options{})
	b, _, _ := LoadFile("testdata/valid/full", Options{})
	c, _, _ := LoadFile("testdata/valid/full", Options{Vars: map[string]string{"greeting": "x"}})
	if a.Hash != b.Hash || a.Hash == c.Hash {
		t.Errorf("hash: %s %s %s", a.Hash, b.Hash, c.Hash)
	}
}
