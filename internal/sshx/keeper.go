package sshx

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
)

// A connection keeper holds a Pool's authenticated node connections in a
// long-lived process and lends them to short-lived ones, the way
// OpenSSH's ControlPersist serves Ansible: a dojo command connects to the
// keeper over a Unix socket (SSH again, with the instance's user key, the
// keeper's host key pinned from a file beside the socket) and every
// channel it opens there is proxied, request by request and byte by
// byte, onto a channel of the keeper's connection to the node. The node
// sees one long-lived connection; the command pays a local handshake of
// well under a millisecond of CPU instead of sshd's per-connection work.
//
// Which node a keeper connection is for travels in its SSH user name
// (EncodeTarget). The keeper dials nodes through its own Pool, so it works
// over whatever transport that pool uses (TCP, or a Dial hook).

// Global requests a keeper answers besides keepalives.
const (
	// KeeperExitRequest asks the keeper to exit (sent by `down`).
	KeeperExitRequest = "exit@labdojo"
	// KeeperStatsRequest returns the keeper's counters as JSON (KeeperStats).
	KeeperStatsRequest = "stats@labdojo"
	// keeperConnectRequest, sent by DialKeeper right after the handshake,
	// makes the keeper reach the node before the client relies on it; a
	// refusal carries a keeperConnectReply.
	keeperConnectRequest = "connect@labdojo"
	// keepAliveRequest is OpenSSH's keepalive. A keeper relays a client's
	// keepalive to the node's connection and answers when the node does,
	// so a client notices a silent node as it would connected directly.
	keepAliveRequest = "keepalive@openssh.com"
)

// keeperConnectReply is the payload of a refused keeperConnectRequest.
type keeperConnectReply struct {
	Error   string `json:"error"`
	Timeout bool   `json:"timeout,omitempty"`
}

// KeeperDialError reports that a keeper could not reach the node. When
// the node did not answer in time it is final (dialling again directly
// would wait as long); otherwise it wraps ErrDirect, so a pool dials the
// node itself and reports that dial's own error (connection refused, a
// changed host key, a refused login) with its type intact.
type KeeperDialError struct {
	Node    string
	Msg     string
	Timeout bool
}

// Error implements error.
func (e *KeeperDialError) Error() string {
	return fmt.Sprintf("node %q through the connection keeper: %s", e.Node, e.Msg)
}

// Unwrap makes a non-timeout error match ErrDirect.
func (e *KeeperDialError) Unwrap() error {
	if e.Timeout {
		return nil
	}
	return ErrDirect
}

// ErrDirect is returned (wrapped) by a PoolOptions.Connect hook that
// cannot serve a target: the pool then dials the node itself.
var ErrDirect = errors.New("sshx: connect directly")

// KeeperStats are a keeper's counters.
type KeeperStats struct {
	// Handshakes is the number of SSH handshakes with nodes so far.
	Handshakes int64 `json:"handshakes"`
	// Clients is the number of client connections open now.
	Clients int64 `json:"clients"`
	// Channels is the number of channels proxied so far.
	Channels int64 `json:"channels"`
}

type wireTarget struct {
	Name      string `json:"n"`
	Addr      string `json:"a"`
	Container string `json:"c,omitempty"`
	User      string `json:"u,omitempty"`
	HostKey   []byte `json:"k"`
}

// EncodeTarget renders t as a keeper user name.
func EncodeTarget(t Target) string {
	w := wireTarget{Name: t.Name, Addr: t.Addr, Container: t.Container, User: t.User}
	if t.HostKey != nil {
		w.HostKey = t.HostKey.Marshal()
	}
	b, _ := json.Marshal(w)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeTarget parses a keeper user name.
func DecodeTarget(s string) (Target, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Target{}, fmt.Errorf("keeper: bad target: %w", err)
	}
	var w wireTarget
	if err := json.Unmarshal(b, &w); err != nil {
		return Target{}, fmt.Errorf("keeper: bad target: %w", err)
	}
	k, err := ssh.ParsePublicKey(w.HostKey)
	if err != nil {
		return Target{}, fmt.Errorf("keeper: target %q: host key: %w", w.Name, err)
	}
	return Target{Name: w.Name, Addr: w.Addr, Container: w.Container, User: w.User, HostKey: k}, nil
}

// Keeper serves keeper connections. Set its fields, then call Serve.
type Keeper struct {
	// Pool dials and keeps the node connections. Serve closes it.
	Pool *Pool
	// HostKey is the keeper's own host key, pinned by clients.
	HostKey ssh.Signer
	// Authorized is the only client key accepted (the instance's user key).
	Authorized ssh.PublicKey
	// Idle ends Serve after this long without any client connection
	// (0: never).
	Idle time.Duration
	// Gone, when set, is asked every Poll; Serve ends when it reports true
	// (the instance or the socket is gone).
	Gone func() bool
	// Poll is how often idleness and Gone are looked at (default 1s).
	Poll time.Duration
	// Transport is how Pool reaches nodes. A client that wants another
	// transport (DialKeeper's want) is refused and connects itself.
	Transport Transport

	clients  atomic.Int64
	channels atomic.Int64
	last     atomic.Int64 // unix nanoseconds of the last client activity
	exit     chan struct{}
	exitOnce sync.Once
}

// Serve accepts keeper connections on ln until ctx ends, the keeper has
// been idle for Idle, Gone reports true or a client asks it to exit. It
// closes ln and the pool before returning; the reason is returned as an
// error (nil for idle exit and asked-to-exit).
func (k *Keeper) Serve(ctx context.Context, ln net.Listener) error {
	if k.Pool == nil || k.HostKey == nil || k.Authorized == nil {
		return errors.New("keeper: Pool, HostKey and Authorized are required")
	}
	k.exit = make(chan struct{})
	k.touch()
	want := k.Authorized.Marshal()
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if bytes.Equal(key.Marshal(), want) {
				return &ssh.Permissions{}, nil
			}
			return nil, errors.New("keeper: key not authorized")
		},
		ServerVersion: "SSH-2.0-labdojo-keeper",
	}
	cfg.AddHostKey(k.HostKey)

	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			open[nc] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				k.serveConn(sctx, nc, cfg)
				mu.Lock()
				delete(open, nc)
				mu.Unlock()
			}()
		}
	}()

	poll := k.Poll
	if poll <= 0 {
		poll = time.Second
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	var reason error
loop:
	for {
		select {
		case <-ctx.Done():
			reason = ctx.Err()
			break loop
		case <-k.exit:
			break loop
		case <-tick.C:
			if k.Gone != nil && k.Gone() {
				reason = errors.New("keeper: instance gone")
				break loop
			}
			if k.Idle > 0 && k.clients.Load() == 0 && time.Since(time.Unix(0, k.last.Load())) >= k.Idle {
				break loop
			}
		}
	}
	ln.Close()
	cancel()
	mu.Lock()
	for nc := range open {
		nc.Close()
	}
	mu.Unlock()
	k.Pool.Close()
	wg.Wait()
	return reason
}

// Stats returns the keeper's counters.
func (k *Keeper) Stats() KeeperStats {
	return KeeperStats{Handshakes: k.Pool.Handshakes(), Clients: k.clients.Load(), Channels: k.channels.Load()}
}

func (k *Keeper) touch() { k.last.Store(time.Now().UnixNano()) }

func (k *Keeper) serveConn(ctx context.Context, nc net.Conn, cfg *ssh.ServerConfig) {
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	sconn, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		return
	}
	_ = nc.SetDeadline(time.Time{})
	k.clients.Add(1)
	k.touch()
	defer func() {
		k.touch()
		k.clients.Add(-1)
	}()
	stop := context.AfterFunc(ctx, func() { sconn.Close() })
	defer stop()
	t, terr := DecodeTarget(sconn.User())
	go func() {
		for r := range reqs {
			switch r.Type {
			case KeeperExitRequest:
				_ = r.Reply(true, nil)
				k.exitOnce.Do(func() { close(k.exit) })
			case KeeperStatsRequest:
				b, _ := json.Marshal(k.Stats())
				_ = r.Reply(true, b)
			case keeperConnectRequest:
				// A client sends one request at a time and waits for
				// its answer, so answering from a goroutine keeps
				// replies in order.
				go func() {
					if terr != nil {
						b, _ := json.Marshal(keeperConnectReply{Error: terr.Error()})
						_ = r.Reply(false, b)
						return
					}
					if want := Transport(r.Payload); want != "" && want != TransportAuto && k.Transport != "" && want != k.Transport {
						b, _ := json.Marshal(keeperConnectReply{Error: fmt.Sprintf("the keeper uses the %s transport, not %s", k.Transport, want)})
						_ = r.Reply(false, b)
						return
					}
					if _, err := k.Pool.getConn(ctx, t); err != nil {
						b, _ := json.Marshal(keeperConnectReply{Error: err.Error(), Timeout: isTimeout(err)})
						_ = r.Reply(false, b)
						return
					}
					_ = r.Reply(true, nil)
				}()
			case keepAliveRequest:
				go func() {
					if terr == nil && !k.Pool.ping(ctx, t) {
						return // the node did not answer: neither does the keeper
					}
					_ = r.Reply(true, nil)
				}()
			default:
				if r.WantReply {
					_ = r.Reply(false, nil)
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for nch := range chans {
		if terr != nil {
			_ = nch.Reject(ssh.Prohibited, terr.Error())
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			k.proxy(ctx, t, nch)
		}()
	}
	wg.Wait()
}

// proxy opens the same channel on the node's pooled connection and
// relays data, extended data, EOF, requests (both ways) and close.
func (k *Keeper) proxy(ctx context.Context, t Target, nch ssh.NewChannel) {
	up, upReqs, c, err := k.Pool.openChannel(ctx, t, nch.ChannelType(), nch.ExtraData())
	if err != nil {
		var oce *ssh.OpenChannelError
		if errors.As(err, &oce) {
			_ = nch.Reject(oce.Reason, oce.Message)
		} else {
			_ = nch.Reject(ssh.Prohibited, nodeErr(t, err).Error()) // not ConnectionFailed, which clients retry as sshd's MaxSessions refusal
		}
		return
	}
	defer c.release()
	down, downReqs, err := nch.Accept()
	if err != nil {
		up.Close()
		return
	}
	k.channels.Add(1)
	go func() {
		for r := range downReqs {
			ok, err := up.SendRequest(r.Type, r.WantReply, r.Payload)
			if r.WantReply {
				_ = r.Reply(ok && err == nil, nil)
			}
		}
		up.Close() // the client closed its end
	}()
	upDone := make(chan struct{})
	go func() {
		defer close(upDone)
		for r := range upReqs {
			ok, err := down.SendRequest(r.Type, r.WantReply, r.Payload)
			if r.WantReply {
				_ = r.Reply(ok && err == nil, nil)
			}
		}
	}()
	go func() {
		_, _ = io.Copy(up, down)
		_ = up.CloseWrite()
	}()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, _ = io.Copy(down, up)
	}()
	go func() {
		defer wg.Done()
		_, _ = io.Copy(down.Stderr(), up.Stderr())
	}()
	wg.Wait()
	_ = down.CloseWrite()
	<-upDone // exit-status and the like are relayed before the close
	_ = down.Close()
	_ = up.Close()
}

// openChannel opens a channel of type typ on t's pooled connection,
// holding one of its session slots (release with c.release). Like
// session, it waits out sshd's MaxSessions refusals and redials a broken
// connection once.
func (p *Pool) openChannel(ctx context.Context, t Target, typ string, extra []byte) (ssh.Channel, <-chan *ssh.Request, *conn, error) {
	backoff := 5 * time.Millisecond
	busy := 0
	for attempt := 0; ; attempt++ {
		c, err := p.getConn(ctx, t)
		if err != nil {
			return nil, nil, nil, err
		}
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, nil, nil, ctx.Err()
		}
		ch, reqs, err := c.client.OpenChannel(typ, extra)
		if err == nil {
			return ch, reqs, c, nil
		}
		c.release()
		var refused *ssh.OpenChannelError
		if errors.As(err, &refused) {
			if refused.Reason == ssh.ConnectionFailed && busy < 12 {
				busy++
				attempt--
				select {
				case <-time.After(backoff):
				case <-ctx.Done():
					return nil, nil, nil, ctx.Err()
				}
				backoff = min(2*backoff, 200*time.Millisecond)
				continue
			}
			return nil, nil, nil, err
		}
		if attempt > 0 {
			return nil, nil, nil, err
		}
		p.drop(c)
	}
}

// ping sends a keepalive on t's pooled connection and reports whether
// the node answered. With no connection to t (none yet, or being dialled)
// there is nothing to ask, and it reports true. It gives up after the
// pool's keepalive interval times four, or when ctx ends.
func (p *Pool) ping(ctx context.Context, t Target) bool {
	if t.HostKey == nil {
		return true
	}
	key := connKey{addr: t.Addr, container: t.Container, user: t.user(), hostKey: string(t.HostKey.Marshal())}
	p.mu.Lock()
	c := p.conns[key]
	p.mu.Unlock()
	if c == nil {
		return true
	}
	select {
	case <-c.ready:
	default:
		return true
	}
	if c.client == nil {
		return true
	}
	wait := 4 * p.opts.KeepAlive
	if wait <= 0 {
		wait = 4 * DefaultKeepAlive
	}
	answered := make(chan error, 1)
	go func() {
		_, _, err := c.client.SendRequest(keepAliveRequest, true, nil)
		answered <- err
	}()
	select {
	case err := <-answered:
		return err == nil
	case <-time.After(wait):
		return false
	case <-ctx.Done():
		return false
	}
}

// isTimeout reports whether err is a dial or handshake that ran out of
// time (as opposed to one refused or failed at once).
func isTimeout(err error) bool {
	var te interface{ Timeout() bool } // net.Error, HandshakeTimeoutError
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &te) && te.Timeout())
}

// DialKeeper connects to the keeper listening on the Unix socket path,
// authenticating with signer and accepting only keeperKey, for target t,
// and has the keeper reach t's node before returning: when it cannot, or
// when want is a transport ("" or TransportAuto: any) other than the
// keeper's, the error is a *KeeperDialError. The returned client's
// sessions run on t through the keeper.
func DialKeeper(ctx context.Context, path string, signer ssh.Signer, keeperKey ssh.PublicKey, t Target, want Transport) (*ssh.Client, error) {
	cl, err := dialKeeper(ctx, path, signer, keeperKey, t)
	if err != nil {
		return nil, err
	}
	type answer struct {
		ok      bool
		payload []byte
		err     error
	}
	ch := make(chan answer, 1)
	go func() {
		ok, payload, err := cl.SendRequest(keeperConnectRequest, true, []byte(want))
		ch <- answer{ok, payload, err}
	}()
	var a answer
	select {
	case a = <-ch:
	case <-ctx.Done():
		cl.Close()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, &KeeperDialError{Node: t.Name, Msg: "the node's sshd timed out", Timeout: true}
		}
		return nil, ctx.Err()
	}
	if a.err != nil {
		cl.Close()
		return nil, fmt.Errorf("keeper at %s: %w", path, a.err)
	}
	if !a.ok {
		cl.Close()
		var r keeperConnectReply
		if json.Unmarshal(a.payload, &r) != nil || r.Error == "" {
			r.Error = "refused"
		}
		return nil, &KeeperDialError{Node: t.Name, Msg: r.Error, Timeout: r.Timeout}
	}
	return cl, nil
}

func dialKeeper(ctx context.Context, path string, signer ssh.Signer, keeperKey ssh.PublicKey, t Target) (*ssh.Client, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	cfg := &ssh.ClientConfig{
		User:              EncodeTarget(t),
		Auth:              []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback:   pinnedHostKey(keeperKey),
		HostKeyAlgorithms: hostKeyAlgorithms(keeperKey),
	}
	sc, chans, reqs, err := ssh.NewClientConn(nc, "keeper", cfg)
	if !stop() {
		if err == nil {
			sc.Close()
		}
		nc.Close()
		return nil, ctx.Err()
	}
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("keeper at %s: %w", path, err)
	}
	return ssh.NewClient(sc, chans, reqs), nil
}

// KeeperRequest sends a global request (KeeperExitRequest,
// KeeperStatsRequest) to the keeper at path and returns its answer.
func KeeperRequest(ctx context.Context, path string, signer ssh.Signer, keeperKey ssh.PublicKey, req string) ([]byte, error) {
	cl, err := dialKeeper(ctx, path, signer, keeperKey, Target{Name: "-", HostKey: keeperKey})
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	ok, payload, err := cl.SendRequest(req, true, nil)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("keeper refused %s", req)
	}
	return payload, nil
}
