package record

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/ptytest"
)

// TestLinesMatchRealReadline types into an interactive bash on a
// pseudo-terminal through a Recorder and compares the command log with
// what bash's history says it ran: the keystroke-derived lines must be
// exactly the commands readline built.
func TestLinesMatchRealReadline(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	if testing.Short() {
		t.Skip("starts an interactive bash")
	}
	dir := t.TempDir()
	ran := filepath.Join(dir, "ran")
	ptmx, pts := ptytest.Open(t, 24, 80)
	defer ptmx.Close()
	cmd := exec.Command(bash, "--norc", "--noprofile", "-i")
	cmd.Env = []string{"HOME=" + dir, "TERM=xterm", "PS1=READY$ ", "HISTFILE=" + filepath.Join(dir, "hist"), "HISTCONTROL=", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
		"PROMPT_COMMAND=fc -ln -1 >> " + ran}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pts.Close()
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	var cast, cmds bytes.Buffer
	rec, err := New(&cast, &cmds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Terminal output flows through the recorder, as in dojo ssh.
	var mu sync.Mutex
	var screen bytes.Buffer
	out := rec.Output(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return screen.Write(p)
	}))
	go func() { _, _ = io.Copy(out, ptmx) }()
	waitPrompt := func(n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			c := strings.Count(screen.String(), "READY$ ")
			mu.Unlock()
			if c >= n {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("no prompt %d; screen:\n%q", n, screen.String())
	}
	prompts := 1
	waitPrompt(prompts)
	keys := []string{
		"echo ab\x7fc\r",                 // backspace
		"xx\x15echo killed\r",            // Ctrl-U
		"echo one two\x17three\r",        // Ctrl-W
		"echo wrld\x1b[D\x1b[D\x1b[Do\r", // left arrows, insert
		"echo abc\x1b[D\x1b[D\x1b[3~\r",  // Delete
		"echo abc\x1b[D\x1b[D\x0b\r",     // Ctrl-K
		"echo hi\x01: \r",                // Ctrl-A
		"echo x\x02\x02y\x06\x06z\r",     // Ctrl-B, Ctrl-F
		"echo no\x03",                    // Ctrl-C: not run
		"echo yes\r",
		"\x1b[200~echo pasted\x1b[201~\r", // bracketed paste
		"echo é ü\r",                      // UTF-8
		"echo end\x1b[H: \x1b[F!\r",       // Home, End
		"read -rsp 'Password: ' pw\r",     // a password prompt...
		"hunter2\r",                       // ...whose answer is never logged
	}
	for _, k := range keys {
		// The keystrokes reach bash through the recorder, as in dojo ssh.
		if _, err := io.Copy(ptmx, rec.Input(strings.NewReader(k))); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(k, "read ") {
			deadline := time.Now().Add(10 * time.Second)
			for {
				mu.Lock()
				ok := strings.HasSuffix(screen.String(), "Password: ")
				mu.Unlock()
				if ok || time.Now().After(deadline) {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		if strings.HasSuffix(k, "\r") || strings.HasSuffix(k, "\x03") {
			prompts++
			waitPrompt(prompts)
		}
	}
	_ = rec.Close()

	b, err := os.ReadFile(ran)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		want = append(want, strings.TrimSpace(l))
	}
	// PROMPT_COMMAND also runs before the first prompt (fc prints
	// nothing useful then); and after Ctrl-C it repeats the last line.
	logged, err := ReadCommands(bytes.NewReader(cmds.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range logged {
		got = append(got, strings.TrimSpace(c.Line))
		if c.Uncertain != "" {
			t.Errorf("%q marked uncertain: %s", c.Line, c.Uncertain)
		}
	}
	dedup := func(s []string) []string {
		var out []string
		for _, x := range s {
			if len(out) == 0 || out[len(out)-1] != x {
				out = append(out, x)
			}
		}
		return out
	}
	w, g := dedup(want), dedup(got)
	// bash's history before the first command may hold an empty or
	// error line; compare the tail.
	if len(w) > len(g) {
		w = w[len(w)-len(g):]
	}
	t.Logf("bash ran:\n%s", strings.Join(w, "\n"))
	if strings.Join(w, "\n") != strings.Join(g, "\n") {
		t.Errorf("command log differs from what bash ran:\n--- bash ---\n%s\n--- dojo ---\n%s", strings.Join(w, "\n"), strings.Join(g, "\n"))
	}
	if len(g) != 13 {
		t.Errorf("%d lines logged, want 13: %q", len(g), g)
	}
	if _, _, err := ReadCast(bytes.NewReader(cast.Bytes())); err != nil {
		t.Error(err)
	}
	if strings.Contains(cast.String(), "hunter2") || strings.Contains(cmds.String(), "hunter2") {
		t.Error("the answer to a password prompt was recorded")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
