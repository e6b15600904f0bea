package lab

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Evaluation limits. HCL's parser and evaluator recurse once per nesting
// level and loop without bound over for expressions; these limits keep a
// hostile file's load within a few hundred megabytes and a few seconds,
// far above anything a lab or scenario needs.
const (
	// MaxNesting bounds the nesting of one expression: brackets, braces,
	// parentheses, template interpolations and directives, plus the
	// operators of one expression (each is a level of the evaluator).
	MaxNesting = 256
	// MaxEvalSteps bounds the iterations of for expressions and the
	// function calls of one load. HCL keeps iterating a for expression
	// after an error in its body, so each for expression is charged its
	// collection's length before it starts.
	MaxEvalSteps = 1 << 18
	// MaxEvalSize bounds the total size of values produced while
	// loading: bytes of strings plus elements of collections.
	MaxEvalSize = 64 << 20
)

// BudgetFuncName is the function the loaders wrap around the bodies of for
// expressions to charge each iteration to the evaluation budget, and
// BudgetCollFuncName the one wrapped around their collections to charge
// their length before the loop starts. Both are the identity function;
// calling them by hand is harmless.
const (
	BudgetFuncName     = "dojo_budget_"
	BudgetCollFuncName = "dojo_budget_coll_"
)

// CheckNesting scans an HCL source (a template when template is true)
// without parsing it and reports, at the offending position, an
// expression nested deeper than MaxNesting. Run it before parsing: the
// parser recurses once per level and a deep enough file would overflow
// the stack.
func CheckNesting(src []byte, filename string, template bool) hcl.Diagnostics {
	var toks hclsyntax.Tokens
	if template {
		toks, _ = hclsyntax.LexTemplate(src, filename, hcl.InitialPos)
	} else {
		toks, _ = hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	}
	// Each open bracket is a frame; ops counts the operators of the
	// current element of a frame (reset by a comma or newline).
	type frame struct{ ops int }
	stack := []frame{{}}
	depth := 0 // sum over frames of 1 + ops
	for i, tok := range toks {
		top := &stack[len(stack)-1]
		switch tok.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenTemplateInterp, hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
			stack = append(stack, frame{})
			depth++
		case hclsyntax.TokenTemplateControl:
			stack = append(stack, frame{})
			depth++
			// if and for directives nest until their end directive.
			if i+1 < len(toks) && toks[i+1].Type == hclsyntax.TokenIdent {
				switch string(toks[i+1].Bytes) {
				case "if", "for":
					depth++
				case "endif", "endfor":
					depth--
				}
			}
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
			if len(stack) > 1 {
				depth -= 1 + top.ops
				stack = stack[:len(stack)-1]
			}
		case hclsyntax.TokenComma, hclsyntax.TokenNewline:
			depth -= top.ops
			top.ops = 0
		case hclsyntax.TokenStar, hclsyntax.TokenSlash, hclsyntax.TokenPlus, hclsyntax.TokenMinus,
			hclsyntax.TokenPercent, hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual,
			hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan,
			hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr, hclsyntax.TokenBang,
			hclsyntax.TokenQuestion, hclsyntax.TokenDot, hclsyntax.TokenEllipsis:
			top.ops++
			depth++
		}
		if depth > MaxNesting {
			rng := tok.Range
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Expression nested too deeply",
				Detail: fmt.Sprintf("This file nests brackets, templates or operators more than %d levels deep here; "+
					"split the expression into local values.", MaxNesting),
				Subject: &rng,
			}}
		}
	}
	return nil
}

// ErrBudget is the error of an evaluation that exceeded its budget.
var ErrBudget = errors.New("evaluation budget exceeded")

// Budget bounds the work of one load: iterations of for expressions,
// function calls and the size of the values they produce. It also stops
// evaluation when its context is done (Ctrl-C). The zero value is not
// usable; call NewBudget.
type Budget struct {
	ctx         context.Context
	steps, size atomic.Int64
}

// NewBudget returns a budget that also fails once ctx is done.
func NewBudget(ctx context.Context) *Budget {
	return &Budget{ctx: ctx}
}

// charge counts one step producing size units and fails once a limit is
// passed or the context is done.
func (b *Budget) charge(size int64) error { return b.chargeSteps(1, size) }

// chargeSteps counts n steps producing size units.
func (b *Budget) chargeSteps(n, size int64) error {
	steps := b.steps.Add(n)
	total := b.size.Add(size)
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if steps > MaxEvalSteps {
		return fmt.Errorf("%w: more than %d loop iterations and function calls; make the lab smaller", ErrBudget, MaxEvalSteps)
	}
	if total > MaxEvalSize {
		return fmt.Errorf("%w: the values computed exceed %d MiB; make the lab smaller", ErrBudget, MaxEvalSize>>20)
	}
	return nil
}

// Err reports a done context or an exhausted budget.
func (b *Budget) Err() error {
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if b.steps.Load() > MaxEvalSteps || b.size.Load() > MaxEvalSize {
		return ErrBudget
	}
	return nil
}

// shallowSize is the cost of a value: its length for a known string or
// collection, 1 otherwise.
func shallowSize(v cty.Value) int64 {
	if !v.IsKnown() || v.IsNull() {
		return 1
	}
	v, _ = v.Unmark()
	ty := v.Type()
	switch {
	case ty == cty.String:
		return int64(len(v.AsString())) + 1
	case ty.IsListType() || ty.IsSetType() || ty.IsMapType() || ty.IsTupleType() || ty.IsObjectType():
		return int64(v.LengthInt()) + 1
	}
	return 1
}

// Charge adds a value computed outside any function (e.g. a local value)
// to the budget, by its deep size.
func (b *Budget) Charge(v cty.Value) error {
	return b.charge(deepSize(v, MaxEvalSize+1))
}

// deepSize sums shallowSize over v and its elements, stopping at limit.
func deepSize(v cty.Value, limit int64) int64 {
	total := shallowSize(v)
	if !v.IsKnown() || v.IsNull() || !v.CanIterateElements() {
		return total
	}
	v, _ = v.Unmark()
	for it := v.ElementIterator(); it.Next() && total < limit; {
		_, e := it.Element()
		total += deepSize(e, limit-total)
	}
	return total
}

// Func is the budget function (BudgetFuncName): the identity, charging one
// step and the size of its argument.
func (b *Budget) Func() function.Function {
	return b.identity(func(v cty.Value) error { return b.charge(shallowSize(v)) })
}

// CollFunc is the collection budget function (BudgetCollFuncName): the
// identity, charging a step per element of its argument.
func (b *Budget) CollFunc() function.Function {
	return b.identity(func(v cty.Value) error { return b.chargeSteps(shallowSize(v), 0) })
}

// Funcs returns both budget functions by name, for evaluation contexts
// with no other function.
func (b *Budget) Funcs() map[string]function.Function {
	return map[string]function.Function{BudgetFuncName: b.Func(), BudgetCollFuncName: b.CollFunc()}
}

func (b *Budget) identity(charge func(cty.Value) error) function.Function {
	return function.New(&function.Spec{
		Description: "Identity; charges the evaluation budget (inserted by the loader).",
		Params: []function.Parameter{{
			Name: "value", Type: cty.DynamicPseudoType,
			AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true,
		}},
		Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if err := charge(args[0]); err != nil {
				return cty.NilVal, err
			}
			return args[0], nil
		},
	})
}

// Instrument rewrites every for expression under node (a parsed body or
// expression) so that each iteration calls the budget function. Run
// CheckNesting on the source first. Bodies that are not hclsyntax nodes
// are left alone.
func (b *Budget) Instrument(node any) {
	n, ok := node.(hclsyntax.Node)
	if !ok {
		return
	}
	hclsyntax.VisitAll(n, func(n hclsyntax.Node) hcl.Diagnostics {
		if f, ok := n.(*hclsyntax.ForExpr); ok {
			f.CollExpr = budgetCall(BudgetCollFuncName, f.CollExpr)
			f.ValExpr = budgetCall(BudgetFuncName, f.ValExpr)
			if f.CondExpr != nil {
				f.CondExpr = budgetCall(BudgetFuncName, f.CondExpr)
			}
		}
		return nil
	})
}

func budgetCall(name string, e hclsyntax.Expression) hclsyntax.Expression {
	if c, ok := e.(*hclsyntax.FunctionCallExpr); ok && c.Name == name {
		return e
	}
	r := e.Range()
	start := hcl.Range{Filename: r.Filename, Start: r.Start, End: r.Start}
	end := hcl.Range{Filename: r.Filename, Start: r.End, End: r.End}
	return &hclsyntax.FunctionCallExpr{
		Name:            name,
		Args:            []hclsyntax.Expression{e},
		NameRange:       start,
		OpenParenRange:  start,
		CloseParenRange: end,
	}
}

// WrapFunctions returns fns with every function charged to the budget (a
// step per call plus the size of its result) and with the functions whose
// result can be far larger than their arguments checked beforehand; the
// budget function is added. try and can are left as they are: they
// evaluate their arguments themselves.
func (b *Budget) WrapFunctions(fns map[string]function.Function) map[string]function.Function {
	out := make(map[string]function.Function, len(fns)+1)
	for name, f := range fns {
		switch name {
		case "try", "can":
			out[name] = f
		default:
			out[name] = b.wrap(name, f)
		}
	}
	for name, f := range b.Funcs() {
		out[name] = f
	}
	return out
}

func (b *Budget) wrap(name string, f function.Function) function.Function {
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type:        f.ReturnTypeForValues,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if est := estimate(name, args); est > 0 {
				if err := b.charge(est); err != nil {
					return cty.NilVal, err
				}
			}
			if err := b.charge(0); err != nil {
				return cty.NilVal, err
			}
			v, err := f.Call(args)
			if err != nil {
				return v, err
			}
			if err := b.charge(shallowSize(v)); err != nil {
				return cty.NilVal, err
			}
			return v, nil
		},
	})
}

// widthRE finds the widths and precisions of format verbs.
var widthRE = regexp.MustCompile(`%[-+# 0]*(?:\[\d+\])?(\d*)(?:\.(\d*))?`)

// estimate bounds the size of the result of the functions whose result
// can be much larger than their arguments, so the budget refuses the call
// before it allocates. It returns 0 for the others.
func estimate(name string, args []cty.Value) int64 {
	str := func(i int) int64 {
		if i < len(args) && args[i].IsKnown() && !args[i].IsNull() && args[i].Type() == cty.String {
			s, _ := args[i].Unmark()
			return int64(len(s.AsString()))
		}
		return 0
	}
	length := func(i int) int64 {
		if i < len(args) && args[i].IsKnown() && !args[i].IsNull() && args[i].CanIterateElements() {
			v, _ := args[i].Unmark()
			return int64(v.LengthInt())
		}
		return 0
	}
	formatWidth := func() int64 {
		if str(0) == 0 {
			return 0
		}
		s, _ := args[0].Unmark()
		var w int64
		for _, m := range widthRE.FindAllStringSubmatch(s.AsString(), -1) {
			for _, d := range m[1:] {
				if n, err := strconv.ParseInt(d, 10, 64); err == nil {
					w += n
				} else if d != "" {
					return MaxEvalSize + 1
				}
			}
		}
		return w
	}
	switch name {
	case "replace":
		// Every match (at most one per byte, more for an empty pattern)
		// is replaced by the replacement.
		return str(0) + (str(0)+1)*str(2)
	case "join":
		return str(0) * length(1)
	case "indent":
		return str(1) + str(1)*(str(0)+1)
	case "format":
		return formatWidth()
	case "formatlist":
		n := int64(1)
		for i := 1; i < len(args); i++ {
			n = max(n, length(i))
		}
		return n * (formatWidth() + str(0) + 1)
	}
	return 0
}
