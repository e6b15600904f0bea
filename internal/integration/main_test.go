package integration

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/runtime/docker"
)

var (
	bin      string // the dojo binary under test
	stateDir string // DOJO_STATE_DIR for every run
	rt       runtime.Runtime
	repoRoot string
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("integration: skipped with -short")
		os.Exit(0)
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	var err error
	rt, err = docker.New(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "integration tests need a Docker engine: %v\n", err)
		return 1
	}
	defer rt.Close()
	tmp, err := os.MkdirTemp("", "dojo-it-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	stateDir = filepath.Join(tmp, "state")
	bin = filepath.Join(tmp, "dojo")
	wd, _ := os.Getwd()
	repoRoot = filepath.Clean(filepath.Join(wd, "..", ".."))
	build := exec.Command("go", "build", "-o", bin, "./cmd/dojo")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building dojo: %v\n%s", err, out)
		return 1
	}
	cleanup(ctx)
	// Build the node image once per run (no-op when present).
	img := exec.Command(bin, "image", "build", "--offline", "-v")
	img.Env = env()
	img.Stdout, img.Stderr = os.Stderr, os.Stderr
	if err := img.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building the node image: %v\n", err)
		return 1
	}
	code := m.Run()
	cleanup(ctx)
	return code
}

// cleanup removes every instance the tests may have left (names start with "it").
func cleanup(ctx context.Context) {
	cs, _ := rt.ListContainers(ctx, engine.ToolLabels())
	for _, c := range cs {
		if strings.HasPrefix(c.Labels[runtime.LabelInstance], "it") {
			_ = rt.RemoveContainer(ctx, c.ID)
		}
	}
	floor, _ := rt.ListContainers(ctx, floorLabels)
	for _, c := range floor {
		_ = rt.RemoveContainer(ctx, c.ID)
	}
	ns, _ := rt.ListNetworks(ctx, engine.ToolLabels())
	for _, n := range ns {
		if strings.HasPrefix(n.Labels[runtime.LabelInstance], "it") {
			_ = rt.RemoveNetwork(ctx, n.ID)
		}
	}
	ns, _ = rt.ListNetworks(ctx, floorLabels)
	for _, n := range ns {
		_ = rt.RemoveNetwork(ctx, n.ID)
	}
}

func env() []string {
	return append(os.Environ(), "DOJO_STATE_DIR="+stateDir, "NO_COLOR=1")
}

// result is the outcome of one dojo run.
type result struct {
	stdout, stderr string
	code           int
}

// dojo runs the binary with args (in the repository root) and returns its output.
func dojo(t *testing.T, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = env()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("dojo %v: %v", args, err)
	}
	return result{o.String(), e.String(), code}
}

// mustDojo runs dojo and fails the test on a non-zero exit.
func mustDojo(t *testing.T, args ...string) result {
	t.Helper()
	r := dojo(t, args...)
	if r.code != 0 {
		t.Fatalf("dojo %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// labelled counts the containers and networks of an instance.
func labelled(t *testing.T, instance string) (containers, networks int) {
	t.Helper()
	ctx := context.Background()
	cs, err := rt.ListContainers(ctx, engine.InstanceLabels(instance))
	if err != nil {
		t.Fatal(err)
	}
	ns, err := rt.ListNetworks(ctx, engine.InstanceLabels(instance))
	if err != nil {
		t.Fatal(err)
	}
	return len(cs), len(ns)
}

func requireGone(t *testing.T, instance string) {
	t.Helper()
	if c, n := labelled(t, instance); c+n != 0 {
		t.Errorf("instance %s left %d containers and %d networks", instance, c, n)
	}
}

// writeLab writes a lab file into a temp dir and returns its path.
func writeLab(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "lab.hcl")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
