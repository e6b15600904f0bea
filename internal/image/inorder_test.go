package image

import (
	"errors"
	"fmt"
	goruntime "runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/image/debian"
)

func testPkgs(n int) []*debian.Package {
	ps := make([]*debian.Package, n)
	for i := range ps {
		ps[i] = &debian.Package{Name: fmt.Sprintf("p%02d", i)}
	}
	return ps
}

// TestInOrderKeepsOrderAndBound: results reach the writer in the packages'
// order whatever order the decoders finish in, and no more than
// workers+1 decoded packages wait at once.
func TestInOrderKeepsOrderAndBound(t *testing.T) {
	pkgs := testPkgs(40)
	var live, peak atomic.Int32
	decode := func(p *debian.Package) (string, error) {
		n := live.Add(1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		if p.Name[len(p.Name)-1]%3 == 0 {
			time.Sleep(2 * time.Millisecond)
		}
		return p.Name, nil
	}
	var got []string
	err := inOrder(pkgs, decode, func(p *debian.Package, v string) error {
		if v != p.Name {
			t.Errorf("write got %s for %s", v, p.Name)
		}
		got = append(got, v)
		live.Add(-1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pkgs {
		if got[i] != p.Name {
			t.Fatalf("order %v", got)
		}
	}
	workers := min(goruntime.GOMAXPROCS(0), 4)
	if int(peak.Load()) > workers+1 {
		t.Fatalf("%d packages decoded at once, bound %d", peak.Load(), workers+1)
	}
}

// TestInOrderStopsOnError: the first error names its package, nothing
// after it is written, and every decoder has returned when inOrder does.
func TestInOrderStopsOnError(t *testing.T) {
	pkgs := testPkgs(30)
	var running atomic.Int32
	decode := func(p *debian.Package) (int, error) {
		running.Add(1)
		defer running.Add(-1)
		if p.Name == "p07" {
			return 0, errors.New("bad xz")
		}
		return 1, nil
	}
	written := 0
	err := inOrder(pkgs, decode, func(*debian.Package, int) error { written++; return nil })
	if err == nil || !strings.Contains(err.Error(), "package p07: bad xz") {
		t.Fatalf("err %v", err)
	}
	if written != 7 {
		t.Fatalf("%d written before the failing package, want 7", written)
	}
	if n := running.Load(); n != 0 {
		t.Fatalf("%d decoders still running after return", n)
	}
	werr := errors.New("disk full")
	err = inOrder(pkgs, decode, func(p *debian.Package, _ int) error {
		if p.Name == "p03" {
			return werr
		}
		return nil
	})
	if !errors.Is(err, werr) || !strings.Contains(err.Error(), "p03") {
		t.Fatalf("write error %v", err)
	}
	if n := running.Load(); n != 0 {
		t.Fatalf("%d decoders still running after a write error", n)
	}
}
