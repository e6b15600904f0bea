package debian

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/therootcompany/xz"
	"golang.org/x/sync/errgroup"
)

// ErrMirror is matched (errors.Is) by errors saying the mirror cannot be
// reached.
var ErrMirror = errors.New("mirror unreachable")

// MirrorError says that the Debian mirror cannot be reached.
type MirrorError struct {
	Mirror string
	Err    error
}

func (e *MirrorError) Error() string {
	return fmt.Sprintf("cannot reach the Debian mirror %s (%v)", e.Mirror, e.Err)
}

// Unwrap returns ErrMirror and the cause.
func (e *MirrorError) Unwrap() []error { return []error{ErrMirror, e.Err} }

// ErrDiskFull is matched by errors caused by a full disk.
var ErrDiskFull = errors.New("no space left on device")

// Client fetches verified files from one Debian mirror into a cache.
type Client struct {
	Mirror   string // base URL, e.g. http://deb.debian.org/debian
	Suite    string // bookworm
	Arch     string // amd64
	CacheDir string // files are kept as CacheDir/sha256/<hex>
	Keyring  openpgp.KeyRing
	HTTP     *http.Client
	// Parallel bounds concurrent downloads (default 6).
	Parallel int
	// Progress receives human-readable progress lines (may be nil).
	Progress func(string)
}

// NewClient returns a client with Debian's archive keys and default
// settings.
func NewClient(mirror, suite, cacheDir string) (*Client, error) {
	kr, err := ArchiveKeyring()
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 8
	tr.ResponseHeaderTimeout = 30 * time.Second
	tr.DialContext = (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	return &Client{
		Mirror: strings.TrimRight(mirror, "/"), Suite: suite, Arch: "amd64", CacheDir: cacheDir,
		Keyring: kr, HTTP: &http.Client{Transport: tr}, Parallel: 6,
	}, nil
}

func (c *Client) progress(format string, args ...any) {
	if c.Progress != nil {
		c.Progress(fmt.Sprintf(format, args...))
	}
}

// maxInRelease bounds the size of an InRelease file (bookworm's is ~150 kB).
const maxInRelease = 16 << 20

// get issues a GET and returns the body of a 200 answer.
func (c *Client) get(ctx context.Context, url string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &MirrorError{Mirror: c.Mirror, Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, &httpStatusError{url: url, status: resp.Status, code: resp.StatusCode}
	}
	return resp.Body, nil
}

type httpStatusError struct {
	url, status string
	code        int
}

func (e *httpStatusError) Error() string { return fmt.Sprintf("GET %s: %s", e.url, e.status) }

// Release fetches and verifies the suite's InRelease file.
func (c *Client) Release(ctx context.Context) (*Release, error) {
	url := fmt.Sprintf("%s/dists/%s/InRelease", c.Mirror, c.Suite)
	var last error
	for attempt := 0; attempt < 2; attempt++ {
		body, err := c.get(ctx, url)
		if err != nil {
			var se *httpStatusError
			if errors.As(err, &se) && se.code == http.StatusNotFound {
				return nil, &MirrorError{Mirror: c.Mirror, Err: fmt.Errorf("no suite %s there (%s)", c.Suite, se.status)}
			}
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(body, maxInRelease+1))
		body.Close()
		if err != nil {
			return nil, &MirrorError{Mirror: c.Mirror, Err: err}
		}
		if len(data) > maxInRelease {
			return nil, &VerifyError{url, "larger than 16 MiB"}
		}
		rel, err := VerifyInRelease(data, c.Keyring, c.Suite)
		if err == nil {
			return rel, nil
		}
		last = err
		if !errors.Is(err, ErrVerify) {
			break
		}
		c.progress("%s did not verify (%v): fetching it once more", url, err)
	}
	return nil, fmt.Errorf("refusing %s: %w", url, last)
}

// cachePath returns where a file with this SHA256 lives in the cache.
func (c *Client) cachePath(sum string) string {
	return filepath.Join(c.CacheDir, "sha256", sum)
}

// Cached reports whether the cache holds a file with this hash and size.
func (c *Client) Cached(sum string, size int64) bool {
	st, err := os.Stat(c.cachePath(sum))
	return err == nil && st.Mode().IsRegular() && (size < 0 || st.Size() == size)
}

// AllCached reports whether the cache holds every package of pkgs.
func (c *Client) AllCached(pkgs []*Package) bool {
	for _, p := range pkgs {
		if !c.Cached(p.SHA256, p.Size) {
			return false
		}
	}
	return true
}

// Open opens a cached file.
func (c *Client) Open(sum string) (*os.File, error) { return os.Open(c.cachePath(sum)) }

// Fetch makes sure the cache holds the file at url (relative to the
// mirror, or any of alts tried in order) with the given SHA256 and size,
// downloading it when missing. A download that does not verify is
// dropped and fetched once more; a second mismatch is a refusal.
func (c *Client) Fetch(ctx context.Context, sum string, size int64, paths ...string) (string, error) {
	dst := c.cachePath(sum)
	if c.Cached(sum, size) {
		return dst, nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", diskErr(err)
	}
	var last error
	for attempt := 0; attempt < 2; attempt++ {
		err := c.download(ctx, sum, size, dst, paths)
		if err == nil {
			return dst, nil
		}
		last = err
		if !errors.Is(err, ErrVerify) {
			return "", err
		}
		c.progress("%v: dropped from the cache, fetching it once more", err)
	}
	return "", fmt.Errorf("refusing %s: %w", paths[0], last)
}

func (c *Client) download(ctx context.Context, sum string, size int64, dst string, paths []string) error {
	var body io.ReadCloser
	var err error
	var used string
	for _, p := range paths {
		used = p
		body, err = c.get(ctx, c.Mirror+"/"+p)
		if err == nil {
			break
		}
		var se *httpStatusError
		if !errors.As(err, &se) {
			return err
		}
	}
	if err != nil {
		return err
	}
	defer body.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".part-*")
	if err != nil {
		return diskErr(err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	limit := size
	if limit < 0 {
		limit = 1 << 34
	}
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(body, limit+1))
	if err != nil {
		if isDiskFull(err) {
			return diskErr(err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &MirrorError{Mirror: c.Mirror, Err: fmt.Errorf("downloading %s: %w", used, err)}
	}
	got := hex.EncodeToString(h.Sum(nil))
	if (size >= 0 && n != size) || got != sum {
		return &VerifyError{used, fmt.Sprintf("SHA256 %s (%d bytes) does not match the signed index (%s, %d bytes)", got, n, sum, size)}
	}
	if err := tmp.Close(); err != nil {
		return diskErr(err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return diskErr(err)
	}
	ok = true
	return nil
}

func isDiskFull(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}

func diskErr(err error) error {
	if isDiskFull(err) {
		return fmt.Errorf("the package cache's disk is full: %w (%w)", ErrDiskFull, err)
	}
	return fmt.Errorf("package cache: %w", err)
}

// Index fetches (or takes from the cache) the verified Packages index of
// main for the client's architecture and parses it. Where the release
// lists the uncompressed index, its decompressed copy is kept in the cache
// too (as apt keeps its lists uncompressed): a later build reads and
// hashes it instead of decoding 9 MB of xz again (1.3 s here).
func (c *Client) Index(ctx context.Context, rel *Release) (*Index, error) {
	dir := fmt.Sprintf("main/binary-%s/", c.Arch)
	plain, listed := rel.Files[dir+"Packages"]
	if listed && c.Cached(plain.SHA256, plain.Size) {
		f, err := c.Open(plain.SHA256)
		if err == nil {
			ix, err := c.parseIndex(f, plain, "Packages", nil)
			f.Close()
			if err == nil {
				return ix, nil
			}
		}
		// A damaged copy is dropped and made again from the compressed index.
		_ = os.Remove(c.cachePath(plain.SHA256))
	}
	for _, name := range []string{"Packages.xz", "Packages.gz"} {
		fh, ok := rel.Files[dir+name]
		if !ok {
			continue
		}
		paths := []string{fmt.Sprintf("dists/%s/%s%s", c.Suite, dir, name)}
		if rel.AcquireByHash {
			paths = append([]string{fmt.Sprintf("dists/%s/%sby-hash/SHA256/%s", c.Suite, dir, fh.SHA256)}, paths...)
		}
		if !c.Cached(fh.SHA256, fh.Size) {
			c.progress("downloading the package index (%s, %.1f MB)", name, float64(fh.Size)/1e6)
		}
		p, err := c.Fetch(ctx, fh.SHA256, fh.Size, paths...)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		var r io.Reader
		if strings.HasSuffix(name, ".xz") {
			xr, err := xz.NewReader(bufioReader(f), 0)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			r = xr
		} else {
			gr, err := gzip.NewReader(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			r = gr
		}
		if !listed {
			pkgs, err := ReadPackages(r, c.Arch)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			return NewIndex(pkgs), nil
		}
		// The decompressed copy is written beside the parse; it is kept
		// only once it matched the signed release. A cache that cannot
		// take it costs the next build time, not this one.
		var keep *os.File
		copyTo := &bestEffort{}
		if tmp, err := os.CreateTemp(filepath.Dir(p), ".part-*"); err == nil {
			keep, copyTo.w = tmp, tmp
			defer func() {
				if keep != nil {
					keep.Close()
					os.Remove(keep.Name())
				}
			}()
		}
		ix, err := c.parseIndex(r, plain, name, copyTo)
		if err != nil {
			if errors.Is(err, ErrVerify) {
				_ = os.Remove(p)
			}
			return nil, err
		}
		if keep != nil && copyTo.err == nil && keep.Close() == nil && os.Rename(keep.Name(), c.cachePath(plain.SHA256)) == nil {
			keep = nil
		}
		return ix, nil
	}
	return nil, &VerifyError{"InRelease", "lists no Packages index for " + dir}
}

// bestEffort writes to w (when set) until the first error, which it keeps
// rather than returns: the cache's copy of the index must not fail the
// build that makes it.
type bestEffort struct {
	w   io.Writer
	err error
}

func (b *bestEffort) Write(p []byte) (int, error) {
	if b.w != nil && b.err == nil {
		_, b.err = b.w.Write(p)
	}
	return len(p), nil
}

// parseIndex parses the uncompressed index read from r and checks it
// against the release's hash and size. Reading (decompressing), hashing
// and copying to also (when not nil) run beside the parser: on two cores
// the step takes the longer of the two, not their sum.
func (c *Client) parseIndex(r io.Reader, want FileHash, name string, also io.Writer) (*Index, error) {
	h := sha256.New()
	ws := []io.Writer{h}
	if also != nil {
		ws = append(ws, also)
	}
	pr, pw := io.Pipe()
	var n int64
	decoded := make(chan struct{})
	go func() {
		defer close(decoded)
		var err error
		n, err = io.Copy(io.MultiWriter(append(ws, pw)...), r)
		pw.CloseWithError(err)
	}()
	pkgs, err := ReadPackages(pr, c.Arch)
	if err == nil {
		_, err = io.Copy(io.Discard, pr)
	}
	pr.CloseWithError(errors.New("index read"))
	<-decoded
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want.SHA256 || (want.Size >= 0 && n != want.Size) {
		return nil, &VerifyError{name, "uncompressed index does not match the signed release"}
	}
	return NewIndex(pkgs), nil
}

// FetchAll downloads every package of pkgs into the cache with bounded
// parallelism, reporting progress (bytes) as it goes.
func (c *Client) FetchAll(ctx context.Context, pkgs []*Package) error {
	if len(pkgs) == 0 {
		return nil
	}
	var total, have int64
	var todo []*Package
	for _, p := range pkgs {
		if p.SHA256 == "" || p.Filename == "" {
			return &VerifyError{p.Name, "no SHA256 or Filename in the index"}
		}
		if !c.Cached(p.SHA256, p.Size) {
			todo = append(todo, p)
			total += p.Size
		}
	}
	if len(todo) == 0 {
		c.progress("all %d packages are in the cache", len(pkgs))
		return nil
	}
	c.progress("downloading %d of %d packages (%.1f MB)", len(todo), len(pkgs), float64(total)/1e6)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, c.Parallel))
	var done atomic.Int64
	var mu sync.Mutex
	lastPct := -1
	for _, p := range todo {
		g.Go(func() error {
			if _, err := c.Fetch(gctx, p.SHA256, p.Size, p.Filename); err != nil {
				return fmt.Errorf("package %s: %w", p.Name, err)
			}
			d := done.Add(p.Size) + have
			pct := int(d * 100 / max(total, 1))
			mu.Lock()
			if pct/10 != lastPct/10 {
				lastPct = pct
				c.progress("downloaded %d%% (%.1f of %.1f MB)", pct, float64(d)/1e6, float64(total)/1e6)
			}
			mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}
