// Package sshx is labdojo's SSH client layer.
//
// labdojo generates a per-instance ed25519 user key and per-node ed25519 host
// keys itself, installs them into each node before it starts and pins the
// host public keys, so even the first connection to a node is verified: this
// package never accepts an unknown host key.
//
// A Pool keeps exactly one SSH connection per node (dialled lazily, shared by
// concurrent callers) and multiplexes sessions on it, bounded by
// PoolOptions.MaxSessions. Broken connections are dropped and redialled on the
// next use.
package sshx
