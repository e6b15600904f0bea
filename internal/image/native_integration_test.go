package image_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/image/imagetest"
)

// TestNativeBuildColdMatchesMmdebstrap builds the node image natively with
// an empty package cache (real engine, real mirror, no host tool) and
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
