package sshx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// Transport names how the SSH byte stream reaches a node's sshd.
type Transport string

// Transports. Whatever carries the bytes, the client speaks SSH to the
// node's own sshd with its own configuration and checks the pinned host key.
const (
	// TransportAuto picks direct when the node's management address is
	// reachable from here, else exec.
	TransportAuto Transport = "auto"
	// TransportDirect is TCP to the node's management address, port 22.
	TransportDirect Transport = "direct"
	// TransportExec runs `sshd -i` in the node through the container
	// engine's exec API and speaks SSH over that process's stdin and
	// stdout: nothing needs a network path from here to the node (Docker
	// Desktop, a remote engine, rootless Docker).
	TransportExec Transport = "exec"
)

// ParseTransport parses "auto" (or ""), "direct" or "exec".
func ParseTransport(s string) (Transport, error) {
	switch Transport(s) {
	case "", TransportAuto:
		return TransportAuto, nil
	case TransportDirect, TransportExec:
		return Transport(s), nil
	}
	return "", fmt.Errorf("unknown transport %q: use auto, direct or exec", s)
}

// SSHDInetd is the command the exec transport starts in a node: the node's
// real sshd serving one connection on its stdin and stdout.
var SSHDInetd = []string{"/usr/sbin/sshd", "-i"}

// ExecFunc starts SSHDInetd in container through the engine and returns
// its stdin/stdout stream.
type ExecFunc func(ctx context.Context, container string, cmd []string) (io.ReadWriteCloser, error)

// DefaultProbeTimeout bounds the TCP probe TransportAuto makes when this
// machine has no address on the node's network.
const DefaultProbeTimeout = time.Second

// Dialer opens the byte streams SSH runs over, by the chosen transport.
// In TransportAuto mode the first dial decides, and every later dial
// through the same Dialer uses the same transport. Plug it into a Pool
// with PoolOptions.DialTarget = d.DialTarget. It is safe for concurrent
// use; the zero value dials directly.
type Dialer struct {
	// Mode is the transport; "" means TransportAuto.
	Mode Transport
	// TCP opens direct connections (default net.Dialer).
	TCP func(ctx context.Context, network, addr string) (net.Conn, error)
	// Exec opens exec streams; nil leaves only the direct transport.
	Exec ExecFunc
	// Remote says the engine is not this machine's default one: auto
	// never tries direct, since an address that answers here need not be
	// the node.
	Remote bool
	// ProbeTimeout bounds auto's direct probe (default DefaultProbeTimeout).
	ProbeTimeout time.Duration
	// onLink reports whether this machine has an address on a network
	// containing ip (default: the host's interfaces); tests replace it.
	onLink func(ip netip.Addr) bool

	mu     sync.Mutex
	chosen Transport
}

// Chosen returns the transport in use: the forced one, the one auto
// decided on, or TransportAuto before the first dial.
func (d *Dialer) Chosen() Transport {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.current()
}

func (d *Dialer) current() Transport {
	if d.Mode == TransportDirect || d.Mode == TransportExec {
		return d.Mode
	}
	if d.Exec == nil {
		return TransportDirect
	}
	if d.chosen != "" {
		return d.chosen
	}
	return TransportAuto
}

func (d *Dialer) choose(tr Transport) {
	d.mu.Lock()
	if d.chosen == "" {
		d.chosen = tr
	}
	d.mu.Unlock()
}

// DialTarget opens a stream to t's sshd by the chosen transport (choosing
// it first in auto mode). When auto finds neither transport working, the
// error says which were tried and why each failed (*TransportError).
func (d *Dialer) DialTarget(ctx context.Context, t Target) (net.Conn, error) {
	tr, nc, err := d.resolve(ctx, t)
	if err != nil || nc != nil {
		return nc, err
	}
	if tr == TransportExec {
		return d.exec(ctx, t)
	}
	return d.direct(ctx, t)
}

// Resolve returns the transport dials to t use, deciding it (by the same
// probe as DialTarget, without keeping a connection) in auto mode.
func (d *Dialer) Resolve(ctx context.Context, t Target) (Transport, error) {
	tr, nc, err := d.resolve(ctx, t)
	if nc != nil {
		nc.Close()
	}
	return tr, err
}

// resolve returns the transport, and in auto mode the connection the
// decision opened (nil when the decision was already made).
func (d *Dialer) resolve(ctx context.Context, t Target) (Transport, net.Conn, error) {
	d.mu.Lock()
	tr := d.current()
	d.mu.Unlock()
	if tr != TransportAuto {
		return tr, nil, nil
	}
	ap, perr := netip.ParseAddrPort(t.Addr)
	if d.Remote || t.Addr == "" || perr != nil {
		return d.decideExec(ctx, t, nil)
	}
	onLink := d.onLink
	if onLink == nil {
		onLink = hostOnLink
	}
	if onLink(ap.Addr()) {
		// This machine sits on the node's management network: direct,
		// even while the node's sshd is still starting.
		d.choose(TransportDirect)
		return TransportDirect, nil, nil
	}
	timeout := d.ProbeTimeout
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	nc, derr := d.direct(pctx, t)
	cancel()
	if derr == nil {
		d.choose(TransportDirect)
		return TransportDirect, nc, nil
	}
	if errors.Is(derr, syscall.ECONNREFUSED) {
		// The address answers: the node's sshd is not up yet.
		d.choose(TransportDirect)
		return TransportDirect, nil, derr
	}
	if ctx.Err() != nil {
		return TransportAuto, nil, derr
	}
	if errors.Is(derr, context.DeadlineExceeded) {
		derr = fmt.Errorf("no answer within %s", timeout)
	}
	return d.decideExec(ctx, t, derr)
}

// decideExec opens an exec stream and, when it opens, settles on exec.
func (d *Dialer) decideExec(ctx context.Context, t Target, directErr error) (Transport, net.Conn, error) {
	nc, xerr := d.exec(ctx, t)
	if xerr != nil {
		return TransportAuto, nil, &TransportError{Addr: t.Addr, Remote: d.Remote, Direct: directErr, Exec: xerr}
	}
	d.choose(TransportExec)
	return TransportExec, nc, nil
}

func (d *Dialer) direct(ctx context.Context, t Target) (net.Conn, error) {
	if t.Addr == "" {
		return nil, errors.New("no management address")
	}
	dial := d.TCP
	if dial == nil {
		var nd net.Dialer
		dial = nd.DialContext
	}
	return dial(ctx, "tcp", t.Addr)
}

func (d *Dialer) exec(ctx context.Context, t Target) (net.Conn, error) {
	if d.Exec == nil {
		return nil, errors.New("the exec transport is not available with this engine")
	}
	if t.Container == "" {
		return nil, errors.New("no container to exec in")
	}
	rwc, err := d.Exec(ctx, t.Container, SSHDInetd)
	if err != nil {
		return nil, err
	}
	return StreamConn(rwc, "exec:"+t.Container), nil
}

// TransportError is auto mode's failure: neither transport reached the
// node. Its message is one sentence naming what was tried and why each
// failed.
type TransportError struct {
	Addr   string
	Remote bool  // direct was skipped: not the default local engine
	Direct error // nil when direct was not tried
	Exec   error
}

// Error implements error.
func (e *TransportError) Error() string {
	switch {
	case e.Direct != nil:
		return fmt.Sprintf("reached it neither directly at %s (%v) nor through the engine's exec stream (%v)", e.Addr, e.Direct, e.Exec)
	case e.Remote:
		return fmt.Sprintf("the engine is not this machine's default one, so only its exec stream was tried, and it failed (%v)", e.Exec)
	}
	return fmt.Sprintf("it has no management address and the engine's exec stream failed (%v)", e.Exec)
}

// Unwrap returns both causes.
func (e *TransportError) Unwrap() []error {
	var out []error
	if e.Direct != nil {
		out = append(out, e.Direct)
	}
	return append(out, e.Exec)
}

// hostOnLink reports whether one of this machine's interfaces has an
// address in a network containing ip.
func hostOnLink(ip netip.Addr) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() {
			continue
		}
		p, err := netip.ParsePrefix(n.String())
		if err == nil && p.Masked().Contains(ip) {
			return true
		}
	}
	return false
}

// StreamConn makes a net.Conn of a byte stream such as an exec stream.
// rwc's own SetDeadline family is used when it has one; otherwise a
// deadline that passes closes the stream (SSH connections are not reused
// after a deadline). A net.Conn is returned as it is.
func StreamConn(rwc io.ReadWriteCloser, remote string) net.Conn {
	if nc, ok := rwc.(net.Conn); ok {
		return nc
	}
	return &streamConn{ReadWriteCloser: rwc, remote: streamAddr(remote)}
}

type streamAddr string

func (a streamAddr) Network() string { return "engine-exec" }
func (a streamAddr) String() string  { return string(a) }

type streamConn struct {
	io.ReadWriteCloser
	remote streamAddr

	mu    sync.Mutex
	timer *time.Timer
}

func (c *streamConn) LocalAddr() net.Addr  { return streamAddr("local") }
func (c *streamConn) RemoteAddr() net.Addr { return c.remote }

type deadliner interface {
	SetDeadline(time.Time) error
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

func (c *streamConn) SetDeadline(t time.Time) error {
	if d, ok := c.ReadWriteCloser.(deadliner); ok {
		return d.SetDeadline(t)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if t.IsZero() {
		return nil
	}
	c.timer = time.AfterFunc(time.Until(t), func() { c.ReadWriteCloser.Close() })
	return nil
}

func (c *streamConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.ReadWriteCloser.(deadliner); ok {
		return d.SetReadDeadline(t)
	}
	return c.SetDeadline(t)
}

func (c *streamConn) SetWriteDeadline(t time.Time) error {
	if d, ok := c.ReadWriteCloser.(deadliner); ok {
		return d.SetWriteDeadline(t)
	}
	return c.SetDeadline(t)
}

func (c *streamConn) Close() error {
	c.mu.Lock()
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
	return c.ReadWriteCloser.Close()
}
