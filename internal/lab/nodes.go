package lab

import (
	"fmt"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// maxCount bounds count and the number of for_each entries.
const maxCount = 1000

var networkSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "subnet", Required: true},
		{Name: "title"},
	},
}

var fileSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "content"},
		{Name: "source"},
		{Name: "mode"},
		{Name: "owner"},
	},
}

var defaultsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "image"},
		{Name: "cpus"},
		{Name: "memory"},
		{Name: "pids"},
		{Name: "env"},
		{Name: "exec"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "file", LabelNames: []string{"path"}},
	},
}

var nodeSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "title"},
		{Name: "image"},
		{Name: "count"},
		{Name: "for_each"},
		{Name: "exec"},
		{Name: "env"},
		{Name: "cpus"},
		{Name: "memory"},
		{Name: "pids"},
		{Name: "privileged"},
		{Name: "capabilities"},
		{Name: "host_network"},
	},
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "interface", LabelNames: []string{"network"}},
		{Type: "route"},
		{Type: "file", LabelNames: []string{"path"}},
		{Type: "bind", LabelNames: []string{"host_path"}},
	},
}

var interfaceSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "address"},
		{Name: "gateway"},
	},
}

var routeSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "destination", Required: true},
		{Name: "via"},
		{Name: "dev"},
	},
}

var bindSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "target", Required: true},
		{Name: "read_only"},
	},
}

// netInfo is a declared network with its source ranges.
type netInfo struct {
	net   *Network
	block *hcl.Block
}

func (l *loader) decodeNetworks(blocks []*hcl.Block) {
	byName := make(map[string]*netInfo)
	var valid []*netInfo
	for _, b := range blocks {
		name := b.Labels[0]
		if err := checkName(name, 1); err != nil {
			l.errorf(b.LabelRanges[0].Ptr(), "Invalid network name", "%s.", err)
		}
		if prev, ok := byName[name]; ok {
			l.errorf(b.LabelRanges[0].Ptr(), "Duplicate network",
				"Network %q is already declared at %s.", name, prev.block.DefRange)
			continue
		}
		n := &Network{Name: name}
		ni := &netInfo{net: n, block: b}
		byName[name] = ni
		l.lab.Networks = append(l.lab.Networks, n)
		content, diags := b.Body.Content(networkSchema)
		l.diags = append(l.diags, diags...)
		n.Title, _ = l.evalString(content.Attributes["title"], l.ctx)
		a := content.Attributes["subnet"]
		s, ok := l.evalString(a, l.ctx)
		if !ok {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			l.errorf(a.Expr.Range().Ptr(), "Invalid subnet",
				"%q is not a CIDR prefix such as \"10.0.0.0/24\": %v.", s, err)
			continue
		}
		if p != p.Masked() {
			l.errorf(a.Expr.Range().Ptr(), "Subnet has host bits set",
				"%s has host bits set; the network address of this subnet is %s.", s, p.Masked())
			continue
		}
		if p.Addr().Zone() != "" {
			l.errorf(a.Expr.Range().Ptr(), "Invalid subnet", "A subnet cannot have an IPv6 zone.")
			continue
		}
		minBits := 8
		if p.Addr().Is6() {
			minBits = 48
		}
		maxBits := p.Addr().BitLen() - 2
		if p.Bits() < minBits || p.Bits() > maxBits {
			l.errorf(a.Expr.Range().Ptr(), "Unsupported subnet size",
				"Subnet %s: the prefix length must be between /%d and /%d.", s, minBits, maxBits)
			continue
		}
		for _, o := range valid {
			if o.net.Subnet.Overlaps(p) {
				l.errorf(a.Expr.Range().Ptr(), "Overlapping subnets",
					"Subnet %s of network %q overlaps subnet %s of network %q (%s); every network needs its own address range.",
					p, name, o.net.Subnet, o.net.Name, o.block.DefRange)
			}
		}
		n.Subnet = p
		valid = append(valid, ni)
	}
	l.nets = byName
}

// defaults are values every node inherits.
type defaults struct {
	image  string
	cpus   float64
	memory int64
	pids   int64
	env    map[string]string
	exec   []string
	files  []File
}

func (l *loader) decodeDefaults(blocks []*hcl.Block) *defaults {
	d := &defaults{}
	for i, b := range blocks {
		if i > 0 {
			l.errorf(b.DefRange.Ptr(), "Duplicate defaults block",
				"A lab has at most one defaults block; the first is at %s.", blocks[0].DefRange)
			continue
		}
		content, diags := b.Body.Content(defaultsSchema)
		l.diags = append(l.diags, diags...)
		at := content.Attributes
		d.image, _ = l.evalString(at["image"], l.ctx)
		d.cpus, _ = l.evalCPUs(at["cpus"], l.ctx)
		d.memory, _ = l.evalMemory(at["memory"], l.ctx)
		d.pids, _ = l.evalPids(at["pids"], l.ctx)
		d.env, _ = l.evalStringMap(at["env"], l.ctx)
		d.exec, _ = l.evalStringList(at["exec"], l.ctx)
		l.checkFileBlocks(content.Blocks)
		for _, fb := range content.Blocks {
			if f, ok := l.decodeFile(fb, l.ctx); ok {
				d.files = append(d.files, f)
			}
		}
	}
	return d
}

// checkFileBlocks reports file blocks with invalid or duplicate paths.
func (l *loader) checkFileBlocks(blocks hcl.Blocks) {
	seen := make(map[string]*hcl.Block)
	for _, b := range blocks {
		if b.Type != "file" {
			continue
		}
		p := b.Labels[0]
		if !path.IsAbs(p) || path.Clean(p) != p || p == "/" || strings.ContainsRune(p, 0) {
			l.errorf(b.LabelRanges[0].Ptr(), "Invalid file path",
				"File path %q must be an absolute, clean path inside the node, such as \"/etc/motd\".", p)
			continue
		}
		if prev, ok := seen[p]; ok {
			l.errorf(b.LabelRanges[0].Ptr(), "Duplicate file",
				"File %q is already declared at %s.", p, prev.DefRange)
			continue
		}
		seen[p] = b
	}
}

var (
	modeRE  = regexp.MustCompile(`^0?[0-7]{3,4}$`)
	ownerRE = regexp.MustCompile(`^([a-z_][a-z0-9_.-]{0,31}|[0-9]{1,10})(:([a-z_][a-z0-9_.-]{0,31}|[0-9]{1,10}))?$`)
)

// decodeFile decodes a file block whose path was checked by checkFileBlocks.
func (l *loader) decodeFile(b *hcl.Block, ctx *hcl.EvalContext) (File, bool) {
	p := b.Labels[0]
	f := File{Path: p, Mode: 0o644}
	content, diags := l.blockContent(b, fileSchema)
	if diags.HasErrors() || !path.IsAbs(p) || path.Clean(p) != p || p == "/" || strings.ContainsRune(p, 0) {
		return f, false
	}
	at := content.Attributes
	ok := true
	switch {
	case at["content"] != nil && at["source"] != nil:
		l.errorf(at["source"].Range.Ptr(), "Conflicting file content",
			"File %q sets both content and source; set only one.", p)
		ok = false
	case at["content"] != nil:
		s, good := l.evalString(at["content"], ctx)
		f.Content = []byte(s)
		ok = ok && good
	case at["source"] != nil:
		src, good := l.evalString(at["source"], ctx)
		if !good {
			ok = false
			break
		}
		data, _, err := l.readFile(src)
		if err != nil {
			l.errorf(at["source"].Expr.Range().Ptr(), "Cannot read source file", "File %q: %s.", p, err)
			ok = false
			break
		}
		f.Content = data
	default:
		l.errorf(b.DefRange.Ptr(), "Missing file content",
			"File %q needs content = \"...\" or source = \"path in the lab directory\" (content = \"\" makes an empty file).", p)
		ok = false
	}
	if a := at["mode"]; a != nil {
		val, diags := a.Expr.Value(ctx)
		l.diags = append(l.diags, diags...)
		switch {
		case diags.HasErrors() || !val.IsWhollyKnown():
			ok = false
		case val.Type() == cty.Number:
			l.errorf(a.Expr.Range().Ptr(), "Invalid file mode",
				"Write the mode as an octal string such as \"0644\"; a number like %s would be read as decimal.", val.AsBigFloat().Text('f', -1))
			ok = false
		case val.Type() != cty.String || val.IsNull():
			l.errorf(a.Expr.Range().Ptr(), "Invalid file mode", "The mode must be an octal string such as \"0644\".")
			ok = false
		default:
			m, err := parseMode(val.AsString())
			if err != nil {
				l.errorf(a.Expr.Range().Ptr(), "Invalid file mode", "%s.", err)
				ok = false
			}
			f.Mode = m
		}
	}
	if a := at["owner"]; a != nil {
		if s, good := l.evalString(a, ctx); good {
			if !ownerRE.MatchString(s) {
				l.errorf(a.Expr.Range().Ptr(), "Invalid file owner",
					"Owner %q must be \"user\" or \"user:group\" (names or numeric ids).", s)
				ok = false
			}
			f.Owner = s
		}
	}
	return f, ok
}

// parseMode parses an octal permission string such as "0644" or "4755".
func parseMode(s string) (os.FileMode, error) {
	if !modeRE.MatchString(s) {
		return 0, fmt.Errorf("%q is not an octal file mode such as \"0644\" or \"0755\"", s)
	}
	n, err := strconv.ParseUint(s, 8, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not an octal file mode: %v", s, err)
	}
	m := os.FileMode(n & 0o777)
	if n&0o4000 != 0 {
		m |= os.ModeSetuid
	}
	if n&0o2000 != 0 {
		m |= os.ModeSetgid
	}
	if n&0o1000 != 0 {
		m |= os.ModeSticky
	}
	return m, nil
}

// nodeRef locates an expanded node for cross-node checks.
type nodeRef struct {
	node  *Node
	block *hcl.Block
}

// addrUse is an interface address with where it was set.
type addrUse struct {
	node string
	rng  hcl.Range
}

func (l *loader) decodeNodes(blocks []*hcl.Block, def *defaults) {
	names := make(map[string]nodeRef, len(blocks))
	addrs := make(map[netip.Addr]addrUse, len(blocks))
	for _, b := range blocks {
		content, diags := b.Body.Content(nodeSchema)
		l.diags = append(l.diags, diags...)
		l.checkNodeBlocks(b, content)
		insts := l.expand(b, content)
		// The nested blocks of a node block (interface, route, file, bind)
		// are the same for every instance: decode their bodies once.
		l.subContent = nil
		if len(insts) > 1 {
			l.subContent = make(map[*hcl.Block]blockContent)
		}
		for _, inst := range insts {
			n := l.decodeNode(inst, b, content, def, addrs)
			if err := checkName(n.Name, 1); err != nil {
				rng := b.LabelRanges[0]
				if inst.keyRange != nil {
					rng = *inst.keyRange
				}
				l.errorf(rng.Ptr(), "Invalid node name", "Node name %s; node names become host names.", err)
			}
			if prev, ok := names[n.Name]; ok {
				var origin []string
				for _, blk := range []*hcl.Block{prev.block, b} {
					if blk.Labels[0] != n.Name {
						origin = append(origin, fmt.Sprintf("node %q at %s expands to %q", blk.Labels[0], blk.DefRange, n.Name))
					}
				}
				how := ""
				if len(origin) > 0 {
					how = " (" + strings.Join(origin, "; ") + ")"
				}
				l.errorf(b.LabelRanges[0].Ptr(), "Duplicate node name",
					"Node %q is already declared at %s%s; node names must be unique.", n.Name, prev.block.DefRange, how)
				continue
			}
			names[n.Name] = nodeRef{node: n, block: b}
			l.lab.Nodes = append(l.lab.Nodes, n)
		}
	}
	l.subContent = nil
}

// blockContent is the decoded body of a nested block.
type blockContent struct {
	content *hcl.BodyContent
	diags   hcl.Diagnostics
}

// blockContent decodes the body of b against schema and records the
// diagnostics. When l.subContent is set (a node block expanding to several
// instances), a body is decoded and its diagnostics recorded only once.
func (l *loader) blockContent(b *hcl.Block, schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	if c, ok := l.subContent[b]; ok {
		return c.content, c.diags
	}
	content, diags := b.Body.Content(schema)
	l.diags = append(l.diags, diags...)
	if l.subContent != nil {
		l.subContent[b] = blockContent{content: content, diags: diags}
	}
	return content, diags
}

// checkNodeBlocks reports problems that do not depend on count/for_each:
// undeclared or repeated networks, bad file paths, bind mounts.
func (l *loader) checkNodeBlocks(b *hcl.Block, content *hcl.BodyContent) {
	seen := make(map[string]*hcl.Block)
	var files hcl.Blocks
	for _, ib := range content.Blocks {
		switch ib.Type {
		case "interface":
			net := ib.Labels[0]
			if _, ok := l.nets[net]; !ok {
				l.errorf(ib.LabelRanges[0].Ptr(), "Reference to undeclared network",
					"Node %q has an interface on network %q, which the lab does not declare.%s",
					b.Labels[0], net, suggest(net, keysOf(l.nets)))
			}
			if prev, ok := seen[net]; ok {
				l.errorf(ib.LabelRanges[0].Ptr(), "Duplicate interface",
					"Node %q already has an interface on network %q (%s); a node connects to a network once.",
					b.Labels[0], net, prev.DefRange)
			}
			seen[net] = ib
		case "file":
			files = append(files, ib)
		case "bind":
			if !l.opts.Allow.Binds {
				l.errorf(ib.DefRange.Ptr(), "Bind mounts are not allowed",
					"A bind mount exposes host files to node %q. Pass --allow-binds to allow it.", b.Labels[0])
			}
		}
	}
	l.checkFileBlocks(files)
}

// instance is one expansion of a node block.
type instance struct {
	name     string
	vars     map[string]cty.Value // count / each
	keyRange *hcl.Range           // for_each expression, for name errors
}

// expand evaluates count / for_each of a node block.
func (l *loader) expand(b *hcl.Block, content *hcl.BodyContent) []instance {
	base := b.Labels[0]
	countA, eachA := content.Attributes["count"], content.Attributes["for_each"]
	if countA != nil && eachA != nil {
		l.errorf(eachA.NameRange.Ptr(), "Conflicting count and for_each",
			"Node %q sets both count and for_each; use only one.", base)
		return nil
	}
	if countA != nil {
		v, ok := l.evalAs(countA, l.ctx, cty.Number, "count")
		if !ok {
			return nil
		}
		bf := v.AsBigFloat()
		n, _ := bf.Int64()
		if !bf.IsInt() || n < 0 || n > maxCount {
			l.errorf(countA.Expr.Range().Ptr(), "Invalid count",
				"count must be a whole number from 0 to %d; got %s.", maxCount, bf.Text('g', 10))
			return nil
		}
		out := make([]instance, 0, n)
		for i := int64(0); i < n; i++ {
			out = append(out, instance{
				name: fmt.Sprintf("%s-%d", base, i+1),
				vars: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(i)})},
			})
		}
		return out
	}
	if eachA != nil {
		val, diags := eachA.Expr.Value(l.ctx)
		l.diags = append(l.diags, diags...)
		if diags.HasErrors() || !val.IsWhollyKnown() {
			return nil
		}
		rng := eachA.Expr.Range()
		ty := val.Type()
		bad := func(detail string) []instance {
			l.errorf(rng.Ptr(), "Invalid for_each argument", "%s", detail)
			return nil
		}
		switch {
		case val.IsNull():
			return bad("for_each must be a map or a set of strings, not null.")
		case ty.IsMapType() || ty.IsObjectType():
		case ty.IsSetType() && ty.ElementType() == cty.String:
		case ty.IsListType() || ty.IsTupleType():
			return bad("for_each must be a map or a set of strings; convert a list with toset([...]).")
		default:
			return bad(fmt.Sprintf("for_each must be a map or a set of strings, not %s.", ty.FriendlyName()))
		}
		if val.LengthInt() > maxCount {
			return bad(fmt.Sprintf("for_each has %d elements; at most %d are allowed.", val.LengthInt(), maxCount))
		}
		var out []instance
		for it := val.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if k.IsNull() || e.IsNull() && ty.IsSetType() {
				return bad("for_each must not contain null.")
			}
			key := k.AsString()
			out = append(out, instance{
				name:     base + "-" + key,
				vars:     map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(key), "value": e})},
				keyRange: &rng,
			})
		}
		return out
	}
	return []instance{{name: base}}
}

var devRE = regexp.MustCompile(`^eth([1-9][0-9]{0,3})$`)

// decodeNode evaluates one instance of a node block.
func (l *loader) decodeNode(inst instance, b *hcl.Block, content *hcl.BodyContent, def *defaults, addrs map[netip.Addr]addrUse) *Node {
	ctx := l.ctx
	if inst.vars != nil {
		ctx = l.ctx.NewChild()
		ctx.Variables = inst.vars
	}
	at := content.Attributes
	n := &Node{Name: inst.name, Image: def.image, CPUs: def.cpus, Memory: def.memory, Pids: def.pids}
	n.Title, _ = l.evalString(at["title"], ctx)
	if s, ok := l.evalString(at["image"], ctx); ok {
		n.Image = s
	}
	if f, ok := l.evalCPUs(at["cpus"], ctx); ok {
		n.CPUs = f
	}
	if m, ok := l.evalMemory(at["memory"], ctx); ok {
		n.Memory = m
	}
	if m, ok := l.evalPids(at["pids"], ctx); ok {
		n.Pids = m
	}
	n.Env = make(map[string]string, len(def.env))
	for k, v := range def.env {
		n.Env[k] = v
	}
	if env, ok := l.evalStringMap(at["env"], ctx); ok {
		for k, v := range env {
			n.Env[k] = v
		}
	}
	for k := range n.Env {
		if !validEnvName(k) {
			l.errorf(at["env"].Expr.Range().Ptr(), "Invalid environment variable name",
				"%q is not a valid environment variable name (letters, digits and '_', not starting with a digit).", k)
		}
	}
	n.Exec = append(n.Exec, def.exec...)
	if ex, ok := l.evalStringList(at["exec"], ctx); ok {
		n.Exec = append(n.Exec, ex...)
	}

	own := make(map[string]bool)
	var files []File
	for _, fb := range content.Blocks {
		if fb.Type == "file" {
			if f, ok := l.decodeFile(fb, ctx); ok {
				files = append(files, f)
				own[f.Path] = true
			}
		}
	}
	for _, f := range def.files {
		if !own[f.Path] {
			n.Files = append(n.Files, f)
		}
	}
	n.Files = append(n.Files, files...)

	l.decodeHostOptions(n, content, ctx)
	gateways := l.decodeInterfaces(n, content, ctx, addrs)
	l.decodeRoutes(n, content, ctx, gateways)
	return n
}

func validEnvName(k string) bool {
	if k == "" || k[0] >= '0' && k[0] <= '9' {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

var capRE = regexp.MustCompile(`^[A-Z][A-Z_]*$`)

// decodeHostOptions decodes privileged, capabilities, bind and
// host_network, refusing each unless Options.Allow permits it.
func (l *loader) decodeHostOptions(n *Node, content *hcl.BodyContent, ctx *hcl.EvalContext) {
	at := content.Attributes
	if v, ok := l.evalBool(at["privileged"], ctx); ok && v {
		if !l.opts.Allow.Privileged {
			l.errorf(at["privileged"].Expr.Range().Ptr(), "Privileged mode is not allowed",
				"privileged = true gives node %q full control of the host. Pass --allow-privileged to allow it.", n.Name)
		}
		n.Privileged = true
	}
	if caps, ok := l.evalStringList(at["capabilities"], ctx); ok && len(caps) > 0 {
		rng := at["capabilities"].Expr.Range().Ptr()
		if !l.opts.Allow.Capabilities {
			l.errorf(rng, "Extra capabilities are not allowed",
				"capabilities give node %q powers beyond NET_ADMIN and NET_RAW. Pass --allow-capabilities to allow them.", n.Name)
		}
		seen := make(map[string]bool)
		for _, c := range caps {
			c = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(c)), "CAP_")
			if !capRE.MatchString(c) {
				l.errorf(rng, "Invalid capability", "%q is not a Linux capability name such as \"SYS_ADMIN\".", c)
				continue
			}
			if !seen[c] {
				seen[c] = true
				n.Capabilities = append(n.Capabilities, c)
			}
		}
	}
	if v, ok := l.evalBool(at["host_network"], ctx); ok && v {
		rng := at["host_network"].Expr.Range().Ptr()
		if !l.opts.Allow.HostNetwork {
			l.errorf(rng, "Host networking is not allowed",
				"host_network = true puts node %q on the host's network stack. Pass --allow-host-network to allow it.", n.Name)
		}
		for _, ib := range content.Blocks {
			if ib.Type == "interface" {
				l.errorf(ib.DefRange.Ptr(), "Interface on a host-network node",
					"Node %q uses host_network, so it cannot have lab interfaces.", n.Name)
				break
			}
		}
		n.HostNetwork = true
	}
	for _, bb := range content.Blocks {
		if bb.Type != "bind" {
			continue
		}
		bc, _ := l.blockContent(bb, bindSchema)
		src := bb.Labels[0]
		if !filepath.IsAbs(src) {
			l.errorf(bb.LabelRanges[0].Ptr(), "Invalid bind source", "Host path %q must be absolute.", src)
			continue
		}
		bind := Bind{Source: filepath.Clean(src)}
		if t, ok := l.evalString(bc.Attributes["target"], ctx); ok {
			if !path.IsAbs(t) || t == "/" {
				l.errorf(bc.Attributes["target"].Expr.Range().Ptr(), "Invalid bind target",
					"Target %q must be an absolute path inside the node other than /.", t)
				continue
			}
			bind.Target = path.Clean(t)
		} else {
			continue
		}
		bind.ReadOnly, _ = l.evalBool(bc.Attributes["read_only"], ctx)
		n.Binds = append(n.Binds, bind)
	}
}

// gatewayUse is a default gateway set on an interface.
type gatewayUse struct {
	rng hcl.Range
}

// decodeInterfaces decodes the interface blocks of a node, checking
// addresses against their networks, and returns the default gateways set.
func (l *loader) decodeInterfaces(n *Node, content *hcl.BodyContent, ctx *hcl.EvalContext, addrs map[netip.Addr]addrUse) []gatewayUse {
	var gws []gatewayUse
	nIfaces := 0
	for _, ib := range content.Blocks {
		if ib.Type == "interface" {
			nIfaces++
		}
	}
	if nIfaces > 0 {
		n.Interfaces = make([]Interface, 0, nIfaces)
	}
	for _, ib := range content.Blocks {
		if ib.Type != "interface" {
			continue
		}
		ic, _ := l.blockContent(ib, interfaceSchema)
		ni := l.nets[ib.Labels[0]]
		if ni == nil {
			continue // reported by checkNodeBlocks
		}
		subnet := ni.net.Subnet
		iface := Interface{Network: ni.net.Name}
		if a := ic.Attributes["address"]; a != nil {
			if s, ok := l.evalString(a, ctx); ok && subnet.IsValid() {
				rng := a.Expr.Range()
				if p, ok := l.checkAddress(s, subnet, ni.net.Name, rng); ok {
					if prev, dup := addrs[p.Addr()]; dup && prev.node != n.Name {
						l.errorf(rng.Ptr(), "Duplicate address",
							"Address %s of node %q is already used by node %q (%s).", p.Addr(), n.Name, prev.node, prev.rng)
					} else if !dup {
						addrs[p.Addr()] = addrUse{node: n.Name, rng: rng}
					}
					iface.Address = p
				}
			}
		}
		if a := ic.Attributes["gateway"]; a != nil {
			if s, ok := l.evalString(a, ctx); ok && subnet.IsValid() {
				rng := a.Expr.Range()
				g, err := netip.ParseAddr(s)
				switch {
				case err != nil || g.Zone() != "":
					l.errorf(rng.Ptr(), "Invalid gateway", "%q is not an IP address.", s)
				case !subnet.Contains(g):
					l.errorf(rng.Ptr(), "Gateway not on this network",
						"Gateway %s is outside subnet %s of network %q; a gateway must be reachable on the interface's own network.", g, subnet, ni.net.Name)
				case iface.Address.IsValid() && g == iface.Address.Addr():
					l.errorf(rng.Ptr(), "Invalid gateway", "Gateway %s is the interface's own address.", g)
				case g == subnet.Addr():
					l.errorf(rng.Ptr(), "Invalid gateway", "Gateway %s is the network address of %s.", g, subnet)
				default:
					iface.Gateway = g
					gws = append(gws, gatewayUse{rng: rng})
				}
			}
		}
		n.Interfaces = append(n.Interfaces, iface)
	}
	return gws
}

// checkAddress parses an interface address ("10.0.0.5/24", or "10.0.0.5"
// which takes the network's prefix length) and checks it against subnet.
func (l *loader) checkAddress(s string, subnet netip.Prefix, network string, rng hcl.Range) (netip.Prefix, bool) {
	var p netip.Prefix
	var err error
	if strings.Contains(s, "/") {
		p, err = netip.ParsePrefix(s)
	} else {
		var a netip.Addr
		a, err = netip.ParseAddr(s)
		if err == nil {
			p = netip.PrefixFrom(a, subnet.Bits())
		}
	}
	if err != nil || p.Addr().Zone() != "" {
		l.errorf(rng.Ptr(), "Invalid address",
			"%q is not an interface address such as \"10.0.0.10/24\".", s)
		return p, false
	}
	a := p.Addr()
	switch {
	case !subnet.Contains(a):
		l.errorf(rng.Ptr(), "Address outside its network",
			"Address %s is not inside subnet %s of network %q.", a, subnet, network)
	case p.Bits() != subnet.Bits():
		l.errorf(rng.Ptr(), "Prefix length differs from the network",
			"Address %s has prefix length /%d but network %q is %s; write %s.", s, p.Bits(), network, subnet, netip.PrefixFrom(a, subnet.Bits()))
	case a == subnet.Addr():
		l.errorf(rng.Ptr(), "Address is the network address",
			"%s is the network address of %s and cannot be assigned to an interface.", a, subnet)
	case a.Is4() && a == lastAddr(subnet):
		l.errorf(rng.Ptr(), "Address is the broadcast address",
			"%s is the broadcast address of %s and cannot be assigned to an interface.", a, subnet)
	default:
		return p, true
	}
	return p, false
}

// lastAddr returns the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	host := p.Addr().BitLen() - p.Bits()
	for i := len(b) - 1; i >= 0 && host > 0; i-- {
		k := min(host, 8)
		b[i] |= byte(1<<k - 1)
		host -= k
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// decodeRoutes decodes the route blocks of a node; gateways are the default
// routes already set by interface gateways.
func (l *loader) decodeRoutes(n *Node, content *hcl.BodyContent, ctx *hcl.EvalContext, gateways []gatewayUse) {
	defaults := make([]hcl.Range, 0, len(gateways))
	for _, g := range gateways {
		defaults = append(defaults, g.rng)
	}
	for _, rb := range content.Blocks {
		if rb.Type != "route" {
			continue
		}
		rc, _ := l.blockContent(rb, routeSchema)
		var r Route
		ok := true
		destA := rc.Attributes["destination"]
		dest, good := l.evalString(destA, ctx)
		isDefault := false
		if !good {
			ok = false
		} else if dest == "default" {
			isDefault = true
		} else if p, err := netip.ParsePrefix(dest); err != nil {
			l.errorf(destA.Expr.Range().Ptr(), "Invalid route destination",
				"%q is not \"default\" or a CIDR prefix such as \"10.0.2.0/24\".", dest)
			ok = false
		} else if p != p.Masked() {
			l.errorf(destA.Expr.Range().Ptr(), "Route destination has host bits set",
				"%s has host bits set; the destination should be %s.", dest, p.Masked())
			ok = false
		} else {
			r.Destination = p
			isDefault = p.Bits() == 0
		}
		if a := rc.Attributes["via"]; a != nil {
			if s, good := l.evalString(a, ctx); good {
				via, err := netip.ParseAddr(s)
				if err != nil || via.Zone() != "" {
					l.errorf(a.Expr.Range().Ptr(), "Invalid route gateway", "via %q is not an IP address.", s)
					ok = false
				} else if !connected(n, l, via) {
					l.errorf(a.Expr.Range().Ptr(), "Route gateway not on a connected network",
						"via %s is not inside the subnet of any network node %q is connected to (%s).", via, n.Name, connectedList(n, l))
					ok = false
				} else {
					r.Via = via
				}
			} else {
				ok = false
			}
		}
		if a := rc.Attributes["dev"]; a != nil {
			if s, good := l.evalString(a, ctx); good {
				m := devRE.FindStringSubmatch(s)
				idx := 0
				if m != nil {
					idx, _ = strconv.Atoi(m[1])
				}
				if idx < 1 || idx > len(n.Interfaces) {
					l.errorf(a.Expr.Range().Ptr(), "Invalid route device",
						"dev %q must name a data interface of node %q: eth1 to eth%d (eth0 is the management interface).", s, n.Name, len(n.Interfaces))
					ok = false
				} else {
					r.Dev = s
				}
			} else {
				ok = false
			}
		}
		if rc.Attributes["via"] == nil && rc.Attributes["dev"] == nil {
			l.errorf(rb.DefRange.Ptr(), "Route needs via or dev",
				"A route needs a next hop (via = \"10.0.1.1\") or a device (dev = \"eth1\").")
			ok = false
		}
		if !ok {
			continue
		}
		if isDefault {
			if !r.Destination.IsValid() {
				r.Destination = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
				if r.Via.Is6() {
					r.Destination = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
				}
			}
			if len(defaults) > 0 {
				l.errorf(destA.Expr.Range().Ptr(), "More than one default route",
					"Node %q already has a default route (%s).", n.Name, defaults[0])
				continue
			}
			defaults = append(defaults, destA.Expr.Range())
		}
		if r.Via.IsValid() && r.Via.Is4() != r.Destination.Addr().Is4() {
			l.errorf(rc.Attributes["via"].Expr.Range().Ptr(), "Mixed address families",
				"Route to %s cannot go via %s.", r.Destination, r.Via)
			continue
		}
		n.Routes = append(n.Routes, r)
	}
	if len(gateways) > 1 {
		l.errorf(gateways[1].rng.Ptr(), "More than one default gateway",
			"Node %q already has a default gateway (%s); set gateway on one interface only.", n.Name, gateways[0].rng)
	}
}

// connected reports whether a is inside the subnet of a network n has an
// interface on.
func connected(n *Node, l *loader, a netip.Addr) bool {
	for _, i := range n.Interfaces {
		if ni := l.nets[i.Network]; ni != nil && ni.net.Subnet.IsValid() && ni.net.Subnet.Contains(a) {
			return true
		}
	}
	return false
}

func connectedList(n *Node, l *loader) string {
	var parts []string
	for _, i := range n.Interfaces {
		if ni := l.nets[i.Network]; ni != nil && ni.net.Subnet.IsValid() {
			parts = append(parts, fmt.Sprintf("%s %s", ni.net.Name, ni.net.Subnet))
		}
	}
	if len(parts) == 0 {
		return "no networks"
	}
	return strings.Join(parts, ", ")
}
