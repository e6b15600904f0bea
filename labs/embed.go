// Package labs holds the bundled lab catalog, embedded into the binary.
//
// Each lab lives in its own directory: <name>/lab.hcl plus the files it
// references under <name>/files. Load them with lab.LoadFS(labs.Bundled(),
// "<name>/lab.hcl", opts) and list them with lab.Discover(labs.Bundled()).
package labs

import (
	"embed"
	"io/fs"
)

//go:embed */lab.hcl all:*/files
var catalog embed.FS

// Bundled returns the bundled lab catalog, rooted so that "<name>/lab.hcl"
// names a lab file.
func Bundled() fs.FS {
	return catalog
}
