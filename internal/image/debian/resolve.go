package debian

import (
	"fmt"
	"sort"
	"strings"
)

// Index is a parsed Packages index with lookups by name and by provided
// (virtual) name.
type Index struct {
	byName    map[string][]*Package
	providers map[string][]provider
}

type provider struct {
	pkg     *Package
	version string // version of the provided name ("" = unversioned)
}

// NewIndex indexes pkgs. When a name occurs more than once, the highest
// version comes first.
func NewIndex(pkgs []*Package) *Index {
	ix := &Index{byName: map[string][]*Package{}, providers: map[string][]provider{}}
	for _, p := range pkgs {
		ix.byName[p.Name] = append(ix.byName[p.Name], p)
		for _, d := range p.Provides {
			v := ""
			if d.Op == "=" {
				v = d.Version
			}
			ix.providers[d.Name] = append(ix.providers[d.Name], provider{p, v})
		}
	}
	for _, l := range ix.byName {
		if len(l) > 1 {
			sort.SliceStable(l, func(i, j int) bool { return CompareVersions(l[i].Version, l[j].Version) > 0 })
		}
	}
	return ix
}

// Len returns the number of package names in the index.
func (ix *Index) Len() int { return len(ix.byName) }

// Lookup returns the newest package called name, or nil.
func (ix *Index) Lookup(name string) *Package {
	if l := ix.byName[name]; len(l) > 0 {
		return l[0]
	}
	return nil
}

// Has reports whether name is a real or a virtual package of the index.
func (ix *Index) Has(name string) bool {
	return len(ix.byName[name]) > 0 || len(ix.providers[name]) > 0
}

// Suggest returns up to n package names close to name (same prefix or small
// edit distance), for "did you mean" messages.
func (ix *Index) Suggest(name string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for k := range ix.byName {
		d := editDistance(name, k, 3)
		if d <= 2 || (len(name) >= 4 && strings.HasPrefix(k, name) && len(k)-len(name) <= 6) {
			if strings.HasPrefix(k, name) && d > 2 {
				d = 3
			}
			cs = append(cs, cand{k, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].name < cs[j].name
	})
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance of a and b, or max+1 when it is
// larger than max.
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			best = min(best, cur[j])
		}
		if best > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// MissingError says that a dependency cannot be satisfied by the index.
type MissingError struct {
	Dep      string // the dependency as written
	NeededBy string // package that needs it ("" = asked for directly)
	Field    string // Depends or Pre-Depends
	Suggest  []string
}

func (e *MissingError) Error() string {
	var b strings.Builder
	if e.NeededBy == "" {
		fmt.Fprintf(&b, "package %s is not in the Debian index", e.Dep)
	} else {
		fmt.Fprintf(&b, "package %s needs %s (%s), which is not in the Debian index", e.NeededBy, e.Dep, e.Field)
	}
	if len(e.Suggest) > 0 {
		fmt.Fprintf(&b, " (did you mean %s?)", strings.Join(e.Suggest, ", "))
	}
	return b.String()
}

// Roots returns the names of the minbase root set: every Essential and
// every Priority required package, plus apt (mmdebstrap's minbase).
func (ix *Index) Roots() []string {
	var out []string
	for name, l := range ix.byName {
		p := l[0]
		if p.Essential || p.Priority == "required" || name == "apt" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// EssentialRoots returns the names of the Essential packages plus apt:
// the set mmdebstrap extracts and installs first.
func (ix *Index) EssentialRoots() []string {
	var out []string
	for name, l := range ix.byName {
		if l[0].Essential || name == "apt" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// satisfiedBy returns a selected package satisfying d, or nil.
func (ix *Index) satisfiedBy(d Dep, selected map[string]*Package) *Package {
	if p := selected[d.Name]; p != nil && d.Satisfies(p.Version) {
		return p
	}
	for _, pr := range ix.providers[d.Name] {
		if selected[pr.pkg.Name] != pr.pkg {
			continue
		}
		if d.Op == "" || (pr.version != "" && d.Satisfies(pr.version)) {
			return pr.pkg
		}
	}
	return nil
}

var priorityRank = map[string]int{"required": 0, "important": 1, "standard": 2, "optional": 3, "extra": 4}

func rank(p *Package) int {
	if r, ok := priorityRank[p.Priority]; ok {
		return r
	}
	return 5
}

// candidate returns the package to install for d: the newest real package
// of that name meeting the version, else the best provider (highest
// priority, then name).
func (ix *Index) candidate(d Dep) *Package {
	for _, p := range ix.byName[d.Name] {
		if d.Satisfies(p.Version) {
			return p
		}
	}
	var best *Package
	for _, pr := range ix.providers[d.Name] {
		if d.Op != "" && (pr.version == "" || !d.Satisfies(pr.version)) {
			continue
		}
		if best == nil || rank(pr.pkg) < rank(best) || (rank(pr.pkg) == rank(best) && pr.pkg.Name < best.Name) {
			best = pr.pkg
		}
	}
	return best
}

// Resolve returns the packages to install for roots: the roots and
// everything they depend on (Depends and Pre-Depends; Recommends are not
// installed), sorted by name. Like apt, an alternative group (a | b) is
// satisfied by any package already selected; otherwise its first
// installable alternative is chosen. Alternative groups are decided only
// after every plain dependency has been followed, so a package that is
// pulled in anyway wins over the first alternative.
func (ix *Index) Resolve(roots []string) ([]*Package, error) {
	selected := map[string]*Package{}
	var queue []*Package
	add := func(p *Package) {
		if selected[p.Name] == nil {
			selected[p.Name] = p
			queue = append(queue, p)
		}
	}
	for _, r := range roots {
		d, err := parseDep(r)
		if err != nil {
			return nil, fmt.Errorf("package %q: %w", r, err)
		}
		p := ix.candidate(d)
		if p == nil {
			return nil, &MissingError{Dep: r, Suggest: ix.Suggest(d.Name, 3)}
		}
		add(p)
	}
	type pending struct {
		group []Dep
		by    *Package
		field string
	}
	var deferred []pending
	for len(queue) > 0 || len(deferred) > 0 {
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, f := range []struct{ name, raw string }{{"Pre-Depends", p.PreDependsRaw}, {"Depends", p.DependsRaw}} {
				if f.raw == "" {
					continue
				}
				groups, err := ParseDeps(f.raw)
				if err != nil {
					return nil, fmt.Errorf("package %s: %s: %w", p.Name, f.name, err)
				}
				for _, g := range groups {
					if len(g) > 1 {
						deferred = append(deferred, pending{g, p, f.name})
						continue
					}
					if ix.satisfiedBy(g[0], selected) != nil {
						continue
					}
					c := ix.candidate(g[0])
					if c == nil {
						return nil, &MissingError{Dep: g[0].String(), NeededBy: p.Name, Field: f.name}
					}
					if old := selected[c.Name]; old != nil && old != c {
						return nil, fmt.Errorf("package %s needs %s, but %s %s is selected", p.Name, g[0], old.Name, old.Version)
					}
					add(c)
				}
			}
		}
		// Decide alternatives: drop the satisfied ones, then choose for the
		// first open group and go back to plain dependencies.
		rest := deferred[:0]
		chosen := false
		for _, pd := range deferred {
			ok := false
			for _, d := range pd.group {
				if ix.satisfiedBy(d, selected) != nil {
					ok = true
					break
				}
			}
			if ok {
				continue
			}
			if chosen {
				rest = append(rest, pd)
				continue
			}
			var c *Package
			for _, d := range pd.group {
				if c = ix.candidate(d); c != nil && selected[c.Name] == nil {
					break
				}
				c = nil
			}
			if c == nil {
				var names []string
				for _, d := range pd.group {
					names = append(names, d.String())
				}
				return nil, &MissingError{Dep: strings.Join(names, " | "), NeededBy: pd.by.Name, Field: pd.field}
			}
			add(c)
			chosen = true
		}
		deferred = rest
	}
	out := make([]*Package, 0, len(selected))
	for _, p := range selected {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// InstallLayers orders pkgs for installation with dpkg: every package of a
// layer has its Pre-Depends in an earlier layer and its Depends in the same
// or an earlier layer, so one `dpkg --install` per layer works. installed
// names packages that are already configured. Pre-Depends that cannot be
// layered (a cycle through Pre-Depends) put the packages into the last
// layer.
func (ix *Index) InstallLayers(pkgs []*Package, installed map[string]bool) [][]*Package {
	sel := map[string]*Package{}
	for _, p := range pkgs {
		sel[p.Name] = p
	}
	// edges: target names within sel
	type edges struct{ pre, dep []string }
	es := map[string]edges{}
	resolveGroup := func(raw string) []string {
		groups, _ := ParseDeps(raw)
		var out []string
		for _, g := range groups {
			for _, d := range g {
				var hit *Package
				if p := sel[d.Name]; p != nil && d.Satisfies(p.Version) {
					hit = p
				} else {
					for _, pr := range ix.providers[d.Name] {
						if sel[pr.pkg.Name] == pr.pkg {
							hit = pr.pkg
							break
						}
					}
				}
				if hit != nil {
					out = append(out, hit.Name)
					break
				}
			}
		}
		return out
	}
	for _, p := range pkgs {
		es[p.Name] = edges{resolveGroup(p.PreDependsRaw), resolveGroup(p.DependsRaw)}
	}
	layer := map[string]int{}
	for changed, n := true, 0; changed && n < len(pkgs)+2; n++ {
		changed = false
		for _, p := range pkgs {
			l := layer[p.Name]
			for _, q := range es[p.Name].pre {
				if q != p.Name && !installed[q] && layer[q]+1 > l {
					l = layer[q] + 1
				}
			}
			for _, q := range es[p.Name].dep {
				if !installed[q] && layer[q] > l {
					l = layer[q]
				}
			}
			if l > len(pkgs) {
				l = len(pkgs)
			}
			if l != layer[p.Name] {
				layer[p.Name] = l
				changed = true
			}
		}
	}
	max := 0
	for _, l := range layer {
		max = maxInt(max, l)
	}
	out := make([][]*Package, max+1)
	for _, p := range pkgs {
		out[layer[p.Name]] = append(out[layer[p.Name]], p)
	}
	var compact [][]*Package
	for _, l := range out {
		if len(l) > 0 {
			compact = append(compact, l)
		}
	}
	return compact
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
