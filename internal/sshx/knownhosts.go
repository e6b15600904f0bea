package sshx

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// KnownHost is one known_hosts entry: a host public key and the names it is
// valid for.
type KnownHost struct {
	// Hosts are the names the key is valid for: aliases ("web-1"), bare
	// addresses ("10.0.0.5") and host:port forms ("127.0.0.1:32768", written
	// as "[127.0.0.1]:32768"). Port 22 is written without a port.
	Hosts []string
	// Key is the pinned host public key.
	Key ssh.PublicKey
}

// WriteKnownHosts writes entries to path in OpenSSH known_hosts format, for
// the real ssh client (UserKnownHostsFile=path, StrictHostKeyChecking=yes).
// The file is replaced atomically (temporary file in the same directory, then
// rename) with mode 0600; its directory is created with mode 0700 if missing.
func WriteKnownHosts(path string, entries []KnownHost) error {
	var b strings.Builder
	for i, e := range entries {
		if e.Key == nil {
			return fmt.Errorf("known_hosts %s: entry %d (%s): no key", path, i, strings.Join(e.Hosts, ","))
		}
		if len(e.Hosts) == 0 {
			return fmt.Errorf("known_hosts %s: entry %d: no host names", path, i)
		}
		for _, h := range e.Hosts {
			if h == "" || strings.ContainsAny(h, " \t\n,#") {
				return fmt.Errorf("known_hosts %s: entry %d: invalid host name %q", path, i, h)
			}
		}
		b.WriteString(knownhosts.Line(e.Hosts, e.Key))
		b.WriteByte('\n')
	}

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("known_hosts: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("known_hosts: %w", err)
	}
	tmpName := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmpName)
		return fmt.Errorf("known_hosts %s: %w", path, err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := tmp.WriteString(b.String()); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("known_hosts %s: %w", path, err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("known_hosts %s: %w", path, err)
	}
	return nil
}
