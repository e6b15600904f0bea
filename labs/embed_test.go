package labs_test

import (
	"os"
	"testing"

	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/labs"
)

// TestBundledEmbedded loads every embedded lab and checks it resolves
// exactly like the same lab read from this directory (same hash), which
// fails when a referenced file is missing from the embed patterns.
func TestBundledEmbedded(t *testing.T) {
	names, err := lab.Discover(labs.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 3 {
		t.Fatalf("only %d bundled labs: %v", len(names), names)
	}
	// ospf-triangle-frr's routers ask for SYS_ADMIN.
	opts := lab.Options{Allow: lab.Allow{Capabilities: true}}
	for _, name := range names {
		embedded, _, diags := lab.LoadFS(labs.Bundled(), name, opts)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", name, diags)
		}
		onDisk, _, diags := lab.LoadFS(os.DirFS("."), name, opts)
		if diags.HasErrors() {
			t.Fatalf("%s from disk: %v", name, diags)
		}
		if embedded.Hash != onDisk.Hash {
			t.Errorf("%s: embedded copy differs from the directory", name)
		}
	}
}
