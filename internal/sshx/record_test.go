package sshx

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/record"
)

// TestShellRecorded wires a recorder into Shell the way `dojo ssh` does:
// the learner's stdin through Input, the terminal through Output. The
// session runs over a real SSH connection to the in-process server; the
// cast must be valid asciicast v2 holding the keystrokes and the output,
// and the command log the lines typed.
func TestShellRecorded(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{})
	ctx := testCtx(t)

	var cast, cmds, screen bytes.Buffer
	rec, err := record.New(&cast, &cmds, record.Options{Width: 100, Height: 30, Term: "xterm-256color"})
	if err != nil {
		t.Fatal(err)
	}
	stdinR, stdinW := io.Pipe()
	done := make(chan struct{})
	var code int
	var serr error
	go func() {
		defer close(done)
		code, serr = p.Shell(ctx, srv.target("web"), ShellIO{
			Stdin: rec.Input(stdinR), Stdout: rec.Output(&screen), Stderr: rec.Output(&screen),
			TTY: true, Term: "xterm-256color", Width: 100, Height: 30,
		})
	}()
	<-srv.ptyReqs
	// The in-process server runs sh without a pseudo-terminal, so there is
	// no remote line editing here: editing keys are covered by
	// internal/record's tests.
	for _, s := range []string{"echo recorded-output\n", "hostname >/dev/null; exit 3\n"} {
		if _, err := io.WriteString(stdinW, s); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("shell did not end")
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if serr != nil || code != 3 || !strings.Contains(screen.String(), "recorded-output\n") {
		t.Fatalf("shell: code %d err %v screen %q", code, serr, screen.String())
	}
	h, evs, err := record.ReadCast(&cast)
	if err != nil {
		t.Fatal(err)
	}
	var in, out strings.Builder
	for _, e := range evs {
		switch e.Code {
		case "i":
			in.WriteString(e.Data)
		case "o":
			out.WriteString(e.Data)
		}
	}
	if h.Width != 100 || !strings.Contains(in.String(), "echo recorded-output\n") || !strings.Contains(out.String(), "recorded-output") {
		t.Errorf("cast: header %+v input %q output %q", h, in.String(), out.String())
	}
	lines, err := record.ReadCommands(&cmds)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0].Line != "echo recorded-output" || lines[1].Line != "hostname >/dev/null; exit 3" {
		t.Errorf("command log %+v", lines)
	}
}
