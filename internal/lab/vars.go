package lab

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"},
		{Name: "default"},
		{Name: "description"},
	},
}

// variable is a declared input variable.
type variable struct {
	name  string
	ty    cty.Type
	block *hcl.Block
	value cty.Value // NilVal until set
	// invalid is set when a value was given but could not be used (an
	// error was reported already).
	invalid bool
}

// decodeVariables declares the variables and sets their values from their
// defaults, the variable files and the command line, in that order.
func (l *loader) decodeVariables(blocks []*hcl.Block) {
	l.vars = make(map[string]cty.Value)
	decl := make(map[string]*variable)
	var order []*variable
	funcsOnly := &hcl.EvalContext{Functions: l.funcs}
	for _, b := range blocks {
		name := b.Labels[0]
		if !hclsyntax.ValidIdentifier(name) {
			l.errorf(b.LabelRanges[0].Ptr(), "Invalid variable name",
				"A variable name must start with a letter or underscore and contain only letters, digits, underscores and dashes.")
			continue
		}
		if prev, ok := decl[name]; ok {
			l.errorf(b.LabelRanges[0].Ptr(), "Duplicate variable",
				"Variable %q was already declared at %s.", name, prev.block.DefRange)
			continue
		}
		v := &variable{name: name, ty: cty.DynamicPseudoType, block: b}
		decl[name] = v
		order = append(order, v)
		content, diags := b.Body.Content(variableSchema)
		l.diags = append(l.diags, diags...)
		if a := content.Attributes["type"]; a != nil {
			ty, diags := typeexpr.TypeConstraint(a.Expr)
			l.diags = append(l.diags, diags...)
			if !diags.HasErrors() {
				v.ty = ty
			}
		}
		if a := content.Attributes["description"]; a != nil {
			_, _ = l.evalString(a, funcsOnly)
		}
		if a := content.Attributes["default"]; a != nil {
			val, diags := a.Expr.Value(funcsOnly)
			l.diags = append(l.diags, diags...)
			if !diags.HasErrors() {
				v.value = l.convertVar(v, val, a.Expr.Range().Ptr())
			}
			v.invalid = v.value == cty.NilVal
		}
	}

	for _, f := range l.opts.VarFiles {
		l.readVarFile(f, decl)
	}
	names := make([]string, 0, len(l.opts.Vars))
	for n := range l.opts.Vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		raw := l.opts.Vars[n]
		v, ok := decl[n]
		if !ok {
			l.errorf(nil, "Value for undeclared variable",
				"--var %s=...: the lab declares no variable %q.%s", n, n, suggest(n, keysOf(decl)))
			continue
		}
		if v.ty == cty.String || v.ty == cty.DynamicPseudoType {
			v.value, v.invalid = cty.StringVal(raw), false
			continue
		}
		v.invalid = true
		fname := fmt.Sprintf("<value for var.%s>", n)
		if diags := CheckNesting([]byte(raw), fname, false); diags.HasErrors() {
			l.diags = append(l.diags, diags...)
			continue
		}
		expr, diags := hclsyntax.ParseExpression([]byte(raw), fname, hcl.InitialPos)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			continue
		}
		l.budget.Instrument(expr)
		val, diags := expr.Value(l.budgetOnly())
		l.diags = append(l.diags, diags...)
		if !diags.HasErrors() {
			if c := l.convertVar(v, val, nil); c != cty.NilVal {
				v.value, v.invalid = c, false
			}
		}
	}

	for _, v := range order {
		if v.value == cty.NilVal && !v.invalid {
			l.errorf(v.block.DefRange.Ptr(), "No value for required variable",
				"Variable %q has no default value; set it with --var %s=VALUE or in a --var-file.", v.name, v.name)
			v.value = cty.UnknownVal(v.ty)
		}
		l.vars[v.name] = v.value
	}
}

// budgetOnly is the evaluation context of constant values (variable files
// and --var values): no variables, and only the budget function that the
// loader wraps around for expressions.
func (l *loader) budgetOnly() *hcl.EvalContext {
	return &hcl.EvalContext{Functions: l.budget.Funcs()}
}

// convertVar converts val to the variable's type, reporting a mismatch.
func (l *loader) convertVar(v *variable, val cty.Value, subject *hcl.Range) cty.Value {
	out, err := convert.Convert(val, v.ty)
	if err != nil {
		l.errorf(subject, "Invalid value for variable",
			"Variable %q wants %s: %s.", v.name, typeexpr.TypeString(v.ty), err)
		return cty.NilVal
	}
	return out
}

// readVarFile reads an OS file of "name = value" attributes.
func (l *loader) readVarFile(name string, decl map[string]*variable) {
	src, err := ReadOS(l.cx, name, maxLabFileSize)
	if err != nil {
		l.errorf(nil, "Cannot read variables file", "Reading %s: %v.", name, err)
		return
	}
	if diags := CheckNesting(src, name, false); diags.HasErrors() {
		l.files.Add(name, &hcl.File{Bytes: src})
		l.diags = append(l.diags, diags...)
		return
	}
	file, diags := l.parser.ParseHCL(src, name)
	if file != nil {
		l.files.Add(name, file)
	}
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		return
	}
	l.budget.Instrument(file.Body)
	attrs, diags := file.Body.JustAttributes()
	l.diags = append(l.diags, diags...)
	list := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Range.Start.Byte < list[j].Range.Start.Byte })
	for _, a := range list {
		v, ok := decl[a.Name]
		if !ok {
			l.diags = append(l.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("The lab declares no variable %q; this value is ignored.%s", a.Name, suggest(a.Name, keysOf(decl))),
				Subject:  a.NameRange.Ptr(),
			})
			continue
		}
		val, diags := a.Expr.Value(l.budgetOnly())
		l.diags = append(l.diags, diags...)
		if !diags.HasErrors() {
			if c := l.convertVar(v, val, a.Expr.Range().Ptr()); c != cty.NilVal {
				v.value = c
			}
		}
	}
}

// decodeLocals evaluates every local value in dependency order and adds
// "local" to the evaluation context.
func (l *loader) decodeLocals(blocks []*hcl.Block) {
	attrs := make(map[string]*hcl.Attribute)
	for _, b := range blocks {
		as, diags := b.Body.JustAttributes()
		l.diags = append(l.diags, diags...)
		for name, a := range as {
			if prev, ok := attrs[name]; ok {
				first, second := prev, a
				if first.Range.Start.Byte > second.Range.Start.Byte && first.Range.Filename == second.Range.Filename {
					first, second = second, first
				}
				l.errorf(second.NameRange.Ptr(), "Duplicate local value",
					"Local %q was already defined at %s.", name, first.NameRange)
				continue
			}
			attrs[name] = a
		}
	}
	names := keysOfAttrs(attrs)
	locals := make(map[string]cty.Value, len(attrs))
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[string]int, len(attrs))
	var stack []string
	failed := make(map[string]bool)
	var visit func(name string) bool
	visit = func(name string) bool {
		switch state[name] {
		case done:
			return !failed[name]
		case visiting:
			i := 0
			for i < len(stack) && stack[i] != name {
				i++
			}
			chain := append(append([]string{}, stack[i:]...), name)
			for k := range chain {
				chain[k] = "local." + chain[k]
			}
			l.errorf(attrs[name].NameRange.Ptr(), "Cycle in local values",
				"Local values refer to each other in a loop: %s.", strings.Join(chain, " -> "))
			return false
		}
		state[name] = visiting
		stack = append(stack, name)
		a := attrs[name]
		ok := true
		for _, tr := range a.Expr.Variables() {
			if tr.RootName() != "local" || len(tr) < 2 {
				continue
			}
			step, isAttr := tr[1].(hcl.TraverseAttr)
			if !isAttr {
				continue
			}
			if _, declared := attrs[step.Name]; !declared {
				l.errorf(tr.SourceRange().Ptr(), "Reference to undeclared local value",
					"There is no local value %q.%s", step.Name, suggest(step.Name, names))
				ok = false
				continue
			}
			if !visit(step.Name) {
				ok = false
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
		if !ok {
			failed[name] = true
			locals[name] = cty.DynamicVal
			return false
		}
		ctx := l.ctx.NewChild()
		ctx.Variables = map[string]cty.Value{"local": cty.ObjectVal(locals)}
		val, diags := a.Expr.Value(ctx)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() {
			val = cty.DynamicVal
			failed[name] = true
		} else if err := l.budget.Charge(val); err != nil {
			l.errorf(a.Expr.Range().Ptr(), "Local value too large", "local.%s: %v.", name, err)
			val = cty.DynamicVal
			failed[name] = true
		}
		locals[name] = val
		return !failed[name]
	}
	for _, n := range names {
		if state[n] == unvisited {
			visit(n)
		}
	}
	l.ctx.Variables["local"] = cty.ObjectVal(locals)
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func keysOfAttrs(m map[string]*hcl.Attribute) []string {
	out := keysOf(m)
	sort.Slice(out, func(i, j int) bool {
		return m[out[i]].Range.Start.Byte < m[out[j]].Range.Start.Byte
	})
	return out
}

// suggest returns `; did you mean "x"?` for the closest candidate, or "".
func suggest(name string, candidates []string) string {
	best, bestD := "", 0
	for _, c := range candidates {
		d := levenshtein(name, c)
		if d <= 1+len(name)/4 && (best == "" || d < bestD) {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(` Did you mean %q?`, best)
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
