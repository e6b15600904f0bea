package lab

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// FileName is the lab file name looked up when a directory is given.
const FileName = "lab.hcl"

// maxLabFileSize bounds the size of a lab file and of a variables file.
const maxLabFileSize = MaxSourceSize

// Options control how a lab file is loaded.
type Options struct {
	// Vars are variable values from the command line (--var name=value).
	// Values of string variables are taken literally; other types are
	// parsed as HCL expressions (e.g. --var 'web_count=3').
	Vars map[string]string
	// VarFiles are HCL files of "name = value" lines (--var-file), read from
	// the operating system in order; Vars override them. Variable files
	// hold constant values only (no references or function calls).
	VarFiles []string
	// Allow unlocks options that reach the host.
	Allow Allow
}

// Allow lists the host-reaching options a lab may use; all are refused by
// default.
type Allow struct {
	Privileged   bool // --allow-privileged: privileged = true
	Capabilities bool // --allow-capabilities: capabilities = [...]
	Binds        bool // --allow-binds: bind blocks
	HostNetwork  bool // --allow-host-network: host_network = true
}

// loader holds the state of one load.
type loader struct {
	cx      context.Context
	budget  *Budget
	fsys    fs.FS
	dir     string // lab directory inside fsys ("." for the root)
	dispDir string // lab directory as shown in diagnostics
	opts    Options
	parser  *hclparse.Parser
	files   *Files
	reads   map[string][]byte // lab-dir-relative path -> content
	funcs   map[string]function.Function
	ctx     *hcl.EvalContext
	diags   hcl.Diagnostics
	vars    map[string]cty.Value
	lab     *Lab
	nets    map[string]*netInfo
	// subContent caches decoded nested block bodies while the instances
	// of one node block are decoded (nil otherwise).
	subContent map[*hcl.Block]blockContent
}

// LoadFile loads and validates the lab at path, which names a lab file or a
// directory containing lab.hcl. Files referenced by the lab are read from
// the lab file's directory and may not leave it. The returned Files hold the
// sources for WriteDiagnostics even when loading failed; the *Lab is nil
// whenever diags has errors.
func LoadFile(path string, opts Options) (*Lab, *Files, hcl.Diagnostics) {
	return LoadFileContext(context.Background(), path, opts)
}

// LoadFileContext is LoadFile stopping with an error diagnostic when ctx
// is done. Every read is bounded in size, devices and FIFOs are refused,
// and evaluation has a budget (see MaxEvalSteps).
func LoadFileContext(ctx context.Context, path string, opts Options) (*Lab, *Files, hcl.Diagnostics) {
	files := &Files{}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, FileName)
	}
	dir := filepath.Dir(path)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, files, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot open lab directory",
			Detail:   fmt.Sprintf("Opening %s: %v.", dir, err),
		}}
	}
	defer func() { _ = root.Close() }()
	l := newLoader(ctx, RootFS(root), ".", dir, opts, files)
	lab, diags := l.load(filepath.Base(path), path)
	if lab != nil {
		if abs, err := filepath.Abs(dir); err == nil {
			lab.Dir = abs
		} else {
			lab.Dir = dir
		}
	}
	return lab, files, diags
}

// LoadFS loads and validates a lab stored in fsys (for example the embedded
// catalog). name is the lab file's path inside fsys, e.g.
// "two-subnets/lab.hcl"; the lab directory is path.Dir(name) and files the
// lab references are read from it. Diagnostics name files by their path
// inside fsys. The *Lab is nil whenever diags has errors.
func LoadFS(fsys fs.FS, name string, opts Options) (*Lab, *Files, hcl.Diagnostics) {
	return LoadFSContext(context.Background(), fsys, name, opts)
}

// LoadFSContext is LoadFS stopping with an error diagnostic when ctx is
// done, with the bounds of LoadFileContext.
func LoadFSContext(ctx context.Context, fsys fs.FS, name string, opts Options) (*Lab, *Files, hcl.Diagnostics) {
	files := &Files{}
	if !fs.ValidPath(name) {
		return nil, files, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid lab file name",
			Detail:   fmt.Sprintf("%q is not a valid path inside the catalog.", name),
		}}
	}
	dir := path.Dir(name)
	l := newLoader(ctx, fsys, dir, dir, opts, files)
	lab, diags := l.load(path.Base(name), name)
	return lab, files, diags
}

func newLoader(ctx context.Context, fsys fs.FS, dir, dispDir string, opts Options, files *Files) *loader {
	l := &loader{
		cx:      ctx,
		budget:  NewBudget(ctx),
		fsys:    fsys,
		dir:     dir,
		dispDir: dispDir,
		opts:    opts,
		parser:  hclparse.NewParser(),
		files:   files,
		reads:   make(map[string][]byte),
	}
	l.funcs = l.budget.WrapFunctions(l.functions())
	return l
}

// display returns the diagnostic file name of a lab-dir-relative path.
func (l *loader) display(rel string) string {
	if l.dispDir == "." || l.dispDir == "" {
		return rel
	}
	if strings.Contains(l.dispDir, string(filepath.Separator)) && filepath.Separator != '/' {
		return filepath.Join(l.dispDir, filepath.FromSlash(rel))
	}
	return path.Join(filepath.ToSlash(l.dispDir), rel)
}

func (l *loader) errorf(subject *hcl.Range, summary, detailFormat string, args ...any) {
	l.diags = append(l.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(detailFormat, args...),
		Subject:  subject,
	})
}

// topSchema is the schema of a lab file.
var topSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "lab", LabelNames: []string{"name"}},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "defaults"},
		{Type: "network", LabelNames: []string{"name"}},
		{Type: "node", LabelNames: []string{"name"}},
	},
}

var labSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "title"},
		{Name: "description"},
	},
}

// load parses and evaluates the lab file base (inside l.dir); shown is the
// file name for diagnostics and Lab.File.
func (l *loader) load(base, shown string) (*Lab, hcl.Diagnostics) {
	src, err := l.readLabFile(base)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read lab file",
			Detail:   fmt.Sprintf("Reading %s: %v.", shown, err),
		}}
	}
	if diags := CheckNesting(src, shown, false); diags.HasErrors() {
		l.files.Add(shown, &hcl.File{Bytes: src})
		return nil, diags
	}
	file, diags := l.parser.ParseHCL(src, shown)
	if file != nil {
		l.files.Add(shown, file)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	l.budget.Instrument(file.Body)
	l.diags = diags
	content, diags := file.Body.Content(topSchema)
	l.diags = append(l.diags, diags...)

	l.lab = &Lab{File: shown}
	var labBlocks []*hcl.Block
	byType := map[string][]*hcl.Block{}
	for _, b := range content.Blocks {
		byType[b.Type] = append(byType[b.Type], b)
		if b.Type == "lab" {
			labBlocks = append(labBlocks, b)
		}
	}
	switch {
	case len(labBlocks) == 0:
		l.errorf(&hcl.Range{Filename: shown, Start: hcl.InitialPos, End: hcl.InitialPos},
			"Missing lab block", `A lab file needs exactly one lab block, e.g. lab "my-lab" { title = "..." }.`)
	default:
		for _, b := range labBlocks[1:] {
			l.errorf(b.DefRange.Ptr(), "Duplicate lab block",
				"A lab file has exactly one lab block; the first is at %s.", labBlocks[0].DefRange)
		}
	}

	l.decodeVariables(byType["variable"])
	l.ctx = &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(l.vars)},
		Functions: l.funcs,
	}
	l.decodeLocals(byType["locals"])
	if len(labBlocks) > 0 {
		l.decodeLab(labBlocks[0])
	}
	l.decodeNetworks(byType["network"])
	def := l.decodeDefaults(byType["defaults"])
	l.decodeNodes(byType["node"], def)
	if err := l.budget.Err(); err != nil {
		l.errorf(nil, "Lab not loaded", "Loading %s stopped: %v.", shown, err)
	}

	diags = l.finish(l.diags)
	if diags.HasErrors() {
		return nil, diags
	}
	l.lab.Hash = l.hash(src)
	return l.lab, diags
}

func (l *loader) readLabFile(base string) ([]byte, error) {
	return ReadFS(l.cx, l.fsys, path.Join(l.dir, base), maxLabFileSize)
}

func (l *loader) decodeLab(b *hcl.Block) {
	l.lab.Name = b.Labels[0]
	if err := checkName(b.Labels[0], 2); err != nil {
		l.errorf(b.LabelRanges[0].Ptr(), "Invalid lab name", "%s", err)
	}
	content, diags := b.Body.Content(labSchema)
	l.diags = append(l.diags, diags...)
	l.lab.Title, _ = l.evalString(content.Attributes["title"], l.ctx)
	l.lab.Description, _ = l.evalString(content.Attributes["description"], l.ctx)
}

// hash digests the lab source, every file it read (by its path relative to
// the lab directory) and the variable values. The lab file's own path is
// left out, so the same lab hashes the same from a directory and from the
// embedded catalog.
func (l *loader) hash(src []byte) string {
	h := sha256.New()
	writePart := func(kind, name string, data []byte) {
		fmt.Fprintf(h, "%s %q %d\n", kind, name, len(data))
		h.Write(data)
	}
	writePart("lab", "", src)
	names := make([]string, 0, len(l.reads))
	for n := range l.reads {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		writePart("file", n, l.reads[n])
	}
	vnames := make([]string, 0, len(l.vars))
	for n := range l.vars {
		vnames = append(vnames, n)
	}
	sort.Strings(vnames)
	for _, n := range vnames {
		writePart("var", n, []byte(l.vars[n].GoString()))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// finish dedupes diagnostics, rewrites HCL's generic message for unknown
// var.x / local.x references into a specific one, and orders them by
// position (diagnostics without a position first).
func (l *loader) finish(diags hcl.Diagnostics) hcl.Diagnostics {
	diags = dedupe(diags)
	for _, d := range diags {
		if d.Summary != "Unsupported attribute" || d.Expression == nil {
			continue
		}
		st, ok := d.Expression.(*hclsyntax.ScopeTraversalExpr)
		if !ok || len(st.Traversal) < 2 {
			continue
		}
		step, ok := st.Traversal[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		switch st.Traversal.RootName() {
		case "var":
			d.Summary = "Reference to undeclared variable"
			d.Detail = fmt.Sprintf("The lab declares no variable %q.%s", step.Name, suggest(step.Name, keysOf(l.vars)))
		case "local":
			if locals, ok := l.ctx.Variables["local"]; ok && locals.Type().IsObjectType() {
				d.Summary = "Reference to undeclared local value"
				d.Detail = fmt.Sprintf("There is no local value %q.%s", step.Name, suggest(step.Name, keysOf(locals.Type().AttributeTypes())))
			}
		}
	}
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a == nil && b != nil
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return diags
}
