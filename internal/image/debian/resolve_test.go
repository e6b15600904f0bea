package debian

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func fixtureIndex(t *testing.T) *Index {
	t.Helper()
	f, err := os.Open("testdata/Packages")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pkgs, err := ReadPackages(f, "amd64")
	if err != nil {
		t.Fatal(err)
	}
	return NewIndex(pkgs)
}

func names(ps []*Package) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name+"="+p.Version)
	}
	return strings.Join(out, " ")
}

func TestResolve(t *testing.T) {
	ix := fixtureIndex(t)
	if ix.Lookup("other-arch") != nil {
		t.Fatal("a package of another architecture was indexed")
	}
	base := "base-a=1.0 libc=2.36-9 mawk=1.3.4"
	for _, tc := range []struct {
		name  string
		roots []string
		want  string
		err   string
	}{
		{"roots are Essential and required", nil, base, ""},
		{"Provides: awk is satisfied by mawk (selected), not gawk", []string{"tool"}, base + " tool=1", ""},
		{"Provides alone: the best provider by priority", []string{"tool"}, "", ""},
		{"first alternative missing: the second", []string{"alt-missing"}, "alt-missing=1 " + base + " libalt=1", ""},
		{"alternative already pulled in wins over the first", []string{"alt-pref", "wants-two"}, "alt-pref=1 alt-two=1 " + base + " wants-two=1", ""},
		{"no other reason: first alternative", []string{"alt-pref"}, "alt-one=1 alt-pref=1 " + base, ""},
		{"version constraint picks the newest that fits", []string{"needs-new"}, base + " libv=2.1-1 needs-new=1", ""},
		{"older version when the constraint wants it", []string{"needs-old"}, base + " libv=1.9-1 needs-old=1", ""},
		{"two constraints that cannot both hold", []string{"needs-new", "needs-old"}, "", "needs libv (<< 2.0), but libv 2.1-1 is selected"},
		{"version nobody has", []string{"needs-future"}, "", "package needs-future needs libv (>= 3) (Depends), which is not in the Debian index"},
		{"cycle", []string{"cyc-a"}, base + " cyc-a=1 cyc-b=1", ""},
		{"Pre-Depends are followed", []string{"pre"}, base + " pre=1 prelib=1 tool=1", ""},
		{"missing dependency", []string{"broken"}, "", "package broken needs nowhere (>= 1) (Depends), which is not in the Debian index"},
		{"unknown root with a suggestion", []string{"libvv"}, "", "package libvv is not in the Debian index (did you mean libv"},
		{"versioned virtual: only the versioned provider fits", []string{"vuser"}, base + " prov-versioned=1 vuser=1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == "" && tc.err == "" {
				// gawk is optional, mawk required: without mawk selected
				// the required provider still wins.
				p := ix.candidate(Dep{Name: "awk"})
				if p == nil || p.Name != "mawk" {
					t.Fatalf("awk provider = %v", p)
				}
				return
			}
			got, err := ix.Resolve(append(ix.Roots(), tc.roots...))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// sort order of names() is by name; rebuild want the same way
			if g := names(got); g != sortedWords(tc.want) {
				t.Fatalf("got  %s\nwant %s", g, sortedWords(tc.want))
			}
		})
	}
	var me *MissingError
	if _, err := ix.Resolve([]string{"broken"}); !errors.As(err, &me) || me.NeededBy != "broken" {
		t.Fatalf("missing dependency error: %#v", err)
	}
}

func sortedWords(s string) string {
	w := strings.Fields(s)
	for i := range w {
		for j := i + 1; j < len(w); j++ {
			if strings.SplitN(w[j], "=", 2)[0] < strings.SplitN(w[i], "=", 2)[0] {
				w[i], w[j] = w[j], w[i]
			}
		}
	}
	return strings.Join(w, " ")
}

func TestInstallLayers(t *testing.T) {
	ix := fixtureIndex(t)
	all, err := ix.Resolve(append(ix.Roots(), "pre", "cyc-a"))
	if err != nil {
		t.Fatal(err)
	}
	installed := map[string]bool{"base-a": true, "libc": true, "mawk": true}
	var rest []*Package
	for _, p := range all {
		if !installed[p.Name] {
			rest = append(rest, p)
		}
	}
	layers := ix.InstallLayers(rest, installed)
	layerOf := map[string]int{}
	for i, l := range layers {
		for _, p := range l {
			layerOf[p.Name] = i
		}
	}
	if len(layerOf) != len(rest) {
		t.Fatalf("layers %v lose packages", layerOf)
	}
	// Pre-Depends: prelib is configured (earlier layer) before pre unpacks.
	if layerOf["prelib"] >= layerOf["pre"] {
		t.Fatalf("prelib in layer %d, pre in %d", layerOf["prelib"], layerOf["pre"])
	}
	// Depends: tool in the same or an earlier layer than pre; a cycle
	// stays in one layer.
	if layerOf["tool"] > layerOf["pre"] || layerOf["cyc-a"] != layerOf["cyc-b"] {
		t.Fatalf("layers %v", layerOf)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0},
		{"1.0", "1.1", -1},
		{"1.10", "1.9", 1},
		{"1:1.0", "2.0", 1},
		{"1.0~rc1", "1.0", -1},
		{"1.0", "1.0+b1", -1},
		{"2.36-9", "2.36-9+deb12u4", -1},
		{"2.36-10", "2.36-9", 1},
		{"1.0-1", "1.0", 1},
		{"0:1.0", "1.0", 0},
		{"1.0a", "1.0", 1},
		{"1.0~~", "1.0~", -1},
		{"7.88.1-10+deb12u5", "7.88.1-10+deb12u12", -1},
		{"2:6.2.1+dfsg1-1.1", "2:6.2.1+dfsg1", 1},
	} {
		if got := CompareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := CompareVersions(tc.b, tc.a); got != -tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
	}
}

func TestParseDeps(t *testing.T) {
	g, err := ParseDeps("libc6 (>= 2.34), perl:any, a | b (<< 2) , c [amd64], d (>> 1:2-3)")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, alts := range g {
		var s []string
		for _, d := range alts {
			s = append(s, d.String())
		}
		got = append(got, strings.Join(s, " | "))
	}
	want := "libc6 (>= 2.34); perl; a | b (<< 2); c; d (>> 1:2-3)"
	if strings.Join(got, "; ") != want {
		t.Fatalf("got %q", strings.Join(got, "; "))
	}
	for _, bad := range []string{"a (>= )", "a (2.0)", "(>= 1)"} {
		if _, err := ParseDeps(bad); err == nil {
			t.Errorf("ParseDeps(%q) accepted", bad)
		}
	}
}
