package sshx

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func TestGenerateEd25519(t *testing.T) {
	priv, pub, err := GenerateEd25519()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(priv, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n")) {
		t.Fatalf("not OpenSSH PEM: %q", priv[:40])
	}
	s, err := ssh.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Type() != ssh.KeyAlgoED25519 || !bytes.Equal(s.PublicKey().Marshal(), pub.Marshal()) {
		t.Fatal("public key does not match private key")
	}
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestWriteUserKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "keys")
	s1, err := WriteUserKey(filepath.Join(dir, "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	if m := fileMode(t, dir); m != 0o700 {
		t.Errorf("dir mode %o", m)
	}
	if m := fileMode(t, filepath.Join(dir, "id_ed25519")); m != 0o600 {
		t.Errorf("private key mode %o", m)
	}
	if m := fileMode(t, filepath.Join(dir, "id_ed25519.pub")); m != 0o644 {
		t.Errorf("public key mode %o", m)
	}
	pubText, _ := os.ReadFile(filepath.Join(dir, "id_ed25519.pub"))
	if !strings.HasPrefix(string(pubText), "ssh-ed25519 ") {
		t.Errorf("public key file %q", pubText)
	}

	// Idempotent: same key the second time.
	s2, err := WriteUserKey(filepath.Join(dir, "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s1.PublicKey().Marshal(), s2.PublicKey().Marshal()) {
		t.Fatal("second call replaced the key")
	}

	// A missing .pub is restored.
	os.Remove(filepath.Join(dir, "id_ed25519.pub"))
	if _, err := WriteUserKey(filepath.Join(dir, "id_ed25519")); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(filepath.Join(dir, "id_ed25519.pub")); !bytes.Equal(again, pubText) {
		t.Fatalf("restored pub %q, want %q", again, pubText)
	}

	// A .pub of another key is refused and left alone.
	_, other, _ := GenerateEd25519()
	otherText := ssh.MarshalAuthorizedKey(other)
	os.WriteFile(filepath.Join(dir, "id_ed25519.pub"), otherText, 0o644)
	if _, err := WriteUserKey(filepath.Join(dir, "id_ed25519")); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("mismatched pub: err = %v", err)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, "id_ed25519.pub")); !bytes.Equal(now, otherText) {
		t.Fatal("mismatched pub was overwritten")
	}
}

func TestLoadSignerPermissions(t *testing.T) {
	dir := t.TempDir()
	if _, err := WriteUserKey(filepath.Join(dir, "id_ed25519")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "id_ed25519")
	if _, err := LoadSigner(path); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		os.Chmod(path, mode)
		_, err := LoadSigner(path)
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("mode %o: err = %v", mode, err)
		}
		if _, err := WriteUserKey(filepath.Join(dir, "id_ed25519")); err == nil {
			t.Errorf("WriteUserKey accepted a key with mode %o", mode)
		}
	}
	os.Chmod(path, 0o400)
	if _, err := LoadSigner(path); err != nil {
		t.Fatalf("mode 400: %v", err)
	}
	if _, err := LoadSigner(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("missing file accepted")
	}
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("not a key"), 0o600)
	if _, err := LoadSigner(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("garbage key: %v", err)
	}
}

func TestWriteKnownHosts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "known_hosts")
	_, k1, _ := GenerateEd25519()
	_, k2, _ := GenerateEd25519()
	entries := []KnownHost{
		{Hosts: []string{"web-1", "127.0.0.1:32768", "172.18.0.2"}, Key: k1},
		{Hosts: []string{"db", "[127.0.0.1]:32769"}, Key: k2},
	}
	if err := WriteKnownHosts(path, entries); err != nil {
		t.Fatal(err)
	}
	if m := fileMode(t, path); m != 0o600 {
		t.Errorf("mode %o", m)
	}
	text, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "web-1,[127.0.0.1]:32768,172.18.0.2 ssh-ed25519 ") ||
		!strings.HasPrefix(lines[1], "db,[127.0.0.1]:32769 ssh-ed25519 ") {
		t.Fatalf("known_hosts:\n%s", text)
	}

	cb, err := knownhosts.New(path)
	if err != nil {
		t.Fatal(err)
	}
	tcp := func(s string) net.Addr { a, _ := net.ResolveTCPAddr("tcp", s); return a }
	if err := cb("127.0.0.1:32768", tcp("127.0.0.1:32768"), k1); err != nil {
		t.Errorf("k1 by port: %v", err)
	}
	if err := cb("web-1:22", tcp("172.18.0.2:22"), k1); err != nil {
		t.Errorf("k1 by alias: %v", err)
	}
	if err := cb("127.0.0.1:32769", tcp("127.0.0.1:32769"), k1); err == nil {
		t.Error("wrong key accepted")
	}

	// Rewriting replaces the file and leaves no temporary files behind.
	if err := WriteKnownHosts(path, entries[:1]); err != nil {
		t.Fatal(err)
	}
	names, _ := os.ReadDir(filepath.Dir(path))
	if len(names) != 1 {
		t.Fatalf("leftover files: %v", names)
	}
	if err := WriteKnownHosts(path, []KnownHost{{Hosts: []string{"a b"}, Key: k1}}); err == nil {
		t.Error("host name with a space accepted")
	}
	if err := WriteKnownHosts(path, []KnownHost{{Hosts: []string{"a"}}}); err == nil {
		t.Error("nil key accepted")
	}
}
