package sshx

import (
	"context"
	"fmt"
	"io"

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
	// Signals, when not nil, carries signals for the remote command (e.g.
	// ssh.SIGINT when the user presses Ctrl-C without a TTY); each is
	// forwarded as described at Pool.Signal. With a TTY, Ctrl-C travels
	// as a byte on Stdin and the remote terminal raises SIGINT itself.
	Signals <-chan ssh.Signal
}

// Shell runs an interactive session on t (`dojo ssh NODE`) and returns the
// remote exit code. Putting the local terminal into raw mode is the caller's
// job. When ctx ends, the remote command is sent signal KILL and the session
// is closed.
func (p *Pool) Shell(ctx context.Context, t Target, sio ShellIO) (exitCode int, err error) {
	code, err := p.shell(ctx, t, sio)
	if err != nil {
		return code, nodeErr(t, err)
	}
	return code, nil
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
	code, err := p.startAndWait(ctx, c, sess, sio.Command, true, sio.Signals)
	close(stopResize)
	<-resizeDone
	return code, err
}
