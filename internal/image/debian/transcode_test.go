package debian

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// arMembers splits an ar archive into its members' names and contents,
// checking the headers and the padding.
func arMembers(t *testing.T, b []byte) (names []string, bodies [][]byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(arMagic)) {
		t.Fatal("no ar magic")
	}
	b = b[len(arMagic):]
	for len(b) > 0 {
		if len(b) < 60 || string(b[58:60]) != "`\n" {
			t.Fatalf("bad ar header %q", b[:min(len(b), 60)])
		}
		size, err := strconv.Atoi(strings.TrimSpace(string(b[48:58])))
		if err != nil || 60+size > len(b) {
			t.Fatalf("bad member size %q", b[48:58])
		}
		names = append(names, strings.TrimSpace(string(b[:16])))
		bodies = append(bodies, b[60:60+size])
		b = b[60+size:]
		if size%2 == 1 {
			if len(b) == 0 || b[0] != '\n' {
				t.Fatal("missing padding byte")
			}
			b = b[1:]
		}
	}
	return names, bodies
}

func TestTranscodeKeepsDataAndMembers(t *testing.T) {
	for i := range 4 {
		files := map[string]string{"./bin/sh": "#!/bin/sh\n" + strings.Repeat("x", i*37+1)}
		orig := append(makeDeb(t, files), []byte(fmt.Sprintf("%-16s%-12d%-6d%-6d%-8s%-10d`\nz\n", "_extra", 0, 0, 0, "100644", 1))...)
		out, err := os.Create(filepath.Join(t.TempDir(), "x.deb"))
		if err != nil {
			t.Fatal(err)
		}
		done, err := Transcode(bytes.NewReader(orig), out)
		if err != nil || !done {
			t.Fatalf("transcode: %v %v", done, err)
		}
		out.Close()
		got, _ := os.ReadFile(out.Name())
		names, bodies := arMembers(t, got)
		onames, obodies := arMembers(t, orig)
		if strings.Join(names, " ") != "debian-binary control.tar.gz data.tar.zst _extra" {
			t.Fatalf("members %v", names)
		}
		for _, k := range []int{0, 1, 3} {
			if names[k] != onames[k] || !bytes.Equal(bodies[k], obodies[k]) {
				t.Errorf("member %s changed", names[k])
			}
		}
		want, err := ReadData(bytes.NewReader(orig), nil)
		if err != nil {
			t.Fatal(err)
		}
		have, err := ReadData(bytes.NewReader(got), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(want, have) {
			t.Errorf("round %d: the data differs after transcoding", i)
		}
	}
}

func TestTranscodeLeavesZstdAlone(t *testing.T) {
	orig := makeDeb(t, map[string]string{"./bin/sh": "x"})
	zst, err := os.Create(filepath.Join(t.TempDir(), "z.deb"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Transcode(bytes.NewReader(orig), zst); err != nil {
		t.Fatal(err)
	}
	zst.Close()
	b, _ := os.ReadFile(zst.Name())
	out, _ := os.Create(filepath.Join(t.TempDir(), "y.deb"))
	defer out.Close()
	if done, err := Transcode(bytes.NewReader(b), out); err != nil || done {
		t.Fatalf("a zstd package was transcoded again: %v %v", done, err)
	}
	if _, err := Transcode(strings.NewReader("!<arch>\nnot a header"), out); err == nil {
		t.Error("a broken package transcoded without error")
	}
}

func TestTranscodeAllAndOpenFast(t *testing.T) {
	dir := t.TempDir()
	c := &Client{CacheDir: dir}
	deb := makeDeb(t, map[string]string{"./bin/sh": "sh"})
	sum := "ab12"
	if err := os.MkdirAll(filepath.Join(dir, "sha256"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.cachePath(sum), deb, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.TranscodeAll(t.Context(), []*Package{{Name: "x", SHA256: sum, Size: int64(len(deb))}}); err != nil {
		t.Fatal(err)
	}
	f, err := c.OpenFast(sum)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Name() != c.transcodedPath(sum) {
		t.Fatalf("OpenFast opened %s", f.Name())
	}
	if es, err := ReadData(f, nil); err != nil || len(es) == 0 {
		t.Fatalf("transcoded copy: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "zstd", ".part-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// A package whose data is zstd already: its copy is the original.
	zst, err := os.ReadFile(c.transcodedPath(sum))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.cachePath("cd34"), zst, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.TranscodeAll(t.Context(), []*Package{{Name: "y", SHA256: "cd34", Size: int64(len(zst))}}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(c.transcodedPath("cd34")); err != nil || !bytes.Equal(got, zst) {
		t.Errorf("the zstd package's copy: %v", err)
	}
}
