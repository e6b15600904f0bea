package sshx

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// startKeeper serves a keeper for signer's key on a Unix socket in a temp
// dir and returns the socket path, the keeper and a channel with Serve's
// result.
func startKeeper(t *testing.T, ctx context.Context, userKey *Keeper) (string, chan error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "k.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- userKey.Serve(ctx, ln) }()
	return path, done
}

func TestKeeperProxiesSessions(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	hostKey := newSigner(t)
	ctx := testCtx(t)
	k := &Keeper{Pool: NewPool(signer, PoolOptions{}), HostKey: hostKey, Authorized: signer.PublicKey(), Poll: 10 * time.Millisecond}
	path, done := startKeeper(t, ctx, k)

	// Two client pools in turn, as two dojo processes would: the node
	// sees one handshake in all.
	for round := 0; round < 2; round++ {
		p := NewPool(signer, PoolOptions{Connect: func(ctx context.Context, tg Target) (*ssh.Client, error) {
			return DialKeeper(ctx, path, signer, hostKey.PublicKey(), tg)
		}})
		res, err := p.Run(ctx, srv.target("web"), "echo out; echo err >&2; tr a-z A-Z; exit 3", strings.NewReader("abc"))
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Stdout) != "out\nABC" || string(res.Stderr) != "err\n" || res.ExitCode != 3 {
			t.Fatalf("round %d: stdout %q stderr %q exit %d", round, res.Stdout, res.Stderr, res.ExitCode)
		}
		if p.Handshakes() != 0 {
			t.Errorf("client pool made %d node handshakes", p.Handshakes())
		}
		p.Close()
	}
	payload, err := KeeperRequest(ctx, path, signer, hostKey.PublicKey(), KeeperStatsRequest)
	if err != nil {
		t.Fatal(err)
	}
	var st KeeperStats
	if err := json.Unmarshal(payload, &st); err != nil || st.Handshakes != 1 || st.Channels < 2 {
		t.Errorf("stats %+v (%v): want 1 node handshake, 2+ channels", st, err)
	}

	// A stranger's key is refused.
	if _, err := DialKeeper(ctx, path, newSigner(t), hostKey.PublicKey(), srv.target("web")); err == nil {
		t.Error("keeper accepted an unknown key")
	}
	// A keeper presenting another host key is refused by the client.
	if _, err := DialKeeper(ctx, path, signer, newSigner(t).PublicKey(), srv.target("web")); err == nil {
		t.Error("client accepted an unpinned keeper key")
	}

	if _, err := KeeperRequest(ctx, path, signer, hostKey.PublicKey(), KeeperExitRequest); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit on request returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("keeper did not exit when asked")
	}
}

func TestKeeperIdleAndGone(t *testing.T) {
	signer := newSigner(t)
	ctx := testCtx(t)
	k := &Keeper{Pool: NewPool(signer, PoolOptions{}), HostKey: newSigner(t), Authorized: signer.PublicKey(),
		Idle: 100 * time.Millisecond, Poll: 10 * time.Millisecond}
	start := time.Now()
	_, done := startKeeper(t, ctx, k)
	select {
	case err := <-done:
		if err != nil || time.Since(start) < 100*time.Millisecond {
			t.Errorf("idle exit: %v after %v", err, time.Since(start))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("keeper did not exit when idle")
	}

	gone := make(chan struct{})
	k2 := &Keeper{Pool: NewPool(signer, PoolOptions{}), HostKey: newSigner(t), Authorized: signer.PublicKey(), Poll: 10 * time.Millisecond,
		Gone: func() bool {
			select {
			case <-gone:
				return true
			default:
				return false
			}
		}}
	path, done2 := startKeeper(t, ctx, k2)
	close(gone)
	select {
	case err := <-done2:
		if err == nil {
			t.Error("gone exit returned no reason")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("keeper did not exit when its instance was gone")
	}
	if _, err := os.Stat(path); err == nil {
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			t.Error("socket still accepts after exit")
		}
	}
}

func TestConnectHookFallsBackOnErrDirect(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	ctx := testCtx(t)
	calls := 0
	p := newPool(t, signer, PoolOptions{Connect: func(context.Context, Target) (*ssh.Client, error) {
		calls++
		return nil, errors.Join(errors.New("no keeper"), ErrDirect)
	}})
	if res, err := p.Run(ctx, srv.target("web"), "echo hi", nil); err != nil || string(res.Stdout) != "hi\n" {
		t.Fatalf("%q %v", res.Stdout, err)
	}
	if calls != 1 || p.Handshakes() != 1 {
		t.Errorf("hook calls %d, handshakes %d", calls, p.Handshakes())
	}
	p2 := newPool(t, signer, PoolOptions{Connect: func(context.Context, Target) (*ssh.Client, error) {
		return nil, errors.New("broken")
	}})
	if _, err := p2.Run(ctx, srv.target("web"), "echo hi", nil); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("hook error not returned: %v", err)
	}
}
