package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/labdojo/labdojo/internal/record"
	"github.com/labdojo/labdojo/internal/sshx"
)

// ShellKeepAlive is the keepalive interval of `dojo ssh` connections: a
// node that does not answer for two intervals ends the session with a
// message instead of hanging it.
const ShellKeepAlive = 5 * time.Second

// SplitUser splits "user@node" (or "user@instance/node") into the login
// user ("" when absent) and the node reference.
func SplitUser(ref string) (user, node string) {
	if u, n, ok := strings.Cut(ref, "@"); ok {
		return u, n
	}
	return "", ref
}

// ConnectShell resolves ref ("[user@][instance/]node") and connects to it
// for an interactive session, with keepalives.
func (s *Service) ConnectShell(ctx context.Context, ref, instance string) (*Node, error) {
	user, nodeRef := SplitUser(ref)
	if user != "" && !validUser(user) {
		return nil, inputf("invalid user name %q in %q", user, ref)
	}
	n, err := s.ConnectNode(ctx, nodeRef, instance, sshx.PoolOptions{KeepAlive: ShellKeepAlive})
	if err != nil {
		return nil, err
	}
	if user != "" {
		n.Target.User = user
	}
	return n, nil
}

func validUser(u string) bool {
	if u == "" || len(u) > 32 || u[0] == '-' {
		return false
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// Recording is a `dojo ssh` session being recorded: an asciicast v2 file
// of its own and the node's command log (appended by every session).
type Recording struct {
	*record.Recorder
	// Cast is the path of the asciicast file.
	Cast      string
	cast, log *os.File
}

// StartRecording opens the recording of a new session on a node of
// instance. opts carries the terminal size and type decided by the caller.
func (s *Service) StartRecording(instance, node string, opts record.Options) (*Recording, error) {
	cast, err := s.Store().CreateCast(instance, node, time.Now())
	if err != nil {
		return nil, err
	}
	log, err := s.Store().OpenCommandLog(instance, node)
	if err != nil {
		cast.Close()
		os.Remove(cast.Name())
		return nil, err
	}
	if opts.Title == "" {
		opts.Title = "dojo ssh " + instance + "/" + node
	}
	rec, err := record.New(cast, log, opts)
	if err != nil {
		cast.Close()
		log.Close()
		os.Remove(cast.Name())
		return nil, err
	}
	return &Recording{Recorder: rec, Cast: cast.Name(), cast: cast, log: log}, nil
}

// Close ends the recording and closes its files.
func (r *Recording) Close() error {
	err := r.Recorder.Close()
	if e := r.cast.Close(); err == nil {
		err = e
	}
	if e := r.log.Close(); err == nil {
		err = e
	}
	return err
}

// ShellError explains why a session on n could not run or ended abnormally
// in terms of what to do next: a node whose sshd does not answer points to
// `dojo console`, a refused key for another user says how to authorise it.
func (s *Service) ShellError(n *Node, err error) error {
	if err == nil {
		return nil
	}
	var na *sshx.NoAnswerError
	if errors.As(err, &na) {
		return fmt.Errorf("%w. Is the node paused, or its management interface down? Check with `dojo status`; `dojo console %s/%s` reaches it without the network", err, n.Instance, n.Name)
	}
	var mismatch *sshx.HostKeyMismatchError
	if errors.As(err, &mismatch) || errors.Is(err, context.Canceled) || errors.Is(err, sshx.ErrDisconnected) {
		return err
	}
	var op *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("node %q: nothing answers on its SSH port (connection refused): sshd is not running. Open a console through the engine: `dojo console %s/%s` (then e.g. `sshd -t` and `service ssh start`)", n.Name, n.Instance, n.Name)
	case errors.As(err, &op) && op.Op == "dial", strings.Contains(err.Error(), "handshake"), strings.Contains(err.Error(), "timed out"):
		return fmt.Errorf("node %q: its sshd does not answer (%v). Open a console through the engine: `dojo console %s/%s`", n.Name, errors.Unwrap(err), n.Instance, n.Name)
	case strings.Contains(err.Error(), "unable to authenticate") && n.Target.User != "" && n.Target.User != "root":
		pub, _ := os.ReadFile(s.Store().UserKeyFile(n.Instance) + ".pub")
		return fmt.Errorf("node %q refused the instance's key for user %q. Authorise it for that user, e.g.:\n  dojo ssh %s/%s -- 'install -d -m 700 -o %s ~%s/.ssh && echo %q >> ~%s/.ssh/authorized_keys && chown %s ~%s/.ssh/authorized_keys'",
			n.Name, n.Target.User, n.Instance, n.Name, n.Target.User, n.Target.User, strings.TrimSpace(string(pub)), n.Target.User, n.Target.User, n.Target.User)
	case strings.Contains(err.Error(), "unable to authenticate"):
		return fmt.Errorf("%w. Its root login or authorized_keys was changed: `dojo console %s/%s` still reaches it", err, n.Instance, n.Name)
	case strings.Contains(err.Error(), "without an exit status"), errors.Is(err, io.EOF):
		return fmt.Errorf("%w. `dojo console %s/%s` reaches the node without SSH", err, n.Instance, n.Name)
	}
	return err
}
