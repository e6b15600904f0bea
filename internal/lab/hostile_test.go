//go:build unix

package lab

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileCase is one hostile input: a lab directory (a fixture under
// testdata/hostile or one built by setup) and the diagnostic its load
// must end with.
type hostileCase struct {
	name  string
	setup func(t *testing.T, dir string) (labPath string, opts Options)
	want  string
	// cheap cases also run under -short.
	cheap bool
}

func fixture(name string) func(t *testing.T, dir string) (string, Options) {
	return func(t *testing.T, dir string) (string, Options) {
		return filepath.Join("testdata", "hostile", name), Options{}
	}
}

// labWith writes a lab file with the given source into dir.
func labWith(src string) func(t *testing.T, dir string) (string, Options) {
	return func(t *testing.T, dir string) (string, Options) {
		write(t, filepath.Join(dir, "lab.hcl"), src)
		return dir, Options{}
	}
}

const hostileHead = "lab \"hostile\" {}\nnetwork \"lan\" { subnet = \"10.0.0.0/24\" }\n"

var hostileCases = []hostileCase{
	{name: "nested-for", setup: fixture("nested-for"), want: "evaluation budget exceeded"},
	{name: "template-for", setup: fixture("template-for"), want: "evaluation budget exceeded"},
	{name: "format-width", setup: fixture("format-width"), want: "evaluation budget exceeded"},
	{name: "replace-blowup", setup: fixture("replace-blowup"), want: "evaluation budget exceeded"},
	{name: "join-blowup", setup: fixture("join-blowup"), want: "evaluation budget exceeded"},
	{name: "template-doubling", setup: fixture("template-doubling"), want: "evaluation budget exceeded"},
	{name: "var-file-for", setup: func(t *testing.T, dir string) (string, Options) {
		d := filepath.Join("testdata", "hostile", "var-file-for")
		return d, Options{VarFiles: []string{filepath.Join(d, "vars.hcl")}}
	}, want: "evaluation budget exceeded"},
	{name: "var-value-for", setup: func(t *testing.T, dir string) (string, Options) {
		t1 := "[" + strings.Repeat("1,", 1023) + "1]"
		return filepath.Join("testdata", "hostile", "var-file-for"), Options{Vars: map[string]string{
			"x": "[for a in " + t1 + " : [for b in " + t1 + " : [for c in " + t1 + " : c]]]"}}
	}, want: "evaluation budget exceeded"},
	// ~200k nested parentheses in a 400 KB file overflowed the parser's
	// stack (a fatal Go error, not a panic).
	{name: "nested-parens", setup: labWith(hostileHead + "locals {\n  x = " +
		strings.Repeat("(", 200000) + "1" + strings.Repeat(")", 200000) + "\n}\n"),
		want: "lab.hcl:4,"},
	{name: "nested-brackets", setup: labWith(hostileHead + "locals {\n  x = " +
		strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + "\n}\n"),
		want: "Expression nested too deeply"},
	{name: "nested-blocks", setup: labWith(hostileHead + strings.Repeat("a {\n", 200000)),
		want: "Expression nested too deeply"},
	{name: "unary-chain", setup: labWith(hostileHead + "locals {\n  x = " + strings.Repeat("!", 400000) + "true\n}\n"),
		want: "Expression nested too deeply"},
	{name: "binary-chain", setup: labWith(hostileHead + "locals {\n  x = 1" + strings.Repeat("+1", 400000) + "\n}\n"),
		want: "Expression nested too deeply"},
	{name: "ternary-chain", setup: labWith(hostileHead + "locals {\n  x = " + strings.Repeat("true ? 1 : ", 90000) + "1\n}\n"),
		want: "Expression nested too deeply"},
	{name: "template-nesting", setup: labWith(hostileHead + "locals {\n  x = \"" + strings.Repeat("${\"", 100000) + strings.Repeat("\"}", 100000) + "\"\n}\n"),
		want: "Expression nested too deeply"},
	{name: "template-file-nesting", setup: func(t *testing.T, dir string) (string, Options) {
		write(t, filepath.Join(dir, "x.tpl"), strings.Repeat("%{ if true }", 40000)+strings.Repeat("%{ endif }", 40000))
		write(t, filepath.Join(dir, "lab.hcl"), hostileHead+"node \"n1\" {\n  file \"/x\" { content = templatefile(\"x.tpl\", {}) }\n}\n")
		return dir, Options{}
	}, want: "Expression nested too deeply"},
	{name: "var-file-device", setup: func(t *testing.T, dir string) (string, Options) {
		return filepath.Join("testdata", "valid", "minimal"), Options{VarFiles: []string{"/dev/zero"}}
	}, want: "/dev/zero: not a regular file", cheap: true},
	{name: "var-file-fifo", setup: func(t *testing.T, dir string) (string, Options) {
		p := mkfifo(t, filepath.Join(dir, "vars.fifo"))
		return filepath.Join("testdata", "valid", "minimal"), Options{VarFiles: []string{p}}
	}, want: "vars.fifo: not a regular file", cheap: true},
	{name: "file-fifo", setup: func(t *testing.T, dir string) (string, Options) {
		mkfifo(t, filepath.Join(dir, "brief.fifo"))
		write(t, filepath.Join(dir, "lab.hcl"), hostileHead+"locals { x = file(\"brief.fifo\") }\n")
		return dir, Options{}
	}, want: "not a regular file", cheap: true},
	{name: "template-fifo", setup: func(t *testing.T, dir string) (string, Options) {
		mkfifo(t, filepath.Join(dir, "x.tpl"))
		write(t, filepath.Join(dir, "lab.hcl"), hostileHead+"locals { x = templatefile(\"x.tpl\", {}) }\n")
		return dir, Options{}
	}, want: "not a regular file", cheap: true},
	{name: "lab-fifo", setup: func(t *testing.T, dir string) (string, Options) {
		return mkfifo(t, filepath.Join(dir, "lab.hcl")), Options{}
	}, want: "not a regular file", cheap: true},
	{name: "lab-too-large", setup: labWith(hostileHead + "# " + strings.Repeat("x", MaxSourceSize)),
		want: "larger than the limit", cheap: true},
}

// TestHostileInputs loads each hostile input in a child process with a
// deadline and a memory limit, and requires a clear diagnostic, a clean
// exit and a bounded peak memory (ru_maxrss).
func TestHostileInputs(t *testing.T) {
	for _, c := range hostileCases {
		t.Run(c.name, func(t *testing.T) {
			if testing.Short() && !c.cheap {
				t.Skip("a few seconds each; runs without -short")
			}
			t.Parallel()
			out := runBounded(t, "TestHostileChild", "LABDOJO_HOSTILE_CASE="+c.name)
			if !strings.Contains(out, c.want) {
				t.Errorf("diagnostics do not mention %q:\n%s", c.want, out)
			}
		})
	}
}

// TestHostileChild is the child process of TestHostileInputs.
func TestHostileChild(t *testing.T) {
	name := os.Getenv("LABDOJO_HOSTILE_CASE")
	if name == "" {
		t.Skip("child of TestHostileInputs")
	}
	for _, c := range hostileCases {
		if c.name != name {
			continue
		}
		p, opts := c.setup(t, t.TempDir())
		l, _, diags := LoadFileContext(context.Background(), p, opts)
		if l != nil || !diags.HasErrors() {
			t.Fatalf("hostile lab loaded without errors: %v", diags)
		}
		for _, d := range diags {
			t.Logf("DIAG %s", d.Error())
		}
		return
	}
	t.Fatalf("no case %q", name)
}

// TestLoadCancelled checks that a load stops when its context is done:
// the hostile nested loops end at once with the context's error.
func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, diags := LoadFileContext(ctx, filepath.Join("testdata", "valid", "full"), Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "context canceled") {
		t.Fatalf("cancelled load: %v", diags)
	}
}
