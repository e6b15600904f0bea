package check

import (
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/labs"
	"github.com/labdojo/labdojo/scenarios"
	"github.com/zclconf/go-cty/cty"
)

func TestBuildDiagnostics(t *testing.T) {
	cases := []struct {
		typ    string
		fields map[string]any
		field  string
		detail string
	}{
		{"command", map[string]any{"run": "x", "matches": "a(b"}, "matches", "missing closing )"},
		{"command", map[string]any{"run": "x", "exit_code": 256}, "exit_code", "from 0 to 255"},
		{"command", map[string]any{"run": ""}, "run", "non-empty"},
		{"file", map[string]any{"path": "/x", "mode": "rw-r--r--"}, "mode", "octal file mode"},
		{"file", map[string]any{"path": "/x", "mode": "99999"}, "mode", "octal file mode"},
		{"file", map[string]any{"path": "etc/motd"}, "path", "absolute path"},
		{"file", map[string]any{"path": "/x", "type": "dir"}, "type", "not one of file, directory, symlink"},
		{"file", map[string]any{"path": "/x", "exists": "maybe"}, "exists", "bool is required"},
		{"package", map[string]any{"name": "-nginx"}, "name", "not a Debian package name"},
		{"package", map[string]any{"name": "nginx", "installed": false, "version": "1"}, "version", "installed = false"},
		{"service", map[string]any{"name": "ng inx"}, "name", "not a service name"},
		{"port", map[string]any{"port": 70000}, "port", "from 1 to 65535"},
		{"port", map[string]any{"port": 80, "protocol": "tpc"}, "protocol", `Did you mean "tcp"?`},
		{"port", map[string]any{"port": 80.5}, "port", "whole number"},
		{"port", map[string]any{"port": 80, "address": "localhost"}, "address", "not an IP address"},
		{"user", map[string]any{"name": "-r"}, "name", "not a valid name"},
		{"user", map[string]any{"name": "u", "uid": -1}, "uid", "from 0"},
		{"sysctl", map[string]any{"key": "net ipv4", "value": "1"}, "key", "not a sysctl key"},
		{"sshd", map[string]any{"key": "Permit-Root", "value": "no"}, "key", "not an sshd_config keyword"},
		{"http", map[string]any{"url": "ftp://x/"}, "url", "not an http"},
		{"http", map[string]any{"url": "http://x/", "status": 99}, "status", "from 100 to 599"},
		{"tcp", map[string]any{"host": "-oProxy", "port": 1}, "host", "not a host name"},
		{"tcp", map[string]any{"host": "h", "port": 1, "expect": "open?"}, "expect", "not one of open, closed"},
		{"ping", map[string]any{"host": "a b"}, "host", "not a host name"},
		{"dns", map[string]any{"name": "x", "type": "AXFR"}, "type", "not one of A, AAAA"},
		{"dns", map[string]any{"name": "x", "address": "10.0.0.1", "type": "AAAA"}, "address", "AAAA record address"},
		{"dns", map[string]any{"name": "x", "expect": "nxdomain", "address": "10.0.0.1"}, "address", "nxdomain"},
		{"route", map[string]any{"destination": "10.0.0.0/33"}, "destination", "CIDR prefix"},
		{"route", map[string]any{"destination": "default", "via": "fe80::1"}, "via", "different IP families"},
		{"address", map[string]any{"interface": "eth1", "address": "10.0.0.1"}, "address", "prefix length"},
		{"cron", map[string]any{"contains": "x", "user": "a/b"}, "user", "not a valid name"},
	}
	for _, c := range cases {
		spec := specOf(c.typ, "n", c.fields)
		spec.FieldRanges = map[string]hcl.Range{}
		for k := range c.fields {
			spec.FieldRanges[k] = hcl.Range{Filename: "s.hcl", Start: hcl.Pos{Line: len(k), Column: 7}}
		}
		chk, diags := Build(spec)
		if chk != nil || len(diags) == 0 {
			t.Errorf("%s %v: no diagnostic", c.typ, c.fields)
			continue
		}
		d := diags[0]
		if !strings.Contains(d.Detail, c.detail) || d.Subject == nil || d.Subject.Start.Line != len(c.field) || d.Subject.Start.Column != 7 {
			t.Errorf("%s %v: got %q at %v; want %q on field %s", c.typ, c.fields, d.Detail, d.Subject, c.detail, c.field)
		}
	}
	if _, d := Build(&scenario.CheckSpec{Type: "ping", Fields: map[string]cty.Value{"host": cty.StringVal("h")}}); !d.HasErrors() {
		t.Error("missing on accepted")
	}
	if _, d := Build(&scenario.CheckSpec{Type: "nope", On: "n"}); !d.HasErrors() {
		t.Error("unknown type accepted")
	}
}

// TestEveryTypeBuilds: every type in the catalog builds from its required
// fields, and no type is listed twice.
func TestEveryTypeBuilds(t *testing.T) {
	minimal := map[string]any{"run": "true", "path": "/x", "name": "xx", "port": 1, "key": "k", "value": "v",
		"url": "http://x/", "host": "h", "destination": "default", "interface": "eth1", "address": "10.0.0.1/24", "contains": "c"}
	for _, typ := range Catalog().CheckTypes() {
		ct, ok := Catalog().CheckType(typ)
		if !ok || ct.Name != typ || ct.Validate == nil {
			t.Fatalf("%s: %+v", typ, ct)
		}
		fields := ct.Fields
		f := map[string]any{}
		for _, fd := range fields {
			if fd.Required {
				f[fd.Name] = minimal[fd.Name]
			}
		}
		c, d := Build(specOf(typ, "n", f))
		if d.HasErrors() || c.Type() != typ || c.Describe() == "" || !strings.HasSuffix(c.Script(), "\n") {
			t.Errorf("%s: %v", typ, d)
		}
	}
	if len(typeByName) != len(types) || len(types) != 17 {
		t.Errorf("%d types, %d names", len(types), len(typeByName))
	}
	if _, ok := Catalog().CheckType("nope"); ok {
		t.Error("unknown type found")
	}
}

// TestBundledScenarios validates the catalog with check values, both on
// disk and embedded.
func TestBundledScenarios(t *testing.T) {
	labNodes := func(ref, _ string) ([]string, error) {
		// ospf-triangle-frr's routers ask for SYS_ADMIN.
		l, _, diags := lab.LoadFS(labs.Bundled(), ref+"/lab.hcl", lab.Options{Allow: lab.Allow{Capabilities: true}})
		if diags.HasErrors() {
			return nil, diags
		}
		var names []string
		for _, n := range l.Nodes {
			names = append(names, n.Name)
		}
		return names, nil
	}
	opts := scenario.Options{LabNodes: labNodes, Checks: Catalog()}
	for label, fsys := range map[string]fs.FS{"embedded": scenarios.Bundled(), "disk": os.DirFS("../../scenarios")} {
		dirs, err := scenario.Discover(fsys)
		if err != nil || len(dirs) < 11 {
			t.Fatalf("%s: %v %v", label, dirs, err)
		}
		for _, d := range dirs {
			s, files, diags := scenario.LoadFS(fsys, d, opts)
			if len(diags) > 0 {
				var b strings.Builder
				hcl.NewDiagnosticTextWriter(&b, files, 100, false).WriteDiagnostics(diags)
				t.Errorf("%s %s:\n%s", label, d, b.String())
				continue
			}
			for _, g := range s.Goals {
				for _, c := range g.Checks {
					chk, _ := Build(c)
					if chk.Node() == "" || chk.Script() == "" {
						t.Errorf("%s/%s: empty check", d, g.Name)
					}
				}
			}
		}
	}
}
