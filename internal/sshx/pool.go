package sshx

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/labdojo/labdojo/internal/shellquote"
)

// Defaults applied by NewPool to zero PoolOptions fields.
const (
	DefaultMaxSessions = 8
	DefaultDialTimeout = 5 * time.Second
	DefaultMaxOutput   = 1 << 20
	DefaultUser        = "root"
)

// reapTimeout bounds the background clean-up after a cancelled command.
const reapTimeout = 10 * time.Second

// ErrClosed is returned by Pool methods called after Close.
var ErrClosed = errors.New("sshx: pool closed")

// Target is one node to reach over SSH.
type Target struct {
	// Name is the node name, used in error messages.
	Name string
	// Addr is host:port of the node's sshd.
	Addr string
	// Container is the engine's name or ID of the node's container, for
	// the exec transport (see Dialer).
	Container string
	// User is the login user; "" means root.
	User string
	// HostKey is the pinned host public key; connections presenting any
	// other key are refused. It must not be nil.
	HostKey ssh.PublicKey
}

// PoolOptions tunes a Pool. Zero fields take the defaults.
type PoolOptions struct {
	// MaxSessions bounds concurrent sessions per connection (default 8;
	// OpenSSH's own MaxSessions default is 10). Callers beyond it wait.
	MaxSessions int
	// DialTimeout bounds TCP connect plus SSH handshake (default 5s).
	DialTimeout time.Duration
	// KeepAlive sends a keepalive@openssh.com request on each connection
	// at this interval (default DefaultKeepAlive; negative disables); a
	// connection that does not answer within one interval is closed, its
	// running commands fail with ErrNodeNotAnswering, and it is redialled
	// on next use.
	KeepAlive time.Duration
	// MaxOutput bounds the bytes Run keeps per stream (default 1 MiB);
	// output beyond it is read and discarded, and the Result says so.
	MaxOutput int
	// Dial opens the TCP connection to a target (default: net.Dialer).
	// Test runtimes use it to reach in-process servers.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// DialTarget, when set, opens the stream to a target instead of Dial,
	// by any transport (see Dialer.DialTarget).
	DialTarget func(ctx context.Context, t Target) (net.Conn, error)
	// Connect, when set, is asked first for an authenticated connection
	// to a target (a connection keeper's, see DialKeeper); the pool
	// pins nothing itself for it and counts no handshake. An error
	// wrapping ErrDirect makes the pool dial and authenticate the target
	// itself (with Dial); any other error is the dial's error.
	Connect func(ctx context.Context, t Target) (*ssh.Client, error)
}

// Result is the outcome of a command that ran to completion.
type Result struct {
	// Stdout and Stderr are the command's output, at most
	// PoolOptions.MaxOutput bytes each.
	Stdout, Stderr []byte
	// ExitCode is the command's exit status; a command killed by a signal
	// reports 128+signal number, as a shell does.
	ExitCode int
	// StdoutTruncated and StderrTruncated report that output beyond
	// PoolOptions.MaxOutput was discarded.
	StdoutTruncated, StderrTruncated bool
}

// HostKeyMismatchError reports that a node presented a host key other than
// the pinned one.
type HostKeyMismatchError struct {
	// Addr is the address dialled.
	Addr string
	// Pinned is the expected key, Got the key the server presented.
	Pinned, Got ssh.PublicKey
}

// Error implements error.
func (e *HostKeyMismatchError) Error() string {
	return fmt.Sprintf("host key presented by %s (%s %s) did not match the pinned key (%s %s): "+
		"possible tampering, or the node was re-created outside dojo; run `dojo down` and `dojo up`",
		e.Addr, e.Got.Type(), ssh.FingerprintSHA256(e.Got), e.Pinned.Type(), ssh.FingerprintSHA256(e.Pinned))
}

// Pool keeps one SSH connection per target and multiplexes sessions on it.
// It is safe for concurrent use. The zero value is not usable: use NewPool.
type Pool struct {
	signer ssh.Signer
	opts   PoolOptions

	ctx    context.Context // cancelled by Close; bounds dials and keepalives
	cancel context.CancelFunc

	mu     sync.Mutex
	conns  map[connKey]*conn
	closed bool

	handshakes atomic.Int64
	wg         sync.WaitGroup // dial, watch and keepalive goroutines
}

type connKey struct {
	addr, container, user, hostKey string
}

// conn is one pooled connection. ready is closed once the dial finished;
// after that exactly one of client and err is set and neither changes.
type conn struct {
	key    connKey
	ready  chan struct{}
	client *ssh.Client
	err    error
	sem    chan struct{}
	// lost is set (an error) when keepalives found the node silent.
	lost atomic.Value
}

// lostErr returns why keepalives closed c, or nil.
func (c *conn) lostErr() error {
	if err, ok := c.lost.Load().(error); ok {
		return err
	}
	return nil
}

// release frees one session slot taken by Pool.session.
func (c *conn) release() { <-c.sem }

// NewPool returns a Pool that authenticates with signer.
func NewPool(signer ssh.Signer, opts PoolOptions) *Pool {
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = DefaultDialTimeout
	}
	if opts.MaxOutput <= 0 {
		opts.MaxOutput = DefaultMaxOutput
	}
	if opts.KeepAlive == 0 {
		opts.KeepAlive = DefaultKeepAlive
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Pool{
		signer: signer,
		opts:   opts,
		ctx:    ctx,
		cancel: cancel,
		conns:  make(map[connKey]*conn),
	}
}

// Handshakes returns the number of successful SSH handshakes so far.
func (p *Pool) Handshakes() int64 { return p.handshakes.Load() }

// Close closes every connection, aborts dials in progress and waits for the
// pool's background goroutines. Sessions in progress fail. Later calls
// return ErrClosed.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()

	p.cancel()
	for _, c := range conns {
		select {
		case <-c.ready:
			if c.client != nil {
				c.client.Close()
			}
		default: // dialling: the dial goroutine sees p.closed and cleans up
		}
	}
	p.wg.Wait()
	return nil
}

func nodeErr(t Target, err error) error {
	return fmt.Errorf("node %q: ssh: %w", t.Name, err)
}

func (t Target) user() string {
	if t.User == "" {
		return DefaultUser
	}
	return t.User
}

// getConn returns the target's connection, dialling it if there is none.
// Concurrent callers share one dial.
func (p *Pool) getConn(ctx context.Context, t Target) (*conn, error) {
	if t.HostKey == nil {
		return nil, fmt.Errorf("no pinned host key for %s", t.Addr)
	}
	key := connKey{addr: t.Addr, container: t.Container, user: t.user(), hostKey: string(t.HostKey.Marshal())}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil, ErrClosed
	}
	c, ok := p.conns[key]
	if !ok {
		c = &conn{key: key, ready: make(chan struct{}), sem: make(chan struct{}, p.opts.MaxSessions)}
		p.conns[key] = c
		p.wg.Add(1)
		go p.dial(c, t)
	}
	p.mu.Unlock()

	select {
	case <-c.ready:
		if c.err != nil {
			return nil, c.err
		}
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// dial runs in its own goroutine so that a caller giving up does not abort
// the dial other callers are waiting for; it is bounded by DialTimeout and
// by Close.
func (p *Pool) dial(c *conn, t Target) {
	defer p.wg.Done()
	client, err := p.handshake(t)

	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case err != nil:
		c.err = err
	case p.closed:
		client.Close()
		c.err = ErrClosed
	default:
		c.client = client
		p.wg.Add(1)
		go p.watch(c)
	}
	if c.err != nil && p.conns[c.key] == c {
		delete(p.conns, c.key) // the next caller dials afresh
	}
	close(c.ready)
}

// handshake dials t and performs the SSH handshake, verifying the host key
// against the pinned one.
func (p *Pool) handshake(t Target) (*ssh.Client, error) {
	ctx, cancel := context.WithTimeout(p.ctx, p.opts.DialTimeout)
	defer cancel()

	if p.opts.Connect != nil {
		client, err := p.opts.Connect(ctx, t)
		if err == nil {
			return client, nil
		}
		if !errors.Is(err, ErrDirect) {
			return nil, err
		}
	}
	dial := p.opts.Dial
	if dial == nil {
		d := net.Dialer{KeepAlive: 15 * time.Second}
		dial = d.DialContext
	}
	var nc net.Conn
	var err error
	if p.opts.DialTarget != nil {
		nc, err = p.opts.DialTarget(ctx, t)
	} else {
		nc, err = dial(ctx, "tcp", t.Addr)
	}
	if err != nil {
		return nil, err
	}
	// Abort a handshake stuck on a silent peer when ctx ends.
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })

	cfg := &ssh.ClientConfig{
		User:              t.user(),
		Auth:              []ssh.AuthMethod{ssh.PublicKeys(p.signer)},
		HostKeyCallback:   pinnedHostKey(t.HostKey),
		HostKeyAlgorithms: hostKeyAlgorithms(t.HostKey),
	}
	sc, chans, reqs, err := ssh.NewClientConn(nc, t.Addr, cfg)
	if !stop() {
		// ctx ended during the handshake: the deadline is poisoned.
		if err == nil {
			sc.Close()
		}
		nc.Close()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, &HandshakeTimeoutError{Addr: t.Addr, After: p.opts.DialTimeout}
		}
		return nil, ErrClosed
	}
	if err != nil {
		nc.Close()
		var mismatch *HostKeyMismatchError
		if errors.As(err, &mismatch) {
			return nil, mismatch
		}
		return nil, fmt.Errorf("%s: %w", t.Addr, err)
	}
	p.handshakes.Add(1)
	return ssh.NewClient(sc, chans, reqs), nil
}

// HandshakeTimeoutError reports an SSH handshake that did not complete
// within the pool's DialTimeout (a node that accepts TCP but whose sshd
// does not answer).
type HandshakeTimeoutError struct {
	Addr  string
	After time.Duration
}

// Error implements error.
func (e *HandshakeTimeoutError) Error() string {
	return fmt.Sprintf("handshake with %s timed out after %s", e.Addr, e.After)
}

// Timeout reports true, as net.Error's Timeout does.
func (e *HandshakeTimeoutError) Timeout() bool { return true }

// pinnedHostKey accepts exactly the pinned key.
func pinnedHostKey(pinned ssh.PublicKey) ssh.HostKeyCallback {
	want := pinned.Marshal()
	return func(_ string, remote net.Addr, key ssh.PublicKey) error {
		if bytes.Equal(key.Marshal(), want) {
			return nil
		}
		addr := ""
		if remote != nil {
			addr = remote.String()
		}
		return &HostKeyMismatchError{Addr: addr, Pinned: pinned, Got: key}
	}
}

// hostKeyAlgorithms asks the server for the pinned key's algorithm, so a
// server with several host keys presents the pinned one.
func hostKeyAlgorithms(k ssh.PublicKey) []string {
	if k.Type() == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{k.Type()}
}

// watch drops c from the pool when its connection ends, and runs keepalives
// while it lives.
func (p *Pool) watch(c *conn) {
	defer p.wg.Done()
	done := make(chan struct{})
	if p.opts.KeepAlive > 0 {
		p.wg.Add(1)
		go p.keepAlive(c, done)
	}
	_ = c.client.Wait()
	close(done)
	p.drop(c)
}

func (p *Pool) keepAlive(c *conn, done <-chan struct{}) {
	defer p.wg.Done()
	tick := time.NewTicker(p.opts.KeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-p.ctx.Done():
			return
		case <-tick.C:
		}
		// No answer within one interval: the connection is dead.
		lost := fmt.Errorf("%w: no answer to an SSH keepalive within %s", ErrNodeNotAnswering, p.opts.KeepAlive)
		timer := time.AfterFunc(p.opts.KeepAlive, func() {
			c.lost.CompareAndSwap(nil, lost)
			c.client.Close()
		})
		_, _, err := c.client.SendRequest("keepalive@openssh.com", true, nil)
		timer.Stop()
		if err != nil {
			c.lost.CompareAndSwap(nil, lost)
			c.client.Close()
			return
		}
	}
}

// drop removes c from the pool (if still there) and closes it.
func (p *Pool) drop(c *conn) {
	p.mu.Lock()
	if p.conns[c.key] == c {
		delete(p.conns, c.key)
	}
	p.mu.Unlock()
	c.client.Close()
}

// session opens a session on t's connection, holding one of its
// MaxSessions slots until c.release is called. A connection found broken when
// opening the session is dropped and redialled once.
func (p *Pool) session(ctx context.Context, t Target) (sess *ssh.Session, c *conn, err error) {
	backoff := 5 * time.Millisecond
	busy := 0
	for attempt := 0; ; attempt++ {
		c, err := p.getConn(ctx, t)
		if err != nil {
			return nil, nil, err
		}
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		s, err := c.client.NewSession()
		if err == nil {
			return s, c, nil
		}
		c.release()
		var refused *ssh.OpenChannelError
		if errors.As(err, &refused) {
			// sshd refuses a session beyond its MaxSessions (10) with
			// "open failed" while it still tears down sessions this pool
			// already closed; that clears within milliseconds.
			if refused.Reason == ssh.ConnectionFailed && busy < 12 {
				busy++
				attempt--
				select {
				case <-time.After(backoff):
				case <-ctx.Done():
					return nil, nil, ctx.Err()
				}
				backoff = min(2*backoff, 200*time.Millisecond)
				continue
			}
			return nil, nil, fmt.Errorf("open session on %s: %w", t.Addr, err)
		}
		if attempt > 0 {
			return nil, nil, fmt.Errorf("open session on %s: %w", t.Addr, err)
		}
		p.drop(c)
	}
}

// Run runs cmd on t in a new session, feeding it stdin (may be nil), and
// returns its output and exit status. A non-zero exit status is not an
// error; a lost connection or missing exit status is. When ctx ends first,
// Run sends the command signal KILL, closes the session and returns at once
// with the output so far and the context's error; the remote processes are
// then killed in the background (see startAndWait).
//
// cmd is run by the user's login shell (a POSIX shell is assumed) as
// `exec "$SHELL" -c cmd` with LABDOJO_RUN set in its environment.
func (p *Pool) Run(ctx context.Context, t Target, cmd string, stdin io.Reader) (Result, error) {
	res, err := p.run(ctx, t, cmd, stdin)
	if err != nil {
		return res, nodeErr(t, err)
	}
	return res, nil
}

func (p *Pool) run(ctx context.Context, t Target, cmd string, stdin io.Reader) (Result, error) {
	sess, c, err := p.session(ctx, t)
	if err != nil {
		return Result{}, err
	}
	stdout := &capBuffer{max: p.opts.MaxOutput}
	stderr := &capBuffer{max: p.opts.MaxOutput}
	sess.Stdout, sess.Stderr = stdout, stderr
	if stdin != nil {
		sess.Stdin = stdin
	}
	code, werr := p.startAndWait(ctx, c, sess, cmd, false, nil)
	res := Result{ExitCode: code}
	res.Stdout, res.StdoutTruncated = stdout.result()
	res.Stderr, res.StderrTruncated = stderr.result()
	if werr != nil {
		return res, fmt.Errorf("run %q: %w", cmd, werr)
	}
	return res, nil
}

// startAndWait starts cmd (the login shell when cmd is "" and shell is
// true) in sess and waits for it. It owns sess and c's session slot.
//
// Cancellation: OpenSSH refuses "signal" requests for root sessions
// ("session signalling requires privilege separation"), and closing a
// session without a PTY does not stop its command. So every command is
// run under an environment marker (LABDOJO_RUN=<random>, inherited by all
// its descendants, see markCommand); on ctx end the session gets signal
// KILL and is closed, Run returns at once, and a background reaper session
// (needs grep -z and /proc on the node) kills every process carrying the
// marker, then frees the slot.
//
// Signals received on signals (nil for none) are forwarded to the command:
// as a "signal" request (honoured for non-root users) and by a helper
// session that sends the signal to every process carrying the marker (see
// signalScript).
func (p *Pool) startAndWait(ctx context.Context, c *conn, sess *ssh.Session, cmd string, shell bool, signals <-chan ssh.Signal) (int, error) {
	var token string
	var err error
	if shell && cmd == "" {
		err = sess.Shell()
	} else {
		token = newToken()
		err = sess.Start(markCommand(token, cmd))
	}
	if err != nil {
		sess.Close()
		c.release()
		return -1, fmt.Errorf("start: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
wait:
	for {
		select {
		case err := <-done:
			sess.Close()
			c.release()
			code, err := exitCode(err)
			if lost := c.lostErr(); err != nil && lost != nil {
				return -1, lost
			}
			return code, err
		case sig, ok := <-signals:
			if !ok {
				signals = nil
				continue
			}
			p.forwardSignal(c, sess, token, sig)
		case <-ctx.Done():
			break wait
		}
	}
	_ = sess.Signal(ssh.SIGKILL) // honoured by sshd for non-root users
	_ = sess.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed { // Close is tearing the connection down anyway
		c.release()
		return -1, ctx.Err()
	}
	p.wg.Add(1) // under p.mu, so never after Close started waiting
	go func() {
		defer p.wg.Done()
		defer c.release()
		if token != "" {
			p.reap(c, token)
		}
	}()
	return -1, ctx.Err()
}

// markerVar is the environment variable marking a command's processes.
const markerVar = "LABDOJO_RUN"

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// markCommand wraps cmd so that it runs in a fresh exec of the user's login
// shell whose environment (and so every descendant's /proc/PID/environ)
// carries the marker. The outer login shell execs, so no unmarked process
// remains.
func markCommand(token, cmd string) string {
	return markerVar + "=" + token + "; export " + markerVar + `; exec "${SHELL:-/bin/sh}" -c ` + shellquote.Quote(cmd)
}

// reapScript kills every process whose environment holds the marker. It
// loops a few times to catch processes forked meanwhile. The marker is
// passed as $1 so the reaper's own command line and environment lack it.
const reapScript = `for i in 1 2 3; do ` +
	`for f in $(grep -lxzs "` + markerVar + `=$1" /proc/[0-9]*/environ); do ` +
	`p=${f#/proc/}; kill -KILL "${p%/environ}" 2>/dev/null; done; done; true`

// reap runs reapScript for token on c, bounded by reapTimeout and Close.
func (p *Pool) reap(c *conn, token string) {
	ctx, cancel := context.WithTimeout(p.ctx, reapTimeout)
	defer cancel()
	sess, err := c.client.NewSession()
	if err != nil {
		return // connection gone: sshd hangs up the session itself
	}
	defer sess.Close()
	stop := context.AfterFunc(ctx, func() { sess.Close() })
	defer stop()
	_ = sess.Run("sh -c '" + reapScript + "' labdojo-reap " + token)
}

func exitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var exit *ssh.ExitError
	if errors.As(err, &exit) {
		return exit.ExitStatus(), nil
	}
	var missing *ssh.ExitMissingError
	if errors.As(err, &missing) {
		return -1, errors.New("command ended without an exit status (connection lost?)")
	}
	return -1, err
}

// WaitReady waits until t accepts an SSH session and runs `true`, retrying
// with a short backoff (20 ms doubling to 250 ms) until ctx ends. The
// connection stays in the pool, so readiness costs the node's one
// handshake. A host key mismatch is returned at once, without retrying.
func (p *Pool) WaitReady(ctx context.Context, t Target) error {
	const (
		first = 20 * time.Millisecond
		limit = 250 * time.Millisecond
	)
	start := time.Now()
	delay := first
	var last error
	for {
		res, err := p.run(ctx, t, "true", nil)
		if err == nil && res.ExitCode == 0 {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("readiness probe `true` exited %d", res.ExitCode)
		}
		var mismatch *HostKeyMismatchError
		if errors.As(err, &mismatch) || errors.Is(err, ErrClosed) {
			return nodeErr(t, err)
		}
		if ctx.Err() != nil {
			if last == nil {
				last = err
			}
			break
		}
		last = err
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
		case <-ctx.Done():
		}
		timer.Stop()
		if ctx.Err() != nil {
			break
		}
		delay = min(delay*2, limit)
	}
	return fmt.Errorf("node %q: ssh: not ready at %s after %s (%w); last error: %w",
		t.Name, t.Addr, time.Since(start).Round(time.Millisecond), ctx.Err(), last)
}

// capBuffer is an io.Writer keeping at most max bytes and discarding the
// rest, so a chatty command never blocks nor exhausts memory.
type capBuffer struct {
	mu        sync.Mutex
	buf       []byte
	max       int
	truncated bool
}

func (b *capBuffer) Write(data []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	room := b.max - len(b.buf)
	if len(data) > room {
		b.truncated = true
		if room > 0 {
			b.buf = append(b.buf, data[:room]...)
		}
	} else {
		b.buf = append(b.buf, data...)
	}
	return len(data), nil
}

func (b *capBuffer) result() ([]byte, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf), b.truncated
}
