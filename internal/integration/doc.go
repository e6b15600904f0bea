// Package integration holds end-to-end tests of the dojo binary against the
// real Docker engine, real sshd in real nodes and the real OpenSSH client.
// They build the node image once per run (offline with mmdebstrap when it is
// missing) and FAIL when no engine is reachable; `go test -short` skips them.
package integration
