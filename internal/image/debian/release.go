package debian

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
)

// ErrVerify is matched (errors.Is) by every refusal of a signature or a
// checksum.
var ErrVerify = errors.New("verification failed")

// VerifyError says that a downloaded file does not verify.
type VerifyError struct {
	What string // file or URL
	Msg  string
}

func (e *VerifyError) Error() string { return e.What + ": " + e.Msg }

// Unwrap returns ErrVerify.
func (e *VerifyError) Unwrap() error { return ErrVerify }

//go:embed keys/*.gpg
var keyFiles embed.FS

// ArchiveKeyring returns Debian's archive signing keys shipped inside dojo
// (bookworm's automatic and stable release keys, and trixie's automatic
// key, which also signs bookworm's release files).
func ArchiveKeyring() (openpgp.EntityList, error) {
	ents, err := keyFiles.ReadDir("keys")
	if err != nil {
		return nil, err
	}
	var out openpgp.EntityList
	for _, e := range ents {
		b, err := keyFiles.ReadFile("keys/" + e.Name())
		if err != nil {
			return nil, err
		}
		l, err := openpgp.ReadKeyRing(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("archive key %s: %w", e.Name(), err)
		}
		out = append(out, l...)
	}
	return out, nil
}

// FileHash is a file listed in a release file.
type FileHash struct {
	SHA256 string
	Size   int64
}

// Release is a verified InRelease file.
type Release struct {
	Suite, Codename string
	AcquireByHash   bool
	// Files by path relative to the release's directory
	// (main/binary-amd64/Packages.xz).
	Files map[string]FileHash
	// Signer names the key that made the accepted signature.
	Signer string
}

// VerifyInRelease checks the OpenPGP clear signature of an InRelease file
// against keyring and parses the signed text. It refuses a file without a
// good signature by a key of keyring, and a release of another suite than
// suite (codename or suite name).
func VerifyInRelease(data []byte, keyring openpgp.KeyRing, suite string) (*Release, error) {
	block, _ := clearsign.Decode(data)
	if block == nil {
		return nil, &VerifyError{"InRelease", "not an OpenPGP clear-signed file"}
	}
	signer, err := block.VerifySignature(keyring, nil)
	if err != nil {
		return nil, &VerifyError{"InRelease", "no good signature by a Debian archive key: " + err.Error()}
	}
	rel := &Release{Files: map[string]FileHash{}}
	for id := range signer.Identities {
		rel.Signer = id
		break
	}
	var sha string
	err = readParagraphs(bytes.NewReader(block.Plaintext), map[string]bool{"suite": true, "codename": true, "sha256": true, "acquire-by-hash": true},
		func(f map[string]string) error {
			rel.Suite, rel.Codename = f["suite"], f["codename"]
			rel.AcquireByHash = f["acquire-by-hash"] == "yes"
			sha = f["sha256"]
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("InRelease: %w", err)
	}
	if suite != "" && rel.Codename != suite && rel.Suite != suite {
		return nil, &VerifyError{"InRelease", fmt.Sprintf("release is %s (%s), not %s", rel.Codename, rel.Suite, suite)}
	}
	for _, line := range strings.Split(sha, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || len(f[0]) != 64 {
			return nil, fmt.Errorf("InRelease: bad SHA256 line %q", line)
		}
		rel.Files[f[2]] = FileHash{SHA256: strings.ToLower(f[0]), Size: n}
	}
	if len(rel.Files) == 0 {
		return nil, &VerifyError{"InRelease", "no SHA256 checksums"}
	}
	return rel, nil
}
