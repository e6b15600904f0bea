package lab

import (
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net/netip"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// maxSymlinkHops bounds symlink resolution inside the lab directory.
const maxSymlinkHops = 40

// maxReadSize bounds one file read by file() or source.
const maxReadSize = MaxReadSize

// errEscape marks a path that leaves the lab directory.
var errEscape = errors.New("escapes the lab directory")

// resolve maps p, a path relative to the lab directory, to a path inside
// l.fsys that stays inside the lab directory after every symlink on the way
// is followed. Absolute paths, ".." escapes and symlinks pointing outside
// the lab directory are refused.
func (l *loader) resolve(p string) (string, error) {
	if p == "" {
		return "", errors.New("empty path")
	}
	if path.IsAbs(p) || filepath.IsAbs(p) || strings.HasPrefix(p, `\`) || filepath.VolumeName(p) != "" {
		return "", fmt.Errorf("absolute path %q is not allowed: paths are relative to the lab directory and must stay inside it", p)
	}
	if strings.ContainsRune(p, 0) || !utf8.ValidString(p) {
		return "", fmt.Errorf("path %q is not valid", p)
	}
	comps := strings.Split(p, "/")
	var cur []string
	hops := 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return "", fmt.Errorf("path %q %w", p, errEscape)
			}
			cur = cur[:len(cur)-1]
			continue
		}
		cur = append(cur, c)
		full := path.Join(l.dir, strings.Join(cur, "/"))
		if !fs.ValidPath(full) {
			return "", fmt.Errorf("path %q is not valid", p)
		}
		fi, err := fs.Lstat(l.fsys, full)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("no file %q in the lab directory: %w", p, fs.ErrNotExist)
			}
			return "", fmt.Errorf("path %q: %w", p, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		hops++
		if hops > maxSymlinkHops {
			return "", fmt.Errorf("path %q: too many levels of symbolic links", p)
		}
		target, err := fs.ReadLink(l.fsys, full)
		if err != nil {
			return "", fmt.Errorf("path %q: %w", p, err)
		}
		if path.IsAbs(target) || filepath.IsAbs(target) {
			return "", fmt.Errorf("path %q is a symbolic link to %q, which %w", p, target, errEscape)
		}
		cur = cur[:len(cur)-1]
		comps = append(strings.Split(target, "/"), comps...)
	}
	return path.Join(l.dir, strings.Join(cur, "/")), nil
}

// readFile reads p (relative to the lab directory) and records its content
// for the lab hash. It returns the display name of the file as well.
func (l *loader) readFile(p string) ([]byte, string, error) {
	return l.readFileLimit(p, maxReadSize)
}

// readFileLimit is readFile with a size limit.
func (l *loader) readFileLimit(p string, limit int64) ([]byte, string, error) {
	full, err := l.resolve(p)
	if err != nil {
		return nil, "", err
	}
	data, err := ReadFS(l.cx, l.fsys, full, limit)
	if err != nil {
		return nil, "", fmt.Errorf("read %q: %w", p, err)
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(full, l.dir), "/")
	l.reads[rel] = data
	return data, l.display(rel), nil
}

// functions returns the function table of lab expressions.
func (l *loader) functions() map[string]function.Function {
	fns := map[string]function.Function{
		"abs":             stdlib.AbsoluteFunc,
		"can":             tryfunc.CanFunc,
		"ceil":            stdlib.CeilFunc,
		"chomp":           stdlib.ChompFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        stdlib.CoalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"floor":           stdlib.FloorFunc,
		"format":          stdlib.FormatFunc,
		"formatlist":      stdlib.FormatListFunc,
		"indent":          stdlib.IndentFunc,
		"index":           stdlib.IndexFunc,
		"join":            stdlib.JoinFunc,
		"jsondecode":      stdlib.JSONDecodeFunc,
		"jsonencode":      stdlib.JSONEncodeFunc,
		"keys":            stdlib.KeysFunc,
		"length":          stdlib.LengthFunc,
		"lookup":          stdlib.LookupFunc,
		"lower":           stdlib.LowerFunc,
		"max":             stdlib.MaxFunc,
		"merge":           stdlib.MergeFunc,
		"min":             stdlib.MinFunc,
		"parseint":        stdlib.ParseIntFunc,
		"pow":             stdlib.PowFunc,
		"range":           limitedRangeFunc,
		"regex":           stdlib.RegexFunc,
		"regexall":        stdlib.RegexAllFunc,
		"replace":         stdlib.ReplaceFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"signum":          stdlib.SignumFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"split":           stdlib.SplitFunc,
		"strlen":          stdlib.StrlenFunc,
		"substr":          stdlib.SubstrFunc,
		"title":           stdlib.TitleFunc,
		"tobool":          stdlib.MakeToFunc(cty.Bool),
		"tolist":          stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":           stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":        stdlib.MakeToFunc(cty.Number),
		"toset":           stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":        stdlib.MakeToFunc(cty.String),
		"trim":            stdlib.TrimFunc,
		"trimprefix":      stdlib.TrimPrefixFunc,
		"trimspace":       stdlib.TrimSpaceFunc,
		"trimsuffix":      stdlib.TrimSuffixFunc,
		"try":             tryfunc.TryFunc,
		"upper":           stdlib.UpperFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,
		"cidrhost":        cidrHostFunc,
		"cidrnetmask":     cidrNetmaskFunc,
		"cidrsubnet":      cidrSubnetFunc,
	}
	fns["file"] = l.fileFunc()
	fns["fileexists"] = l.fileExistsFunc()
	fns["templatefile"] = l.templateFileFunc()
	return fns
}

func (l *loader) fileFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Reads a file of the lab directory as UTF-8 text.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			data, _, err := l.readFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			if !utf8.Valid(data) {
				return cty.NilVal, function.NewArgErrorf(0, "file %q is not valid UTF-8", args[0].AsString())
			}
			return cty.StringVal(string(data)), nil
		},
	})
}

func (l *loader) fileExistsFunc() function.Function {
	return function.New(&function.Spec{
		Description: "Reports whether a regular file exists in the lab directory.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			full, err := l.resolve(args[0].AsString())
			if errors.Is(err, fs.ErrNotExist) {
				return cty.False, nil
			}
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			fi, err := fs.Stat(l.fsys, full)
			if err != nil {
				return cty.False, nil
			}
			return cty.BoolVal(fi.Mode().IsRegular()), nil
		},
	})
}

// templateFileFunc renders an HCL template (the ${...} and %{...} syntax)
// read from the lab directory with the given variables. Templates may call
// every function except templatefile itself.
func (l *loader) templateFileFunc() function.Function {
	// fns is the function table of templates, built on the first call
	// from l.funcs (complete and budgeted by then) and shared by later
	// calls.
	var fns map[string]function.Function
	return function.New(&function.Spec{
		Description: "Renders an HCL template file of the lab directory.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			vars := args[1]
			if vars.IsNull() || !vars.IsKnown() || !(vars.Type().IsObjectType() || vars.Type().IsMapType()) {
				return cty.NilVal, function.NewArgErrorf(1, "template variables must be an object or map")
			}
			data, name, err := l.readFileLimit(p, MaxSourceSize)
			if err != nil {
				return cty.NilVal, function.NewArgError(0, err)
			}
			l.files.Add(name, &hcl.File{Bytes: data})
			if diags := CheckNesting(data, name, true); diags.HasErrors() {
				return cty.NilVal, function.NewArgErrorf(0, "template %q: %s", p, diags.Error())
			}
			expr, diags := hclsyntax.ParseTemplate(data, name, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.NilVal, function.NewArgErrorf(0, "template %q: %s", p, diags.Error())
			}
			l.budget.Instrument(expr)
			vm := make(map[string]cty.Value)
			for it := vars.ElementIterator(); it.Next(); {
				k, v := it.Element()
				if !hclsyntax.ValidIdentifier(k.AsString()) {
					return cty.NilVal, function.NewArgErrorf(1, "template variable name %q is not a valid identifier", k.AsString())
				}
				vm[k.AsString()] = v
			}
			if fns == nil {
				fns = make(map[string]function.Function, len(l.funcs))
				for k, f := range l.funcs {
					if k != "templatefile" {
						fns[k] = f
					}
				}
			}
			val, diags := expr.Value(&hcl.EvalContext{Variables: vm, Functions: fns})
			if diags.HasErrors() {
				return cty.NilVal, function.NewArgErrorf(0, "template %q: %s", p, diags.Error())
			}
			val, err = convertString(val)
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "template %q: %s", p, err)
			}
			return val, nil
		},
	})
}

func convertString(v cty.Value) (cty.Value, error) {
	if v.IsNull() || !v.IsKnown() || !v.Type().Equals(cty.String) {
		return cty.NilVal, errors.New("template did not produce a string")
	}
	return v, nil
}

// parsePrefixArg parses a CIDR function argument.
func parsePrefixArg(v cty.Value) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(v.AsString())
	if err != nil {
		return netip.Prefix{}, function.NewArgErrorf(0, "invalid CIDR %q", v.AsString())
	}
	return p, nil
}

func addrToInt(a netip.Addr) *big.Int {
	return new(big.Int).SetBytes(a.AsSlice())
}

func intToAddr(n *big.Int, v4 bool) netip.Addr {
	size := 16
	if v4 {
		size = 4
	}
	b := make([]byte, size)
	n.FillBytes(b)
	a, _ := netip.AddrFromSlice(b)
	return a
}

// wholeInt converts a number argument to an int64, refusing fractions.
func wholeInt(v cty.Value, arg int) (int64, error) {
	bf := v.AsBigFloat()
	if !bf.IsInt() {
		return 0, function.NewArgErrorf(arg, "must be a whole number")
	}
	i, acc := bf.Int64()
	if acc != big.Exact {
		return 0, function.NewArgErrorf(arg, "number out of range")
	}
	return i, nil
}

var cidrHostFunc = function.New(&function.Spec{
	Description: "Address number hostnum of a prefix; negative numbers count from the end.",
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "hostnum", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parsePrefixArg(args[0])
		if err != nil {
			return cty.NilVal, err
		}
		num, err := wholeInt(args[1], 1)
		if err != nil {
			return cty.NilVal, err
		}
		p = p.Masked()
		hostBits := uint(p.Addr().BitLen() - p.Bits())
		size := new(big.Int).Lsh(big.NewInt(1), hostBits)
		n := big.NewInt(num)
		if num < 0 {
			n.Add(n, size)
		}
		if n.Sign() < 0 || n.Cmp(size) >= 0 {
			return cty.NilVal, function.NewArgErrorf(1, "prefix %s has no host number %d", p, num)
		}
		n.Add(n, addrToInt(p.Addr()))
		return cty.StringVal(intToAddr(n, p.Addr().Is4()).String()), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Description: "Dotted netmask of an IPv4 prefix.",
	Params:      []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parsePrefixArg(args[0])
		if err != nil {
			return cty.NilVal, err
		}
		if !p.Addr().Is4() {
			return cty.NilVal, function.NewArgErrorf(0, "netmask is only defined for IPv4 prefixes")
		}
		mask := new(big.Int).Lsh(big.NewInt(1), 32)
		mask.Sub(mask, new(big.Int).Lsh(big.NewInt(1), uint(32-p.Bits())))
		return cty.StringVal(intToAddr(mask, true).String()), nil
	},
})

var cidrSubnetFunc = function.New(&function.Spec{
	Description: "Subnet number netnum of a prefix extended by newbits bits.",
	Params: []function.Parameter{
		{Name: "prefix", Type: cty.String},
		{Name: "newbits", Type: cty.Number},
		{Name: "netnum", Type: cty.Number},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		p, err := parsePrefixArg(args[0])
		if err != nil {
			return cty.NilVal, err
		}
		newbits, err := wholeInt(args[1], 1)
		if err != nil {
			return cty.NilVal, err
		}
		netnum, err := wholeInt(args[2], 2)
		if err != nil {
			return cty.NilVal, err
		}
		p = p.Masked()
		bits := int64(p.Bits()) + newbits
		if newbits < 0 || bits > int64(p.Addr().BitLen()) {
			return cty.NilVal, function.NewArgErrorf(1, "cannot extend /%d by %d bits", p.Bits(), newbits)
		}
		if netnum < 0 || big.NewInt(netnum).Cmp(new(big.Int).Lsh(big.NewInt(1), uint(newbits))) >= 0 {
			return cty.NilVal, function.NewArgErrorf(2, "prefix %s has no subnet number %d with %d new bits", p, netnum, newbits)
		}
		n := new(big.Int).Lsh(big.NewInt(netnum), uint(int64(p.Addr().BitLen())-bits))
		n.Add(n, addrToInt(p.Addr()))
		return cty.StringVal(netip.PrefixFrom(intToAddr(n, p.Addr().Is4()), int(bits)).String()), nil
	},
})

// maxRange bounds the length of a list made by range(), so that a lab file
// cannot make the loader allocate without bound.
const maxRange = 10000

// limitedRangeFunc is stdlib's range() refusing results longer than
// maxRange.
var limitedRangeFunc = function.New(&function.Spec{
	Description: stdlib.RangeFunc.Description(),
	VarParam:    &function.Parameter{Name: "params", Type: cty.Number},
	Type:        function.StaticReturnType(cty.List(cty.Number)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var start, end, step float64 = 0, 0, 1
		switch len(args) {
		case 1:
			end, _ = args[0].AsBigFloat().Float64()
		case 2, 3:
			start, _ = args[0].AsBigFloat().Float64()
			end, _ = args[1].AsBigFloat().Float64()
			if len(args) == 3 {
				step, _ = args[2].AsBigFloat().Float64()
			}
		}
		if step != 0 && (end-start)/step > maxRange {
			return cty.NilVal, fmt.Errorf("range would have more than %d elements", maxRange)
		}
		return stdlib.RangeFunc.Call(args)
	},
})
