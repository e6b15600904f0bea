package sshx

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"
)

// GenerateEd25519 generates a new ed25519 key pair. priv is the private key in
// OpenSSH PEM form ("-----BEGIN OPENSSH PRIVATE KEY-----", unencrypted), as
// sshd's HostKey and ssh's IdentityFile expect; pub is its public key.
func GenerateEd25519() (priv []byte, pub ssh.PublicKey, err error) {
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate ed25519 key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(edPriv, "")
	if err != nil {
		return nil, nil, fmt.Errorf("marshal ed25519 private key: %w", err)
	}
	pub, err = ssh.NewPublicKey(edPub)
	if err != nil {
		return nil, nil, fmt.Errorf("ed25519 public key: %w", err)
	}
	return pem.EncodeToMemory(block), pub, nil
}

// WriteUserKey makes sure privPath (and privPath+".pub") hold the
// instance's user key pair and returns its signer. The directory is created
// with mode 0700 if missing. When privPath already exists it is loaded (see
// LoadSigner) instead of replaced, so calling WriteUserKey twice is
// harmless; a missing .pub is rewritten, and a .pub that does not belong to
// the private key is an error (it is never overwritten). Otherwise a new key
// is generated and written to privPath (0600) and privPath.pub (0644,
// authorized_keys format).
func WriteUserKey(privPath string) (ssh.Signer, error) {
	if err := os.MkdirAll(filepath.Dir(privPath), 0o700); err != nil {
		return nil, fmt.Errorf("user key: %w", err)
	}
	pubPath := privPath + ".pub"

	if _, err := os.Lstat(privPath); err == nil {
		signer, err := LoadSigner(privPath)
		if err != nil {
			return nil, err
		}
		want := ssh.MarshalAuthorizedKey(signer.PublicKey())
		have, err := os.ReadFile(pubPath)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := os.WriteFile(pubPath, want, 0o644); err != nil {
				return nil, fmt.Errorf("user key: %w", err)
			}
		case err != nil:
			return nil, fmt.Errorf("user key: %w", err)
		default:
			pk, _, _, _, perr := ssh.ParseAuthorizedKey(have)
			if perr != nil || !bytes.Equal(pk.Marshal(), signer.PublicKey().Marshal()) {
				return nil, fmt.Errorf("user key: %s does not match %s; refusing to overwrite it (remove both files to generate a new key)", pubPath, privPath)
			}
		}
		return signer, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("user key: %w", err)
	}

	priv, pub, err := GenerateEd25519()
	if err != nil {
		return nil, fmt.Errorf("user key: %w", err)
	}
	// O_EXCL: if another process created the key meanwhile, fail rather
	// than clobber it.
	f, err := os.OpenFile(privPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("user key: %w", err)
	}
	if _, err := f.Write(priv); err != nil {
		f.Close()
		os.Remove(privPath)
		return nil, fmt.Errorf("user key: write %s: %w", privPath, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(privPath)
		return nil, fmt.Errorf("user key: write %s: %w", privPath, err)
	}
	if err := os.WriteFile(pubPath, ssh.MarshalAuthorizedKey(pub), 0o644); err != nil {
		return nil, fmt.Errorf("user key: %w", err)
	}
	signer, err := ssh.ParsePrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("user key: parse %s: %w", privPath, err)
	}
	return signer, nil
}

// LoadSigner reads an unencrypted private key file (OpenSSH or PEM format).
// Like OpenSSH, it refuses a key file that group or others can read or
// write; the error tells the user to chmod 600 it.
func LoadSigner(path string) (ssh.Signer, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("private key %s: permissions %04o are too open (group/others may read it); run: chmod 600 %s", path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	signer, err := ssh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("private key %s: %w", path, err)
	}
	return signer, nil
}
