package scenario

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Learner-facing text (scenario title and brief, goal title and hints) is
// written either plainly, which is English, or as an object keyed by
// language:
//
//	title = { en = "Join two subnets", ja = "2 つのサブネットを接続する" }
//	brief = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
//	hints = { en = ["..."], ja = ["..."] }
//
// The object form must have English (the fallback of every lookup) and
// only languages labdojo supports.

func hasBlock(blocks hcl.Blocks, typ string) bool {
	for _, b := range blocks {
		if b.Type == typ {
			return true
		}
	}
	return false
}

// text evaluates a localizable string attribute into dst (every language)
// and en (the English text).
func (l *loader) text(attrs hcl.Attributes, name string, dst *i18n.Text, en *string) hcl.Diagnostics {
	a, ok := attrs[name]
	if !ok {
		return nil
	}
	v, diags := a.Expr.Value(l.ctx)
	if diags.HasErrors() {
		return diags
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		sv, d := l.eval(a, cty.String)
		if d.HasErrors() {
			return d
		}
		*dst = i18n.Plain(sv.AsString())
		*en = sv.AsString()
		return nil
	}
	out := i18n.Text{}
	var errs hcl.Diagnostics
	for lang, ev := range l.byLang(a, v, &errs) {
		sv, err := convert.Convert(ev, cty.String)
		if err != nil || sv.IsNull() || !sv.IsKnown() {
			errs = append(errs, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Incorrect attribute value type",
				Detail:   fmt.Sprintf("The %q text of %q must be a string.", lang, name),
				Subject:  a.Expr.Range().Ptr(),
			})
			continue
		}
		out[lang] = sv.AsString()
	}
	if errs.HasErrors() {
		return errs
	}
	*dst = out
	*en = out[i18n.English]
	return nil
}

// byLang checks a language-keyed object: supported keys only, English
// present. It returns the elements by language.
func (l *loader) byLang(a *hcl.Attribute, v cty.Value, diags *hcl.Diagnostics) map[string]cty.Value {
	out := map[string]cty.Value{}
	if v.IsNull() || !v.IsKnown() {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid attribute value",
			Detail:   fmt.Sprintf("The attribute %q must not be null.", a.Name),
			Subject:  a.Expr.Range().Ptr(),
		})
		return nil
	}
	var keys []string
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		lang := k.AsString()
		keys = append(keys, lang)
		if !i18n.Supported(lang) {
			*diags = append(*diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsupported language",
				Detail:   fmt.Sprintf("The attribute %q has text for %q; languages are %s.%s", a.Name, lang, strings.Join(i18n.Languages, ", "), didYouMean(lang, i18n.Languages)),
				Subject:  a.Expr.Range().Ptr(),
			})
			continue
		}
		out[lang] = e
	}
	if _, ok := out[i18n.English]; !ok {
		sort.Strings(keys)
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing English text",
			Detail:   fmt.Sprintf("The attribute %q is keyed by language (%s) but has no \"en\": English is the fallback for every language.", a.Name, strings.Join(keys, ", ")),
			Subject:  a.Expr.Range().Ptr(),
		})
	}
	return out
}

// hints evaluates a goal's hints: a list of strings (English) or an object
// of lists keyed by language.
func (l *loader) hints(attrs hcl.Attributes, g *Goal) hcl.Diagnostics {
	a, ok := attrs["hints"]
	if !ok {
		return nil
	}
	v, diags := a.Expr.Value(l.ctx)
	if diags.HasErrors() {
		return diags
	}
	if !v.Type().IsObjectType() && !v.Type().IsMapType() {
		lv, d := l.eval(a, cty.List(cty.String))
		if d.HasErrors() {
			return d
		}
		g.Hints = stringList(lv)
		g.HintsByLang = i18n.List{i18n.English: g.Hints}
		return nil
	}
	out := i18n.List{}
	var errs hcl.Diagnostics
	for lang, ev := range l.byLang(a, v, &errs) {
		lv, err := convert.Convert(ev, cty.List(cty.String))
		if err != nil || lv.IsNull() || !lv.IsWhollyKnown() {
			errs = append(errs, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Incorrect attribute value type",
				Detail:   fmt.Sprintf("The %q hints must be a list of strings.", lang),
				Subject:  a.Expr.Range().Ptr(),
			})
			continue
		}
		out[lang] = stringList(lv)
	}
	if errs.HasErrors() {
		return errs
	}
	g.Hints = out[i18n.English]
	g.HintsByLang = out
	return nil
}

func (l *loader) boolean(attrs hcl.Attributes, name string, dst *bool) hcl.Diagnostics {
	a, ok := attrs[name]
	if !ok {
		return nil
	}
	v, d := l.eval(a, cty.Bool)
	if !d.HasErrors() {
		*dst = v.True()
	}
	return d
}

var faultSchemas = map[string]*hcl.BodySchema{
	FaultLinkDown: {Attributes: []hcl.AttributeSchema{{Name: "node", Required: true}, {Name: "interface", Required: true}}},
	FaultNodeDown: {Attributes: []hcl.AttributeSchema{{Name: "node", Required: true}}},
}

// dataInterface matches a lab data interface: eth0 is management and is
// never taken down (grading runs over it).
var dataInterface = regexp.MustCompile(`^eth[1-9][0-9]{0,2}$`)

// fault loads a fault block of a goal.
func (l *loader) fault(b *hcl.Block) (*FaultSpec, hcl.Diagnostics) {
	typ := b.Labels[0]
	schema, ok := faultSchemas[typ]
	if !ok {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unknown fault type",
			Detail:   fmt.Sprintf("There is no fault type %q.%s Fault types: %s.", typ, didYouMean(typ, FaultTypes), strings.Join(FaultTypes, ", ")),
			Subject:  b.LabelRanges[0].Ptr(),
		}}
	}
	content, diags := b.Body.Content(schema)
	f := &FaultSpec{Type: typ, Range: b.DefRange}
	diags = append(diags, l.str(content.Attributes, "node", &f.Node)...)
	diags = append(diags, l.str(content.Attributes, "interface", &f.Interface)...)
	if a, ok := content.Attributes["interface"]; ok && !diags.HasErrors() && !dataInterface.MatchString(f.Interface) {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid interface",
			Detail:   fmt.Sprintf("A fault takes down a data interface eth1..ethN; %q is not one (eth0 is the management interface labdojo grades over).", f.Interface),
			Subject:  a.Expr.Range().Ptr(),
		})
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return f, diags
}
