package image_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/image/imagetest"
)

// TestNativeBuildColdMatchesMmdebstrap builds the node image natively with
// an empty package cache (real engine, real mirror, no host tool; the
// engine's kept stage-1 image, when another build left one, is reused) and
// compares its installed package set with the one mmdebstrap
// --variant=minbase --include=<image.Packages> gives (recorded in
// testdata/mmdebstrap-minbase-packages.txt by scripts/bench-image.sh).
func TestNativeBuildColdMatchesMmdebstrap(t *testing.T) {
	rt := imagetest.Runtime(t)
	t.Setenv(image.CacheEnv, t.TempDir())
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	ref := "labdojo/node-test:" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	start := time.Now()
	got, err := image.Ensure(ctx, rt, image.Options{Builder: "native", Ref: ref, Force: true, Progress: func(l string) {
		for _, k := range []string{"release", "stage", "packages", "downloaded", "built"} {
			if strings.Contains(l, k) && !strings.Contains(l, "...") {
				t.Log(l)
				break
			}
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.RemoveImage(context.Background(), ref) })
	t.Logf("cold native build: %s", time.Since(start).Round(100*time.Millisecond))
	if got != ref {
		t.Fatalf("built %s, want %s", got, ref)
	}
	node := imagetest.Start(t, rt, ref, imagetest.Network(t, rt), nil, []string{"sleep", "infinity"})
	out, errOut, code := node.Exec(t, nil, "dpkg-query", "-W", "-f", "${Package}\n")
	if code != 0 {
		t.Fatalf("dpkg-query: %s", errOut)
	}
	have := strings.Fields(out)
	sort.Strings(have)
	want, err := os.ReadFile("testdata/mmdebstrap-minbase-packages.txt")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(have, "\n") != strings.TrimSpace(string(want)) {
		t.Fatalf("package set differs from mmdebstrap's:\n%s", diffLists(strings.Fields(string(want)), have))
	}
	if _, e, code := node.Exec(t, nil, "dpkg", "--audit"); code != 0 || e != "" {
		t.Fatalf("dpkg --audit: exit %d %s", code, e)
	}

	// A second build (warm package cache) reuses the stage-1 image the
	// first one made or found, and gives the same package set.
	ref2 := ref + "-warm"
	var lines []string
	start = time.Now()
	if _, err := image.Ensure(ctx, rt, image.Options{Builder: "native", Ref: ref2, Force: true, Progress: func(l string) {
		lines = append(lines, l)
	}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.RemoveImage(context.Background(), ref2) })
	t.Logf("warm native build: %s", time.Since(start).Round(100*time.Millisecond))
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "stage 1: reusing "+image.Repository+"-build:stage1-") }) {
		t.Fatalf("the warm build did not reuse stage 1:\n%s", strings.Join(lines, "\n"))
	}
	node2 := imagetest.Start(t, rt, ref2, imagetest.Network(t, rt), nil, []string{"sleep", "infinity"})
	out2, errOut, code := node2.Exec(t, nil, "dpkg-query", "-W", "-f", "${Package}\n")
	if code != 0 {
		t.Fatalf("dpkg-query: %s", errOut)
	}
	if have2 := strings.Fields(out2); strings.Join(sorted(have2), " ") != strings.Join(have, " ") {
		t.Fatalf("the build on the kept stage 1 differs:\n%s", diffLists(have, have2))
	}
}

func sorted(l []string) []string {
	sort.Strings(l)
	return l
}

func diffLists(want, have []string) string {
	in := func(l []string, s string) bool {
		for _, x := range l {
			if x == s {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	for _, w := range want {
		if !in(have, w) {
			b.WriteString("missing " + w + "\n")
		}
	}
	for _, h := range have {
		if !in(want, h) {
			b.WriteString("extra   " + h + "\n")
		}
	}
	return b.String()
}
