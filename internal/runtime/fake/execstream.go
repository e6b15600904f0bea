package fake

import (
	"context"
	"fmt"
	"io"
	"net"
	"slices"
	"syscall"

	"github.com/labdojo/labdojo/internal/runtime"
)

// SSHDInetd is the only command ExecStream runs: the node's sshd in inetd
// mode, which the fake serves with the node's in-process SSH server.
var SSHDInetd = []string{"/usr/sbin/sshd", "-i"}

// ExecStream implements runtime.Runtime for `/usr/sbin/sshd -i` (any other
// command fails): it connects to the node's in-process SSH server, as the
// real engine's exec stream reaches the node's sshd without the network.
func (f *Runtime) ExecStream(ctx context.Context, id string, cmd []string) (io.ReadWriteCloser, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	c, err := f.find(id)
	var srv *server
	if err == nil {
		srv = c.server
	}
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if !slices.Equal(cmd, SSHDInetd) {
		return nil, fmt.Errorf("fake engine: exec stream runs only %q, not %q", SSHDInetd, cmd)
	}
	if !c.info.Running || srv == nil {
		return nil, fmt.Errorf("container %q is not running", c.info.Name)
	}
	f.streams.Add(1)
	var d net.Dialer
	return d.DialContext(ctx, "tcp", srv.ln.Addr().String())
}

// ExecStreams returns how many exec streams were opened.
func (f *Runtime) ExecStreams() int64 { return f.streams.Load() }

// Identity implements runtime.Runtime with the fake's Endpoint and Key;
// the fake is local unless Remote is set.
func (f *Runtime) Identity(context.Context) (runtime.EngineIdentity, error) {
	ep := f.Endpoint
	if ep == "" {
		ep = "fake://local"
	}
	return runtime.EngineIdentity{Endpoint: ep, Key: f.Key, Local: !f.Remote}, f.check()
}

// errUnroutable is what Dial returns when Unroutable is set, as a host
// without a route to the node's address sees it.
var errUnroutable = &net.OpError{Op: "dial", Net: "tcp", Err: syscall.EHOSTUNREACH}
