package graph

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/labs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from golden file (go test -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func bundled(t testing.TB, name string) *lab.Lab {
	t.Helper()
	l, _, diags := lab.LoadFS(labs.Bundled(), name+"/lab.hcl", lab.Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return l
}

// synthetic builds a lab of nets networks and nodes nodes; seed picks how
// nodes attach (0..3 networks each), with long names on some.
func synthetic(nets, nodes int, seed int64) *lab.Lab {
	r := rand.New(rand.NewSource(seed))
	l := &lab.Lab{Name: fmt.Sprintf("synthetic-%d-%d-%d", nets, nodes, seed), Title: "Generated for layout tests"}
	for i := 0; i < nets; i++ {
		name := fmt.Sprintf("net%d", i)
		if i%3 == 2 {
			name = fmt.Sprintf("a-rather-long-network-name-number-%d", i)
		}
		l.Networks = append(l.Networks, &lab.Network{Name: name, Subnet: netip.MustParsePrefix(fmt.Sprintf("10.%d.0.0/24", i))})
	}
	for i := 0; i < nodes; i++ {
		name := fmt.Sprintf("host%d", i)
		if i%7 == 3 {
			name = fmt.Sprintf("very-long-node-name-that-does-not-fit-%d", i)
		}
		n := &lab.Node{Name: name}
		k := r.Intn(4)
		if nets == 0 {
			k = 0
		}
		used := map[int]bool{}
		for j := 0; j < k; j++ {
			ni := r.Intn(nets)
			if used[ni] {
				continue
			}
			used[ni] = true
			var a netip.Prefix
			if r.Intn(5) > 0 {
				a = netip.MustParsePrefix(fmt.Sprintf("10.%d.0.%d/24", ni, 10+i))
			}
			n.Interfaces = append(n.Interfaces, lab.Interface{Network: l.Networks[ni].Name, Address: a})
		}
		l.Nodes = append(l.Nodes, n)
	}
	return l
}

func TestFromLabRouters(t *testing.T) {
	g := FromLab(bundled(t, "two-subnets"))
	want := map[string]bool{"router": true, "client": false, "web": false}
	for _, n := range g.Nodes {
		if n.Router != want[n.Name] {
			t.Errorf("%s: router = %v, want %v", n.Name, n.Router, want[n.Name])
		}
	}
	if got := g.Nodes[0].Interfaces; len(got) != 2 || got[0].Device != "eth1" || got[0].Address != "10.10.1.1/24" || got[1].Device != "eth2" || got[1].Network != "servers" {
		t.Errorf("router interfaces = %+v", got)
	}
	if r := g.Nodes[1].Routes; len(r) != 1 || r[0] != "10.10.2.0/24 via 10.10.1.1" {
		t.Errorf("client routes = %v", r)
	}

	// Forwarding declared by the lab makes a single-network node a router.
	l := &lab.Lab{Name: "fw", Networks: []*lab.Network{{Name: "a", Subnet: netip.MustParsePrefix("10.0.0.0/24")}}, Nodes: []*lab.Node{
		{Name: "gw", Interfaces: []lab.Interface{{Network: "a"}}, Exec: []string{"sysctl -w net.ipv4.ip_forward=1"}},
		{Name: "gw2", Interfaces: []lab.Interface{{Network: "a"}}, Files: []lab.File{{Path: "/etc/sysctl.d/10-fw.conf", Content: []byte("net.ipv4.ip_forward = 1\n")}}},
		{Name: "off", Interfaces: []lab.Interface{{Network: "a"}}, Exec: []string{"sysctl -w net.ipv4.ip_forward=0"}},
		{Name: "notsysctl", Interfaces: []lab.Interface{{Network: "a"}}, Files: []lab.File{{Path: "/root/notes", Content: []byte("net.ipv4.ip_forward=1")}}},
	}}
	g = FromLab(l)
	for i, want := range []bool{true, true, false, false} {
		if g.Nodes[i].Router != want || g.Nodes[i].Forwarding != want {
			t.Errorf("%s: router=%v forwarding=%v, want %v", g.Nodes[i].Name, g.Nodes[i].Router, g.Nodes[i].Forwarding, want)
		}
	}
	if got := g.ifaceLabel(g.Nodes[0].Interfaces[0]); got != "eth1 (no address)" {
		t.Errorf("label without address = %q", got)
	}
	g.Lang = "ja"
	if got := g.ifaceLabel(g.Nodes[0].Interfaces[0]); got != "eth1 (アドレスなし)" {
		t.Errorf("label without address (ja) = %q", got)
	}
}

func TestGolden(t *testing.T) {
	for _, name := range []string{"two-subnets", "web-tier", "single-server"} {
		g := FromLab(bundled(t, name))
		for _, f := range Formats() {
			var b bytes.Buffer
			if err := Write(&b, g, f); err != nil {
				t.Fatal(err)
			}
			golden(t, name+"."+f, b.String())
			// Deterministic: a second rendering is identical.
			var b2 bytes.Buffer
			_ = Write(&b2, FromLab(bundled(t, name)), f)
			if b.String() != b2.String() {
				t.Errorf("%s %s: two renderings differ", name, f)
			}
		}
	}
	g := FromLab(synthetic(6, 30, 7))
	golden(t, "synthetic-30.svg", g.SVG())
	ja := FromLab(bundled(t, "two-subnets"))
	ja.Lang = "ja"
	golden(t, "two-subnets-ja.svg", ja.SVG())
	golden(t, "two-subnets-ja.mermaid", ja.Mermaid())
	if err := Write(io.Discard, g, "png"); err == nil || !strings.Contains(err.Error(), "dot, mermaid, svg") {
		t.Errorf("unknown format: %v", err)
	}
}

// wellFormed parses s as XML to the end.
func wellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func checkLayout(t *testing.T, g *Graph) {
	t.Helper()
	lay := g.Layout()
	canvas := Rect{0, 0, lay.Width, lay.Height}
	owners := map[string]Rect{"title": canvas, "loose": canvas}
	for _, nb := range lay.Networks {
		owners[fmt.Sprintf("net%d", nb.Network)] = nb.Rect
		if !canvas.Contains(nb.Rect) {
			t.Errorf("%s: network %d outside the canvas", g.Lab, nb.Network)
		}
	}
	placed := map[int]bool{}
	for i, a := range lay.Nodes {
		if placed[a.Node] {
			t.Errorf("%s: node %d drawn twice", g.Lab, a.Node)
		}
		placed[a.Node] = true
		owners[fmt.Sprintf("node%d", a.Node)] = a.Rect
		if !canvas.Contains(a.Rect) {
			t.Errorf("%s: node %s outside the canvas", g.Lab, g.Nodes[a.Node].Name)
		}
		for _, b := range lay.Nodes[i+1:] {
			if a.Rect.Overlaps(b.Rect) {
				t.Errorf("%s: nodes %s and %s overlap", g.Lab, g.Nodes[a.Node].Name, g.Nodes[b.Node].Name)
			}
		}
		for _, nb := range lay.Networks {
			if nb.Rect.Overlaps(a.Rect) && !nb.Rect.Contains(a.Rect) {
				t.Errorf("%s: node %s straddles network %d", g.Lab, g.Nodes[a.Node].Name, nb.Network)
			}
		}
	}
	if len(placed) != len(g.Nodes) {
		t.Errorf("%s: %d of %d nodes drawn", g.Lab, len(placed), len(g.Nodes))
	}
	for i, nb := range lay.Networks {
		for _, ob := range lay.Networks[i+1:] {
			if nb.Rect.Overlaps(ob.Rect) {
				t.Errorf("%s: networks %d and %d overlap", g.Lab, nb.Network, ob.Network)
			}
		}
	}
	for i, a := range lay.Labels {
		ab := a.Bounds()
		if a.Class == "badge" { // drawn on a pill 3px wider each side
			ab = Rect{ab.X - 3, ab.Y - 1, ab.W + 6, ab.H + 2}
		}
		if o, ok := owners[a.Owner]; !ok || !o.Contains(ab) {
			t.Errorf("%s: label %q (%v) not inside its owner %s (%v)", g.Lab, a.Text, ab, a.Owner, o)
		}
		for _, b := range lay.Labels[i+1:] {
			if ab.Overlaps(b.Bounds()) {
				t.Errorf("%s: labels %q and %q overlap", g.Lab, a.Text, b.Text)
			}
		}
		// A label of a network box must not be under a node box.
		if strings.HasPrefix(a.Owner, "net") || a.Owner == "title" || a.Owner == "loose" {
			for _, nb := range lay.Nodes {
				if nb.Rect.Overlaps(ab) {
					t.Errorf("%s: label %q is under node %s", g.Lab, a.Text, g.Nodes[nb.Node].Name)
				}
			}
		}
	}
	// Every link of every node is drawn (members sit inside their box).
	idx := g.networkIndex()
	links := map[[2]int]bool{}
	ends := map[[2]float64]bool{}
	for _, l := range lay.Lines {
		end := l.Points[len(l.Points)-1]
		if ends[end] {
			t.Errorf("%s: two links end at %v", g.Lab, end)
		}
		ends[end] = true
		if nr := lay.Networks[l.Network].Rect; end[1] < nr.Y || end[1] > nr.Y+nr.H || (end[0] != nr.X+nr.W && end[1] != nr.Y && end[1] != nr.Y+nr.H) {
			t.Errorf("%s: link of %s ends at %v, not on the edge of network %d %v", g.Lab, g.Nodes[l.Node].Name, end, l.Network, nr)
		}
		links[[2]int{l.Node, l.Network}] = true
		for _, p := range l.Points {
			if p[0] < 0 || p[1] < 0 || p[0] > lay.Width || p[1] > lay.Height {
				t.Errorf("%s: line point %v outside the canvas", g.Lab, p)
			}
		}
	}
	for _, nb := range lay.Nodes {
		for _, k := range nodeNetworks(&g.Nodes[nb.Node], idx) {
			if !links[[2]int{nb.Node, k}] && !lay.Networks[k].Rect.Contains(nb.Rect) {
				t.Errorf("%s: node %s not linked to network %d", g.Lab, g.Nodes[nb.Node].Name, k)
			}
		}
	}
	if err := wellFormed(g.SVG()); err != nil {
		t.Errorf("%s: SVG is not well-formed XML: %v", g.Lab, err)
	}
}

func TestLayoutGeometry(t *testing.T) {
	for _, name := range []string{"two-subnets", "web-tier", "single-server"} {
		checkLayout(t, FromLab(bundled(t, name)))
	}
	for _, c := range [][2]int{{0, 3}, {1, 30}, {2, 30}, {3, 12}, {6, 30}, {10, 30}, {4, 1}, {5, 0}} {
		for seed := int64(1); seed <= 20; seed++ {
			g := FromLab(synthetic(c[0], c[1], seed))
			if seed%2 == 0 {
				g.Lang = "ja" // wide characters in the labels
			}
			checkLayout(t, g)
		}
	}
}

func TestLayoutReadableAt30(t *testing.T) {
	// 30 servers on one network wrap into rows: the drawing stays narrow
	// enough to read on A4 (scaled to ~180 mm, text stays >= 5 pt).
	l := &lab.Lab{Name: "flat", Networks: []*lab.Network{{Name: "lan", Subnet: netip.MustParsePrefix("10.0.0.0/24")}}}
	for i := 0; i < 30; i++ {
		l.Nodes = append(l.Nodes, &lab.Node{Name: fmt.Sprintf("pc%02d", i), Interfaces: []lab.Interface{{Network: "lan", Address: netip.MustParsePrefix(fmt.Sprintf("10.0.0.%d/24", 10+i))}}})
	}
	lay := FromLab(l).Layout()
	if lay.Width > 900 {
		t.Errorf("30 nodes on one network: width %v, want <= 900", lay.Width)
	}
	// 180 mm = 510 pt; the smallest text is ifSize px.
	if pt := ifSize * 510 / lay.Width; pt < 5 {
		t.Errorf("smallest text would print at %.1f pt", pt)
	}
}

func TestEscaping(t *testing.T) {
	g := &Graph{Lab: `x"<&>`, Title: "日本語のタイトル <b>", Networks: []Network{{Name: `n"1`, Subnet: "10.0.0.0/24"}}, Nodes: []Node{{Name: `a<b>&"c`, Interfaces: []Interface{{Device: "eth1", Network: `n"1`}}}}}
	if err := wellFormed(g.SVG()); err != nil {
		t.Errorf("SVG: %v", err)
	}
	if strings.Contains(g.SVG(), "<b>") {
		t.Error("markup from names reached the SVG")
	}
	if d := g.DOT(); !strings.Contains(d, `label="n\"1\n10.0.0.0/24"`) {
		t.Errorf("DOT escaping:\n%s", d)
	}
	if m := g.Mermaid(); strings.Contains(m, `a<b>`) || !strings.Contains(m, "a#lt;b#gt;&#quot;c") {
		t.Errorf("Mermaid escaping:\n%s", m)
	}
}

func BenchmarkSVG30(b *testing.B) {
	g := FromLab(synthetic(6, 30, 7))
	for b.Loop() {
		_ = g.SVG()
	}
}
