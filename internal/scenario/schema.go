package scenario

import (
	"sort"

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

func req(name string, t cty.Type) Field { return Field{Name: name, Type: t, Required: true} }
func opt(name string, t cty.Type) Field { return Field{Name: name, Type: t} }

var strList = cty.List(cty.String)

// checkSchemas is the check reference table of the file format: for each
// check type, its fields. Value rules (regexps, enums, ranges) live in
// package check; names, required-ness and basic types live here.
var checkSchemas = map[string][]Field{
	"command": {req("run", cty.String), opt("exit_code", cty.Number), opt("stdout", cty.String),
		opt("contains", cty.String), opt("matches", cty.String), opt("stderr_contains", cty.String)},
	"file": {req("path", cty.String), opt("exists", cty.Bool), opt("type", cty.String), opt("mode", cty.String),
		opt("owner", cty.String), opt("group", cty.String), opt("contains", cty.String), opt("matches", cty.String)},
	"package": {req("name", cty.String), opt("installed", cty.Bool), opt("version", cty.String)},
	"service": {req("name", cty.String), opt("running", cty.Bool)},
	"process": {req("name", cty.String), opt("running", cty.Bool), opt("user", cty.String)},
	"port": {req("port", cty.Number), opt("protocol", cty.String), opt("listening", cty.Bool),
		opt("address", cty.String)},
	"user": {req("name", cty.String), opt("exists", cty.Bool), opt("uid", cty.Number), opt("groups", strList),
		opt("shell", cty.String), opt("home", cty.String)},
	"group":   {req("name", cty.String), opt("exists", cty.Bool), opt("members", strList)},
	"sysctl":  {req("key", cty.String), req("value", cty.String)},
	"sshd":    {req("key", cty.String), req("value", cty.String)},
	"http":    {req("url", cty.String), opt("status", cty.Number), opt("contains", cty.String), opt("matches", cty.String)},
	"tcp":     {req("host", cty.String), req("port", cty.Number), opt("expect", cty.String)},
	"ping":    {req("host", cty.String), opt("expect", cty.String)},
	"dns":     {req("name", cty.String), opt("address", cty.String), opt("server", cty.String), opt("type", cty.String), opt("expect", cty.String)},
	"route":   {req("destination", cty.String), opt("via", cty.String), opt("dev", cty.String)},
	"address": {req("interface", cty.String), req("address", cty.String), opt("present", cty.Bool)},
	"cron":    {opt("user", cty.String), req("contains", cty.String)},
}

// CheckTypes returns the known check type names, sorted.
func CheckTypes() []string {
	names := make([]string, 0, len(checkSchemas))
	for n := range checkSchemas {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// CheckFields returns the fields of a check type (beyond `on` and `title`)
// and whether the type is known. The returned slice is a copy.
func CheckFields(typ string) ([]Field, bool) {
	f, ok := checkSchemas[typ]
	if !ok {
		return nil, false
	}
	return append([]Field(nil), f...), true
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
