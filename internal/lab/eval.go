package lab

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// evalAs evaluates a and converts the result to ty. ok is false when the
// attribute is absent, null, not fully known (an error was reported
// elsewhere) or invalid (an error is reported here).
func (l *loader) evalAs(a *hcl.Attribute, ctx *hcl.EvalContext, ty cty.Type, what string) (cty.Value, bool) {
	if a == nil {
		return cty.NilVal, false
	}
	val, ok := l.evalFast(a, ctx)
	if !ok {
		return cty.NilVal, false
	}
	return l.convertAs(a, val, ty, what)
}

// evalFast evaluates a (not nil) and records its diagnostics. ok is false
// when evaluation failed or the value is null or not fully known.
func (l *loader) evalFast(a *hcl.Attribute, ctx *hcl.EvalContext) (cty.Value, bool) {
	val, diags := a.Expr.Value(ctx)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() || val.IsNull() || !val.IsWhollyKnown() {
		return cty.NilVal, false
	}
	return val, true
}

// convertAs is the second half of evalAs: it converts val, the value of a,
// to ty.
func (l *loader) convertAs(a *hcl.Attribute, val cty.Value, ty cty.Type, what string) (cty.Value, bool) {
	out, err := convert.Convert(val, ty)
	if err != nil {
		l.errorf(a.Expr.Range().Ptr(), "Incorrect attribute value type",
			"%s must be %s: %s.", what, friendlyType(ty), err)
		return cty.NilVal, false
	}
	if out.IsNull() || !out.IsWhollyKnown() {
		return cty.NilVal, false
	}
	return out, true
}

func friendlyType(ty cty.Type) string {
	switch {
	case ty == cty.String:
		return "a string"
	case ty == cty.Number:
		return "a number"
	case ty == cty.Bool:
		return "true or false"
	case ty.IsListType():
		return "a list of " + strings.TrimPrefix(friendlyType(ty.ElementType()), "a ") + "s"
	case ty.IsMapType():
		return "a map of " + strings.TrimPrefix(friendlyType(ty.ElementType()), "a ") + "s"
	}
	return ty.FriendlyName()
}

func (l *loader) evalString(a *hcl.Attribute, ctx *hcl.EvalContext) (string, bool) {
	v, ok := l.evalAs(a, ctx, cty.String, attrName(a))
	if !ok {
		return "", false
	}
	return v.AsString(), true
}

func (l *loader) evalBool(a *hcl.Attribute, ctx *hcl.EvalContext) (bool, bool) {
	v, ok := l.evalAs(a, ctx, cty.Bool, attrName(a))
	if !ok {
		return false, false
	}
	return v.True(), true
}

func (l *loader) evalStringList(a *hcl.Attribute, ctx *hcl.EvalContext) ([]string, bool) {
	if a == nil {
		return nil, false
	}
	if val, ok := l.evalFast(a, ctx); ok {
		if out, ok := stringElems(val); ok {
			return out, true
		}
		return l.convertStringList(a, val)
	}
	return nil, false
}

// convertStringList converts an evaluated value to a list of strings,
// reporting a type error like evalAs.
func (l *loader) convertStringList(a *hcl.Attribute, val cty.Value) ([]string, bool) {
	v, ok := l.convertAs(a, val, cty.List(cty.String), attrName(a))
	if !ok {
		return nil, false
	}
	out := make([]string, 0, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e.AsString())
	}
	return out, true
}

func (l *loader) evalStringMap(a *hcl.Attribute, ctx *hcl.EvalContext) (map[string]string, bool) {
	if a == nil {
		return nil, false
	}
	val, ok := l.evalFast(a, ctx)
	if !ok {
		return nil, false
	}
	if ty := val.Type(); ty.IsObjectType() && allStringAttrs(ty.AttributeTypes()) && !val.IsMarked() {
		// An object of strings converts to a map of strings element by
		// element; read it directly.
		out := make(map[string]string, len(ty.AttributeTypes()))
		for it := val.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if e.IsNull() || e.IsMarked() {
				return l.convertStringMap(a, val)
			}
			out[k.AsString()] = e.AsString()
		}
		return out, true
	}
	return l.convertStringMap(a, val)
}

// convertStringMap converts an evaluated value to a map of strings,
// reporting a type error like evalAs.
func (l *loader) convertStringMap(a *hcl.Attribute, val cty.Value) (map[string]string, bool) {
	v, ok := l.convertAs(a, val, cty.Map(cty.String), attrName(a))
	if !ok {
		return nil, false
	}
	out := make(map[string]string, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		out[k.AsString()] = e.AsString()
	}
	return out, true
}

// stringElems returns the elements of a tuple or list of known, non-null,
// unmarked strings, which convert to a list of strings unchanged. ok is
// false for any other value.
func stringElems(val cty.Value) ([]string, bool) {
	ty := val.Type()
	switch {
	case ty.IsTupleType():
		if !allString(ty.TupleElementTypes()) {
			return nil, false
		}
	case ty.IsListType():
		if ty.ElementType() != cty.String {
			return nil, false
		}
	default:
		return nil, false
	}
	if val.IsMarked() {
		return nil, false
	}
	out := make([]string, 0, val.LengthInt())
	for it := val.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || e.IsMarked() {
			return nil, false
		}
		out = append(out, e.AsString())
	}
	return out, true
}

// allString reports whether every element type of a tuple type is string.
func allString(types []cty.Type) bool {
	for _, t := range types {
		if t != cty.String {
			return false
		}
	}
	return true
}

// allStringAttrs reports whether every attribute type of an object type is
// string.
func allStringAttrs(types map[string]cty.Type) bool {
	for _, t := range types {
		if t != cty.String {
			return false
		}
	}
	return true
}

func attrName(a *hcl.Attribute) string {
	if a == nil {
		return "value"
	}
	return a.Name
}

// maxCPUs bounds the cpus attribute.
const maxCPUs = 1024

// evalCPUs evaluates a cpus attribute: a positive number of CPUs.
func (l *loader) evalCPUs(a *hcl.Attribute, ctx *hcl.EvalContext) (float64, bool) {
	v, ok := l.evalAs(a, ctx, cty.Number, "cpus")
	if !ok {
		return 0, false
	}
	f, _ := v.AsBigFloat().Float64()
	if !(f >= 0.01 && f <= maxCPUs) {
		l.errorf(a.Expr.Range().Ptr(), "Invalid cpus",
			"cpus must be a number of CPUs between 0.01 and %d, e.g. 0.5 or 2; got %s.", maxCPUs, v.AsBigFloat().Text('g', 10))
		return 0, false
	}
	return f, true
}

// Memory bounds: the engine refuses limits under 6 MiB; more than 64 GiB
// for one practice node is a typo.
const (
	minMemory = 6 << 20
	maxMemory = 64 << 30
)

var memoryRE = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)?)\s*([kKmMgGtT]?)(?:[iI]?[bB])?$`)

// evalMemory evaluates a memory attribute: "512m", "1g", "1.5g" or a number
// of bytes.
func (l *loader) evalMemory(a *hcl.Attribute, ctx *hcl.EvalContext) (int64, bool) {
	if a == nil {
		return 0, false
	}
	val, diags := a.Expr.Value(ctx)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() || val.IsNull() || !val.IsWhollyKnown() {
		return 0, false
	}
	bad := func(format string, args ...any) (int64, bool) {
		l.errorf(a.Expr.Range().Ptr(), "Invalid memory", format, args...)
		return 0, false
	}
	var bytes float64
	switch {
	case val.Type() == cty.Number:
		bf := val.AsBigFloat()
		if !bf.IsInt() {
			return bad("A memory size in bytes must be a whole number; use a string such as \"512m\" or \"1g\".")
		}
		bytes, _ = bf.Float64()
	case val.Type() == cty.String:
		m := memoryRE.FindStringSubmatch(strings.TrimSpace(val.AsString()))
		if m == nil {
			return bad("%q is not a memory size; write a number with an optional unit k, m, g or t, such as \"512m\" or \"1g\".", val.AsString())
		}
		n, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return bad("%q is not a memory size.", val.AsString())
		}
		mult := map[string]float64{"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[strings.ToLower(m[2])]
		bytes = n * mult
	default:
		return bad("memory must be a string such as \"512m\" or a number of bytes, not %s.", val.Type().FriendlyName())
	}
	if bytes < minMemory || bytes > maxMemory {
		return bad("memory must be between 6m and 64g; got %s bytes.", new(big.Float).SetFloat64(bytes).Text('f', 0))
	}
	return int64(bytes), true
}

// checkName checks that s is a valid RFC 1123 host name label of at least
// minLen characters, in lowercase.
func checkName(s string, minLen int) error {
	switch {
	case len(s) < minLen:
		return fmt.Errorf("%q is too short: names need at least %d characters", s, minLen)
	case len(s) > 63:
		return fmt.Errorf("%q is too long: names have at most 63 characters", s)
	case strings.ToLower(s) != s:
		return fmt.Errorf("%q must be lowercase: use %q", s, strings.ToLower(s))
	}
	// Range over runes: a non-ASCII character is named whole, not as the
	// first byte of its UTF-8 encoding (which printed as mojibake).
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return fmt.Errorf("%q contains %q: names may contain only lowercase letters, digits and '-' (a host name label, RFC 1123)", s, string(c))
		}
	}
	if s[0] == '-' || s[len(s)-1] == '-' {
		return fmt.Errorf("%q must start and end with a letter or digit", s)
	}
	return nil
}
