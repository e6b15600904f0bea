package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/labdojo/labdojo/internal/shellquote"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/runtime"
)

// Engine is what this package needs from a container engine; a
// runtime.Runtime satisfies it.
type Engine interface {
	ImageExists(ctx context.Context, ref string) (bool, error)
	// ImportImage imports a root filesystem tarball as image ref.
	ImportImage(ctx context.Context, rootfs io.Reader, ref string, changes []string) error
	// BuildImage builds an image from a Dockerfile build context (tar).
	BuildImage(ctx context.Context, buildContext io.Reader, ref string, labels map[string]string, progress io.Writer) error
	// RemoveImage removes an image by reference.
	RemoveImage(ctx context.Context, ref string) error
}

// An Engine that also implements runtime.ImageBuilder (the Docker runtime
// does) can pull, build natively, list and prune.

// Options control Ensure.
type Options struct {
	// Builder forces one way of building: "auto" (or ""), "local",
	// "pull", "native", "mmdebstrap" or "debootstrap".
	Builder string
	// Offline skips the builders that need a Debian base image (local and
	// pull) even when one is present, and builds from the package mirror.
	Offline bool
	// Force rebuilds the image even when it exists.
	Force bool
	// Progress receives human-readable progress lines (may be nil). The
	// package never prints.
	Progress func(line string)
	// Mirror overrides the Debian mirror used by mirror builds (default:
	// $DOJO_MIRROR, else the host's apt sources, else
	// http://deb.debian.org/debian).
	Mirror string
	// HTTP replaces the HTTP client of native builds (tests).
	HTTP *http.Client
	// Ref builds the default image under this reference instead of
	// DefaultRef (tests and benchmarks).
	Ref string
}

// Builders are the accepted values of Options.Builder.
var Builders = []string{"auto", "local", "pull", "native", "mmdebstrap", "debootstrap"}

// ErrUnavailable is matched (errors.Is) by errors saying that no way to build
// the node image exists on this machine.
var ErrUnavailable = errors.New("node image unavailable")

// UnavailableError says that the node image can be neither found nor built,
// and what to install or run to fix that.
type UnavailableError struct {
	Msg string
	Err error // cause, may be nil
}

func (e *UnavailableError) Error() string { return e.Msg }

// Unwrap returns ErrUnavailable and the cause.
func (e *UnavailableError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrUnavailable}
	}
	return []error{ErrUnavailable, e.Err}
}

// Builder kinds, as reported in progress and chosen by plan.
const (
	kindEngine      = "local"
	kindPull        = "pull"
	kindNative      = "native"
	kindMmdebstrap  = "mmdebstrap"
	kindDebootstrap = "debootstrap"
)

// PinnedBase is the Debian base image pulled by the pull builder, pinned
// by digest; it is tagged PinnedBaseTag once pulled.
const (
	PinnedBase    = "debian:bookworm@sha256:17122fe3d66916e55c0cbd5bbf54bb3f87b3582f4d86a755a0fd3498d360f91b"
	PinnedBaseTag = "debian:bookworm"
)

// builder holds what Ensure depends on, so tests can replace the host.
type builder struct {
	eng         Engine
	opts        Options
	lookPath    func(string) (string, error)
	sourcesRoot string // root of the host's /etc/apt (for the mirror)
	tmpDir      string // parent of temporary directories ("" = os default)
	src         *nativeSource
}

// Ensure returns the reference of the default node image, building it first
// when the engine does not have it (or when opts.Force is set). Builders are
// tried in order, the first that works wins: a local debian:bookworm (or
// debian:12) base image with an engine build; pulling the pinned base image;
// the native bootstrap from the Debian mirror (no host tool); mmdebstrap or
// debootstrap when installed. opts.Builder forces one. Two processes that
// need the same image build it once (a lock in the cache directory). When
// no way works the error is an *UnavailableError.
func Ensure(ctx context.Context, eng Engine, opts Options) (string, error) {
	b := &builder{eng: eng, opts: opts, lookPath: exec.LookPath, sourcesRoot: "/"}
	return b.ensure(ctx)
}

func (b *builder) progress(format string, args ...any) {
	if b.opts.Progress != nil {
		b.opts.Progress(fmt.Sprintf(format, args...))
	}
}

// candidates returns the builders to try, in order.
func (b *builder) candidates() ([]string, error) {
	switch b.opts.Builder {
	case "", "auto":
		if b.opts.Offline {
			return []string{kindNative, kindMmdebstrap, kindDebootstrap}, nil
		}
		return []string{kindEngine, kindPull, kindNative, kindMmdebstrap, kindDebootstrap}, nil
	case kindEngine, kindPull, kindNative, kindMmdebstrap, kindDebootstrap:
		return []string{b.opts.Builder}, nil
	}
	return nil, fmt.Errorf("unknown image builder %q (want one of %s)", b.opts.Builder, strings.Join(Builders, ", "))
}

// plan picks how to build without side effects: the first candidate that
// is available. It returns the kind and the base image or the tool's path.
// Pull and native are always available when the engine can build in a
// container; whether they work shows only when tried.
func (b *builder) plan(ctx context.Context) (kind, what string, err error) {
	kinds, err := b.candidates()
	if err != nil {
		return "", "", err
	}
	_, canBuild := b.eng.(runtime.ImageBuilder)
	for _, k := range kinds {
		switch k {
		case kindEngine:
			for _, base := range BaseImages {
				ok, err := b.eng.ImageExists(ctx, base)
				if err != nil {
					return "", "", fmt.Errorf("looking for base image %s: %w", base, err)
				}
				if ok {
					return kindEngine, base, nil
				}
			}
		case kindPull, kindNative:
			if canBuild {
				return k, "", nil
			}
		case kindMmdebstrap, kindDebootstrap:
			if p, err := b.lookPath(k); err == nil {
				return k, p, nil
			}
		}
	}
	if len(kinds) == 1 {
		return "", "", &UnavailableError{Msg: fmt.Sprintf("the %s builder is not available on this machine", kinds[0])}
	}
	return "", "", &UnavailableError{Msg: "no way to build the node image: no Debian base image in the engine, the engine cannot build in a container, " +
		"and neither mmdebstrap nor debootstrap is installed"}
}

// imageID returns the ID of the labdojo image tagged ref, or "" when there
// is none or the engine cannot list images.
func (b *builder) imageID(ctx context.Context, ref string) string {
	l, ok := b.eng.(Lister)
	if !ok {
		return ""
	}
	list, err := List(ctx, l)
	if err != nil {
		return ""
	}
	for _, in := range list {
		if in.Ref == ref {
			return in.ID
		}
	}
	return ""
}

func (b *builder) ensure(ctx context.Context) (string, error) {
	ref := DefaultRef()
	if b.opts.Ref != "" {
		ref = b.opts.Ref
	}
	if !b.opts.Force {
		ok, err := b.eng.ImageExists(ctx, ref)
		if err != nil {
			return "", fmt.Errorf("looking for node image %s: %w", ref, err)
		}
		if ok {
			return ref, nil
		}
	}
	unlock, err := lockBuild(ctx, ref, b.progress)
	if err != nil {
		return "", err
	}
	defer unlock()
	if !b.opts.Force {
		// Another process may have built it while we waited for the lock.
		if ok, err := b.eng.ImageExists(ctx, ref); err == nil && ok {
			return ref, nil
		}
	}
	kinds, err := b.candidates()
	if err != nil {
		return "", err
	}
	start := time.Now()
	replaced := b.imageID(ctx, ref)
	var errs []error
	for _, kind := range kinds {
		err := b.try(ctx, kind, ref)
		if err == nil {
			b.progress("node image %s built in %s (%s)", ref, time.Since(start).Round(100*time.Millisecond), kind)
			if replaced != "" && replaced != b.imageID(ctx, ref) {
				// The image a forced rebuild replaced goes, unless an
				// instance's containers still use it (the engine refuses).
				_ = b.eng.RemoveImage(ctx, replaced)
			}
			return ref, nil
		}
		if errors.Is(err, errSkip) {
			continue
		}
		if ctx.Err() != nil {
			return "", fmt.Errorf("building node image %s: %w", ref, ctx.Err())
		}
		if len(kinds) == 1 {
			return "", wrapBuildErr(ref, kind, err)
		}
		b.progress("the %s builder failed: %v", kind, err)
		errs = append(errs, wrapBuildErr(ref, kind, err))
	}
	if len(errs) == 0 {
		_, _, err := b.plan(ctx)
		if err == nil {
			err = &UnavailableError{Msg: "no way to build the node image"}
		}
		return "", err
	}
	// The last real failure says most (the native build's reason when the
	// host has no tools).
	return "", errs[len(errs)-1]
}

func wrapBuildErr(ref, kind string, err error) error {
	var ue *UnavailableError
	if errors.As(err, &ue) {
		return err
	}
	return fmt.Errorf("building node image %s (%s): %w", ref, kind, err)
}

// errSkip says that a builder is not available here.
var errSkip = errors.New("builder not available")

// try runs one builder; errSkip when it does not apply on this machine.
func (b *builder) try(ctx context.Context, kind, ref string) error {
	ib, canBuild := b.eng.(runtime.ImageBuilder)
	switch kind {
	case kindEngine:
		for _, base := range BaseImages {
			ok, err := b.eng.ImageExists(ctx, base)
			if err != nil {
				return fmt.Errorf("looking for base image %s: %w", base, err)
			}
			if ok {
				b.progress("building node image %s from %s with the engine...", ref, base)
				return b.engineBuild(ctx, base, ref)
			}
		}
		if b.opts.Builder == kindEngine {
			return &UnavailableError{Msg: "no local Debian base image (debian:bookworm or debian:12) in the engine"}
		}
		return errSkip
	case kindPull:
		if !canBuild {
			return errSkip
		}
		b.progress("pulling %s...", PinnedBase)
		lw := &lineWriter{fn: b.opts.Progress}
		err := ib.PullImage(ctx, PinnedBase, lw)
		lw.Flush()
		if err != nil {
			return fmt.Errorf("pulling the Debian base image: %w", err)
		}
		if err := ib.TagImage(ctx, PinnedBase, PinnedBaseTag); err != nil {
			return err
		}
		b.progress("building node image %s from %s with the engine...", ref, PinnedBase)
		return b.engineBuild(ctx, PinnedBase, ref)
	case kindNative:
		if !canBuild {
			return errSkip
		}
		b.progress("building node image %s natively from %s", ref, b.mirror())
		return b.nativeBuild(ctx, ib, ref)
	case kindMmdebstrap, kindDebootstrap:
		tool, err := b.lookPath(kind)
		if err != nil {
			if b.opts.Builder == kind {
				return &UnavailableError{Msg: kind + " is not installed", Err: err}
			}
			return errSkip
		}
		b.progress("building node image %s from %s with %s...", ref, b.mirror(), kind)
		if kind == kindMmdebstrap {
			return b.mmdebstrapBuild(ctx, tool, ref)
		}
		return b.debootstrapBuild(ctx, tool, ref)
	}
	return errSkip
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
	q := func(name string) string { return shellquote.Quote(filepath.Join(filesDir, name)) }
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

// mirror returns the Debian mirror for mirror builds: the option, else
// $DOJO_MIRROR, else the host's apt sources, else Debian's default.
func (b *builder) mirror() string {
	if b.opts.Mirror != "" {
		return strings.TrimRight(b.opts.Mirror, "/")
	}
	if m := os.Getenv(MirrorEnv); m != "" {
		return strings.TrimRight(m, "/")
	}
	return hostMirror(b.sourcesRoot)
}
