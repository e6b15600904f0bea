package debian

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/therootcompany/xz"
)

func bufioReader(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 256<<10) }

// arMagic starts every .deb (an ar archive).
const arMagic = "!<arch>\n"

// DataTar returns a tar reader over the data member (data.tar, .gz, .xz
// or .zst) of the .deb read from r, and a function that releases the
// decompressor.
func DataTar(r io.Reader) (*tar.Reader, func(), error) {
	br := bufioReader(r)
	magic := make([]byte, len(arMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != arMagic {
		return nil, nil, errors.New("not a Debian package (no ar header)")
	}
	for {
		_, name, size, err := readArHeader(br)
		if err != nil {
			return nil, nil, err
		}
		if strings.HasPrefix(name, "data.tar") {
			member := io.LimitReader(br, size)
			switch name {
			case "data.tar":
				return tar.NewReader(member), func() {}, nil
			case "data.tar.gz":
				gr, err := gzip.NewReader(member)
				if err != nil {
					return nil, nil, fmt.Errorf("%s: %w", name, err)
				}
				return tar.NewReader(gr), func() { gr.Close() }, nil
			case "data.tar.xz":
				xr, err := xz.NewReader(member, 0)
				if err != nil {
					return nil, nil, fmt.Errorf("%s: %w", name, err)
				}
				return tar.NewReader(xr), func() {}, nil
			case "data.tar.zst":
				zr, err := zstd.NewReader(member, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
				if err != nil {
					return nil, nil, fmt.Errorf("%s: %w", name, err)
				}
				return tar.NewReader(zr), zr.Close, nil
			default:
				return nil, nil, fmt.Errorf("unsupported data member %s", name)
			}
		}
		skip := size + size%2
		if _, err := io.CopyN(io.Discard, br, skip); err != nil {
			return nil, nil, fmt.Errorf("truncated Debian package: %w", err)
		}
	}
}

// errNoArMember is readArHeader's error at the end of the archive.
var errNoArMember = errors.New("no data member in the Debian package")

// readArHeader reads the next ar member header: its raw bytes, the
// member's name (without GNU ar's trailing slash) and its size. At the
// end of the archive it returns errNoArMember.
func readArHeader(br io.Reader) (hdr [60]byte, name string, size int64, err error) {
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return hdr, "", 0, errNoArMember
	}
	if string(hdr[58:60]) != "`\n" {
		return hdr, "", 0, errors.New("corrupt ar header in Debian package")
	}
	name = strings.TrimRight(strings.TrimSpace(string(hdr[0:16])), "/")
	size, err = strconv.ParseInt(strings.TrimSpace(string(hdr[48:58])), 10, 64)
	if err != nil || size < 0 {
		return hdr, "", 0, fmt.Errorf("corrupt ar member size %q", hdr[48:58])
	}
	return hdr, name, size, nil
}

// PathFilter decides which paths of a package's data are kept; a path is
// "usr/share/doc/x/copyright" (no leading "./" or "/").
type PathFilter func(path string, isDir bool) bool

// MergedUsrDirs are the top-level directories that are symbolic links into
// /usr on a merged-/usr system (amd64).
var MergedUsrDirs = []string{"bin", "sbin", "lib", "lib64"}

// mergeUsr maps a path of a package onto a merged-/usr tree
// ("bin/sh" -> "usr/bin/sh"). It returns "" for the top-level directories
// themselves, which are symbolic links there.
func mergeUsr(p string) string {
	for _, d := range MergedUsrDirs {
		if p == d {
			return ""
		}
		if strings.HasPrefix(p, d+"/") {
			return "usr/" + p
		}
	}
	return p
}

func cleanName(name string) string {
	name = strings.TrimPrefix(name, "./")
	name = strings.TrimPrefix(name, "/")
	return strings.TrimSuffix(name, "/")
}

// Entry is one file of a package's data, mapped onto a merged-/usr tree
// (see ReadData), with its contents when it is a regular file.
type Entry struct {
	Header *tar.Header
	Data   []byte
}

// ReadData decodes the files of the .deb read from r, mapped onto a
// merged-/usr tree and filtered by keep (nil keeps everything). Hard links
// are mapped too. The kept files are held in memory, so that packages can
// be decoded in parallel ahead of the one writer of a tar stream
// (WriteEntries).
func ReadData(r io.Reader, keep PathFilter) ([]Entry, error) {
	tr, release, err := DataTar(r)
	if err != nil {
		return nil, err
	}
	defer release()
	var out []Entry
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading package data: %w", err)
		}
		name := mergeUsr(cleanName(hdr.Name))
		if name == "" || strings.Contains("/"+name+"/", "/../") {
			continue
		}
		isDir := hdr.Typeflag == tar.TypeDir
		if keep != nil && !keep(name, isDir) {
			continue
		}
		if isDir {
			name += "/"
		}
		hdr.Name = name
		if hdr.Typeflag == tar.TypeLink {
			hdr.Linkname = mergeUsr(cleanName(hdr.Linkname))
		}
		hdr.Format = tar.FormatPAX
		hdr.Uname, hdr.Gname = "", ""
		e := Entry{Header: hdr}
		if hdr.Typeflag == tar.TypeReg {
			if hdr.Size < 0 || hdr.Size > maxFileSize {
				return nil, fmt.Errorf("%s: size %d out of range", name, hdr.Size)
			}
			e.Data = make([]byte, hdr.Size)
			if _, err := io.ReadFull(tr, e.Data); err != nil {
				return nil, fmt.Errorf("reading %s: %w", name, err)
			}
		}
		out = append(out, e)
	}
}

// maxFileSize bounds one file of a package held in memory by ReadData.
const maxFileSize = 1 << 30

// WriteEntries appends entries to tw. Paths in seen are skipped (the
// engine's image import refuses duplicates, and the first package to ship
// a path keeps it); written paths are added to it.
func WriteEntries(tw *tar.Writer, entries []Entry, seen map[string]bool) error {
	for _, e := range entries {
		key := strings.TrimSuffix(e.Header.Name, "/")
		if seen[key] {
			continue
		}
		seen[key] = true
		if err := tw.WriteHeader(e.Header); err != nil {
			return err
		}
		if e.Header.Typeflag == tar.TypeReg {
			if _, err := tw.Write(e.Data); err != nil {
				return fmt.Errorf("copying %s: %w", e.Header.Name, err)
			}
		}
	}
	return nil
}

// NoDocs is a PathFilter that drops manual pages, info pages,
// documentation (except copyright files), translations and lintian
// overrides, like the node image's dpkg path-exclude rules.
func NoDocs(p string, isDir bool) bool {
	for _, pre := range []string{"usr/share/man/", "usr/share/info/", "usr/share/lintian/"} {
		if strings.HasPrefix(p, pre) {
			return false
		}
	}
	if rest, ok := strings.CutPrefix(p, "usr/share/doc/"); ok {
		return isDir || strings.HasSuffix(rest, "/copyright")
	}
	if rest, ok := strings.CutPrefix(p, "usr/share/locale/"); ok {
		return rest == "locale.alias"
	}
	return true
}
