//go:build unix

package lab

import (
	"context"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Bounds of a hostile load, checked in a child process.
const (
	hostileDeadline = 60 * time.Second
	hostileMaxRSS   = 640 << 20 // bytes
)

func init() {
	// The child of runBounded: let the collector work hard near the
	// budget instead of growing the heap.
	if os.Getenv("LABDOJO_BOUNDED_CHILD") != "" {
		debug.SetMemoryLimit(256 << 20)
	}
}

// runBounded runs the test named test in a child process with env set,
// kills it after hostileDeadline and fails when it fails, times out or
// peaks above hostileMaxRSS. It returns the child's output.
func runBounded(t *testing.T, test string, env ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hostileDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+test+"$", "-test.v", "-test.count=1")
	cmd.Env = append(append(os.Environ(), "LABDOJO_BOUNDED_CHILD=1"), env...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("child still running after %s (killed):\n%s", hostileDeadline, out)
	}
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss := int64(ru.Maxrss) << 10 // kilobytes on Linux
		t.Logf("peak RSS %d MiB, %s", rss>>20, took.Round(time.Millisecond))
		if rss > hostileMaxRSS {
			t.Errorf("child peaked at %d MiB, limit %d MiB", rss>>20, hostileMaxRSS>>20)
		}
	}
	return string(out)
}

func mkfifo(t *testing.T, p string) string {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDiscoverDirBounded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, n := range []string{"a", "b", ".hidden"} {
		if err := os.MkdirAll(dir+"/"+n, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir+"/"+n+"/lab.hcl", nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mkfifo(t, dir+"/c") // not a directory: ignored, never opened
	got, err := DiscoverDir(context.Background(), dir)
	if err != nil || len(got) != 2 || got[0] != dir+"/a/lab.hcl" || got[1] != dir+"/b/lab.hcl" {
		t.Fatalf("DiscoverDir = %v, %v", got, err)
	}
	if got, err := DiscoverDir(context.Background(), dir+"/missing"); err != nil || got != nil {
		t.Fatalf("missing dir: %v, %v", got, err)
	}
	big := t.TempDir()
	for i := 0; i <= MaxCatalogEntries; i++ {
		if err := os.WriteFile(big+"/"+strconv.Itoa(i), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := DiscoverDir(context.Background(), big); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("huge catalog: %v", err)
	}
}
