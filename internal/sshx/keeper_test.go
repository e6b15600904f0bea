package sshx

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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
			return DialKeeper(ctx, path, signer, hostKey.PublicKey(), tg, "")
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
	if _, err := DialKeeper(ctx, path, newSigner(t), hostKey.PublicKey(), srv.target("web"), ""); err == nil {
		t.Error("keeper accepted an unknown key")
	}
	// A keeper presenting another host key is refused by the client.
	if _, err := DialKeeper(ctx, path, signer, newSigner(t).PublicKey(), srv.target("web"), ""); err == nil {
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

// TestKeeperRelaysKeepAlives runs a long command through a keeper whose
// node then goes silent: the client's own keepalives, relayed to the node
// by the keeper, notice it (ErrNodeNotAnswering), as they would directly.
func TestKeeperRelaysKeepAlives(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	proxy := newFreezingProxy(t, srv.addr)
	hostKey := newSigner(t)
	ctx := testCtx(t)
	// The keeper's own keepalives are slow: the client must notice first.
	k := &Keeper{Pool: NewPool(signer, PoolOptions{KeepAlive: time.Minute}), HostKey: hostKey, Authorized: signer.PublicKey(), Poll: 10 * time.Millisecond}
	path, _ := startKeeper(t, ctx, k)
	p := newPool(t, signer, PoolOptions{KeepAlive: 100 * time.Millisecond, Connect: func(ctx context.Context, tg Target) (*ssh.Client, error) {
		return DialKeeper(ctx, path, signer, hostKey.PublicKey(), tg, "")
	}})
	tgt := srv.target("web")
	tgt.Addr = proxy.ln.Addr().String()
	errc := make(chan error, 1)
	go func() {
		_, err := p.Run(ctx, tgt, "sleep 30", nil)
		errc <- err
	}()
	time.Sleep(400 * time.Millisecond) // keepalives answered meanwhile
	select {
	case err := <-errc:
		t.Fatalf("the command ended while the node answered: %v", err)
	default:
	}
	freezeAndExpectNoAnswer(t, proxy, errc)
	if p.Handshakes() != 0 {
		t.Errorf("the client dialled the node itself (%d handshakes)", p.Handshakes())
	}
}

// TestKeeperCannotReachNode: a keeper that cannot reach the node says so
// at connect time, and the client pool dials the node itself, so the
// error the user sees is the node's own (here: connection refused).
func TestKeeperCannotReachNode(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	hostKey := newSigner(t)
	ctx := testCtx(t)
	k := &Keeper{Pool: NewPool(signer, PoolOptions{}), HostKey: hostKey, Authorized: signer.PublicKey(), Poll: 10 * time.Millisecond, Transport: TransportDirect}
	path, _ := startKeeper(t, ctx, k)
	// A client that wants the exec transport is sent on its way.
	if _, err := DialKeeper(ctx, path, signer, hostKey.PublicKey(), srv.target("web"), TransportExec); !errors.Is(err, ErrDirect) {
		t.Errorf("DialKeeper wanting exec from a direct keeper: %v, want ErrDirect", err)
	}
	if cl, err := DialKeeper(ctx, path, signer, hostKey.PublicKey(), srv.target("web"), TransportDirect); err != nil {
		t.Errorf("DialKeeper wanting direct: %v", err)
	} else {
		cl.Close()
	}
	tgt := srv.target("web")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tgt.Addr = ln.Addr().String()
	ln.Close() // nothing listens there now

	_, err = DialKeeper(ctx, path, signer, hostKey.PublicKey(), tgt, "")
	var kd *KeeperDialError
	if !errors.As(err, &kd) || kd.Timeout || !errors.Is(err, ErrDirect) {
		t.Fatalf("DialKeeper to a closed port: %v, want a KeeperDialError wrapping ErrDirect", err)
	}
	p := newPool(t, signer, PoolOptions{Connect: func(ctx context.Context, tg Target) (*ssh.Client, error) {
		return DialKeeper(ctx, path, signer, hostKey.PublicKey(), tg, "")
	}})
	if _, err := p.Run(ctx, tgt, "true", nil); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Run through a keeper to a closed port: %v, want connection refused", err)
	}
	// The reachable node still works through the same keeper.
	if res, err := p.Run(ctx, srv.target("web"), "echo hi", nil); err != nil || string(res.Stdout) != "hi\n" {
		t.Errorf("reachable node: %q %v", res.Stdout, err)
	}
}

// TestKeeperPassesTheContainer: a keeper whose pool reaches nodes through
// the engine (the exec transport needs the node's container, not its
// address) gets the container from the client's target.
func TestKeeperPassesTheContainer(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	hostKey := newSigner(t)
	ctx := testCtx(t)
	viaEngine := PoolOptions{DialTarget: func(ctx context.Context, tg Target) (net.Conn, error) {
		if tg.Container != "dojo-lab.web" {
			return nil, errors.New("no container named " + tg.Container)
		}
		var d net.Dialer
		return d.DialContext(ctx, "tcp", srv.addr)
	}}
	k := &Keeper{Pool: NewPool(signer, viaEngine), HostKey: hostKey, Authorized: signer.PublicKey(), Poll: 10 * time.Millisecond}
	path, _ := startKeeper(t, ctx, k)
	p := newPool(t, signer, PoolOptions{Connect: func(ctx context.Context, tg Target) (*ssh.Client, error) {
		return DialKeeper(ctx, path, signer, hostKey.PublicKey(), tg, "")
	}, DialTarget: func(context.Context, Target) (net.Conn, error) {
		return nil, errors.New("the client must not dial the node itself")
	}})
	tgt := srv.target("web")
	tgt.Addr, tgt.Container = "", "dojo-lab.web"
	if res, err := p.Run(ctx, tgt, "echo hi", nil); err != nil || string(res.Stdout) != "hi\n" {
		t.Fatalf("through a keeper reaching the node by its container: %q %v", res.Stdout, err)
	}
}

// TestKeeperNodeTimesOut: a node that accepts TCP but never speaks SSH
// makes the keeper's handshake time out; DialKeeper reports a final
// timeout (no ErrDirect: dialling again directly would wait as long).
func TestKeeperNodeTimesOut(t *testing.T) {
	signer := newSigner(t)
	hostKey := newSigner(t)
	ctx := testCtx(t)
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accepted, never answered
		}
	}()
	k := &Keeper{Pool: NewPool(signer, PoolOptions{DialTimeout: 200 * time.Millisecond}), HostKey: hostKey, Authorized: signer.PublicKey(), Poll: 10 * time.Millisecond}
	path, _ := startKeeper(t, ctx, k)
	tgt := Target{Name: "mute", Addr: silent.Addr().String(), HostKey: newSigner(t).PublicKey()}
	_, err = DialKeeper(ctx, path, signer, hostKey.PublicKey(), tgt, "")
	var kd *KeeperDialError
	if !errors.As(err, &kd) || !kd.Timeout || errors.Is(err, ErrDirect) || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("DialKeeper to a mute node: %v, want a final timeout", err)
	}
}
