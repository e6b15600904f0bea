package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// FileName is the name of a scenario file inside its directory.
const FileName = "scenario.hcl"

// Defaults applied when a scenario omits the attribute.
const (
	DefaultPass    = 70
	DefaultPoints  = 10
	DefaultLevel   = 1
	DefaultTimeout = 10 * time.Second
)

// Options configures loading. Checks is required; LabNodes is optional.
type Options struct {
	// LabNodes returns the node names of the lab a scenario refers to.
	// labRef is the `lab` attribute as written; scenarioDir is the
	// scenario's directory (a filesystem path for LoadFile, an fs.FS path
	// for LoadFS). When nil, node names are not validated; an error
	// becomes a diagnostic on the `lab` attribute.
	LabNodes func(labRef, scenarioDir string) ([]string, error)
	// Checks is the catalog of check types (check.Catalog()): the fields
	// of each check block and the validation of their values. Required.
	Checks Catalog
}

// LoadFile loads the scenario at path, which is a scenario.hcl file or the
// directory holding one. It returns the parser's files (for printing
// diagnostics with source snippets) and every problem found; the scenario
// is nil when any diagnostic is an error.
func LoadFile(p string, opts Options) (*Scenario, map[string]*hcl.File, hcl.Diagnostics) {
	file := p
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		file = filepath.Join(p, FileName)
	}
	dir := filepath.Dir(file)
	src := &source{
		dir:  dir,
		file: file,
		read: func(rel string) ([]byte, error) { return readLocal(dir, rel) },
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read scenario file",
			Detail:   err.Error(),
		}}
	}
	return load(src, data, opts)
}

// LoadFS loads a scenario from fsys (for example the embedded catalog).
// name is a scenario.hcl path or the directory holding one. file() may
// read only regular files below that directory; symbolic links are
// refused.
func LoadFS(fsys fs.FS, name string, opts Options) (*Scenario, map[string]*hcl.File, hcl.Diagnostics) {
	file := path.Clean(name)
	if st, err := fs.Stat(fsys, file); err == nil && st.IsDir() {
		file = path.Join(file, FileName)
	}
	dir := path.Dir(file)
	src := &source{
		dir:  dir,
		file: file,
		fs:   true,
		read: func(rel string) ([]byte, error) { return readFS(fsys, dir, rel) },
	}
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read scenario file",
			Detail:   err.Error(),
		}}
	}
	return load(src, data, opts)
}

// Discover returns the paths of every scenario.hcl in fsys (at any depth,
// skipping testdata and hidden directories), sorted, e.g.
// "first-server/scenario.hcl"; each can be passed to LoadFS. This matches
// lab.Discover, which returns "<name>/lab.hcl".
func Discover(fsys fs.FS) ([]string, error) {
	var dirs []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == FileName {
			dirs = append(dirs, p)
		}
		if d.IsDir() && p != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return fs.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("discover scenarios: %w", err)
	}
	sort.Strings(dirs)
	return dirs, nil
}

// source abstracts where a scenario and the files it reads live.
type source struct {
	dir, file string
	// fs is true for scenarios read through an fs.FS (slash paths).
	fs   bool
	read func(rel string) ([]byte, error)
}

var errEscape = errors.New("path leaves the scenario directory")

func readLocal(dir, rel string) ([]byte, error) {
	if filepath.IsAbs(rel) {
		return nil, fmt.Errorf("%q: absolute paths are not allowed: %w", rel, errEscape)
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(filepath.Join(dir, rel))
	if err != nil {
		return nil, err
	}
	r, err := filepath.Rel(realDir, real)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%q resolves to %s: %w", rel, real, errEscape)
	}
	return os.ReadFile(real)
}

func readFS(fsys fs.FS, dir, rel string) ([]byte, error) {
	if path.IsAbs(rel) {
		return nil, fmt.Errorf("%q: absolute paths are not allowed: %w", rel, errEscape)
	}
	p := path.Join(dir, rel)
	if dir != "." && !strings.HasPrefix(p, dir+"/") || !fs.ValidPath(p) {
		return nil, fmt.Errorf("%q: %w", rel, errEscape)
	}
	// Refuse symbolic links on the way (os.DirFS would follow them out).
	cur := dir
	for _, part := range strings.Split(strings.TrimPrefix(p, dir+"/"), "/") {
		cur = path.Join(cur, part)
		st, err := fs.Lstat(fsys, cur)
		if err != nil {
			if errors.Is(err, errors.ErrUnsupported) {
				break
			}
			return nil, err
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%q: symbolic links are not allowed here", rel)
		}
	}
	return fs.ReadFile(fsys, p)
}

var rootSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "scenario", LabelNames: []string{"name"}},
		{Type: "setup", LabelNames: []string{"node"}},
		{Type: "goal", LabelNames: []string{"name"}},
		{Type: "solution", LabelNames: []string{"node"}},
	},
}

var scenarioSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "title"}, {Name: "lab", Required: true}, {Name: "track", Required: true},
		{Name: "level"}, {Name: "minutes"}, {Name: "pass"}, {Name: "brief"}, {Name: "hint_cost"},
	},
}

var scriptSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "script", Required: true}},
}

var goalSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "title"}, {Name: "points"}, {Name: "hints"}, {Name: "needs"}, {Name: "within"}, {Name: "timeout"},
		{Name: "guard"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "check", LabelNames: []string{"type"}}, {Type: "fault", LabelNames: []string{"type"}}},
}

// loader holds the state of one load.
type loader struct {
	src    *source
	ctx    *hcl.EvalContext
	hash   []byte
	reads  []string
	labRng hcl.Range
	// needsRanges locates each goal's needs elements, for diagnostics.
	needsRanges map[string][]hcl.Range
	needsAttr   map[string]hcl.Range
	checks      Catalog
}

func load(src *source, data []byte, opts Options) (*Scenario, map[string]*hcl.File, hcl.Diagnostics) {
	parser := hclparse.NewParser()
	f, diags := parser.ParseHCL(data, src.file)
	if diags.HasErrors() {
		return nil, parser.Files(), diags
	}
	if opts.Checks == nil {
		return nil, parser.Files(), append(diags, &hcl.Diagnostic{Severity: hcl.DiagError,
			Summary: "No check catalog", Detail: "Internal error: the scenario loader needs check.Catalog() in Options.Checks."})
	}
	l := &loader{src: src, needsRanges: map[string][]hcl.Range{}, needsAttr: map[string]hcl.Range{}, checks: opts.Checks}
	sum := sha256.New()
	sum.Write(data)
	l.ctx = &hcl.EvalContext{Functions: map[string]function.Function{
		"file":      l.fileFunc(),
		"format":    stdlib.FormatFunc,
		"join":      stdlib.JoinFunc,
		"trimspace": stdlib.TrimSpaceFunc,
		"upper":     stdlib.UpperFunc,
		"lower":     stdlib.LowerFunc,
	}}

	content, d := f.Body.Content(rootSchema)
	diags = append(diags, d...)
	s := &Scenario{Dir: src.dir, File: src.file}

	var scen []*hcl.Block
	for _, b := range content.Blocks {
		switch b.Type {
		case "scenario":
			scen = append(scen, b)
		case "setup", "solution":
			sc, d := l.script(b)
			diags = append(diags, d...)
			if sc != nil {
				if b.Type == "setup" {
					s.Setup = append(s.Setup, *sc)
				} else {
					s.Solution = append(s.Solution, *sc)
				}
			}
		case "goal":
			g, d := l.goal(b)
			diags = append(diags, d...)
			if g != nil {
				s.Goals = append(s.Goals, g)
			}
		}
	}
	switch {
	case len(scen) == 0:
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing scenario block",
			Detail:   `A scenario file needs exactly one scenario "name" { ... } block.`,
			Subject:  f.Body.MissingItemRange().Ptr(),
		})
	default:
		for _, b := range scen[1:] {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate scenario block",
				Detail:   fmt.Sprintf("A scenario file has one scenario block; the first is at %s.", scen[0].DefRange),
				Subject:  b.DefRange.Ptr(),
			})
		}
		diags = append(diags, l.header(s, scen[0])...)
	}
	if len(scen) > 0 && len(s.Goals) == 0 {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No goals",
			Detail:   `A scenario needs at least one goal "name" { ... } block with checks.`,
			Subject:  scen[0].DefRange.Ptr(),
		})
	}
	diags = append(diags, l.goalsGraph(s)...)
	diags = append(diags, l.nodes(s, opts)...)
	for _, g := range s.Goals {
		for _, c := range g.Checks {
			if t, ok := opts.Checks.CheckType(c.Type); ok && t.Validate != nil {
				diags = append(diags, t.Validate(c)...)
			}
		}
	}

	for _, r := range l.reads {
		sum.Write([]byte(r))
	}
	sum.Write(l.hash)
	s.Hash = hex.EncodeToString(sum.Sum(nil))
	if diags.HasErrors() {
		return nil, parser.Files(), diags
	}
	return s, parser.Files(), diags
}

// fileFunc is file(path): the contents of a file in the scenario directory.
func (l *loader) fileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			rel := args[0].AsString()
			data, err := l.src.read(rel)
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "cannot read %q (paths are relative to %s): %s", rel, l.src.dir, err)
			}
			h := sha256.Sum256(data)
			l.reads = append(l.reads, rel+"\x00"+hex.EncodeToString(h[:])+"\x00")
			return cty.StringVal(string(data)), nil
		},
	})
}

// eval evaluates an attribute and converts it to ty.
func (l *loader) eval(a *hcl.Attribute, ty cty.Type) (cty.Value, hcl.Diagnostics) {
	v, diags := a.Expr.Value(l.ctx)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	if v.IsNull() {
		return cty.NilVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid attribute value",
			Detail:   fmt.Sprintf("The attribute %q must not be null.", a.Name),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	cv, err := convert.Convert(v, ty)
	if err != nil {
		return cty.NilVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Incorrect attribute value type",
			Detail:   fmt.Sprintf("Inappropriate value for attribute %q: %s is required, got %s.", a.Name, ty.FriendlyName(), v.Type().FriendlyName()),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	return cv, nil
}

func (l *loader) str(attrs hcl.Attributes, name string, dst *string) hcl.Diagnostics {
	a, ok := attrs[name]
	if !ok {
		return nil
	}
	v, d := l.eval(a, cty.String)
	if !d.HasErrors() {
		*dst = v.AsString()
	}
	return d
}

func (l *loader) integer(attrs hcl.Attributes, name string, lo, hi int, dst *int) hcl.Diagnostics {
	a, ok := attrs[name]
	if !ok {
		return nil
	}
	v, d := l.eval(a, cty.Number)
	if d.HasErrors() {
		return d
	}
	bf := v.AsBigFloat()
	i, acc := bf.Int64()
	if !bf.IsInt() || acc != 0 || i < int64(lo) || i > int64(hi) {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Value out of range",
			Detail:   fmt.Sprintf("The attribute %q must be a whole number from %d to %d; got %s.", name, lo, hi, bf.Text('g', -1)),
			Subject:  a.Expr.Range().Ptr(),
		}}
	}
	*dst = int(i)
	return nil
}

func (l *loader) duration(attrs hcl.Attributes, name string, allowZero bool, dst *time.Duration) hcl.Diagnostics {
	var s string
	if d := l.str(attrs, name, &s); d.HasErrors() || attrs[name] == nil {
		return d
	}
	dur, err := time.ParseDuration(s)
	if err == nil && (dur < 0 || dur == 0 && !allowZero) {
		err = errors.New("must be positive")
	}
	if err != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid duration",
			Detail:   fmt.Sprintf("The attribute %q must be a duration such as \"20s\" or \"1m30s\": %q %s.", name, s, strings.TrimPrefix(err.Error(), "time: ")),
			Subject:  attrs[name].Expr.Range().Ptr(),
		}}
	}
	*dst = dur
	return nil
}

func (l *loader) header(s *Scenario, b *hcl.Block) hcl.Diagnostics {
	s.Name = b.Labels[0]
	s.Pass, s.Level = DefaultPass, DefaultLevel
	content, diags := b.Body.Content(scenarioSchema)
	a := content.Attributes
	diags = append(diags, l.text(a, "title", &s.Titles, &s.Title)...)
	diags = append(diags, l.str(a, "lab", &s.Lab)...)
	diags = append(diags, l.str(a, "track", &s.Track)...)
	diags = append(diags, l.text(a, "brief", &s.Briefs, &s.Brief)...)
	diags = append(diags, l.integer(a, "level", 1, 5, &s.Level)...)
	diags = append(diags, l.integer(a, "minutes", 0, 100000, &s.Minutes)...)
	diags = append(diags, l.integer(a, "pass", 0, 100, &s.Pass)...)
	diags = append(diags, l.integer(a, "hint_cost", 0, 1000, &s.HintCost)...)
	if s.Title == "" {
		s.Title = s.Name
		s.Titles = i18n.Plain(s.Name)
	}
	if at, ok := a["track"]; ok && s.Track != "" && !contains(Tracks, s.Track) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown track",
			Detail:   fmt.Sprintf("Track %q is not one of %s.%s", s.Track, strings.Join(Tracks, ", "), didYouMean(s.Track, Tracks)),
			Subject:  at.Expr.Range().Ptr(),
		})
	}
	if at, ok := a["lab"]; ok {
		l.labRng = at.Expr.Range()
		if s.Lab == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Empty lab reference",
				Detail:   "The lab attribute names a bundled lab or a lab file path relative to the scenario.",
				Subject:  l.labRng.Ptr(),
			})
		} else if IsLabPath(s.Lab) {
			switch {
			case l.src.fs:
				s.LabPath = path.Join(l.src.dir, s.Lab)
			case filepath.IsAbs(s.Lab):
				s.LabPath = filepath.Clean(s.Lab)
			default:
				s.LabPath = filepath.Join(l.src.dir, s.Lab)
			}
		}
	}
	return diags
}

// IsLabPath reports whether a lab reference is a file path (it contains a
// slash or ends in .hcl) rather than a bundled lab name.
func IsLabPath(ref string) bool {
	return strings.ContainsAny(ref, `/\`) || strings.HasSuffix(ref, ".hcl") || ref == "." || ref == ".."
}

func (l *loader) script(b *hcl.Block) (*Script, hcl.Diagnostics) {
	content, diags := b.Body.Content(scriptSchema)
	sc := &Script{Node: b.Labels[0], Range: b.DefRange}
	diags = append(diags, l.str(content.Attributes, "script", &sc.Script)...)
	if diags.HasErrors() {
		return nil, diags
	}
	return sc, diags
}

func (l *loader) goal(b *hcl.Block) (*Goal, hcl.Diagnostics) {
	g := &Goal{Name: b.Labels[0], Points: DefaultPoints, Timeout: DefaultTimeout, Range: b.DefRange}
	content, diags := b.Body.Content(goalSchema)
	a := content.Attributes
	diags = append(diags, l.text(a, "title", &g.Titles, &g.Title)...)
	diags = append(diags, l.boolean(a, "guard", &g.Guard)...)
	diags = append(diags, l.integer(a, "points", 0, 10000, &g.Points)...)
	diags = append(diags, l.duration(a, "within", true, &g.Within)...)
	diags = append(diags, l.duration(a, "timeout", false, &g.Timeout)...)
	diags = append(diags, l.hints(a, g)...)
	if at, ok := a["needs"]; ok {
		v, d := l.eval(at, cty.List(cty.String))
		diags = append(diags, d...)
		if !d.HasErrors() {
			g.Needs = stringList(v)
			l.needsAttr[g.Name] = at.Expr.Range()
			var rngs []hcl.Range
			if elems, d := hcl.ExprList(at.Expr); !d.HasErrors() && len(elems) == len(g.Needs) {
				for _, e := range elems {
					rngs = append(rngs, e.Range())
				}
			} else {
				for range g.Needs {
					rngs = append(rngs, at.Expr.Range())
				}
			}
			l.needsRanges[g.Name] = rngs
		}
	}
	if g.Title == "" {
		g.Title = g.Name
		g.Titles = i18n.Plain(g.Name)
	}
	for _, cb := range content.Blocks {
		if cb.Type == "fault" {
			f, d := l.fault(cb)
			diags = append(diags, d...)
			if f != nil {
				g.Faults = append(g.Faults, *f)
			}
			continue
		}
		c, d := l.check(cb)
		diags = append(diags, d...)
		if c != nil {
			g.Checks = append(g.Checks, c)
		}
	}
	if !hasBlock(content.Blocks, "check") {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Goal without checks",
			Detail:   fmt.Sprintf("Goal %q needs at least one check \"type\" { ... } block.", g.Name),
			Subject:  b.DefRange.Ptr(),
		})
	}
	return g, diags
}

func (l *loader) check(b *hcl.Block) (*CheckSpec, hcl.Diagnostics) {
	typ := b.Labels[0]
	ct, ok := l.checks.CheckType(typ)
	fields := ct.Fields
	if !ok {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unknown check type",
			Detail:   fmt.Sprintf("There is no check type %q.%s Check types: %s.", typ, didYouMean(typ, l.checks.CheckTypes()), strings.Join(l.checks.CheckTypes(), ", ")),
			Subject:  b.LabelRanges[0].Ptr(),
			Context:  b.DefRange.Ptr(),
		}}
	}
	schema := &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "on", Required: true}, {Name: "title"}}}
	for _, f := range fields {
		schema.Attributes = append(schema.Attributes, hcl.AttributeSchema{Name: f.Name, Required: f.Required})
	}
	content, diags := b.Body.Content(schema)
	spec := &CheckSpec{Type: typ, Fields: map[string]cty.Value{}, FieldRanges: map[string]hcl.Range{}, Range: b.DefRange}
	a := content.Attributes
	diags = append(diags, l.str(a, "on", &spec.On)...)
	diags = append(diags, l.str(a, "title", &spec.Title)...)
	for _, n := range []string{"on", "title"} {
		if at, ok := a[n]; ok {
			spec.FieldRanges[n] = at.Expr.Range()
		}
	}
	for _, f := range fields {
		at, ok := a[f.Name]
		if !ok {
			continue
		}
		v, d := l.eval(at, f.Type)
		diags = append(diags, d...)
		if !d.HasErrors() {
			spec.Fields[f.Name] = v
			spec.FieldRanges[f.Name] = at.Expr.Range()
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return spec, diags
}

// goalsGraph validates goal names and needs: duplicates, unknown goals and
// cycles.
func (l *loader) goalsGraph(s *Scenario) hcl.Diagnostics {
	var diags hcl.Diagnostics
	byName := map[string]*Goal{}
	var names []string
	for _, g := range s.Goals {
		if first, dup := byName[g.Name]; dup {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate goal",
				Detail:   fmt.Sprintf("Goal %q is already declared at %s.", g.Name, first.Range),
				Subject:  g.Range.Ptr(),
			})
			continue
		}
		byName[g.Name] = g
		names = append(names, g.Name)
	}
	for _, g := range s.Goals {
		for i, n := range g.Needs {
			if _, ok := byName[n]; ok && n != g.Name {
				continue
			}
			rng := l.needsRanges[g.Name][i]
			if n == g.Name {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Dependency cycle",
					Detail:   fmt.Sprintf("Goal %q needs itself.", n),
					Subject:  rng.Ptr(),
				})
				continue
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown goal",
				Detail:   fmt.Sprintf("Goal %q needs %q, which is not declared.%s", g.Name, n, didYouMean(n, names)),
				Subject:  rng.Ptr(),
			})
		}
	}
	// Cycle detection by depth-first search; each cycle is reported once,
	// on the needs attribute of the goal where the search closed it.
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(n string)
	visit = func(n string) {
		color[n] = grey
		stack = append(stack, n)
		for _, m := range byName[n].Needs {
			if _, ok := byName[m]; !ok || m == n {
				continue
			}
			switch color[m] {
			case white:
				visit(m)
			case grey:
				i := len(stack) - 1
				for stack[i] != m {
					i--
				}
				cycle := append(append([]string(nil), stack[i:]...), m)
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Dependency cycle",
					Detail:   fmt.Sprintf("Goals depend on each other in a cycle: %s.", strings.Join(cycle, " -> ")),
					Subject:  l.needsAttr[n].Ptr(),
				})
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
	}
	for _, n := range names {
		if color[n] == white {
			visit(n)
		}
	}
	return diags
}

// nodes validates that setup, solution and checks name nodes of the lab.
func (l *loader) nodes(s *Scenario, opts Options) hcl.Diagnostics {
	if opts.LabNodes == nil || s.Lab == "" {
		return nil
	}
	list, err := opts.LabNodes(s.Lab, s.Dir)
	if err != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot load lab",
			Detail:   fmt.Sprintf("Lab %q: %s", s.Lab, err),
			Subject:  l.labRng.Ptr(),
		}}
	}
	var diags hcl.Diagnostics
	bad := func(node, what string, rng hcl.Range) {
		if contains(list, node) {
			return
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown node",
			Detail:   fmt.Sprintf("%s names node %q, which lab %q does not declare.%s Nodes: %s.", what, node, s.Lab, didYouMean(node, list), strings.Join(list, ", ")),
			Subject:  rng.Ptr(),
		})
	}
	for _, sc := range s.Setup {
		bad(sc.Node, "setup", sc.Range)
	}
	for _, sc := range s.Solution {
		bad(sc.Node, "solution", sc.Range)
	}
	for _, g := range s.Goals {
		for _, c := range g.Checks {
			bad(c.On, fmt.Sprintf("check %q of goal %q", c.Type, g.Name), c.FieldRanges["on"])
		}
		for _, f := range g.Faults {
			bad(f.Node, fmt.Sprintf("fault %q of goal %q", f.Type, g.Name), f.Range)
		}
	}
	return diags
}

func didYouMean(name string, candidates []string) string {
	if s := Suggest(name, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func stringList(v cty.Value) []string {
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e.AsString())
	}
	return out
}
