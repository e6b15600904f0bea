package graph

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Geometry of the SVG drawing, in SVG user units (px). Text is set in a
// monospace font so that label widths are known without font metrics:
// an advance of charAdvance em per character (DejaVu Sans Mono and most
// monospace fonts use 0.6 em), wide (CJK) characters count as two.
const (
	charAdvance = 0.62 // a little more than 0.6 em, so estimates err wide

	margin    = 16.0
	titleSize = 15.0
	netSize   = 12.0
	nameSize  = 13.0
	ifSize    = 11.0
	badgeSize = 10.0

	nodeW     = 190.0
	nodePad   = 8.0
	nodeHead  = 20.0 // height of the name line
	ifLine    = 14.0 // height of one interface line
	netHead   = 26.0 // height of a network box's header
	netPad    = 12.0
	gridGapX  = 18.0
	gridGapY  = 14.0
	maxCols   = 4
	routerGap = 28.0 // vertical space between a network box and a router row
	plainGap  = 30.0 // vertical space between two network boxes
	spineStep = 10.0
	stubTop   = 10.0 // first entry height of a right-column link in a box
	stubStep  = 7.0
)

// Rect is an axis-aligned rectangle.
type Rect struct{ X, Y, W, H float64 }

// Overlaps reports whether r and o share interior area.
func (r Rect) Overlaps(o Rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

// Contains reports whether o lies inside r (edges may touch).
func (r Rect) Contains(o Rect) bool {
	return o.X >= r.X && o.Y >= r.Y && o.X+o.W <= r.X+r.W && o.Y+o.H <= r.Y+r.H
}

// Label is one text drawn, with its estimated bounding box.
type Label struct {
	Text  string
	X, Y  float64 // start of the baseline
	Size  float64
	Bold  bool
	Class string // "title", "net", "name", "if", "badge"
	// Owner names what the label belongs to: "nodeN" or "netN" (N the
	// index in Graph.Nodes or Graph.Networks), "title" or "loose" (the
	// caption of the nodes on no network).
	Owner string
}

// Bounds is the label's estimated bounding box.
func (l Label) Bounds() Rect {
	return Rect{X: l.X, Y: l.Y - 0.8*l.Size, W: textWidth(l.Text, l.Size), H: 1.05 * l.Size}
}

// NodeBox is a drawn server.
type NodeBox struct {
	Node   int // index into Graph.Nodes
	Rect   Rect
	Router bool
}

// NetBox is a drawn network.
type NetBox struct {
	Network int
	Rect    Rect
}

// Line is a polyline linking a node to a network.
type Line struct {
	Node, Network int
	Points        [][2]float64
}

// Layout is the computed drawing.
type Layout struct {
	Width, Height float64
	Networks      []NetBox
	Nodes         []NodeBox
	Lines         []Line
	Labels        []Label
}

func textWidth(s string, size float64) float64 {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x1100 && isWide(r) {
			n++
		}
	}
	return float64(n) * charAdvance * size
}

func isWide(r rune) bool {
	return (r >= 0x1100 && r <= 0x115F) || (r >= 0x2E80 && r <= 0xA4CF) ||
		(r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xF900 && r <= 0xFAFF) ||
		(r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) ||
		(r >= 0xFFE0 && r <= 0xFFE6) || (r >= 0x20000 && r <= 0x3FFFD)
}

// fit shortens s with an ellipsis so that it is at most width wide.
func fit(s string, size, width float64) string {
	if textWidth(s, size) <= width {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 {
		rs = rs[:len(rs)-1]
		t := string(rs) + "…"
		if textWidth(t, size) <= width {
			return t
		}
	}
	return ""
}

func nodeHeight(n *Node) float64 {
	lines := len(n.Interfaces)
	if lines == 0 {
		lines = 1
	}
	return nodePad + nodeHead + float64(lines)*ifLine + nodePad/2
}

// Layout computes the drawing: each network is a box holding the servers
// attached only to it (in a grid of up to four columns); a node joining two
// consecutive networks sits between their boxes with a line to each; any
// other node on several networks sits in a column on the right, linked to
// each of its networks through its own vertical spine. Nodes on no network
// form a last row.
func (g *Graph) Layout() *Layout {
	lay := &Layout{}
	idx := g.networkIndex()
	members := make([][]int, len(g.Networks)) // single-network nodes per network
	gaps := make([][]int, len(g.Networks))    // nodes between network i and i+1
	var right, loose []int
	for i := range g.Nodes {
		nets := nodeNetworks(&g.Nodes[i], idx)
		switch {
		case len(nets) == 0:
			loose = append(loose, i)
		case len(nets) == 1:
			members[nets[0]] = append(members[nets[0]], i)
		case len(nets) == 2 && nets[1] == nets[0]+1:
			gaps[nets[0]] = append(gaps[nets[0]], i)
		default:
			right = append(right, i)
		}
	}

	// Width of the network column: widest grid or router row.
	rowW := func(k int) float64 {
		if k == 0 {
			return 0
		}
		return float64(k)*nodeW + float64(k-1)*gridGapX
	}
	colW := nodeW + 2*netPad
	for i := range g.Networks {
		colW = max(colW, rowW(min(len(members[i]), maxCols))+2*netPad, rowW(len(gaps[i]))+2*netPad)
		colW = max(colW, textWidth(netHeader(&g.Networks[i]), netSize)+2*netPad)
	}
	colW = max(colW, rowW(min(len(loose), maxCols)))
	colW = min(colW, max(rowW(maxCols)+2*netPad, rowW(maxGap(gaps))+2*netPad))

	x0 := margin
	y := margin
	title := g.Lab
	if g.Title != "" {
		title += " — " + g.Title
	}
	titleY := y + titleSize
	y += titleSize + 14

	place := func(ni int, x, y float64) NodeBox {
		n := &g.Nodes[ni]
		return NodeBox{Node: ni, Rect: Rect{X: x, Y: y, W: nodeW, H: nodeHeight(n)}, Router: n.Router}
	}
	// grid places nodes in rows of up to maxCols, centred in width w at x.
	grid := func(list []int, x, y, w float64) float64 {
		for r := 0; r*maxCols < len(list); r++ {
			row := list[r*maxCols : min(len(list), (r+1)*maxCols)]
			sx := x + (w-rowW(len(row)))/2
			h := 0.0
			for c, ni := range row {
				b := place(ni, sx+float64(c)*(nodeW+gridGapX), y)
				lay.Nodes = append(lay.Nodes, b)
				h = max(h, b.Rect.H)
			}
			y += h + gridGapY
		}
		return y
	}

	// Links from the right column enter a network box at its right edge,
	// each at its own height: the box is made tall enough for them.
	stubs := make([]int, len(g.Networks))
	for _, ni := range right {
		for _, k := range nodeNetworks(&g.Nodes[ni], idx) {
			stubs[k]++
		}
	}
	netRect := make([]Rect, len(g.Networks))
	for i := range g.Networks {
		top := y
		yy := grid(members[i], x0+netPad, top+netHead, colW-2*netPad)
		h := yy - top
		if len(members[i]) == 0 {
			h = netHead + 10
		}
		h = max(h, stubTop+float64(stubs[i])*stubStep+4)
		netRect[i] = Rect{X: x0, Y: top, W: colW, H: h}
		lay.Networks = append(lay.Networks, NetBox{Network: i, Rect: netRect[i]})
		y = top + h
		if i == len(g.Networks)-1 {
			break
		}
		if len(gaps[i]) == 0 {
			y += plainGap
			continue
		}
		y += routerGap
		sx := x0 + (colW-rowW(len(gaps[i])))/2
		h = 0
		for c, ni := range gaps[i] {
			b := place(ni, sx+float64(c)*(nodeW+gridGapX), y)
			lay.Nodes = append(lay.Nodes, b)
			h = max(h, b.Rect.H)
		}
		y += h + routerGap
	}
	// Lines for grid members and gap routers.
	for _, b := range lay.Nodes {
		nets := nodeNetworks(&g.Nodes[b.Node], idx)
		cx := b.Rect.X + b.Rect.W/2
		for _, k := range nets {
			nr := netRect[k]
			switch {
			case nr.Contains(b.Rect): // member: no line, it sits in the box
			case nr.Y+nr.H <= b.Rect.Y: // box above
				lay.Lines = append(lay.Lines, Line{Node: b.Node, Network: k, Points: [][2]float64{{cx, b.Rect.Y}, {cx, nr.Y + nr.H}}})
			default: // box below
				lay.Lines = append(lay.Lines, Line{Node: b.Node, Network: k, Points: [][2]float64{{cx, b.Rect.Y + b.Rect.H}, {cx, nr.Y}}})
			}
		}
	}
	bottom := y
	if len(g.Networks) > 0 {
		bottom = netRect[len(netRect)-1].Y + netRect[len(netRect)-1].H
	}
	width := x0 + colW + margin

	// Right column.
	if len(right) > 0 {
		boxRight := x0 + colW
		colX := boxRight + 16 + spineStep*float64(len(right)) + 16
		type want struct {
			ni   int
			y    float64
			nets []int
		}
		ws := make([]want, 0, len(right))
		for _, ni := range right {
			nets := nodeNetworks(&g.Nodes[ni], idx)
			sum := 0.0
			for _, k := range nets {
				sum += netRect[k].Y + netRect[k].H/2
			}
			ws = append(ws, want{ni: ni, y: sum/float64(len(nets)) - nodeHeight(&g.Nodes[ni])/2, nets: nets})
		}
		sort.SliceStable(ws, func(a, b int) bool { return ws[a].y < ws[b].y })
		slot := make([]int, len(g.Networks))
		prev := margin + titleSize + 14
		for c, w := range ws {
			b := place(w.ni, colX, max(w.y, prev))
			lay.Nodes = append(lay.Nodes, b)
			prev = b.Rect.Y + b.Rect.H + 14
			spX := boxRight + 16 + spineStep*float64(c)
			ry := b.Rect.Y + b.Rect.H/2
			for _, k := range w.nets {
				nr := netRect[k]
				ty := nr.Y + stubTop + float64(slot[k])*stubStep
				slot[k]++
				lay.Lines = append(lay.Lines, Line{Node: w.ni, Network: k, Points: [][2]float64{
					{colX, ry}, {spX, ry}, {spX, ty}, {boxRight, ty},
				}})
			}
			bottom = max(bottom, b.Rect.Y+b.Rect.H)
		}
		width = colX + nodeW + margin
	}

	// Nodes on no network.
	if len(loose) > 0 {
		y = bottom + plainGap
		lay.Labels = append(lay.Labels, Label{Text: g.word("loose"), X: x0, Y: y + netSize, Size: netSize, Class: "net", Owner: "loose"})
		y = grid(loose, x0, y+netHead, colW)
		bottom = y - gridGapY
	}

	lay.Width = width
	lay.Height = bottom + margin
	titleText := fit(title, titleSize, lay.Width-2*margin)
	lay.Labels = append(lay.Labels, Label{Text: titleText, X: margin, Y: titleY, Size: titleSize, Bold: true, Class: "title", Owner: "title"})
	for i, nb := range lay.Networks {
		t := fit(netHeader(&g.Networks[i]), netSize, nb.Rect.W-2*netPad)
		lay.Labels = append(lay.Labels, Label{Text: t, X: nb.Rect.X + netPad, Y: nb.Rect.Y + 17, Size: netSize, Bold: true, Class: "net", Owner: fmt.Sprintf("net%d", i)})
	}
	for _, b := range lay.Nodes {
		n := &g.Nodes[b.Node]
		owner := fmt.Sprintf("node%d", b.Node)
		avail := b.Rect.W - 2*nodePad
		if n.Router {
			badge := g.word("router")
			bw := textWidth(badge, badgeSize)
			lay.Labels = append(lay.Labels, Label{Text: badge, X: b.Rect.X + b.Rect.W - nodePad - bw, Y: b.Rect.Y + nodePad + 12, Size: badgeSize, Class: "badge", Owner: owner})
			avail -= bw + 8
		}
		lay.Labels = append(lay.Labels, Label{Text: fit(n.Name, nameSize, avail), X: b.Rect.X + nodePad, Y: b.Rect.Y + nodePad + 12, Size: nameSize, Bold: true, Class: "name", Owner: owner})
		lines := make([]string, 0, len(n.Interfaces))
		for _, ifc := range n.Interfaces {
			lines = append(lines, g.ifaceLabel(ifc))
		}
		if len(lines) == 0 {
			lines = append(lines, g.word("noif"))
		}
		for j, s := range lines {
			lay.Labels = append(lay.Labels, Label{Text: fit(s, ifSize, b.Rect.W-2*nodePad), X: b.Rect.X + nodePad, Y: b.Rect.Y + nodePad + nodeHead + float64(j)*ifLine + 10, Size: ifSize, Class: "if", Owner: owner})
		}
	}
	return lay
}

func maxGap(gaps [][]int) int {
	m := 0
	for _, g := range gaps {
		m = max(m, len(g))
	}
	return m
}

func netHeader(n *Network) string {
	return n.Name + "  " + n.Subnet
}

var xmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

func esc(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return xmlText.Replace(s)
}

func num(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0")
}

// SVG draws the topology as a standalone SVG document (no external
// resources, no scripts), suitable for inlining into HTML.
func (g *Graph) SVG() string {
	lay := g.Layout()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="dojo-topology" viewBox="0 0 %s %s" width="%s" height="%s" role="img" font-family="ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace">`+"\n",
		num(lay.Width), num(lay.Height), num(lay.Width), num(lay.Height))
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(g.word("title")+g.Lab))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`+"\n", num(lay.Width), num(lay.Height))
	for _, nb := range lay.Networks {
		n := g.Networks[nb.Network]
		fmt.Fprintf(&b, `<g><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" rx="8" fill="#eef4fb" stroke="#3b6ea8" stroke-width="1.5"/></g>`+"\n",
			esc(strings.TrimSpace(n.Name+" "+n.Subnet+" "+n.Title)), num(nb.Rect.X), num(nb.Rect.Y), num(nb.Rect.W), num(nb.Rect.H))
	}
	for _, l := range lay.Lines {
		pts := make([]string, len(l.Points))
		for i, p := range l.Points {
			pts[i] = num(p[0]) + "," + num(p[1])
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#3b6ea8" stroke-width="1.5"/>`+"\n", strings.Join(pts, " "))
		last := l.Points[len(l.Points)-1]
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="#3b6ea8"/>`+"\n", num(last[0]), num(last[1]))
	}
	for _, nb := range lay.Nodes {
		n := g.Nodes[nb.Node]
		fill, stroke, sw := "#ffffff", "#555555", "1"
		if nb.Router {
			fill, stroke, sw = "#fff1dc", "#b86e00", "2"
		}
		tip := n.Name
		if n.Title != "" {
			tip += " — " + n.Title
		}
		for _, r := range n.Routes {
			tip += "\nroute " + r
		}
		fmt.Fprintf(&b, `<g><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" rx="4" fill="%s" stroke="%s" stroke-width="%s"/></g>`+"\n",
			esc(tip), num(nb.Rect.X), num(nb.Rect.Y), num(nb.Rect.W), num(nb.Rect.H), fill, stroke, sw)
	}
	for _, l := range lay.Labels {
		attrs := ""
		switch l.Class {
		case "badge":
			bb := l.Bounds()
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" rx="3" fill="#b86e00"/>`+"\n", num(bb.X-3), num(bb.Y-1), num(bb.W+6), num(bb.H+2))
			attrs = ` fill="#ffffff"`
		case "if":
			attrs = ` fill="#333333"`
		case "net":
			attrs = ` fill="#1f4f85"`
		default:
			attrs = ` fill="#111111"`
		}
		if l.Bold {
			attrs += ` font-weight="bold"`
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="%s"%s>%s</text>`+"\n", num(l.X), num(l.Y), num(l.Size), attrs, esc(l.Text))
	}
	b.WriteString("</svg>\n")
	return b.String()
}
