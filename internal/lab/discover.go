package lab

import (
	"fmt"
	"io/fs"
	"sort"
)

// Discover lists the lab files of a catalog: every "<name>/lab.hcl" directly
// below the root of fsys, sorted by name.
func Discover(fsys fs.FS) ([]string, error) {
	matches, err := fs.Glob(fsys, "*/lab.hcl")
	if err != nil {
		return nil, fmt.Errorf("discover labs: %w", err)
	}
	sort.Strings(matches)
	return matches, nil
}
