package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Signer labels, shown in the report.
const (
	LabelSelfCheck  = "self-check"
	LabelInstructor = "instructor"
)

// Renderer identifies the rendering code. A verifier compares the visible
// document byte for byte only when it renders with the same Renderer;
// bump it whenever a rendering changes.
const Renderer = "labdojo.render/1"

// rendererName is Renderer; tests change it to act as another version.
var rendererName = Renderer

// Signer holds a private key for signing reports.
type Signer struct {
	Key ed25519.PrivateKey
	// Label says whose key it is: LabelSelfCheck or LabelInstructor.
	Label string
}

// Public returns the signer's public key.
func (s *Signer) Public() ssh.PublicKey {
	pk, _ := ssh.NewPublicKey(s.Key.Public())
	return pk
}

// Signature is the signature block of a report. Everything in the report
// except Value is signed, including this block.
type Signature struct {
	Algorithm string `json:"algorithm"` // "ed25519"
	// Canonicalization names how the signed bytes are made from the
	// report: "labdojo-json-sorted/1" is JSON with object keys sorted by
	// byte order, no insignificant whitespace, the signature's value
	// removed.
	Canonicalization string    `json:"canonicalization"`
	Label            string    `json:"label"`
	PublicKey        string    `json:"public_key"`  // authorized_keys form
	Fingerprint      string    `json:"fingerprint"` // SHA256:... as ssh-keygen -l prints it
	SignedAt         time.Time `json:"signed_at"`
	Renderer         string    `json:"renderer"`
	// Format is the rendering the signature was made for (html, md, json).
	Format string `json:"format"`
	// PayloadSHA256 is the hex SHA-256 of the signed bytes.
	PayloadSHA256 string `json:"payload_sha256"`
	Value         string `json:"value"` // base64 ed25519 signature
}

// Document is a report as rendered: the evidence and its signature (nil
// when unsigned).
type Document struct {
	Evidence
	Signature *Signature `json:"signature,omitempty"`
}

const canonicalization = "labdojo-json-sorted/1"

// Canonical returns the canonical JSON of v: object keys sorted, no
// insignificant whitespace, no HTML escaping. Numbers keep the form Go's
// encoder gives them (the report holds integers and percentages only).
func Canonical(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return canonicalBytes(raw)
}

func canonicalBytes(raw []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var generic any
	if err := d.Decode(&generic); err != nil {
		return nil, err
	}
	return encodeSorted(generic)
}

// encodeSorted encodes a decoded value; encoding/json writes map keys in
// sorted order.
func encodeSorted(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// signedPayload is the canonical form of doc with the signature's value
// removed.
func signedPayload(doc map[string]any) ([]byte, error) {
	sig, ok := doc["signature"].(map[string]any)
	if !ok {
		return nil, errors.New("the report is not signed")
	}
	value := sig["value"]
	delete(sig, "value")
	defer func() { sig["value"] = value }()
	return encodeSorted(doc)
}

// Sign normalises doc's evidence and signs it as it is (it does not
// redact: call Evidence.Redact first) for the given rendering format ("html",
// "md" or "json"), with s at time at, and sets doc.Signature.
func Sign(doc *Document, format string, s *Signer, at time.Time) error {
	if s == nil || len(s.Key) != ed25519.PrivateKeySize {
		return errors.New("sign: no ed25519 key")
	}
	doc.Normalize()
	pub := s.Public()
	doc.Signature = &Signature{
		Algorithm:        "ed25519",
		Canonicalization: canonicalization,
		Label:            s.Label,
		PublicKey:        strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))),
		Fingerprint:      ssh.FingerprintSHA256(pub),
		SignedAt:         at.UTC().Truncate(time.Second),
		Renderer:         rendererName,
		Format:           format,
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	var generic map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&generic); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	sig := generic["signature"].(map[string]any)
	sum := payloadHash(generic)
	doc.Signature.PayloadSHA256 = sum
	sig["payload_sha256"] = sum
	payload, err := signedPayload(generic)
	if err != nil {
		return err
	}
	doc.Signature.Value = base64.StdEncoding.EncodeToString(ed25519.Sign(s.Key, payload))
	return nil
}

// payloadHash is the hex SHA-256 of the canonical document without the
// signature's value and payload_sha256 fields: a digest a reader can
// recompute with standard tools (jq -cS 'del(.signature.value,
// .signature.payload_sha256)' | sha256sum, modulo jq's number format).
func payloadHash(doc map[string]any) string {
	sig := doc["signature"].(map[string]any)
	v, p := sig["value"], sig["payload_sha256"]
	delete(sig, "value")
	delete(sig, "payload_sha256")
	b, _ := encodeSorted(doc)
	sig["payload_sha256"] = p
	if v != nil {
		sig["value"] = v
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// LearnerKey returns the learner's own signing key stored at path, making
// it on first use (an OpenSSH ed25519 private key, mode 0600, in a
// directory made 0700). A key file readable by others is refused, as ssh
// does.
func LearnerKey(path string) (*Signer, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		block, err := ssh.MarshalPrivateKey(priv, "labdojo self-check")
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			if !errors.Is(err, os.ErrExist) { // else: made by a concurrent dojo, load it
				return nil, fmt.Errorf("signing key: %w", err)
			}
		} else {
			_, werr := f.Write(pem.EncodeToMemory(block))
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				_ = os.Remove(path)
				return nil, fmt.Errorf("signing key %s: %w", path, werr)
			}
		}
	}
	s, err := LoadKey(path, nil)
	if err != nil {
		return nil, err
	}
	s.Label = LabelSelfCheck
	return s, nil
}

// LoadKey reads an OpenSSH ed25519 private key (as `ssh-keygen -t ed25519`
// writes it) for signing as an instructor. passphrase is asked for only
// when the key is encrypted; nil refuses encrypted keys. The file must not
// be readable by group or others.
func LoadKey(path string, passphrase func() ([]byte, error)) (*Signer, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("signing key %s: permissions %04o are too open (chmod 600 %s)", path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	key, err := ssh.ParseRawPrivateKey(b)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		if passphrase == nil {
			return nil, fmt.Errorf("signing key %s is encrypted and no passphrase can be asked for", path)
		}
		pw, perr := passphrase()
		if perr != nil {
			return nil, fmt.Errorf("signing key %s: %w", path, perr)
		}
		key, err = ssh.ParseRawPrivateKeyWithPassphrase(b, pw)
	}
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	var priv ed25519.PrivateKey
	switch k := key.(type) {
	case *ed25519.PrivateKey:
		priv = *k
	case ed25519.PrivateKey:
		priv = k
	default:
		return nil, fmt.Errorf("signing key %s: a %T, want an ed25519 key (ssh-keygen -t ed25519)", path, key)
	}
	return &Signer{Key: priv, Label: LabelInstructor}, nil
}

// ParsePublicKey reads a public key as written in authorized_keys or a
// .pub file ("ssh-ed25519 AAAA... comment").
func ParsePublicKey(b []byte) (ssh.PublicKey, error) {
	pk, _, _, _, err := ssh.ParseAuthorizedKey(b)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	if pk.Type() != ssh.KeyAlgoED25519 {
		return nil, fmt.Errorf("public key: %s, want ssh-ed25519", pk.Type())
	}
	return pk, nil
}
