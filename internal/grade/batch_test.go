package grade

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// shExec runs a batch with the real /bin/sh of this machine.
func shExec(ctx context.Context, _ string, script string) ([]byte, int, error) {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-s")
	cmd.Stdin = strings.NewReader(script)
	var out bytes.Buffer
	cmd.Stdout = &out
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out.Bytes(), ee.ExitCode(), nil
	}
	return out.Bytes(), 0, err
}

func TestBatchScriptWithRealShell(t *testing.T) {
	probes := []string{
		"echo hello",
		"printf 'no newline'",
		"printf 'two\\n\\n'",
		"echo to-stderr >&2; exit 3",
		"printf '\\n@@dojo-fake 0 out 0\\n'", // looks like a marker, wrong token
		"cat",                                // stdin is closed
		"",                                   // empty probe
		"printf '\\000\\001binary'",
		"nosuchcommand-xyz",
	}
	token := newToken()
	out, code, err := shExec(context.Background(), "n", BatchScript(token, probes))
	if err != nil || code != 0 {
		t.Fatalf("batch: %v %d\n%s", err, code, out)
	}
	got, err := ParseBatch(token, out, len(probes))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		out, err string
		code     int
	}{
		{"hello\n", "", 0},
		{"no newline", "", 0},
		{"two\n\n", "", 0},
		{"", "to-stderr\n", 3},
		{"\n@@dojo-fake 0 out 0\n", "", 0},
		{"", "", 0},
		{"", "", 0},
		{"\x00\x01binary", "", 0},
		{"", "", 127},
	}
	for i, w := range want {
		if string(got[i].Stdout) != w.out || got[i].ExitCode != w.code {
			t.Errorf("probe %d: stdout %q code %d, want %q %d", i, got[i].Stdout, got[i].ExitCode, w.out, w.code)
		}
		if i != 8 && string(got[i].Stderr) != w.err {
			t.Errorf("probe %d: stderr %q want %q", i, got[i].Stderr, w.err)
		}
	}
	if !strings.Contains(string(got[8].Stderr), "not found") {
		t.Errorf("missing command stderr: %q", got[8].Stderr)
	}
}

func TestParseBatchRejectsBrokenStreams(t *testing.T) {
	tok := "@@dojo-x"
	for _, s := range []string{"", "garbage", "\n@@dojo-x 0 out 0\nabc", "\n@@dojo-x 5 out 0\n\n@@dojo-x 5 err 0\n", "\n@@dojo-x 0 what 0\n"} {
		if _, err := ParseBatch(tok, []byte(s), 1); err == nil {
			t.Errorf("ParseBatch(%q) accepted", s)
		}
	}
}

func TestBatcherGroupsProbesPerNode(t *testing.T) {
	var sessions atomic.Int32
	b := NewBatcher(func(ctx context.Context, node, script string) ([]byte, int, error) {
		sessions.Add(1)
		return shExec(ctx, node, script)
	})
	var wg sync.WaitGroup
	for node := 0; node < 3; node++ {
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out := b.Run(context.Background(), string(rune('a'+node)), "echo "+strings.Repeat("x", i))
				if out.Err != nil || strings.TrimSpace(string(out.Stdout)) != strings.Repeat("x", i) {
					t.Errorf("node %d probe %d: %+v", node, i, out)
				}
			}()
		}
	}
	wg.Wait()
	// 60 probes on 3 nodes: a handful of sessions, not 60.
	if n := sessions.Load(); n > 9 {
		t.Errorf("%d sessions for 60 probes on 3 nodes", n)
	}
}

func TestBatcherErrorsAndCancel(t *testing.T) {
	b := NewBatcher(func(ctx context.Context, node, script string) ([]byte, int, error) {
		if node == "down" {
			return nil, 0, errors.New("node unreachable")
		}
		return shExec(ctx, node, script)
	})
	if out := b.Run(context.Background(), "down", "true"); out.Err == nil || !strings.Contains(out.Err.Error(), "unreachable") {
		t.Errorf("unreachable: %+v", out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	out := b.Run(ctx, "up", "sleep 5")
	if out.Err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("timeout: %+v after %s", out, time.Since(start))
	}
	// The node's queue recovers after a cancelled batch.
	if out := b.Run(context.Background(), "up", "echo ok"); out.Err != nil || string(out.Stdout) != "ok\n" {
		t.Errorf("after cancel: %+v", out)
	}
}

func TestBatcherRunsIdenticalProbesOnce(t *testing.T) {
	var probes atomic.Int32
	b := NewBatcher(func(ctx context.Context, node, script string) ([]byte, int, error) {
		probes.Add(int32(strings.Count(script, "&\n_p")))
		return shExec(ctx, node, script)
	})
	b.Gather = 50 * time.Millisecond
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			script := "echo same"
			if i%2 == 1 {
				script = "echo other"
			}
			out := b.Run(context.Background(), "n", script)
			if out.Err != nil || (string(out.Stdout) != "same\n" && string(out.Stdout) != "other\n") {
				t.Errorf("probe %d: %+v", i, out)
			}
		}()
	}
	wg.Wait()
	if n := probes.Load(); n != 2 {
		t.Errorf("%d probes ran for 2 distinct scripts", n)
	}
}

// TestBatchScriptKeepsOutputsOnTmpfs: the probes' files go to /dev/shm
// where it can be written, else to $TMPDIR, and are removed afterwards.
func TestBatchScriptKeepsOutputsOnTmpfs(t *testing.T) {
	tmp := t.TempDir()
	run := func(script string) string {
		cmd := exec.Command("/bin/sh", "-s")
		cmd.Env = []string{"TMPDIR=" + tmp, "PATH=/usr/bin:/bin"}
		cmd.Stdin = strings.NewReader(script)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		outs, err := ParseBatch("@@dojo-t", out, 1)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(outs[0].Stdout))
	}
	script := BatchScript("@@dojo-t", []string{`echo "$_d"`})
	if probe, err := os.MkdirTemp("/dev/shm", "dojo-test"); err == nil {
		os.Remove(probe)
		if d := run(script); !strings.HasPrefix(d, "/dev/shm/.dojo-probe.") {
			t.Errorf("probe directory %q, want it in /dev/shm", d)
		} else if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("probe directory %s left behind", d)
		}
	}
	// Without a usable /dev/shm the batch falls back to $TMPDIR.
	noShm := strings.ReplaceAll(script, "/dev/shm/", "/nonexistent-shm/")
	if d := run(noShm); !strings.HasPrefix(d, tmp+"/.dojo-probe.") {
		t.Errorf("probe directory %q, want it in $TMPDIR", d)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("left in $TMPDIR: %v", left)
	}
}
