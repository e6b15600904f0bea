package sshx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func newSigner(t *testing.T) ssh.Signer {
	t.Helper()
	priv, _, err := GenerateEd25519()
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newPool(t *testing.T, signer ssh.Signer, opts PoolOptions) *Pool {
	t.Helper()
	p := NewPool(signer, opts)
	t.Cleanup(func() { p.Close() })
	return p
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestRunExitCodeAndStreams(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{})
	ctx := testCtx(t)

	res, err := p.Run(ctx, srv.target("web"), "echo out; echo err >&2; exit 7", nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Stdout) != "out\n" || string(res.Stderr) != "err\n" || res.ExitCode != 7 {
		t.Fatalf("got stdout %q stderr %q exit %d", res.Stdout, res.Stderr, res.ExitCode)
	}

	res, err = p.Run(ctx, srv.target("web"), "tr a-z A-Z", strings.NewReader("hello"))
	if err != nil || string(res.Stdout) != "HELLO" || res.ExitCode != 0 {
		t.Fatalf("stdin: got %q exit %d err %v", res.Stdout, res.ExitCode, err)
	}

	res, err = p.Run(ctx, srv.target("web"), `echo 'a'"'"'b' "$0"; test -n "$LABDOJO_RUN"`, nil)
	if err != nil || res.ExitCode != 0 || !strings.HasPrefix(string(res.Stdout), "a'b ") {
		t.Fatalf("quoting: got %q exit %d err %v", res.Stdout, res.ExitCode, err)
	}

	res, err = p.Run(ctx, srv.target("web"), "kill -9 $$", nil)
	if err != nil || res.ExitCode != 137 {
		t.Fatalf("killed command: exit %d err %v, want 137", res.ExitCode, err)
	}
	if got := p.Handshakes(); got != 1 {
		t.Fatalf("handshakes = %d, want 1", got)
	}
}

func TestRunOutputTruncated(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{MaxOutput: 1000})
	res, err := p.Run(testCtx(t), srv.target("web"), "head -c 50000 /dev/zero; echo e >&2", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stdout) != 1000 || !res.StdoutTruncated || res.StderrTruncated || string(res.Stderr) != "e\n" {
		t.Fatalf("got %d bytes truncated=%v stderr %q truncated=%v", len(res.Stdout), res.StdoutTruncated, res.Stderr, res.StderrTruncated)
	}
}

func TestOneHandshakeUnderConcurrency(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{})
	ctx := testCtx(t)

	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := p.Run(ctx, srv.target("web"), fmt.Sprintf("echo %d", i), nil)
			if err == nil && string(res.Stdout) != fmt.Sprintf("%d\n", i) {
				err = fmt.Errorf("run %d: stdout %q", i, res.Stdout)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if c, s := p.Handshakes(), srv.handshakes.Load(); c != 1 || s != 1 {
		t.Fatalf("handshakes: client %d server %d, want 1", c, s)
	}
	if m := srv.maxSessions.Load(); m > DefaultMaxSessions {
		t.Fatalf("server saw %d concurrent sessions, more than the default %d", m, DefaultMaxSessions)
	}
}

func TestMaxSessionsRespected(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{MaxSessions: 3})
	ctx := testCtx(t)

	var wg sync.WaitGroup
	for range 15 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.Run(ctx, srv.target("web"), "sleep 0.05", nil); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if m := srv.maxSessions.Load(); m != 3 {
		t.Fatalf("server saw at most %d concurrent sessions, want exactly 3", m)
	}
}

func TestMaxSessionsAcquireHonoursContext(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{MaxSessions: 1})
	ctx := testCtx(t)

	started := make(chan struct{})
	go func() {
		close(started)
		_, _ = p.Run(ctx, srv.target("web"), "sleep 2", nil)
	}()
	<-started
	time.Sleep(200 * time.Millisecond) // let it take the only slot
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	begin := time.Now()
	_, err := p.Run(short, srv.target("web"), "true", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if d := time.Since(begin); d > time.Second {
		t.Fatalf("waiting for a session slot ignored ctx for %s", d)
	}
}

func TestHostKeyMismatch(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{})
	_, wrong, err := GenerateEd25519()
	if err != nil {
		t.Fatal(err)
	}
	tgt := srv.target("web-1")
	tgt.HostKey = wrong

	_, err = p.Run(testCtx(t), tgt, "true", nil)
	var mismatch *HostKeyMismatchError
	if !errors.As(err, &mismatch) {
		t.Fatalf("err = %v, want HostKeyMismatchError", err)
	}
	msg := err.Error()
	for _, want := range []string{`node "web-1"`, "did not match the pinned key", "dojo down", ssh.FingerprintSHA256(wrong), ssh.FingerprintSHA256(srv.hostKey)} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
	if p.Handshakes() != 0 {
		t.Fatalf("handshakes = %d after a mismatch", p.Handshakes())
	}

	// WaitReady gives up at once instead of retrying until the deadline.
	begin := time.Now()
	err = p.WaitReady(testCtx(t), tgt)
	if !errors.As(err, &mismatch) || time.Since(begin) > 2*time.Second {
		t.Fatalf("WaitReady: %v after %s", err, time.Since(begin))
	}

	tgt.HostKey = nil
	if _, err := p.Run(testCtx(t), tgt, "true", nil); err == nil || !strings.Contains(err.Error(), "no pinned host key") {
		t.Fatalf("nil host key: err = %v", err)
	}
}

func TestWrongUserKeyRejected(t *testing.T) {
	srv := newTestServer(t, newSigner(t).PublicKey())
	p := newPool(t, newSigner(t), PoolOptions{})
	_, err := p.Run(testCtx(t), srv.target("web"), "true", nil)
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") || !strings.Contains(err.Error(), `node "web"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestCancelKillsCommand(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{})
	tgt := srv.target("web")
	if err := p.WaitReady(testCtx(t), tgt); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	begin := time.Now()
	res, err := p.Run(ctx, tgt, "echo started; sleep 30", nil)
	elapsed := time.Since(begin)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	if elapsed > 1500*time.Millisecond {
		t.Fatalf("Run returned %s after cancel", elapsed)
	}
	if string(res.Stdout) != "started\n" {
		t.Errorf("partial stdout %q", res.Stdout)
	}
	select {
	case sig := <-srv.signals:
		if sig != "KILL" {
			t.Fatalf("server got signal %q", sig)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("server never received signal KILL")
	}
	// The connection survives a cancelled command.
	if _, err := p.Run(testCtx(t), tgt, "true", nil); err != nil {
		t.Fatal(err)
	}
	if p.Handshakes() != 1 {
		t.Fatalf("handshakes = %d", p.Handshakes())
	}
}

func TestReconnectAfterServerCloses(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{})
	tgt := srv.target("web")
	ctx := testCtx(t)
	if _, err := p.Run(ctx, tgt, "true", nil); err != nil {
		t.Fatal(err)
	}
	srv.closeConns()
	// Immediately, before the pool may have noticed: the broken connection
	// is detected when opening the session and redialled.
	res, err := p.Run(ctx, tgt, "echo again", nil)
	if err != nil || string(res.Stdout) != "again\n" {
		t.Fatalf("after server closed the connection: %q %v", res.Stdout, err)
	}
	if c, s := p.Handshakes(), srv.handshakes.Load(); c != 2 || s != 2 {
		t.Fatalf("handshakes: client %d server %d, want 2", c, s)
	}
	// And again after the pool noticed on its own.
	srv.closeConns()
	time.Sleep(100 * time.Millisecond)
	if _, err := p.Run(ctx, tgt, "true", nil); err != nil {
		t.Fatal(err)
	}
	if c := p.Handshakes(); c != 3 {
		t.Fatalf("handshakes = %d, want 3", c)
	}
}

func TestRunOnDroppedConnectionIsError(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{})
	tgt := srv.target("web")
	ctx := testCtx(t)
	if err := p.WaitReady(ctx, tgt); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		srv.closeConns()
	}()
	_, err := p.Run(ctx, tgt, "sleep 5", nil)
	if err == nil || !strings.Contains(err.Error(), "without an exit status") {
		t.Fatalf("err = %v, want missing exit status", err)
	}
}

func TestKeepAlive(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{KeepAlive: 20 * time.Millisecond})
	tgt := srv.target("web")
	ctx := testCtx(t)
	if err := p.WaitReady(ctx, tgt); err != nil {
		t.Fatal(err)
	}
	time.Sleep(150 * time.Millisecond) // several keepalive rounds
	if _, err := p.Run(ctx, tgt, "true", nil); err != nil {
		t.Fatal(err)
	}
	if p.Handshakes() != 1 {
		t.Fatalf("keepalives broke the connection: %d handshakes", p.Handshakes())
	}
}

func TestWaitReadyLateListener(t *testing.T) {
	signer := newSigner(t)
	hostSigner := newSigner(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens until the goroutine below starts

	p := newPool(t, signer, PoolOptions{})
	tgt := Target{Name: "late", Addr: addr, HostKey: hostSigner.PublicKey()}
	var srv *testServer
	var mu sync.Mutex
	go func() {
		time.Sleep(300 * time.Millisecond)
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		srv = serveTestServerWithKey(t, ln, signer.PublicKey(), hostSigner)
		mu.Unlock()
	}()
	begin := time.Now()
	if err := p.WaitReady(testCtx(t), tgt); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(begin)
	if elapsed < 300*time.Millisecond || elapsed > 3*time.Second {
		t.Fatalf("WaitReady took %s for a server starting after 300ms", elapsed)
	}
	mu.Lock()
	defer mu.Unlock()
	if c, s := p.Handshakes(), srv.handshakes.Load(); c != 1 || s != 1 {
		t.Fatalf("handshakes: client %d server %d, want 1", c, s)
	}
	// The ready connection is the one later Runs use.
	if _, err := p.Run(testCtx(t), tgt, "true", nil); err != nil || p.Handshakes() != 1 {
		t.Fatalf("run after ready: %v, %d handshakes", err, p.Handshakes())
	}
	t.Logf("ready after %s", elapsed)
}

func TestWaitReadyDeadlineNamesNodeAndLastError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := newPool(t, newSigner(t), PoolOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	begin := time.Now()
	err = p.WaitReady(ctx, Target{Name: "db", Addr: addr, HostKey: newSigner(t).PublicKey()})
	if time.Since(begin) > time.Second {
		t.Fatalf("WaitReady overran its deadline: %s", time.Since(begin))
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	for _, want := range []string{`node "db"`, addr, "connection refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestShell(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{})
	ctx := testCtx(t)

	resize := make(chan [2]int, 1)
	stdinR, stdinW := io.Pipe()
	var stdout, stderr bytes.Buffer
	done := make(chan struct{})
	var code int
	var serr error
	go func() {
		defer close(done)
		code, serr = p.Shell(ctx, srv.target("web"), ShellIO{
			Stdin: stdinR, Stdout: &stdout, Stderr: &stderr,
			TTY: true, Term: "xterm-256color", Width: 120, Height: 30, Resize: resize,
		})
	}()
	select {
	case pr := <-srv.ptyReqs:
		if pr.Term != "xterm-256color" || pr.Cols != 120 || pr.Rows != 30 {
			t.Errorf("pty-req %+v", pr)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no pty-req")
	}
	resize <- [2]int{100, 40}
	select {
	case wc := <-srv.windowChanges:
		if wc != [2]int{100, 40} {
			t.Errorf("window-change %v, want cols 100 rows 40", wc)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no window-change")
	}
	if _, err := io.WriteString(stdinW, "echo in-shell; exit 5\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("shell did not end")
	}
	// stdin was never closed: Shell must not wait for it.
	if serr != nil || code != 5 || stdout.String() != "in-shell\n" {
		t.Fatalf("shell: code %d err %v stdout %q", code, serr, stdout.String())
	}

	// Non-interactive command, no TTY.
	code, err := p.Shell(ctx, srv.target("web"), ShellIO{Stdout: &stdout, Stderr: &stderr, Command: "echo x >&2; exit 2"})
	if err != nil || code != 2 || stderr.String() != "x\n" {
		t.Fatalf("command: code %d err %v stderr %q", code, err, stderr.String())
	}
}

func TestClose(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := NewPool(signer, PoolOptions{KeepAlive: time.Second})
	if err := p.WaitReady(testCtx(t), srv.target("web")); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(testCtx(t), srv.target("web"), "true", nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}
