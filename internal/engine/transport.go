package engine

import (
	"github.com/labdojo/labdojo/internal/sshx"
)

// Dialer returns the engine's SSH transport dialer. Every pool of the
// engine shares it, so auto mode decides between direct TCP and the exec
// stream once per process (see sshx.Dialer): direct when this machine has
// an address on the node's management network or the address answers,
// else SSH over `sshd -i` run through the engine's exec API. Only the
// default local engine (Identity.Key "") is tried directly in auto mode:
// a remote engine's node addresses are not here, and another local engine
// (rootless, Docker Desktop, a second daemon) may use the same subnets as
// the default one's bridges, so an address that answers need not be its
// node. Engine.Dial (fake runtimes) is the direct transport's TCP dialer.
func (e *Engine) Dialer() *sshx.Dialer {
	e.dialerOnce.Do(func() {
		e.dialer = &sshx.Dialer{
			Mode:   e.Transport,
			TCP:    e.Dial,
			Remote: e.Identity.Endpoint != "" && (!e.Identity.Local || e.Identity.Key != ""),
		}
		// The connection keeper's engine has no runtime: it dials
		// directly (an exec stream needs the engine's API).
		if e.RT != nil {
			e.dialer.Exec = sshx.ExecFunc(e.RT.ExecStream)
		}
	})
	return e.dialer
}
