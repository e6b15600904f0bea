package check

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Build turns a check block into a typed check. Value problems (a bad
// regexp, an unknown enum string, a port out of range) are returned as
// diagnostics located on the offending field; the check is nil when any
// diagnostic is an error.
func Build(spec *scenario.CheckSpec) (Check, hcl.Diagnostics) {
	if spec == nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Missing check"}}
	}
	t, ok := typeByName[spec.Type]
	if !ok {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unknown check type",
			Detail:   fmt.Sprintf("There is no check type %q.", spec.Type),
			Subject:  spec.Range.Ptr(),
		}}
	}
	f := &fields{spec: spec}
	if spec.On == "" {
		f.errf("on", "Missing node", "Every check needs on = \"<node name>\".")
	}
	c := t.build(f, base{typ: spec.Type, node: spec.On, title: spec.Title})
	if f.diags.HasErrors() {
		return nil, f.diags
	}
	return c, f.diags
}

// base carries what every check has.
type base struct {
	typ, node, title string
}

// Type returns the check type name.
func (b base) Type() string { return b.typ }

// Node returns the node the probe runs on.
func (b base) Node() string { return b.node }

// describeText is the check's title when it has one (the scenario's own
// words, the same in every language), else def.
func (b base) describeText(def i18n.Localizer) i18n.Localizer {
	if b.title != "" {
		return i18n.Raw(b.title)
	}
	return def
}

// fields reads typed values from a spec and collects diagnostics.
type fields struct {
	spec  *scenario.CheckSpec
	diags hcl.Diagnostics
}

func (f *fields) rng(name string) *hcl.Range {
	if r, ok := f.spec.FieldRanges[name]; ok {
		return r.Ptr()
	}
	return f.spec.Range.Ptr()
}

func (f *fields) errf(name, summary, format string, args ...any) {
	f.diags = append(f.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf("%s check, field %q: %s", f.spec.Type, name, fmt.Sprintf(format, args...)),
		Subject:  f.rng(name),
	})
}

func (f *fields) value(name string, ty cty.Type) (cty.Value, bool) {
	v, ok := f.spec.Fields[name]
	if !ok || v.IsNull() {
		return cty.NilVal, false
	}
	cv, err := convert.Convert(v, ty)
	if err != nil || !cv.IsKnown() {
		f.errf(name, "Incorrect attribute value type", "%s is required.", ty.FriendlyName())
		return cty.NilVal, false
	}
	return cv, true
}

func (f *fields) has(name string) bool {
	v, ok := f.spec.Fields[name]
	return ok && !v.IsNull()
}

func (f *fields) str(name, def string) string {
	if v, ok := f.value(name, cty.String); ok {
		return v.AsString()
	}
	return def
}

// reqStr returns a required, non-empty string field.
func (f *fields) reqStr(name string) string {
	s := f.str(name, "")
	if s == "" && !f.diags.HasErrors() {
		f.errf(name, "Missing value", "a non-empty value is required.")
	}
	return s
}

func (f *fields) boolean(name string, def bool) bool {
	if v, ok := f.value(name, cty.Bool); ok {
		return v.True()
	}
	return def
}

func (f *fields) integer(name string, def, lo, hi int) int {
	v, ok := f.value(name, cty.Number)
	if !ok {
		return def
	}
	bf := v.AsBigFloat()
	i, acc := bf.Int64()
	if !bf.IsInt() || acc != big.Exact || i < int64(lo) || i > int64(hi) {
		f.errf(name, "Value out of range", "must be a whole number from %d to %d, got %s.", lo, hi, bf.Text('g', -1))
		return def
	}
	return int(i)
}

func (f *fields) list(name string) []string {
	v, ok := f.value(name, cty.List(cty.String))
	if !ok {
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			f.errf(name, "Invalid value", "list elements must not be null.")
			continue
		}
		out = append(out, e.AsString())
	}
	return out
}

func (f *fields) enum(name, def string, allowed ...string) string {
	s := f.str(name, def)
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	hint := ""
	if sg := scenario.Suggest(s, allowed); sg != "" {
		hint = fmt.Sprintf(" Did you mean %q?", sg)
	}
	f.errf(name, "Invalid value", "%q is not one of %s.%s", s, strings.Join(allowed, ", "), hint)
	return def
}

func (f *fields) regexp(name string) *regexp.Regexp {
	if !f.has(name) {
		return nil
	}
	s := f.str(name, "")
	re, err := regexp.Compile(s)
	if err != nil {
		f.errf(name, "Invalid regular expression", "%s (Go RE2 syntax).", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return nil
	}
	return re
}

// safeName rejects values that are used as command operands and could be
// taken for options, or that contain characters no valid name has.
func (f *fields) safeName(name, v string) {
	if v == "" {
		return
	}
	if strings.HasPrefix(v, "-") || strings.ContainsAny(v, " \t\r\n\x00/") {
		f.errf(name, "Invalid value", "%q is not a valid name (no leading '-', no whitespace or '/').", v)
	}
}
