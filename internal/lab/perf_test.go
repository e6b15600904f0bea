package lab

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestCountSharesNestedBlocks checks that the instances of a counted node
// each evaluate their nested blocks with their own count.index, and that a
// problem in a nested block body is reported once, not once per instance.
func TestCountSharesNestedBlocks(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "lab.hcl"), `
lab "count" {}
network "lan" { subnet = "10.0.0.0/24" }
node "web" {
  count = 3
  interface "lan" { address = "10.0.0.${count.index + 10}/24" }
  route {
    destination = "10.9.${count.index}.0/24"
    via         = "10.0.0.1"
  }
  file "/etc/i" { content = "n${count.index}" }
}
`)
	lab, _, diags := LoadFile(dir, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for i, n := range lab.Nodes {
		if got, want := n.Interfaces[0].Address.String(), []string{"10.0.0.10/24", "10.0.0.11/24", "10.0.0.12/24"}[i]; got != want {
			t.Errorf("%s: address %s, want %s", n.Name, got, want)
		}
		if got, want := n.Routes[0].Destination.String(), []string{"10.9.0.0/24", "10.9.1.0/24", "10.9.2.0/24"}[i]; got != want {
			t.Errorf("%s: route %s, want %s", n.Name, got, want)
		}
		if got, want := string(n.Files[0].Content), []string{"n0", "n1", "n2"}[i]; got != want {
			t.Errorf("%s: file %q, want %q", n.Name, got, want)
		}
	}

	write(t, filepath.Join(dir, "lab.hcl"), `
lab "count" {}
network "lan" { subnet = "10.0.0.0/24" }
node "web" {
  count = 3
  interface "lan" { bogus = 1 }
}
node "db" {
  count = 0
  interface "lan" { bogus = 1 }
}
`)
	_, _, diags = LoadFile(dir, Options{})
	if got, want := diagKeys(diags), []string{"6:21 Unsupported argument"}; !reflect.DeepEqual(got, want) {
		t.Errorf("diagnostics %q, want %q", got, want)
	}
}

// TestStringListAndMapConversion covers the direct read of tuples and
// objects of strings and the conversion of other element types.
func TestStringListAndMapConversion(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "lab.hcl"), `
lab "conv" {}
variable "cmds" {
  type    = list(string)
  default = ["c", "d"]
}
node "a" {
  exec = ["a", 2, true]
  env  = { A = "x", B = 1 }
}
node "b" {
  exec = var.cmds
  env  = tomap({ C = "y" })
}
node "c" {
  exec = []
  env  = {}
}
`)
	lab, _, diags := LoadFile(dir, Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	want := []struct {
		exec []string
		env  map[string]string
	}{
		{[]string{"a", "2", "true"}, map[string]string{"A": "x", "B": "1"}},
		{[]string{"c", "d"}, map[string]string{"C": "y"}},
		{nil, map[string]string{}},
	}
	for i, n := range lab.Nodes {
		if len(n.Exec) != len(want[i].exec) || len(n.Exec) > 0 && !reflect.DeepEqual(n.Exec, want[i].exec) {
			t.Errorf("%s: exec %q, want %q", n.Name, n.Exec, want[i].exec)
		}
		if !reflect.DeepEqual(n.Env, want[i].env) {
			t.Errorf("%s: env %v, want %v", n.Name, n.Env, want[i].env)
		}
	}

	write(t, filepath.Join(dir, "lab.hcl"), `
lab "conv" {}
node "a" {
  exec = ["a", ["b"]]
  env  = { A = ["x"] }
}
`)
	_, _, diags = LoadFile(dir, Options{})
	want2 := []string{"4:10 Incorrect attribute value type", "5:10 Incorrect attribute value type"}
	if got := diagKeys(diags); !reflect.DeepEqual(got, want2) {
		t.Errorf("diagnostics %q, want %q", got, want2)
	}
}
