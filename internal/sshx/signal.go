package sshx

import (
	"context"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// DefaultKeepAlive is the default interval of SSH keepalives: a node that
// stops answering (its interface taken down, its container paused) is
// noticed within twice this time instead of hanging the caller.
const DefaultKeepAlive = 10 * time.Second

// ErrNodeNotAnswering is returned (wrapped) by a command whose connection
// keepalives found silent.
var ErrNodeNotAnswering = errors.New("the node stopped answering")

// signalTimeout bounds the helper session that delivers a signal.
const signalTimeout = 5 * time.Second

// signalScript sends signal $2 to every process whose environment holds
// marker $1 (the processes of one command, see markCommand). Like
// reapScript it takes the marker as an argument so its own processes lack
// it.
const signalScript = `for f in $(grep -lxzs "` + markerVar + `=$1" /proc/[0-9]*/environ); do ` +
	`p=${f#/proc/}; kill -s "$2" "${p%/environ}" 2>/dev/null; done; true`

// validSignals are the signal names forwarded (RFC 4254 names).
var validSignals = map[ssh.Signal]bool{
	ssh.SIGINT: true, ssh.SIGTERM: true, ssh.SIGHUP: true, ssh.SIGQUIT: true,
	ssh.SIGKILL: true, ssh.SIGUSR1: true, ssh.SIGUSR2: true, ssh.SIGALRM: true,
}

// forwardSignal delivers sig to the command running in sess: a "signal"
// request (OpenSSH honours it for non-root users only) and, for a marked
// command, a helper session on the same connection that signals every
// marked process, which also works for root. It does not wait for the
// helper.
func (p *Pool) forwardSignal(c *conn, sess *ssh.Session, token string, sig ssh.Signal) {
	if !validSignals[sig] {
		return
	}
	_ = sess.Signal(sig)
	if token == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		ctx, cancel := context.WithTimeout(p.ctx, signalTimeout)
		defer cancel()
		hs, err := c.client.NewSession()
		if err != nil {
			return
		}
		defer hs.Close()
		stop := context.AfterFunc(ctx, func() { hs.Close() })
		defer stop()
		_ = hs.Run("sh -c '" + signalScript + "' labdojo-signal " + token + " " + strings.TrimPrefix(string(sig), "SIG"))
	}()
}
