package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestLearnerKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "keys")
	path := filepath.Join(dir, "report_ed25519")
	s1, err := LearnerKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if s1.Label != LabelSelfCheck {
		t.Errorf("label %q", s1.Label)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v %v", fi.Mode(), err)
	}
	if di, _ := os.Stat(dir); di.Mode().Perm() != 0o700 {
		t.Errorf("key directory mode %v", di.Mode())
	}
	b, _ := os.ReadFile(path)
	if !bytes.HasPrefix(b, []byte("-----BEGIN OPENSSH PRIVATE KEY-----")) {
		t.Errorf("not an OpenSSH private key:\n%s", b)
	}
	// Made once: the second call loads the same key.
	s2, err := LearnerKey(path)
	if err != nil || !bytes.Equal(s1.Key, s2.Key) {
		t.Fatalf("second LearnerKey: %v, same key %v", err, bytes.Equal(s1.Key, s2.Key))
	}
	// A key readable by others is refused, as ssh refuses it.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LearnerKey(path); err == nil || !strings.Contains(err.Error(), "too open") {
		t.Errorf("0644 key: %v", err)
	}
	// ssh-keygen reads it and prints the fingerprint Verify reports.
	if kg, err := exec.LookPath("ssh-keygen"); err == nil {
		_ = os.Chmod(path, 0o600)
		out, err := exec.Command(kg, "-l", "-f", path).Output()
		if err != nil {
			t.Fatalf("ssh-keygen -l: %v", err)
		}
		if fp := ssh.FingerprintSHA256(s1.Public()); !strings.Contains(string(out), fp) {
			t.Errorf("ssh-keygen says %q, dojo says %s", out, fp)
		}
	}
}

func writeKey(t *testing.T, block *pem.Block) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadKey(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	blk, err := ssh.MarshalPrivateKey(priv, "teacher@example.com")
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadKey(writeKey(t, blk), nil)
	if err != nil || s.Label != LabelInstructor || !bytes.Equal(s.Key.Public().(ed25519.PublicKey), pub) {
		t.Fatalf("LoadKey: %v %+v", err, s)
	}

	enc, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	p := writeKey(t, enc)
	if _, err := LoadKey(p, nil); err == nil || !strings.Contains(err.Error(), "encrypted") {
		t.Errorf("encrypted without passphrase: %v", err)
	}
	if _, err := LoadKey(p, func() ([]byte, error) { return []byte("wrong"), nil }); err == nil {
		t.Error("wrong passphrase accepted")
	}
	s, err = LoadKey(p, func() ([]byte, error) { return []byte("pw"), nil })
	if err != nil || !bytes.Equal(s.Key, priv) {
		t.Errorf("right passphrase: %v", err)
	}

	rk, _ := rsa.GenerateKey(rand.Reader, 1024)
	rblk, err := ssh.MarshalPrivateKey(rk, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKey(writeKey(t, rblk), nil); err == nil || !strings.Contains(err.Error(), "ed25519") {
		t.Errorf("RSA key: %v", err)
	}
	if _, err := LoadKey(filepath.Join(t.TempDir(), "missing"), nil); err == nil {
		t.Error("missing key file accepted")
	}

	// Public keys as written in .pub files.
	sp, _ := ssh.NewPublicKey(pub)
	got, err := ParsePublicKey(ssh.MarshalAuthorizedKey(sp))
	if err != nil || !bytes.Equal(got.Marshal(), sp.Marshal()) {
		t.Errorf("ParsePublicKey: %v", err)
	}
	rp, _ := ssh.NewPublicKey(&rk.PublicKey)
	if _, err := ParsePublicKey(ssh.MarshalAuthorizedKey(rp)); err == nil {
		t.Error("an RSA public key accepted")
	}
	if _, err := ParsePublicKey([]byte("nonsense")); err == nil {
		t.Error("nonsense accepted as a public key")
	}

	// Sign with the instructor key, verify against its .pub line.
	var out bytes.Buffer
	if err := Write(&out, sample("en", 2), "md", s, t0); err != nil {
		t.Fatal(err)
	}
	v, err := Verify(out.Bytes(), VerifyOptions{Expected: sp})
	if err != nil || v.Label != LabelInstructor {
		t.Errorf("verify instructor report: %v %+v", err, v)
	}
}
