package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Engine is what this package needs from a container engine; a
// runtime.Runtime satisfies it.
type Engine interface {
	ImageExists(ctx context.Context, ref string) (bool, error)
	// ImportImage imports a root filesystem tarball as image ref.
	ImportImage(ctx context.Context, rootfs io.Reader, ref string, changes []string) error
	// BuildImage builds an image from a Dockerfile build context (tar).
	BuildImage(ctx context.Context, buildContext io.Reader, ref string, labels map[string]string, progress io.Writer) error
}

// Options control Ensure.
type Options struct {
	// Offline skips the engine build even when a Debian base image is
	// present, and builds from the package mirror.
	Offline bool
	// Force rebuilds the image even when it exists.
	Force bool
	// Progress receives human-readable progress lines (may be nil). The
	// package never prints.
	Progress func(line string)
	// Mirror overrides the Debian mirror used by offline builds (default:
	// the host's apt sources, else http://deb.debian.org/debian).
	Mirror string
}

// ErrUnavailable is matched (errors.Is) by errors saying that no way to build
// the node image exists on this machine.
var ErrUnavailable = errors.New("node image unavailable")

// UnavailableError says that the node image can be neither found nor built,
// and what to install or run to fix that.
type UnavailableError struct {
	Msg string
}

func (e *UnavailableError) Error() string { return e.Msg }

// Unwrap returns ErrUnavailable.
func (e *UnavailableError) Unwrap() error { return ErrUnavailable }

// Builder kinds, as reported in progress and chosen by plan.
const (
	kindEngine      = "engine"
	kindMmdebstrap  = "mmdebstrap"
	kindDebootstrap = "debootstrap"
)

// builder holds what Ensure depends on, so tests can replace the host.
type builder struct {
	eng         Engine
	opts        Options
	lookPath    func(string) (string, error)
	sourcesRoot string // root of the host's /etc/apt (for the mirror)
	tmpDir      string // parent of temporary directories ("" = os default)
}

// Ensure returns the reference of the default node image, building it first
// when the engine does not have it (or when opts.Force is set). It builds
// with the engine from a local debian:bookworm (or debian:12) image unless
// opts.Offline is set, otherwise from the Debian mirror with mmdebstrap or
// debootstrap. When no way works the error is an *UnavailableError.
func Ensure(ctx context.Context, eng Engine, opts Options) (string, error) {
	b := &builder{eng: eng, opts: opts, lookPath: exec.LookPath, sourcesRoot: "/"}
	return b.ensure(ctx)
}

func (b *builder) progress(format string, args ...any) {
	if b.opts.Progress != nil {
		b.opts.Progress(fmt.Sprintf(format, args...))
	}
}

// plan picks how to build: the engine from a base image, or a bootstrap
// tool. It returns the kind and the base image or the tool's path.
func (b *builder) plan(ctx context.Context) (kind, what string, err error) {
	if !b.opts.Offline {
		for _, base := range BaseImages {
			ok, err := b.eng.ImageExists(ctx, base)
			if err != nil {
				return "", "", fmt.Errorf("looking for base image %s: %w", base, err)
			}
			if ok {
				return kindEngine, base, nil
			}
		}
	}
	for _, tool := range []string{kindMmdebstrap, kindDebootstrap} {
		if p, err := b.lookPath(tool); err == nil {
			return tool, p, nil
		}
	}
	if b.opts.Offline {
		return "", "", &UnavailableError{Msg: "cannot build the node image offline: neither mmdebstrap nor debootstrap is installed: " +
			"run `apt-get install mmdebstrap`, then `dojo image build`"}
	}
	return "", "", &UnavailableError{Msg: "no Debian base image in the engine and neither mmdebstrap nor debootstrap is installed: " +
		"run `apt-get install mmdebstrap` (or load a debian:bookworm image with `docker load`), then `dojo image build`"}
}

func (b *builder) ensure(ctx context.Context) (string, error) {
	ref := DefaultRef()
	if !b.opts.Force {
		ok, err := b.eng.ImageExists(ctx, ref)
		if err != nil {
			return "", fmt.Errorf("looking for node image %s: %w", ref, err)
		}
		if ok {
			return ref, nil
		}
	}
	kind, what, err := b.plan(ctx)
	if err != nil {
		return "", err
	}
	start := time.Now()
	switch kind {
	case kindEngine:
		b.progress("building node image %s from %s with the engine...", ref, what)
		err = b.engineBuild(ctx, what, ref)
	case kindMmdebstrap:
		b.progress("building node image %s offline from %s", ref, b.mirror())
		b.progress("downloading and unpacking packages (mmdebstrap)...")
		err = b.mmdebstrapBuild(ctx, what, ref)
	case kindDebootstrap:
		b.progress("building node image %s offline from %s", ref, b.mirror())
		b.progress("downloading and unpacking packages (debootstrap)...")
		err = b.debootstrapBuild(ctx, what, ref)
	}
	if err != nil {
		return "", fmt.Errorf("building node image %s (%s): %w", ref, kind, err)
	}
	b.progress("node image %s built in %s", ref, time.Since(start).Round(100*time.Millisecond))
	return ref, nil
}

// engineBuild builds the image with the engine from a local base image.
func (b *builder) engineBuild(ctx context.Context, base, ref string) error {
	var buf bytes.Buffer
	if err := writeBuildContext(&buf, base); err != nil {
		return fmt.Errorf("writing build context: %w", err)
	}
	lw := &lineWriter{fn: b.opts.Progress}
	defer lw.Flush()
	labels := map[string]string{"io.labdojo.image": "node", "io.labdojo.image-recipe": RecipeHash()}
	return b.eng.BuildImage(ctx, &buf, ref, labels, lw)
}

// writeFiles writes the image files and the finalize script into dir, flat,
// and returns dir.
func writeFiles(dir string) error {
	for _, f := range imageFiles {
		if err := os.WriteFile(filepath.Join(dir, f.name), mustFile(f.name), os.FileMode(f.mode)); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, finalizeScript), mustFile(finalizeScript), 0o755)
}

// mmdebstrapArgs returns mmdebstrap's arguments: a minbase tarball on
// stdout, with the image files installed and the tree cleaned by hooks.
// filesDir holds the files written by writeFiles.
func mmdebstrapArgs(filesDir, mirror string) []string {
	q := func(name string) string { return shellQuote(filepath.Join(filesDir, name)) }
	args := []string{
		"--variant=minbase",
		"--include=" + strings.Join(Packages, ","),
		"--format=tar",
		"--aptopt=Acquire::Languages \"none\"",
		"--aptopt=Acquire::Retries \"3\"",
		// Keep docs out while packages unpack.
		`--setup-hook=install -D -m 0644 ` + q("dpkg-nodoc") + ` "$1/etc/dpkg/dpkg.cfg.d/01-dojo-nodoc"`,
	}
	for _, f := range imageFiles {
		if f.name == "dpkg-nodoc" {
			continue
		}
		args = append(args, fmt.Sprintf(`--customize-hook=install -D -m %04o %s "$1%s"`, f.mode, q(f.name), f.dest))
	}
	args = append(args,
		`--customize-hook=sh `+q(finalizeScript)+` "$1"`,
		Suite, "-", mirror,
	)
	return args
}

// mmdebstrapBuild streams mmdebstrap's tarball straight into the engine.
func (b *builder) mmdebstrapBuild(ctx context.Context, tool, ref string) error {
	dir, err := os.MkdirTemp(b.tmpDir, "labdojo-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := writeFiles(dir); err != nil {
		return fmt.Errorf("writing image files: %w", err)
	}
	return b.importFrom(ctx, ref, tool, mmdebstrapArgs(dir, b.mirror())...)
}

// debootstrapBuild bootstraps into a temporary directory, finishes the tree
// and streams it with tar into the engine.
func (b *builder) debootstrapBuild(ctx context.Context, tool, ref string) error {
	dir, err := os.MkdirTemp(b.tmpDir, "labdojo-image-")
	if err != nil {
		return err
	}
	rootfs := filepath.Join(dir, "rootfs")
	defer func() {
		// Never delete through a mount debootstrap left behind.
		if !hasMountsUnder(rootfs) {
			_ = os.RemoveAll(dir)
		}
	}()
	if err := writeFiles(dir); err != nil {
		return fmt.Errorf("writing image files: %w", err)
	}
	args := []string{"--variant=minbase", "--include=" + strings.Join(Packages, ","), Suite, rootfs, b.mirror()}
	if err := b.run(ctx, tool, args...); err != nil {
		return err
	}
	for _, f := range imageFiles {
		dst := filepath.Join(rootfs, f.dest)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, mustFile(f.name), os.FileMode(f.mode)); err != nil {
			return err
		}
		if err := os.Chmod(dst, os.FileMode(f.mode)); err != nil {
			return err
		}
	}
	if err := b.run(ctx, "sh", filepath.Join(dir, finalizeScript), rootfs); err != nil {
		return err
	}
	b.progress("importing the root filesystem into the engine...")
	return b.importFrom(ctx, ref, "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*", "-C", rootfs, "-cf", "-", ".")
}

// mirror returns the Debian mirror for offline builds.
func (b *builder) mirror() string {
	if b.opts.Mirror != "" {
		return b.opts.Mirror
	}
	return hostMirror(b.sourcesRoot)
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
