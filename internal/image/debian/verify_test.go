package debian

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyInRelease(t *testing.T) {
	kr, err := ArchiveKeyring()
	if err != nil {
		t.Fatal(err)
	}
	good := readFixture(t, "bookworm-InRelease")
	rel, err := VerifyInRelease(good, kr, "bookworm")
	if err != nil {
		t.Fatal(err)
	}
	if rel.Codename != "bookworm" || !strings.Contains(rel.Signer, "Debian") || !rel.AcquireByHash {
		t.Fatalf("release %+v", rel)
	}
	if fh, ok := rel.Files["main/binary-amd64/Packages.xz"]; !ok || len(fh.SHA256) != 64 || fh.Size <= 0 {
		t.Fatalf("Packages.xz entry %+v", fh)
	}

	// Another suite than asked for is refused.
	if _, err := VerifyInRelease(good, kr, "trixie"); !errors.Is(err, ErrVerify) {
		t.Fatalf("suite mismatch: %v", err)
	}

	// One changed checksum in the signed text.
	i := bytes.Index(good, []byte("main/binary-amd64/Packages.xz"))
	j := bytes.LastIndex(good[:i], []byte("\n ")) + 2
	tampered := append([]byte(nil), good...)
	if tampered[j] == 'a' {
		tampered[j] = 'b'
	} else {
		tampered[j] = 'a'
	}
	if _, err := VerifyInRelease(tampered, kr, "bookworm"); !errors.Is(err, ErrVerify) {
		t.Fatalf("tampered InRelease accepted: %v", err)
	}

	// Unsigned text.
	if _, err := VerifyInRelease([]byte("Origin: Debian\nCodename: bookworm\n"), kr, "bookworm"); !errors.Is(err, ErrVerify) {
		t.Fatalf("unsigned InRelease accepted: %v", err)
	}

	// Well signed, but by a key that is not Debian's.
	other, err := openpgp.NewEntity("Mallory", "", "mallory@example.org", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := clearsign.Encode(&buf, other.PrivateKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := clearsign.Decode(good)
	if _, err := w.Write(block.Plaintext); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyInRelease(buf.Bytes(), kr, "bookworm"); !errors.Is(err, ErrVerify) {
		t.Fatalf("InRelease signed by another key accepted: %v", err)
	}
	// ... and accepted with that key in the keyring: the check is real.
	if _, err := VerifyInRelease(buf.Bytes(), openpgp.EntityList{other}, "bookworm"); err != nil {
		t.Fatalf("own signature: %v", err)
	}
}

// mirror is a test HTTP mirror serving fixed files; bad files are served
// corrupted the first times they are asked for.
type mirror struct {
	files map[string][]byte
	bad   map[string]int // path -> number of corrupted answers left
	hits  atomic.Int64
}

func (m *mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.hits.Add(1)
	b, ok := m.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if m.bad[r.URL.Path] > 0 {
		m.bad[r.URL.Path]--
		b = append([]byte("X"), b[1:]...)
	}
	_, _ = w.Write(b)
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func testClient(t *testing.T, m *mirror) *Client {
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	c, err := NewClient(srv.URL, "bookworm", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFetchVerifiesAndRetriesOnce(t *testing.T) {
	deb := []byte("pretend this is a .deb")
	m := &mirror{files: map[string][]byte{"/pool/a.deb": deb, "/pool/b.deb": deb}, bad: map[string]int{"/pool/a.deb": 1, "/pool/b.deb": 2}}
	c := testClient(t, m)
	var lines []string
	c.Progress = func(s string) { lines = append(lines, s) }
	ctx := context.Background()

	// Corrupted once: dropped, fetched again, accepted.
	p, err := c.Fetch(ctx, sum(deb), int64(len(deb)), "pool/a.deb")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, deb) || !strings.Contains(strings.Join(lines, "\n"), "fetching it once more") {
		t.Fatalf("cached %q, progress %q", got, lines)
	}
	// Corrupted twice: refused, nothing in the cache.
	_, err = c.Fetch(ctx, sum(append([]byte{}, deb...))+"", int64(len(deb)), "pool/b.deb")
	if err != nil {
		// b.deb has the same content, so it is already cached under that
		// hash: the cache answers without the mirror.
		t.Fatal(err)
	}
	other := []byte("another package")
	m.files["/pool/c.deb"] = other
	m.bad["/pool/c.deb"] = 2
	_, err = c.Fetch(ctx, sum(other), int64(len(other)), "pool/c.deb")
	if !errors.Is(err, ErrVerify) || !strings.Contains(err.Error(), "refusing pool/c.deb") {
		t.Fatalf("twice corrupted: %v", err)
	}
	if c.Cached(sum(other), -1) {
		t.Fatal("a file that did not verify is in the cache")
	}
	// Cached files are served without the mirror.
	before := m.hits.Load()
	if _, err := c.Fetch(ctx, sum(deb), int64(len(deb)), "pool/a.deb"); err != nil || m.hits.Load() != before {
		t.Fatalf("cache miss: %v, %d hits", err, m.hits.Load()-before)
	}
}

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestIndexVerifiesPackages(t *testing.T) {
	plain := readFixture(t, "Packages")
	z := gz(t, plain)
	path := "/dists/bookworm/main/binary-amd64/Packages.gz"
	m := &mirror{files: map[string][]byte{path: z}, bad: map[string]int{}}
	c := testClient(t, m)
	rel := &Release{Files: map[string]FileHash{
		"main/binary-amd64/Packages.gz": {SHA256: sum(z), Size: int64(len(z))},
		"main/binary-amd64/Packages":    {SHA256: sum(plain), Size: int64(len(plain))},
	}}
	ix, err := c.Index(context.Background(), rel)
	if err != nil || ix.Lookup("libc") == nil {
		t.Fatalf("index: %v", err)
	}
	// The decompressed index stays in the cache: the next build reads it
	// without the compressed one.
	if !c.Cached(sum(plain), int64(len(plain))) {
		t.Fatal("the verified decompressed index was not kept")
	}
	if err := os.Remove(c.cachePath(sum(z))); err != nil {
		t.Fatal(err)
	}
	hits := m.hits.Load()
	if ix, err := c.Index(context.Background(), rel); err != nil || ix.Lookup("libc") == nil || m.hits.Load() != hits || c.Cached(sum(z), -1) {
		t.Fatalf("index from the decompressed copy: %v, %d mirror hits", err, m.hits.Load()-hits)
	}
	// A damaged copy is dropped and made again from the compressed index.
	damaged := bytes.Replace(plain, []byte("Package: libc\n"), []byte("Package: evil\n"), 1)
	if bytes.Equal(damaged, plain) {
		t.Fatal("fixture has no libc stanza")
	}
	if err := os.WriteFile(c.cachePath(sum(plain)), damaged, 0o600); err != nil {
		t.Fatal(err)
	}
	if ix, err := c.Index(context.Background(), rel); err != nil || ix.Lookup("evil") != nil || ix.Lookup("libc") == nil {
		t.Fatalf("index after a damaged copy: %v", err)
	}
	if b, _ := os.ReadFile(c.cachePath(sum(plain))); !bytes.Equal(b, plain) {
		t.Fatal("the damaged copy was not replaced")
	}
	// A Packages file that does not match the signed release is refused.
	m.files[path] = gz(t, append(plain, []byte("\nPackage: evil\nVersion: 1\nArchitecture: amd64\n")...))
	c2 := testClient(t, m)
	if _, err := c2.Index(context.Background(), rel); !errors.Is(err, ErrVerify) {
		t.Fatalf("tampered Packages accepted: %v", err)
	}
}

func TestMirrorUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := NewClient(url, "bookworm", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Release(context.Background())
	var me *MirrorError
	if !errors.As(err, &me) || !errors.Is(err, ErrMirror) || !strings.Contains(err.Error(), url) {
		t.Fatalf("err = %v", err)
	}
}

// makeDeb builds a minimal .deb (ar with debian-binary, control.tar.gz and
// data.tar.gz) holding the given files.
func makeDeb(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var data bytes.Buffer
	tw := tar.NewWriter(&data)
	_ = tw.WriteHeader(&tar.Header{Name: "./", Typeflag: tar.TypeDir, Mode: 0o755})
	for _, name := range []string{"./bin/", "./usr/", "./usr/share/", "./usr/share/doc/", "./usr/share/doc/x/"} {
		_ = tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755})
	}
	for name, body := range files {
		_ = tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(body))})
		_, _ = io.WriteString(tw, body)
	}
	_ = tw.WriteHeader(&tar.Header{Name: "./bin/sh2", Typeflag: tar.TypeLink, Linkname: "./bin/sh"})
	_ = tw.Close()
	member := func(name string, b []byte) []byte {
		h := fmt.Sprintf("%-16s%-12d%-6d%-6d%-8s%-10d`\n", name, 0, 0, 0, "100644", len(b))
		out := append([]byte(h), b...)
		if len(b)%2 == 1 {
			out = append(out, '\n')
		}
		return out
	}
	var deb bytes.Buffer
	deb.WriteString(arMagic)
	deb.Write(member("debian-binary", []byte("2.0\n")))
	deb.Write(member("control.tar.gz", gz(t, []byte{})))
	deb.Write(member("data.tar.gz", gz(t, data.Bytes())))
	return deb.Bytes()
}

func TestReadDataMergesUsr(t *testing.T) {
	deb := makeDeb(t, map[string]string{"./bin/sh": "#!", "./usr/share/doc/x/README": "doc", "./usr/share/doc/x/copyright": "c"})
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	seen := map[string]bool{"usr/bin": true}
	es, err := ReadData(bytes.NewReader(deb), NoDocs)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteEntries(tw, es, seen); err != nil {
		t.Fatal(err)
	}
	// A second package shipping the same paths adds nothing.
	if err := WriteEntries(tw, es, seen); err != nil {
		t.Fatal(err)
	}
	_ = tw.Close()
	tr := tar.NewReader(&out)
	var got []string
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		e := h.Name
		if h.Linkname != "" {
			e += "->" + h.Linkname
		}
		got = append(got, e)
	}
	sort.Strings(got)
	want := "usr/ usr/bin/sh usr/bin/sh2->usr/bin/sh usr/share/ usr/share/doc/ usr/share/doc/x/ usr/share/doc/x/copyright"
	if strings.Join(got, " ") != want {
		t.Fatalf("entries %q", got)
	}
	if _, _, err := DataTar(strings.NewReader("not a deb")); err == nil {
		t.Fatal("DataTar accepted garbage")
	}
}
