package sshx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// plainStream hides net.Conn so StreamConn must wrap it, as it wraps the
// Docker runtime's exec stream.
type plainStream struct{ io.ReadWriteCloser }

// transportRig is a Dialer whose direct and exec paths are counted and
// scripted; exec reaches the test server over a plain stream.
type transportRig struct {
	srv          *testServer
	d            *Dialer
	tcps, execs  atomic.Int64
	tcpErr       error
	execErr      error
	execSilently bool
}

func newRig(t *testing.T, srv *testServer, mode Transport, onLink bool) *transportRig {
	r := &transportRig{srv: srv}
	r.d = &Dialer{
		Mode: mode,
		TCP: func(ctx context.Context, network, addr string) (net.Conn, error) {
			r.tcps.Add(1)
			if r.tcpErr != nil {
				return nil, r.tcpErr
			}
			var nd net.Dialer
			return nd.DialContext(ctx, network, srv.addr)
		},
		Exec: func(ctx context.Context, container string, cmd []string) (io.ReadWriteCloser, error) {
			r.execs.Add(1)
			if !slices.Equal(cmd, SSHDInetd) || container != "dojo-x-web" {
				t.Errorf("exec %q in %q", cmd, container)
			}
			if r.execErr != nil {
				return nil, r.execErr
			}
			if r.execSilently {
				a, b := net.Pipe()
				t.Cleanup(func() { b.Close() })
				return plainStream{a}, nil
			}
			var nd net.Dialer
			nc, err := nd.DialContext(ctx, "tcp", srv.addr)
			return plainStream{nc}, err
		},
		onLink: func(netip.Addr) bool { return onLink },
	}
	return r
}

// target is the server as a node: a management address that the rig's
// TCP function may refuse, and a container for exec.
func (r *transportRig) target() Target {
	t := r.srv.target("web")
	t.Addr = "172.30.9.2:22"
	t.Container = "dojo-x-web"
	return t
}

func unreachable() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: syscall.EHOSTUNREACH}
}

func TestAutoFallsBackToExecAndSticks(t *testing.T) {
	signer := newSigner(t)
	r := newRig(t, newTestServer(t, signer.PublicKey()), TransportAuto, false)
	r.tcpErr = unreachable()
	p := newPool(t, signer, PoolOptions{DialTarget: r.d.DialTarget})
	ctx := testCtx(t)
	res, err := p.Run(ctx, r.target(), "echo over-exec; exit 3", nil)
	if err != nil || res.ExitCode != 3 || string(res.Stdout) != "over-exec\n" {
		t.Fatalf("run over exec: %v exit %d out %q", err, res.ExitCode, res.Stdout)
	}
	if r.d.Chosen() != TransportExec || r.tcps.Load() != 1 || r.execs.Load() != 1 {
		t.Fatalf("chosen %s after %d tcp %d exec", r.d.Chosen(), r.tcps.Load(), r.execs.Load())
	}
	// A second pool through the same dialer does not probe again.
	p2 := newPool(t, signer, PoolOptions{DialTarget: r.d.DialTarget})
	if _, err := p2.Run(ctx, r.target(), "true", nil); err != nil {
		t.Fatal(err)
	}
	if r.tcps.Load() != 1 || r.execs.Load() != 2 {
		t.Fatalf("second pool: %d tcp %d exec", r.tcps.Load(), r.execs.Load())
	}
}

func TestAutoPrefersDirect(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	ctx := testCtx(t)

	// On the node's network: direct without a probe, even while refused.
	r := newRig(t, srv, TransportAuto, true)
	r.tcpErr = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	if tr, err := r.d.Resolve(ctx, r.target()); tr != TransportDirect || err != nil {
		t.Fatalf("on-link: %s %v", tr, err)
	}
	if r.tcps.Load() != 0 || r.execs.Load() != 0 {
		t.Fatalf("on-link probed: %d tcp %d exec", r.tcps.Load(), r.execs.Load())
	}

	// Off the network but the address answers (refused: sshd starting).
	r = newRig(t, srv, TransportAuto, false)
	r.tcpErr = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	if _, err := r.d.DialTarget(ctx, r.target()); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("refused: %v", err)
	}
	if r.d.Chosen() != TransportDirect || r.execs.Load() != 0 {
		t.Fatalf("refused: chosen %s, %d exec", r.d.Chosen(), r.execs.Load())
	}

	// Off the network and it connects: the probe's connection is used.
	r = newRig(t, srv, TransportAuto, false)
	p := newPool(t, signer, PoolOptions{DialTarget: r.d.DialTarget})
	if _, err := p.Run(ctx, r.target(), "true", nil); err != nil {
		t.Fatal(err)
	}
	if r.d.Chosen() != TransportDirect || r.tcps.Load() != 1 || r.execs.Load() != 0 {
		t.Fatalf("answering: chosen %s, %d tcp %d exec", r.d.Chosen(), r.tcps.Load(), r.execs.Load())
	}
}

func TestRemoteEngineAndForcedModes(t *testing.T) {
	signer := newSigner(t)
	srv := newTestServer(t, signer.PublicKey())
	ctx := testCtx(t)

	r := newRig(t, srv, TransportAuto, true)
	r.d.Remote = true // an answering address on a remote engine is not the node
	if tr, err := r.d.Resolve(ctx, r.target()); tr != TransportExec || err != nil || r.tcps.Load() != 0 {
		t.Fatalf("remote: %s %v after %d tcp", tr, err, r.tcps.Load())
	}

	r = newRig(t, srv, TransportDirect, false)
	r.tcpErr = unreachable()
	if _, err := r.d.DialTarget(ctx, r.target()); !errors.Is(err, syscall.EHOSTUNREACH) || r.execs.Load() != 0 {
		t.Fatalf("forced direct: %v, %d exec", err, r.execs.Load())
	}

	r = newRig(t, srv, TransportExec, true)
	p := newPool(t, signer, PoolOptions{DialTarget: r.d.DialTarget})
	if _, err := p.Run(ctx, r.target(), "true", nil); err != nil || r.tcps.Load() != 0 || r.execs.Load() != 1 {
		t.Fatalf("forced exec: %v, %d tcp %d exec", err, r.tcps.Load(), r.execs.Load())
	}

	for _, s := range []string{"", "auto", "direct", "exec"} {
		if _, err := ParseTransport(s); err != nil {
			t.Errorf("ParseTransport(%q): %v", s, err)
		}
	}
	if _, err := ParseTransport("tcp"); err == nil || !strings.Contains(err.Error(), "use auto, direct or exec") {
		t.Errorf("ParseTransport(tcp): %v", err)
	}
}

func TestNeitherTransportIsOneSentence(t *testing.T) {
	signer := newSigner(t)
	r := newRig(t, newTestServer(t, signer.PublicKey()), TransportAuto, false)
	r.tcpErr = unreachable()
	r.execErr = errors.New(`container "dojo-x-web" is not running`)
	p := newPool(t, signer, PoolOptions{DialTarget: r.d.DialTarget})
	_, err := p.Run(testCtx(t), r.target(), "true", nil)
	var te *TransportError
	if !errors.As(err, &te) || !errors.Is(err, syscall.EHOSTUNREACH) {
		t.Fatalf("err = %v", err)
	}
	want := `node "web": ssh: reached it neither directly at 172.30.9.2:22 (dial tcp: no route to host) ` +
		`nor through the engine's exec stream (container "dojo-x-web" is not running)`
	if err.Error() != want {
		t.Fatalf("err =\n%s\nwant\n%s", err, want)
	}
	if r.d.Chosen() != TransportAuto {
		t.Fatalf("a failed choice stuck: %s", r.d.Chosen())
	}
}

func TestExecPathPinsHostKey(t *testing.T) {
	signer := newSigner(t)
	r := newRig(t, newTestServer(t, signer.PublicKey()), TransportExec, false)
	_, wrong, err := GenerateEd25519()
	if err != nil {
		t.Fatal(err)
	}
	tgt := r.target()
	tgt.HostKey = wrong
	p := newPool(t, signer, PoolOptions{DialTarget: r.d.DialTarget})
	_, err = p.Run(testCtx(t), tgt, "true", nil)
	var mismatch *HostKeyMismatchError
	if !errors.As(err, &mismatch) || !strings.Contains(err.Error(), "exec:dojo-x-web") {
		t.Fatalf("err = %v, want a host key mismatch naming the exec stream", err)
	}
}

func TestSilentExecStreamTimesOut(t *testing.T) {
	signer := newSigner(t)
	r := newRig(t, newTestServer(t, signer.PublicKey()), TransportExec, false)
	r.execSilently = true
	p := newPool(t, signer, PoolOptions{DialTarget: r.d.DialTarget, DialTimeout: 200 * time.Millisecond})
	begin := time.Now()
	_, err := p.Run(testCtx(t), r.target(), "true", nil)
	if err == nil || !strings.Contains(err.Error(), "timed out") || time.Since(begin) > 3*time.Second {
		t.Fatalf("silent stream: %v after %s", err, time.Since(begin))
	}
}
