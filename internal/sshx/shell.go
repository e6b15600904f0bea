package sshx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/crypto/ssh"
)

// ShellIO describes an interactive session for Pool.Shell.
type ShellIO struct {
	// Stdin, Stdout and Stderr are connected to the remote command. Stdin
	// may be nil. With TTY the remote side merges stderr into stdout.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Command runs instead of the user's login shell when not "".
	Command string
	// TTY requests a pseudo-terminal of type Term (default "xterm") and
	// size Width x Height (default 80x24).
	TTY           bool
	Term          string
	Width, Height int
	// Resize, when not nil, carries new terminal sizes as {width, height}
	// (columns, rows); each is forwarded as a window-change request. See
	// WatchResize.
	Resize <-chan [2]int
	// Disconnect, when closed, ends the session at once (the `~.` escape,
	// see EscapeFilter); Shell then returns ErrDisconnected.
	Disconnect <-chan struct{}
	// Interrupt, when set, changes what the end of ctx does to a Command:
	// instead of killing it, Shell sends every process of the command the
	// signal Interrupt returns ("INT", "TERM"), as a terminal's Ctrl-C
	// reaches its foreground process group, and waits up to Grace
	// (default 5s) for the command to end; its exit status is returned
	// (130 when SIGINT ended it). A command still running then is killed
	// and Shell returns an *InterruptError.
	Interrupt func() string
	Grace     time.Duration
	// Signals, when not nil, carries signals for the remote command (e.g.
	// ssh.SIGINT when the user presses Ctrl-C without a TTY); each is
	// forwarded as described at Pool.Signal. With a TTY, Ctrl-C travels
	// as a byte on Stdin and the remote terminal raises SIGINT itself.
	Signals <-chan ssh.Signal
}

// ErrDisconnected is returned by Shell when ShellIO.Disconnect closed.
var ErrDisconnected = errors.New("disconnected")

// NoAnswerError reports a session closed because the node stopped
// answering keepalives (PoolOptions.KeepAlive).
type NoAnswerError struct {
	Node  string
	After time.Duration
}

// Unwrap makes the error match ErrNodeNotAnswering.
func (e *NoAnswerError) Unwrap() error { return ErrNodeNotAnswering }

// Error implements error.
func (e *NoAnswerError) Error() string {
	return fmt.Sprintf("node %q stopped answering: no reply to SSH keepalives for %s, the session was closed", e.Node, e.After)
}

// InterruptError reports a command that did not end within the grace time
// after the interrupt was forwarded, and was killed.
type InterruptError struct {
	Signal string
	Grace  time.Duration
}

// Error implements error.
func (e *InterruptError) Error() string {
	return fmt.Sprintf("the remote command did not stop within %s of SIG%s and was killed", e.Grace, e.Signal)
}

// Shell runs an interactive session on t (`dojo ssh NODE`) and returns the
// remote exit code. Putting the local terminal into raw mode is the caller's
// job. When ctx ends, the remote command is sent signal KILL and the session
// is closed, unless ShellIO.Interrupt asks for the interrupt to be
// forwarded.
func (p *Pool) Shell(ctx context.Context, t Target, sio ShellIO) (exitCode int, err error) {
	code, err := p.shell(ctx, t, sio)
	var na *NoAnswerError
	if err != nil && !errors.As(err, &na) && !errors.Is(err, ErrDisconnected) {
		return code, nodeErr(t, err)
	}
	return code, err
}

func (p *Pool) shell(ctx context.Context, t Target, sio ShellIO) (int, error) {
	sess, c, err := p.session(ctx, t)
	if err != nil {
		return -1, err
	}
	fail := func(err error) (int, error) {
		sess.Close()
		c.release()
		return -1, err
	}

	if sio.TTY {
		term := sio.Term
		if term == "" {
			term = "xterm"
		}
		w, h := sio.Width, sio.Height
		if w <= 0 {
			w = 80
		}
		if h <= 0 {
			h = 24
		}
		modes := ssh.TerminalModes{
			ssh.ECHO:          1,
			ssh.TTY_OP_ISPEED: 38400,
			ssh.TTY_OP_OSPEED: 38400,
		}
		if err := sess.RequestPty(term, h, w, modes); err != nil {
			return fail(fmt.Errorf("request pty: %w", err))
		}
	}
	if sio.Stdin != nil {
		sess.Stdin = sio.Stdin
	}
	sess.Stdout, sess.Stderr = sio.Stdout, sio.Stderr

	stopResize := make(chan struct{})
	resizeDone := make(chan struct{})
	go func() {
		defer close(resizeDone)
		for {
			select {
			case <-stopResize:
				return
			case size, ok := <-sio.Resize: // nil channel: blocks forever
				if !ok {
					<-stopResize
					return
				}
				_ = sess.WindowChange(size[1], size[0])
			}
		}
	}()
	defer func() {
		close(stopResize)
		<-resizeDone
	}()
	if sio.Interrupt == nil && sio.Disconnect == nil || sio.Signals != nil {
		code, err := p.startAndWait(ctx, c, sess, sio.Command, true, sio.Signals)
		return code, p.noAnswer(c, t, err)
	}
	return p.interactive(ctx, c, t, sess, sio)
}

// noAnswer turns the error of a session whose connection the keepalive
// closed into a *NoAnswerError.
func (p *Pool) noAnswer(c *conn, t Target, err error) error {
	if err != nil && c.lostErr() != nil {
		return &NoAnswerError{Node: t.Name, After: 2 * p.opts.KeepAlive}
	}
	return err
}

// interactive is startAndWait for Shell with a Disconnect channel or
// interrupt forwarding. It owns sess and c's session slot.
func (p *Pool) interactive(ctx context.Context, c *conn, t Target, sess *ssh.Session, sio ShellIO) (int, error) {
	var token string
	var err error
	if sio.Command == "" {
		err = sess.Shell()
	} else {
		token = newToken()
		err = sess.Start(markCommand(token, sio.Command))
	}
	if err != nil {
		sess.Close()
		c.release()
		return -1, fmt.Errorf("start: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	finish := func(err error) (int, error) {
		sess.Close()
		c.release()
		code, err := exitCode(err)
		return code, p.noAnswer(c, t, err)
	}
	kill := func() (int, error) {
		_ = sess.Signal(ssh.SIGKILL)
		_ = sess.Close()
		p.background(c, token)
		return -1, ctx.Err()
	}
	select {
	case err := <-done:
		return finish(err)
	case <-sio.Disconnect:
		_ = sess.Close()
		if token != "" {
			p.reap(c, token)
		}
		c.release()
		return -1, ErrDisconnected
	case <-ctx.Done():
		if sio.Interrupt == nil || token == "" {
			return kill()
		}
	}
	// Forward the interrupt to the command's processes, then wait.
	sig := sio.Interrupt()
	if sig == "" {
		sig = "INT"
	}
	_ = sess.Signal(ssh.Signal(sig)) // honoured by sshd for non-root users
	p.signalMarked(c, token, sig)
	grace := sio.Grace
	if grace <= 0 {
		grace = 5 * time.Second
	}
	timer := time.NewTimer(grace)
	defer timer.Stop()
	var waitErr error
	ended := false
	select {
	case waitErr = <-done:
		ended = true
	case <-sio.Disconnect:
	case <-timer.C:
		// Still running, or its exit status is held back by a process
		// that ignores SIGINT (a background job) keeping its output open:
		// kill what is left, then collect the status.
		p.reap(c, token)
		select {
		case waitErr = <-done:
			ended = true
		case <-time.After(3 * time.Second):
		}
	}
	_ = sess.Close()
	// Nothing of the command outlives the session, also after dojo exits:
	// the clean-up runs before returning.
	p.reap(c, token)
	c.release()
	if !ended {
		return 128 + 9, &InterruptError{Signal: sig, Grace: grace}
	}
	code, err := exitCode(waitErr)
	if err == nil && code == 128+9 {
		return code, &InterruptError{Signal: sig, Grace: grace}
	}
	return code, p.noAnswer(c, t, err)
}

// background frees c's session slot after killing the processes carrying
// token (when not ""), as startAndWait does after a cancel.
func (p *Pool) background(c *conn, token string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.release()
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer c.release()
		if token != "" {
			p.reap(c, token)
		}
	}()
}

// signalMarked sends sig to the processes of the command marked token, in
// a session of its own (bounded to a few seconds).
func (p *Pool) signalMarked(c *conn, token, sig string) {
	switch sig {
	case "INT", "TERM", "HUP", "QUIT", "KILL":
	default:
		sig = "INT"
	}
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	sess, err := c.client.NewSession()
	if err != nil {
		return
	}
	defer sess.Close()
	stop := context.AfterFunc(ctx, func() { sess.Close() })
	defer stop()
	_ = sess.Run("sh -c '" + signalScript + "' labdojo-signal " + token + " " + sig)
}
