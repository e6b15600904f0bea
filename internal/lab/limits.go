package lab

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Bounds of the pids attribute (the number of processes and threads a
// node may have).
const (
	MinPids = 64
	MaxPids = 65536
)

// evalPids evaluates a pids attribute: a whole number of processes
// between MinPids and MaxPids.
func (l *loader) evalPids(a *hcl.Attribute, ctx *hcl.EvalContext) (int64, bool) {
	v, ok := l.evalAs(a, ctx, cty.Number, "pids")
	if !ok {
		return 0, false
	}
	bf := v.AsBigFloat()
	n, _ := bf.Int64()
	if !bf.IsInt() || n < MinPids || n > MaxPids {
		l.errorf(a.Expr.Range().Ptr(), "Invalid pids",
			"pids is the most processes a node may run: a whole number between %d and %d; got %s.", MinPids, MaxPids, bf.Text('g', 10))
		return 0, false
	}
	return n, true
}
