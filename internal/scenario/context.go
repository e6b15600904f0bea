package scenario

import (
	"context"
	"io/fs"

	"github.com/hashicorp/hcl/v2"

	"github.com/labdojo/labdojo/internal/lab"
)

// LoadFileContext is LoadFile stopping with an error diagnostic when ctx
// is done. Like every load, reads are bounded in size (lab.MaxSourceSize,
// lab.MaxReadSize), devices and FIFOs are refused, nesting is bounded
// (lab.MaxNesting) and evaluation has a budget (lab.MaxEvalSteps).
func LoadFileContext(ctx context.Context, p string, opts Options) (*Scenario, map[string]*hcl.File, hcl.Diagnostics) {
	opts.ctx = ctx
	return LoadFile(p, opts)
}

// LoadFSContext is LoadFS stopping with an error diagnostic when ctx is
// done.
func LoadFSContext(ctx context.Context, fsys fs.FS, name string, opts Options) (*Scenario, map[string]*hcl.File, hcl.Diagnostics) {
	opts.ctx = ctx
	return LoadFS(fsys, name, opts)
}

// DiscoverDir lists the scenario files "<dir>/<name>/scenario.hcl" of a
// catalog on the operating system (./scenarios for `dojo scenarios`),
// sorted, reading at most lab.MaxCatalogEntries entries and stopping when
// ctx is done. A missing dir is an empty catalog.
func DiscoverDir(ctx context.Context, dir string) ([]string, error) {
	return lab.DiscoverDirFile(ctx, dir, FileName)
}

func (o Options) context() context.Context {
	if o.ctx == nil {
		return context.Background()
	}
	return o.ctx
}
