package lab

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestPidsLimit(t *testing.T) {
	for _, c := range []struct {
		defaults, node string
		want           int64
		err            string
	}{
		{"", "", 0, ""},
		{"", "pids = 2048", 2048, ""},
		{"pids = 300", "", 300, ""},
		{"pids = 300", "pids = 100", 100, ""},
		{"", "pids = 10", 0, "between 64 and 65536"},
		{"", "pids = 100000", 0, "between 64 and 65536"},
		{"", "pids = 100.5", 0, "whole number"},
		{"", `pids = "many"`, 0, "pids must be a number"},
	} {
		dir := t.TempDir()
		write(t, filepath.Join(dir, "lab.hcl"), "lab \"pl\" {}\ndefaults {\n"+c.defaults+"\n}\nnode \"n\" {\n"+c.node+"\n}\n")
		l, _, diags := LoadFile(dir, Options{})
		switch {
		case c.err != "":
			var all []string
			for _, d := range diags {
				all = append(all, d.Error())
			}
			if !diags.HasErrors() || !strings.Contains(strings.Join(all, "\n"), c.err) {
				t.Errorf("%q/%q: want error %q, got %v", c.defaults, c.node, c.err, diags)
			}
		case diags.HasErrors():
			t.Errorf("%q/%q: %v", c.defaults, c.node, diags)
		case l.Nodes[0].Pids != c.want:
			t.Errorf("%q/%q: pids %d, want %d", c.defaults, c.node, l.Nodes[0].Pids, c.want)
		}
	}
}

// TestNonASCIINameDiagnostic: a name with a non-ASCII character is
// refused naming that character, not a byte of its encoding.
func TestNonASCIINameDiagnostic(t *testing.T) {
	err := checkName("web-サーバ", 1)
	if err == nil || !strings.Contains(err.Error(), `contains "サ"`) {
		t.Fatalf("err = %v", err)
	}
	if err := checkName("café", 1); err == nil || !strings.Contains(err.Error(), `contains "é"`) {
		t.Fatalf("err = %v", err)
	}
}
