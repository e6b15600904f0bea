package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
)

// MaxCatalogEntries bounds the entries of a catalog directory read by
// Discover and DiscoverDir.
const MaxCatalogEntries = 10000

// Discover lists the lab files of a catalog: every "<name>/lab.hcl" directly
// below the root of fsys, sorted by name. It reads at most
// MaxCatalogEntries directory entries.
func Discover(fsys fs.FS) ([]string, error) {
	return discover(context.Background(), fsys, FileName)
}

// DiscoverDir lists the lab files "<dir>/<name>/lab.hcl" of a catalog on
// the operating system (e.g. ./labs for `dojo labs`), sorted, as paths to
// pass to LoadFileContext. A missing dir is an empty catalog. Like
// Discover it reads at most MaxCatalogEntries entries and it stops when
// ctx is done.
func DiscoverDir(ctx context.Context, dir string) ([]string, error) {
	return DiscoverDirFile(ctx, dir, FileName)
}

// DiscoverDirFile is DiscoverDir for catalog files named file: the
// scenario catalog (./scenarios/<name>/scenario.hcl) is read with it.
func DiscoverDirFile(ctx context.Context, dir, file string) ([]string, error) {
	names, err := discover(ctx, os.DirFS(dir), file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	for i, n := range names {
		names[i] = filepath.Join(dir, filepath.FromSlash(n))
	}
	return names, err
}

func discover(ctx context.Context, fsys fs.FS, file string) ([]string, error) {
	f, err := fsys.Open(".")
	if err != nil {
		return nil, fmt.Errorf("discover %s catalog: %w", file, err)
	}
	defer func() { _ = f.Close() }()
	dir, ok := f.(fs.ReadDirFile)
	if !ok {
		return nil, fmt.Errorf("discover %s catalog: the catalog is not a directory", file)
	}
	var matches []string
	seen := 0
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		entries, err := dir.ReadDir(256)
		for _, e := range entries {
			seen++
			if seen > MaxCatalogEntries {
				return nil, fmt.Errorf("discover %s catalog: the catalog has more than %d entries", file, MaxCatalogEntries)
			}
			if !fs.ValidPath(e.Name()) || e.Name()[0] == '.' {
				continue
			}
			name := path.Join(e.Name(), file)
			if fi, err := fs.Stat(fsys, name); err == nil && !fi.IsDir() {
				matches = append(matches, name)
			}
		}
		if errors.Is(err, io.EOF) || (err == nil && len(entries) == 0) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("discover %s catalog: %w", file, err)
		}
	}
	sort.Strings(matches)
	return matches, nil
}
