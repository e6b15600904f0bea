package engine

import "github.com/labdojo/labdojo/internal/sshx"

// PoolOptions returns opts with the engine's transport (its Dial hook)
// filled in, for pools made outside Connect (a connection keeper's).
func (e *Engine) PoolOptions(opts sshx.PoolOptions) sshx.PoolOptions { return e.poolOptions(opts) }
