package image

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/labdojo/labdojo/internal/image/debian"
	"github.com/labdojo/labdojo/internal/runtime"
)

// MirrorEnv names the environment variable that sets the Debian mirror
// (after --mirror, before the host's apt sources).
const MirrorEnv = "DOJO_MIRROR"

// CacheEnv names the environment variable that overrides the package
// cache directory.
const CacheEnv = "DOJO_CACHE_DIR"

// CacheDir returns the directory of dojo's download cache: $DOJO_CACHE_DIR,
// else the XDG cache directory's labdojo folder.
func CacheDir() (string, error) {
	if d := os.Getenv(CacheEnv); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache directory (set %s): %w", CacheEnv, err)
	}
	return filepath.Join(d, "labdojo"), nil
}

// buildMemoryLimit is the Go runtime's soft memory limit during a native
// build.
const buildMemoryLimit = 80 << 20

// buildDir is where the build files live inside a build container.
const buildDir = "/tmp/dojo-build"

// nativeSource is a verified package index of the mirror.
type nativeSource struct {
	client *debian.Client
	index  *debian.Index
}

// source fetches and verifies the mirror's release and package index once
// per builder.
func (b *builder) source(ctx context.Context) (*nativeSource, error) {
	if b.src != nil && b.src.index != nil {
		return b.src, nil
	}
	// The index is ~60k packages; dojo's command raises the GC target for
	// lab loading, which would let parsing garbage grow the heap several
	// times over. Keep the default while reading it.
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	cache, err := CacheDir()
	if err != nil {
		return nil, err
	}
	c, err := debian.NewClient(b.mirror(), Suite, filepath.Join(cache, "debian"))
	if err != nil {
		return nil, err
	}
	c.Progress = b.opts.Progress
	if b.opts.HTTP != nil {
		c.HTTP = b.opts.HTTP
	}
	rel, err := c.Release(ctx)
	if err != nil {
		return nil, nativeErr(err)
	}
	b.progress("release %s verified (signed by %s)", Suite, rel.Signer)
	ix, err := c.Index(ctx, rel)
	if err != nil {
		return nil, nativeErr(err)
	}
	b.src = &nativeSource{client: c, index: ix}
	return b.src, nil
}

// nativeErr turns mirror, verification and disk errors into
// UnavailableErrors (exit code 3) with one sentence for the user.
func nativeErr(err error) error {
	var me *debian.MirrorError
	switch {
	case errors.As(err, &me):
		return &UnavailableError{Msg: fmt.Sprintf("cannot reach the Debian mirror %s: %v (set another with --mirror or %s)", me.Mirror, me.Err, MirrorEnv), Err: err}
	case errors.Is(err, debian.ErrVerify):
		return &UnavailableError{Msg: fmt.Sprintf("refusing what the Debian mirror sent: %v", err), Err: err}
	case errors.Is(err, debian.ErrDiskFull):
		return &UnavailableError{Msg: fmt.Sprintf("cannot build the node image: %v", err), Err: err}
	}
	return err
}

// nativeBuild bootstraps the default node image from the Debian mirror
// without host tools. Stage 1 streams the data of the essential packages
// into an engine image import; stage 2 installs and configures every
// package with dpkg in a container without network, from files copied in,
// and commits the result as ref.
func (b *builder) nativeBuild(ctx context.Context, ib runtime.ImageBuilder, ref string) error {
	// Packages are decoded and recompressed in memory on every core: at
	// dojo's raised GC target their garbage took the heap to 175 MB, at
	// the default one to 128 MB. A soft limit makes the collector work
	// harder instead (the memory held at once is far below it).
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(buildMemoryLimit))
	src, err := b.source(ctx)
	if err != nil {
		return err
	}
	ix := src.index
	all, err := ix.Resolve(append(ix.Roots(), Packages...))
	if err != nil {
		return &UnavailableError{Msg: "cannot resolve the node image's packages: " + err.Error(), Err: err}
	}
	ess, err := ix.Resolve(ix.EssentialRoots())
	if err != nil {
		return &UnavailableError{Msg: "cannot resolve Debian's essential packages: " + err.Error(), Err: err}
	}
	b.progress("%d packages (%d essential)", len(all), len(ess))
	layers := ix.InstallLayers(rest(all, ess), names(ess))
	// The rest of the build needs only the resolved packages.
	b.src.index = nil
	debug.FreeOSMemory()
	// Stage 1 needs only the essential packages: with an incomplete cache
	// they are fetched first, and the others download while stage 1 runs.
	// (With a warm cache, one FetchAll says so in one line.)
	first, others := all, []*debian.Package(nil)
	if !src.client.AllCached(all) {
		first, others = ess, rest(all, ess)
	}
	if err := src.client.FetchAll(ctx, first); err != nil {
		return nativeErr(err)
	}
	// Stage 1 depends only on the essential packages and the mirror, so
	// its image is kept and reused by later builds (a forced rebuild, a
	// new recipe), as an engine's build cache keeps layers; `image prune`
	// removes it.
	stage1 := Stage1Ref(ess, b.mirror())
	reuse := b.imageID(ctx, stage1) != ""
	// dpkg installs zstd copies of the packages faster than the xz
	// originals (debian.TranscodeAll), and stage 1 decodes them faster:
	// the essential packages are recompressed before stage 1 reads them,
	// the others while it runs.
	if !reuse {
		if err := src.client.TranscodeAll(ctx, ess); err != nil {
			return nativeErr(err)
		}
	}
	fctx, cancelFetch := context.WithCancel(ctx)
	defer cancelFetch()
	fetched := make(chan error, 1)
	go func() {
		err := src.client.FetchAll(fctx, others)
		if err == nil {
			err = src.client.TranscodeAll(fctx, all)
		}
		fetched <- err
	}()
	if reuse {
		b.progress("stage 1: reusing %s (the same essential packages)", stage1)
	} else {
		b.progress("stage 1: importing the essential packages into the engine")
		err = b.importEssential(ctx, src.client, ess, stage1)
		if err != nil {
			cancelFetch()
		}
		if err == nil {
			b.dropOldStage1(ctx, stage1)
		}
	}
	ferr := <-fetched
	if err != nil {
		return fmt.Errorf("stage 1: %w", nativeErr(err))
	}
	if ferr != nil {
		return nativeErr(ferr)
	}
	b.progress("stage 2: installing %d packages with dpkg (no network)", len(all))
	script := installScript(ess, layers, true)
	lw := &lineWriter{fn: b.opts.Progress}
	defer lw.Flush()
	changes := append(append([]string(nil), imageChanges...), "LABEL io.labdojo.image-recipe="+RecipeHash())
	return b.stage2(ctx, ib, stage1, ref, all, script, changes, lw)
}

// stage2Script runs in a container from the stage-1 image: dpkg is slow on
// the engine's storage driver (fuse-overlayfs: 4x slower than tmpfs here),
// so the tree is copied to a tmpfs, the packages (read from standard
// input) are installed there in a chroot, and the finished tree leaves on
// standard output as a tar stream for the engine's image import.
//
// The chroot needs device nodes (maintainer scripts write to /dev/null).
// Where the container cannot make them (an engine with user-namespace
// remapping, or rootless: mknod is refused in a user namespace), dpkg
// runs in place instead, on the container's own root with its own /dev:
// slower, and the same tree.
const stage2Script = `set -eu
exec 3>&1 1>&2
R=/dojo-root
cd /
mkdir -p "$R/dev"
if ! mknod -m 666 "$R/dev/null" c 1 3 2>/dev/null; then
	echo "device nodes cannot be made here (user namespace): installing in place, without the tmpfs"
	tar -C / -xf -
	sh ` + buildDir + `/install.sh
	rm -rf ` + buildDir + `
	echo "exporting the root filesystem"
	# /proc and /sys change while tar reads them (only the directories
	# themselves are kept): GNU tar says so with exit status 1.
	rc=0
	tar -C / --numeric-owner --xattrs --xattrs-include='*' --warning=no-file-changed -cf - --exclude=./dojo-root \
		--exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' \
		--exclude=./.dockerenv --exclude=./etc/hosts --exclude=./etc/hostname --exclude=./etc/resolv.conf . >&3 || rc=$?
	[ "$rc" -le 1 ] || exit "$rc"
	exit 0
fi
rm -f "$R/dev/null"
tar --numeric-owner -cf - --exclude=./dojo-root --exclude=./proc --exclude=./sys --exclude=./dev \
	--exclude=./.dockerenv --exclude=./etc/hosts --exclude=./etc/hostname --exclude=./etc/resolv.conf . |
	tar -C "$R" --numeric-owner -xpf -
mkdir -p "$R/dev" "$R/proc" "$R/sys"
mknod -m 666 "$R/dev/null" c 1 3
mknod -m 666 "$R/dev/zero" c 1 5
mknod -m 666 "$R/dev/full" c 1 7
mknod -m 666 "$R/dev/random" c 1 8
mknod -m 666 "$R/dev/urandom" c 1 9
tar -C "$R" -xf -
chroot "$R" /bin/sh ` + buildDir + `/install.sh
rm -f "$R"/dev/null "$R"/dev/zero "$R"/dev/full "$R"/dev/random "$R"/dev/urandom
rm -rf "$R` + buildDir + `"
echo "exporting the root filesystem"
tar -C "$R" --numeric-owner --xattrs --xattrs-include='*' -cf - . >&3
`

// stage2 runs stage2Script from base and imports its output as ref: the
// import completes only when the build succeeded, so a failed build tags
// nothing.
func (b *builder) stage2(ctx context.Context, ib runtime.ImageBuilder, base, ref string, pkgs []*debian.Package, script string, changes []string, progress io.Writer) error {
	src := b.src
	in, inW := io.Pipe()
	go func() {
		inW.CloseWithError(writeBuildFiles(inW, src.client, pkgs, script))
	}()
	out, outW := io.Pipe()
	imported := make(chan error, 1)
	go func() {
		err := b.eng.ImportImage(ctx, out, ref, changes)
		out.CloseWithError(errors.New("import finished"))
		imported <- err
	}()
	err := ib.BuildInContainer(ctx, runtime.ContainerBuild{
		Base: base, Stdin: in, Stdout: outW,
		Cmd:      []string{"/bin/sh", "-c", stage2Script},
		Tmpfs:    map[string]string{"/dojo-root": "rw,exec,dev,suid,mode=0755"},
		Progress: progress,
	})
	in.CloseWithError(errors.New("build finished"))
	if err != nil {
		outW.CloseWithError(err)
		<-imported
		return err
	}
	outW.Close()
	if err := <-imported; err != nil {
		return fmt.Errorf("importing the built root filesystem: %w", err)
	}
	return nil
}

// names returns the set of names of pkgs.
func names(pkgs []*debian.Package) map[string]bool {
	m := make(map[string]bool, len(pkgs))
	for _, p := range pkgs {
		m[p.Name] = true
	}
	return m
}

// rest returns the packages of all that are not in some.
func rest(all, some []*debian.Package) []*debian.Package {
	skip := names(some)
	var out []*debian.Package
	for _, p := range all {
		if !skip[p.Name] {
			out = append(out, p)
		}
	}
	return out
}

// buildWithDebs runs script in a container from base with the packages
// copied in, then commits ref (package variants: a new layer on base).
func (b *builder) buildWithDebs(ctx context.Context, ib runtime.ImageBuilder, base, ref string, pkgs []*debian.Package, script string, changes []string, progress io.Writer) error {
	src := b.src
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeBuildFiles(pw, src.client, pkgs, script))
	}()
	err := ib.BuildInContainer(ctx, runtime.ContainerBuild{
		Base: base, Ref: ref, Files: pr,
		Cmd:      []string{"/bin/sh", buildDir + "/install.sh"},
		Changes:  changes,
		Progress: progress,
	})
	pr.CloseWithError(errors.New("build finished"))
	return err
}

// writeBuildFiles writes the build container's files as a tar stream:
// the packages, the install script, and the image files.
func writeBuildFiles(w io.Writer, c *debian.Client, pkgs []*debian.Package, script string) error {
	tw := tar.NewWriter(w)
	dir := func(name string, mode int64) error {
		return tw.WriteHeader(&tar.Header{Name: name + "/", Mode: mode, Typeflag: tar.TypeDir, ModTime: time.Unix(0, 0)})
	}
	for _, d := range []string{"tmp", "tmp/dojo-build", "tmp/dojo-build/debs"} {
		mode := int64(0o755)
		if d == "tmp" {
			mode = 0o1777
		}
		if err := dir(d, mode); err != nil {
			return err
		}
	}
	tf := newTarWriterFrom(tw)
	if err := tf.file("tmp/dojo-build/install.sh", []byte(script), 0o755); err != nil {
		return err
	}
	if err := tf.file("tmp/dojo-build/"+finalizeScript, mustFile(finalizeScript), 0o755); err != nil {
		return err
	}
	for _, f := range imageFiles {
		if err := tf.file("tmp/dojo-build/files/"+f.name, mustFile(f.name), f.mode); err != nil {
			return err
		}
	}
	for _, p := range pkgs {
		f, err := c.OpenFast(p.SHA256)
		if err != nil {
			return fmt.Errorf("package %s: %w", p.Name, err)
		}
		st, err := f.Stat()
		if err == nil {
			err = tw.WriteHeader(&tar.Header{Name: "tmp/dojo-build/debs/" + debFile(p), Mode: 0o644, Size: st.Size(), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)})
		}
		if err == nil {
			_, err = io.Copy(tw, f)
		}
		f.Close()
		if err != nil {
			return fmt.Errorf("package %s: %w", p.Name, err)
		}
	}
	return tw.Close()
}

func debFile(p *debian.Package) string { return p.Name + ".deb" }

// installScript returns the shell script that installs the packages in a
// build container: the essential layer first with --force-depends (as
// mmdebstrap does: its files are already in place from stage 1), then one
// dpkg call per layer, then the image files and the finalize script.
func installScript(essential []*debian.Package, layers [][]*debian.Package, base bool) string {
	var s strings.Builder
	s.WriteString("#!/bin/sh\nset -eu\ncd " + buildDir + "\n")
	s.WriteString("export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true LC_ALL=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n")
	s.WriteString("printf '#!/bin/sh\\nexit 101\\n' >/usr/sbin/policy-rc.d\nchmod 0755 /usr/sbin/policy-rc.d\n")
	list := func(ps []*debian.Package) string {
		names := make([]string, len(ps))
		for i, p := range ps {
			names[i] = "debs/" + debFile(p)
		}
		sort.Strings(names)
		return strings.Join(names, " ")
	}
	dpkg := "dpkg --force-unsafe-io --force-confdef --force-confold"
	if len(essential) > 0 {
		fmt.Fprintf(&s, "echo 'installing %d essential packages'\n%s --force-depends --install %s\n", len(essential), dpkg, list(essential))
	}
	for i, l := range layers {
		fmt.Fprintf(&s, "echo 'installing %d packages (step %d of %d)'\n%s --install %s\n", len(l), i+1, len(layers), dpkg, list(l))
	}
	s.WriteString("dpkg --configure --pending\n")
	if base {
		for _, f := range imageFiles {
			fmt.Fprintf(&s, "install -D -m %04o files/%s %s\n", f.mode, f.name, f.dest)
		}
	}
	s.WriteString("cd /\nsh " + buildDir + "/" + finalizeScript + " /\n")
	return s.String()
}

// Stage1Ref is the tag of the stage-1 image of the essential packages
// ess (name, version and hash) fetched from mirror (written into the
// image's apt sources), in the format of this dojo version.
func Stage1Ref(ess []*debian.Package, mirror string) string {
	h := sha256.New()
	fmt.Fprintf(h, "stage1 %d\n%s\n%x\n", stage1Format, mirror, sha256.Sum256(mustFile("dpkg-nodoc")))
	ps := append([]*debian.Package(nil), ess...)
	sort.Slice(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	for _, p := range ps {
		fmt.Fprintf(h, "%s %s %s\n", p.Name, p.Version, p.SHA256)
	}
	return fmt.Sprintf("%s-build:%s%s", Repository, stage1Prefix, hex.EncodeToString(h.Sum(nil))[:12])
}

// stage1Format changes whenever writeEssential (or the debian.ReadData,
// NoDocs and WriteEntries it uses) writes something else for the same
// packages, so an older stage-1 image is not reused. The files it writes
// from the image's files are hashed into Stage1Ref.
const stage1Format = 1

// stage1Prefix begins the tag of every stage-1 image.
const stage1Prefix = "stage1-"

// dropOldStage1 removes the stage-1 images other than keep: only the
// newest set of essential packages is worth its disk space. One an
// interrupted build still uses stays (the engine refuses).
func (b *builder) dropOldStage1(ctx context.Context, keep string) {
	l, ok := b.eng.(Lister)
	if !ok {
		return
	}
	list, err := List(ctx, l)
	if err != nil {
		return
	}
	for _, in := range list {
		if in.Stage1 && in.Ref != keep && len(in.UsedBy) == 0 {
			_ = b.eng.RemoveImage(ctx, in.Ref)
		}
	}
}

// importEssential streams the data of the essential packages, mapped onto
// a merged-/usr tree, into the engine as image ref: nothing is unpacked on
// disk, and only the few packages decoded ahead of the writer (inOrder)
// are held in memory.
func (b *builder) importEssential(ctx context.Context, c *debian.Client, ess []*debian.Package, ref string) error {
	// Packages are decoded into memory ahead of the writer: with dojo's
	// raised GC target their garbage would grow the heap past 150 MB.
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeEssential(pw, c, ess, b.mirror()))
	}()
	err := b.eng.ImportImage(ctx, pr, ref, []string{"LABEL io.labdojo.image=build"})
	pr.CloseWithError(errors.New("import finished"))
	return err
}

// writeEssential writes the stage-1 root filesystem: the merged-/usr
// links, an empty dpkg database, apt's sources, dpkg's no-docs rules and
// the data of every essential package (documentation left out).
func writeEssential(w io.Writer, c *debian.Client, ess []*debian.Package, mirror string) error {
	tw := tar.NewWriter(w)
	t0 := time.Unix(0, 0)
	seen := map[string]bool{}
	for _, d := range []struct {
		name string
		mode int64
	}{{"usr", 0o755}, {"usr/bin", 0o755}, {"usr/sbin", 0o755}, {"usr/lib", 0o755}, {"usr/lib64", 0o755},
		{"etc", 0o755}, {"etc/apt", 0o755}, {"etc/apt/apt.conf.d", 0o755}, {"etc/apt/sources.list.d", 0o755},
		{"etc/apt/preferences.d", 0o755}, {"etc/dpkg", 0o755}, {"etc/dpkg/dpkg.cfg.d", 0o755},
		{"var", 0o755}, {"var/lib", 0o755}, {"var/lib/dpkg", 0o755}, {"var/lib/dpkg/info", 0o755},
		{"var/lib/dpkg/updates", 0o755}, {"var/lib/apt", 0o755}, {"var/lib/apt/lists", 0o755},
		{"var/lib/apt/lists/partial", 0o700}, {"var/cache", 0o755}, {"var/cache/apt", 0o755},
		{"var/cache/apt/archives", 0o755}, {"var/cache/apt/archives/partial", 0o700},
		{"tmp", 0o1777}, {"dev", 0o755}, {"proc", 0o755}, {"sys", 0o755}} {
		if err := tw.WriteHeader(&tar.Header{Name: d.name + "/", Mode: d.mode, Typeflag: tar.TypeDir, ModTime: t0}); err != nil {
			return err
		}
		seen[d.name] = true
	}
	for _, d := range debian.MergedUsrDirs {
		if err := tw.WriteHeader(&tar.Header{Name: d, Linkname: "usr/" + d, Mode: 0o777, Typeflag: tar.TypeSymlink, ModTime: t0}); err != nil {
			return err
		}
	}
	tf := newTarWriterFrom(tw)
	for name, data := range map[string]string{
		"var/lib/dpkg/status":    "",
		"var/lib/dpkg/available": "",
		"etc/apt/sources.list":   fmt.Sprintf("deb %s %s main\n", mirror, Suite),
	} {
		if err := tf.file(name, []byte(data), 0o644); err != nil {
			return err
		}
		seen[name] = true
	}
	if err := tf.file("etc/dpkg/dpkg.cfg.d/01-dojo-nodoc", mustFile("dpkg-nodoc"), 0o644); err != nil {
		return err
	}
	seen["etc/dpkg/dpkg.cfg.d/01-dojo-nodoc"] = true
	decode := func(p *debian.Package) ([]debian.Entry, error) {
		f, err := c.OpenFast(p.SHA256)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return debian.ReadData(f, debian.NoDocs)
	}
	err := inOrder(ess, decode, func(_ *debian.Package, es []debian.Entry) error {
		return debian.WriteEntries(tw, es, seen)
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// inOrder decodes the packages on up to GOMAXPROCS goroutines (xz
// decoding is most of stage 1's time) and passes each result to write in
// the packages' order, from this goroutine. At most workers+1 decoded
// packages wait in memory. It returns the first error, naming the package,
// once every decoder has stopped.
func inOrder[T any](pkgs []*debian.Package, decode func(*debian.Package) (T, error), write func(*debian.Package, T) error) error {
	workers := min(goruntime.GOMAXPROCS(0), 4, max(len(pkgs), 1))
	type result struct {
		v   T
		err error
	}
	out := make([]chan result, len(pkgs))
	for i := range out {
		out[i] = make(chan result, 1)
	}
	slots := make(chan struct{}, workers+1)
	next := make(chan int)
	stop := make(chan struct{})
	go func() {
		defer close(next)
		for i := range pkgs {
			select {
			case slots <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case next <- i:
			case <-stop:
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				v, err := decode(pkgs[i])
				out[i] <- result{v, err}
			}
		}()
	}
	defer func() {
		close(stop)
		wg.Wait()
	}()
	for i, p := range pkgs {
		r := <-out[i]
		if r.err != nil {
			return fmt.Errorf("package %s: %w", p.Name, r.err)
		}
		if err := write(p, r.v); err != nil {
			return fmt.Errorf("package %s: %w", p.Name, err)
		}
		<-slots
	}
	return nil
}

func newTarWriterFrom(tw *tar.Writer) tarWriter { return tarWriter{tw} }
