package debian

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"
	"golang.org/x/sync/errgroup"
)

// Transcoded copies. dpkg spends a third of a node image's install time
// decompressing xz data members, on one core (here 20 s for the 198
// packages of the default image with xz, 14 s with the same data
// uncompressed). The cache therefore keeps, beside each verified package,
// a copy whose data member is recompressed with zstd at its fastest level
// (dpkg reads data.tar.zst since 1.21.18; bookworm has 1.21.22): 281 MB of
// data become 102 MB and decompress in a fraction of a second. The control
// member and every other member are kept byte for byte. A copy is made
// from the verified original and renamed into place only when complete,
// so, like the originals, it is trusted by its presence.

// transcodedPath returns where the transcoded copy of the package with
// this SHA256 lives in the cache.
func (c *Client) transcodedPath(sum string) string {
	return filepath.Join(c.CacheDir, "zstd", sum+".deb")
}

// OpenFast opens the cached copy of a package that dpkg installs fastest:
// the transcoded one when the cache holds it, else the original.
func (c *Client) OpenFast(sum string) (*os.File, error) {
	if f, err := os.Open(c.transcodedPath(sum)); err == nil {
		return f, nil
	}
	return c.Open(sum)
}

// TranscodeAll makes a transcoded copy of every package of pkgs (already
// in the cache) that has none, on up to GOMAXPROCS goroutines. Packages
// whose data member is not xz or gzip compressed need no copy.
func (c *Client) TranscodeAll(ctx context.Context, pkgs []*Package) error {
	var todo []*Package
	var size int64
	for _, p := range pkgs {
		if _, err := os.Stat(c.transcodedPath(p.SHA256)); err != nil {
			todo = append(todo, p)
			size += p.Size
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(c.transcodedPath("x")), 0o755); err != nil {
		return diskErr(err)
	}
	c.progress("recompressing %d packages for a faster dpkg (%.1f MB of xz, once per package version)", len(todo), float64(size)/1e6)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, runtime.GOMAXPROCS(0)))
	for _, p := range todo {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			if err := c.transcode(p.SHA256); err != nil {
				return fmt.Errorf("package %s: %w", p.Name, err)
			}
			return nil
		})
	}
	return g.Wait()
}

// transcode writes the transcoded copy of one cached package.
func (c *Client) transcode(sum string) error {
	src, err := c.Open(sum)
	if err != nil {
		return err
	}
	defer src.Close()
	dst := c.transcodedPath(sum)
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".part-*")
	if err != nil {
		return diskErr(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	done, err := Transcode(src, tmp)
	if err != nil {
		if isDiskFull(err) {
			return diskErr(err)
		}
		return err
	}
	if !done {
		// Nothing to gain (zstd or no compression already): the copy is
		// the original, so later builds do not look at it again. Where
		// the file system has no hard links, the original is simply used
		// (and looked at again next time).
		_ = os.Link(c.cachePath(sum), dst)
		return nil
	}
	if err := tmp.Close(); err != nil {
		return diskErr(err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return diskErr(err)
	}
	return nil
}

// Transcode copies the .deb read from r to w with its data member
// recompressed with zstd (data.tar.zst), every other member unchanged.
// It returns false, having written nothing useful, when the data member
// is not compressed with xz or gzip (nothing to gain).
func Transcode(r io.Reader, w io.WriteSeeker) (bool, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	magic := make([]byte, len(arMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != arMagic {
		return false, errors.New("not a Debian package (no ar header)")
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	if _, err := bw.WriteString(arMagic); err != nil {
		return false, err
	}
	sawData := false
	for {
		hdr, name, size, err := readArHeader(br)
		if errors.Is(err, errNoArMember) && sawData {
			break
		}
		if err != nil {
			return false, err
		}
		member := io.LimitReader(br, size)
		if !strings.HasPrefix(name, "data.tar") || sawData {
			// Kept byte for byte, padding included.
			if _, err := bw.Write(hdr[:]); err != nil {
				return false, err
			}
			if _, err := io.CopyN(bw, br, size+size%2); err != nil {
				return false, fmt.Errorf("truncated Debian package: %w", err)
			}
			continue
		}
		sawData = true
		var data io.Reader
		switch name {
		case "data.tar.xz":
			xr, err := xz.NewReader(member, 0)
			if err != nil {
				return false, fmt.Errorf("%s: %w", name, err)
			}
			data = xr
		case "data.tar.gz":
			gr, err := gzip.NewReader(member)
			if err != nil {
				return false, fmt.Errorf("%s: %w", name, err)
			}
			defer gr.Close()
			data = gr
		default:
			return false, nil
		}
		// The member's size is known once it is written: its header goes
		// out with a placeholder and is rewritten in place.
		hdrOff, err := offset(bw, w)
		if err != nil {
			return false, err
		}
		if _, err := bw.Write(arHeader("data.tar.zst", 0)); err != nil {
			return false, err
		}
		zw, err := zstd.NewWriter(bw, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true), zstd.WithWindowSize(1<<20))
		if err != nil {
			return false, err
		}
		if _, err := io.Copy(zw, data); err != nil {
			zw.Close()
			return false, fmt.Errorf("%s: %w", name, err)
		}
		if err := zw.Close(); err != nil {
			return false, err
		}
		// Whatever the decoder left of the member, and its padding.
		if _, err := io.Copy(io.Discard, member); err != nil {
			return false, fmt.Errorf("truncated Debian package: %w", err)
		}
		if _, err := io.CopyN(io.Discard, br, size%2); err != nil {
			return false, fmt.Errorf("truncated Debian package: %w", err)
		}
		end, err := offset(bw, w)
		if err != nil {
			return false, err
		}
		zsize := end - hdrOff - 60
		if _, err := w.Seek(hdrOff, io.SeekStart); err != nil {
			return false, err
		}
		if _, err := w.Write(arHeader("data.tar.zst", zsize)); err != nil {
			return false, err
		}
		if _, err := w.Seek(end, io.SeekStart); err != nil {
			return false, err
		}
		if zsize%2 == 1 {
			if err := bw.WriteByte('\n'); err != nil {
				return false, err
			}
		}
	}
	return true, bw.Flush()
}

// offset flushes bw and returns the position of w, which bw writes to.
func offset(bw *bufio.Writer, w io.Seeker) (int64, error) {
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	return w.Seek(0, io.SeekCurrent)
}

// arHeader is the 60-byte ar member header dpkg-deb writes.
func arHeader(name string, size int64) []byte {
	return fmt.Appendf(nil, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", name, 0, 0, 0, "100644", size)
}
