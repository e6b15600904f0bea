package engine

import (
	"github.com/labdojo/labdojo/internal/sshx"
)

// Dialer returns the engine's SSH transport dialer. Every pool of the
// engine shares it, so auto mode decides between direct TCP and the exec
// stream once per process (see sshx.Dialer): direct when this machine has
// an address on the node's management network or the address answers,
// else SSH over `sshd -i` run through the engine's exec API. A remote
// engine (Identity.Local false) always uses exec in auto mode. Engine.Dial
// (fake runtimes) is the direct transport's TCP dialer.
func (e *Engine) Dialer() *sshx.Dialer {
	e.dialerOnce.Do(func() {
		e.dialer = &sshx.Dialer{
			Mode:   e.Transport,
			TCP:    e.Dial,
			Exec:   sshx.ExecFunc(e.RT.ExecStream),
			Remote: e.Identity.Endpoint != "" && !e.Identity.Local,
		}
	})
	return e.dialer
}
