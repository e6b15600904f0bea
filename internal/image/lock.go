package image

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// lockBuild takes the build lock of ref (a file lock in the cache
// directory), waiting while another process builds the same image. The lock
// goes with the process, so a killed build never leaves it taken.
func lockBuild(ctx context.Context, ref string, progress func(string, ...any)) (func(), error) {
	dir, err := CacheDir()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cache directory: %w", err)
	}
	name := filepath.Join(dir, "build-"+strings.NewReplacer("/", "_", ":", "_").Replace(ref)+".lock")
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("build lock: %w", err)
	}
	told := false
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("build lock %s: %w", name, err)
		}
		if ok {
			return func() { unlock(f); f.Close() }, nil
		}
		if !told {
			progress("another dojo is building %s: waiting for it", ref)
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
