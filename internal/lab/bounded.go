package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Input limits shared by every loader (labs, scenarios, variable files).
const (
	// MaxSourceSize bounds an HCL source: a lab, scenario or variables
	// file, or a template read by templatefile(). Parsing costs about a
	// hundred bytes of memory per token, so this keeps a hostile file's
	// parse within about a hundred megabytes.
	MaxSourceSize = 1 << 20
	// MaxReadSize bounds one file read by file() (not parsed).
	MaxReadSize = 16 << 20
)

// ErrNotRegular is returned for anything but a regular file: directories,
// devices, FIFOs, sockets.
var ErrNotRegular = errors.New("not a regular file (devices, FIFOs and sockets are refused)")

// openFileFS is implemented by *os.Root: it lets ReadFS open without
// blocking on a FIFO that replaced a regular file after the check.
type openFileFS interface {
	OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error)
}

// rootFS is the fs.FS of an *os.Root that also opens non-blocking.
type rootFS struct {
	fs.FS
	root *os.Root
}

func (r rootFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(r.FS, name) }

func (r rootFS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(r.FS, name) }

func (r rootFS) ReadLink(name string) (string, error) { return fs.ReadLink(r.FS, name) }

func (r rootFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(r.FS, name) }

func (r rootFS) OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	return r.root.OpenFile(name, flag, perm)
}

// RootFS returns root as an fs.FS whose files ReadFS opens without
// blocking (a FIFO never stalls a load).
func RootFS(root *os.Root) fs.FS { return rootFS{FS: root.FS(), root: root} }

// ReadFS reads the regular file name from fsys, refusing devices, FIFOs,
// sockets and directories, and files larger than limit bytes (counted
// while reading, not trusted from Stat). It stops when ctx is done.
func ReadFS(ctx context.Context, fsys fs.FS, name string, limit int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, ErrNotRegular
	}
	var f io.ReadCloser
	if of, ok := fsys.(openFileFS); ok {
		f, err = of.OpenFile(name, openFlags, 0)
	} else {
		f, err = fsys.Open(name)
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	return readOpened(ctx, f, limit)
}

// ReadOS reads the regular file at path (an operating-system path, e.g. a
// --var-file), with the same refusals and limit as ReadFS. The file is
// opened without blocking, so a FIFO never stalls.
func ReadOS(ctx context.Context, path string, limit int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Refuse devices before opening them (opening some has effects).
	if fi, err := os.Stat(path); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, ErrNotRegular
	}
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	return readOpened(ctx, f, limit)
}

// statter is an open file that reports its mode.
type statter interface {
	Stat() (fs.FileInfo, error)
}

// readOpened checks that f is a regular file and reads at most limit
// bytes of it, in chunks, checking ctx between them.
func readOpened(ctx context.Context, f io.Reader, limit int64) ([]byte, error) {
	if s, ok := f.(statter); ok {
		fi, err := s.Stat()
		if err != nil {
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			return nil, ErrNotRegular
		}
		if fi.Size() > limit {
			return nil, tooLarge(limit)
		}
	}
	var out []byte
	buf := make([]byte, 64<<10)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := f.Read(buf)
		if int64(len(out)+n) > limit {
			return nil, tooLarge(limit)
		}
		out = append(out, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func tooLarge(limit int64) error {
	return fmt.Errorf("file is larger than the limit of %d bytes", limit)
}
