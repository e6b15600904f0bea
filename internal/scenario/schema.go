package scenario

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Tracks are the known scenario tracks, in catalog order.
var Tracks = []string{"server", "network", "operations", "cloud-ops", "automation", "database", "design", "documents"}

// Field describes one attribute of a check block beyond `on` and `title`.
type Field struct {
	Name string
	// Type is cty.String, cty.Number, cty.Bool or cty.List(cty.String).
	Type     cty.Type
	Required bool
}

// CheckType describes one check type to the loader: the attributes of its
// block beyond `on` and `title`, and a validator of their values (regexps,
// enum strings, ranges), which may be nil.
type CheckType struct {
	Name     string
	Fields   []Field
	Validate func(*CheckSpec) hcl.Diagnostics
}

// Catalog is the set of check types a scenario may use. Package check owns
// it (check.Catalog()); every load needs one, so a scenario that loads is
// valid for grading too.
type Catalog interface {
	// CheckType returns the named type and whether it exists.
	CheckType(name string) (CheckType, bool)
	// CheckTypes returns the type names, sorted.
	CheckTypes() []string
}

// Suggest returns the candidate nearest to name by edit distance when it is
// close enough to be a plausible typo, or "".
func Suggest(name string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(name, c)
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 {
		return ""
	}
	limit := 2
	if len(name) > 6 {
		limit = 3
	}
	if bestD > limit || bestD >= len(name) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b over bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
