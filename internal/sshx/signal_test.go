package sshx

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// freezingProxy forwards TCP to target until frozen, then swallows every
// byte in both directions while keeping the connections open: a node
// whose network went away without a reset (`ip link set eth0 down`).
type freezingProxy struct {
	ln     net.Listener
	frozen atomic.Bool
}

func newFreezingProxy(t *testing.T, target string) *freezingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezingProxy{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			t.Cleanup(func() { c.Close(); u.Close() })
			go p.pipe(c, u)
			go p.pipe(u, c)
		}
	}()
	return p
}

func (p *freezingProxy) pipe(dst io.Writer, src io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		if !p.frozen.Load() {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
	}
}

// freezeAndExpectNoAnswer silences the node behind proxy and expects the
// command running into errc to fail with ErrNodeNotAnswering within 2 s.
func freezeAndExpectNoAnswer(t *testing.T, proxy *freezingProxy, errc <-chan error) {
	t.Helper()
	proxy.frozen.Store(true)
	start := time.Now()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrNodeNotAnswering) {
			t.Fatalf("err = %v, want ErrNodeNotAnswering", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("noticed after %s", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run still hangs 10s after the node went silent")
	}
}

// TestKeepAliveNoticesSilentNode runs a long command through a connection
// that then goes silent: Run must fail with ErrNodeNotAnswering within a
// few keepalive intervals instead of hanging.
func TestKeepAliveNoticesSilentNode(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	proxy := newFreezingProxy(t, srv.addr)
	p := newPool(t, signer, PoolOptions{KeepAlive: 100 * time.Millisecond})
	tgt := srv.target("web")
	tgt.Addr = proxy.ln.Addr().String()
	ctx := testCtx(t)
	if err := p.WaitReady(ctx, tgt); err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := p.Run(ctx, tgt, "sleep 30", nil)
		errc <- err
	}()
	time.Sleep(300 * time.Millisecond) // keepalives answered meanwhile
	freezeAndExpectNoAnswer(t, proxy, errc)
}

// TestShellForwardsSignal sends SIGINT to a command run without a TTY; the
// command ends by that signal (exit status 130) at once.
func TestShellForwardsSignal(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	p := newPool(t, signer, PoolOptions{})
	ctx := testCtx(t)
	sigs := make(chan ssh.Signal, 1)
	var out lockedBuffer
	done := make(chan struct{})
	var code int
	var err error
	go func() {
		defer close(done)
		code, err = p.Shell(ctx, srv.target("web"), ShellIO{Command: "echo started; exec sleep 30", Stdout: &out, Stderr: &out, Signals: sigs})
	}()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), "started"); {
		if time.Now().After(deadline) {
			t.Fatal("command did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // the exec of sleep
	start := time.Now()
	sigs <- ssh.SIGINT
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the command survived SIGINT")
	}
	if err != nil || code != 130 {
		t.Fatalf("Shell = %d, %v; want 130 (ended by SIGINT)", code, err)
	}
	t.Logf("ended %s after the signal", time.Since(start).Round(time.Millisecond))
}

// lockedBuffer collects output written from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
