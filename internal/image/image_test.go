package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/labdojo/labdojo/internal/runtime"
)

// fakeEngine records calls; images it "has" are listed in have.
type fakeEngine struct {
	have      map[string]bool
	imported  map[string][]byte
	built     []string
	importErr error
}

func (f *fakeEngine) ImageExists(_ context.Context, ref string) (bool, error) {
	return f.have[ref], nil
}

func (f *fakeEngine) ImportImage(_ context.Context, r io.Reader, ref string, changes []string) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if f.importErr != nil {
		return f.importErr
	}
	if f.imported == nil {
		f.imported = map[string][]byte{}
	}
	f.imported[ref] = b
	return nil
}

func (f *fakeEngine) BuildImage(_ context.Context, bc io.Reader, ref string, _ map[string]string, progress io.Writer) error {
	tr := tar.NewReader(bc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		f.built = append(f.built, h.Name)
	}
	_, _ = io.WriteString(progress, "Step 1/9 : FROM debian\n")
	return nil
}

func (f *fakeEngine) RemoveImage(context.Context, string) error { return nil }

func noTools(string) (string, error) { return "", errors.New("not found") }

func TestDefaultRef(t *testing.T) {
	ref := DefaultRef()
	if !regexp.MustCompile(`^labdojo/node:[0-9a-f]{12}$`).MatchString(ref) {
		t.Fatalf("DefaultRef = %q", ref)
	}
	if ref != DefaultRef() {
		t.Fatal("DefaultRef not stable")
	}
	base := recipeHash(1, "bookworm", Packages, recipeFiles(), imageChanges)
	reordered := append([]string{Packages[len(Packages)-1]}, Packages[:len(Packages)-1]...)
	if recipeHash(1, "bookworm", reordered, recipeFiles(), imageChanges) != base {
		t.Error("package order changed the hash")
	}
	files := recipeFiles()
	files[InitPath] = append(append([]byte(nil), files[InitPath]...), '\n')
	for name, h := range map[string]string{
		"format":   recipeHash(2, "bookworm", Packages, recipeFiles(), imageChanges),
		"suite":    recipeHash(1, "trixie", Packages, recipeFiles(), imageChanges),
		"packages": recipeHash(1, "bookworm", append(Packages[:len(Packages):len(Packages)], "htop"), recipeFiles(), imageChanges),
		"init":     recipeHash(1, "bookworm", Packages, files, imageChanges),
		"changes":  recipeHash(1, "bookworm", Packages, recipeFiles(), append(imageChanges[:len(imageChanges):len(imageChanges)], "USER nobody")),
	} {
		if h == base {
			t.Errorf("changing the %s did not change the hash", name)
		}
	}
}

func TestEnsureChoosesBuilder(t *testing.T) {
	ctx := context.Background()
	t.Setenv(CacheEnv, t.TempDir())
	t.Run("present", func(t *testing.T) {
		eng := &fakeEngine{have: map[string]bool{DefaultRef(): true}}
		b := &builder{eng: eng, lookPath: noTools}
		ref, err := b.ensure(ctx)
		if err != nil || ref != DefaultRef() || len(eng.built)+len(eng.imported) != 0 {
			t.Fatalf("ref %q err %v eng %+v", ref, err, eng)
		}
	})
	t.Run("engine build from debian:12", func(t *testing.T) {
		eng := &fakeEngine{have: map[string]bool{"debian:12": true}}
		var lines []string
		b := &builder{eng: eng, lookPath: noTools, opts: Options{Progress: func(l string) { lines = append(lines, l) }}}
		if _, err := b.ensure(ctx); err != nil {
			t.Fatal(err)
		}
		if strings.Join(eng.built, ",") != "Dockerfile,dojo-init,dpkg-nodoc,dojo-finalize" {
			t.Fatalf("build context: %v", eng.built)
		}
		if !strings.Contains(strings.Join(lines, "\n"), "Step 1/9") {
			t.Fatalf("progress: %v", lines)
		}
	})
	t.Run("offline skips base image", func(t *testing.T) {
		eng := &fakeEngine{have: map[string]bool{"debian:bookworm": true}}
		b := &builder{eng: eng, lookPath: noTools, opts: Options{Offline: true}}
		_, err := b.ensure(ctx)
		var ue *UnavailableError
		if !errors.As(err, &ue) || !errors.Is(err, ErrUnavailable) || len(eng.built) != 0 {
			t.Fatalf("err %v built %v", err, eng.built)
		}
	})
	t.Run("nothing available", func(t *testing.T) {
		b := &builder{eng: &fakeEngine{}, lookPath: noTools}
		_, err := b.ensure(ctx)
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no way to build the node image") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("debootstrap when no mmdebstrap", func(t *testing.T) {
		b := &builder{eng: &fakeEngine{}, lookPath: func(n string) (string, error) {
			if n == "debootstrap" {
				return "/usr/sbin/debootstrap", nil
			}
			return "", errors.New("no")
		}}
		kind, what, err := b.plan(ctx)
		if err != nil || kind != kindDebootstrap || what != "/usr/sbin/debootstrap" {
			t.Fatalf("plan = %s %s %v", kind, what, err)
		}
	})
}

// fakeTool writes an executable shell script standing in for mmdebstrap.
func fakeTool(t *testing.T, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "mmdebstrap")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOfflineStreamsToolOutput(t *testing.T) {
	ctx := context.Background()
	// The fake tool checks its hooks' inputs exist and emits a tarball.
	tool := fakeTool(t, `for a; do case "$a" in --customize-hook=sh*) f=$(echo "$a" | sed "s/^--customize-hook=sh '\([^']*\)'.*/\1/"); test -f "$f" || exit 9;; esac; done
echo "I: fake mmdebstrap" >&2
d=$(mktemp -d); echo hi > "$d/hello"; tar -C "$d" -cf - hello; rm -r "$d"`)
	eng := &fakeEngine{}
	var lines []string
	b := &builder{eng: eng, lookPath: func(n string) (string, error) {
		if n == "mmdebstrap" {
			return tool, nil
		}
		return "", errors.New("no")
	}, opts: Options{Mirror: "http://mirror.invalid/debian", Progress: func(l string) { lines = append(lines, l) }}}
	ref, err := b.ensure(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(eng.imported[ref]))
	if h, err := tr.Next(); err != nil || h.Name != "hello" {
		t.Fatalf("imported tar: %v %v", h, err)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "I: fake mmdebstrap") {
		t.Fatalf("stderr not in progress: %v", lines)
	}
}

func TestOfflineToolFailureAbortsImport(t *testing.T) {
	tool := fakeTool(t, `echo "E: cannot reach mirror" >&2; printf partial; exit 1`)
	eng := &fakeEngine{}
	b := &builder{eng: eng, lookPath: func(string) (string, error) { return tool, nil }, opts: Options{Mirror: "http://x"}}
	_, err := b.ensure(context.Background())
	if err == nil || !strings.Contains(err.Error(), "E: cannot reach mirror") {
		t.Fatalf("err = %v", err)
	}
	if len(eng.imported) != 0 {
		t.Fatal("a failed tool run was imported")
	}
}

func TestMmdebstrapArgs(t *testing.T) {
	args := mmdebstrapArgs("/tmp/x", "http://deb.debian.org/debian")
	j := strings.Join(args, "\n")
	for _, want := range []string{"--variant=minbase", "--format=tar", "--include=openssh-server,", `--customize-hook=sh '/tmp/x/dojo-finalize' "$1"`,
		`--customize-hook=install -D -m 0755 '/tmp/x/dojo-init' "$1/usr/local/sbin/dojo-init"`, "bookworm\n-\nhttp://deb.debian.org/debian"} {
		if !strings.Contains(j, want) {
			t.Errorf("args lack %q:\n%s", want, j)
		}
	}
}

func TestHostMirror(t *testing.T) {
	root := t.TempDir()
	if got := hostMirror(root); got != defaultMirror {
		t.Fatalf("empty root: %s", got)
	}
	dir := filepath.Join(root, "etc", "apt", "sources.list.d")
	_ = os.MkdirAll(dir, 0o755)
	_ = os.WriteFile(filepath.Join(root, "etc", "apt", "sources.list"), []byte("# x\ndeb [arch=amd64 signed-by=/k.gpg] http://list.example/debian/ bookworm main\n"), 0o644)
	if got := hostMirror(root); got != "http://list.example/debian" {
		t.Fatalf("sources.list: %s", got)
	}
	_ = os.WriteFile(filepath.Join(dir, "debian.sources"), []byte("Types: deb\nURIs: http://sec.example/debian-security\nSuites: bookworm-security\n\nTypes: deb\n# c\nURIs: http://deb822.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n"), 0o644)
	if got := hostMirror(root); got != "http://deb822.example/debian" {
		t.Fatalf("deb822: %s", got)
	}
}

func TestDockerfile(t *testing.T) {
	df := dockerfile("debian:bookworm")
	for _, want := range []string{"FROM debian:bookworm\n", "apt-get install -y --no-install-recommends openssh-server", "sh /tmp/dojo-finalize /", `CMD ["/usr/local/sbin/dojo-init"]`} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q:\n%s", want, df)
		}
	}
}

// fakeBuilder is a fakeEngine that can also pull and build in containers.
type fakeBuilder struct {
	fakeEngine
	pulls int
}

func (f *fakeBuilder) PullImage(context.Context, string, io.Writer) error {
	f.pulls++
	return errors.New(`Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host`)
}
func (f *fakeBuilder) TagImage(context.Context, string, string) error { return nil }
func (f *fakeBuilder) ListImages(context.Context, map[string]string) ([]runtime.ImageInfo, error) {
	return nil, nil
}
func (f *fakeBuilder) BuildInContainer(context.Context, runtime.ContainerBuild) error {
	return errors.New("not in this test")
}

func TestEnsureFallsBackToNativeAndNamesTheMirror(t *testing.T) {
	t.Setenv(CacheEnv, t.TempDir())
	srv := httptest.NewServer(http.NotFoundHandler())
	mirror := srv.URL + "/debian"
	srv.Close() // unreachable from now on
	eng := &fakeBuilder{}
	var lines []string
	b := &builder{eng: eng, lookPath: noTools, opts: Options{Mirror: mirror, Progress: func(l string) { lines = append(lines, l) }}}
	_, err := b.ensure(context.Background())
	if eng.pulls != 1 {
		t.Fatalf("pull tried %d times", eng.pulls)
	}
	if !errors.Is(err, ErrUnavailable) || !strings.HasPrefix(err.Error(), "cannot reach the Debian mirror "+mirror) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "the pull builder failed") {
		t.Fatalf("progress: %q", lines)
	}
	// Forcing a builder that is not there is a clear refusal.
	b = &builder{eng: eng, lookPath: noTools, opts: Options{Builder: "mmdebstrap"}}
	if _, err := b.ensure(context.Background()); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "mmdebstrap is not installed") {
		t.Fatalf("forced mmdebstrap: %v", err)
	}
	b = &builder{eng: eng, lookPath: noTools, opts: Options{Builder: "nonsense"}}
	if _, err := b.ensure(context.Background()); err == nil || !strings.Contains(err.Error(), "unknown image builder") {
		t.Fatalf("unknown builder: %v", err)
	}
}

// TestStage2ScriptSyntax: the stage-2 script parses (sh -n), and both of
// its ways are there: the tmpfs chroot, and installing in place where the
// container cannot make device nodes (TestOSPFFRR runs that one on a
// userns-remapped engine).
func TestStage2ScriptSyntax(t *testing.T) {
	cmd := exec.Command("sh", "-n")
	cmd.Stdin = strings.NewReader(stage2Script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sh -n: %v\n%s", err, out)
	}
	for _, want := range []string{`chroot "$R" /bin/sh ` + buildDir + "/install.sh", "\tsh " + buildDir + "/install.sh", "installing in place"} {
		if !strings.Contains(stage2Script, want) {
			t.Errorf("stage 2 script lacks %q", want)
		}
	}
}
