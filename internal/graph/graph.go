// Package graph turns a lab's topology into pictures: Mermaid and Graphviz
// DOT text, and an SVG that dojo lays out and draws itself (no external
// tools). It works from the loaded lab model, so any lab can be drawn,
// running or not. Every output is deterministic: the same lab gives the same
// bytes.
package graph

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/labdojo/labdojo/internal/lab"
)

// Graph is the topology of a lab as data: what the pictures show. It is
// JSON-serialisable (snake_case) so a report can embed it.
type Graph struct {
	Lab      string    `json:"lab"`
	Title    string    `json:"title,omitempty"`
	Networks []Network `json:"networks"`
	Nodes    []Node    `json:"nodes"`
	// Lang selects the words in the pictures ("router", "no address"):
	// "ja" or English. It is not part of the data.
	Lang string `json:"-"`
}

var words = map[string][2]string{
	"router": {"router", "ルータ"},
	"noaddr": {"(no address)", "(アドレスなし)"},
	"noif":   {"(no interfaces)", "(インターフェースなし)"},
	"loose":  {"not attached to a network", "ネットワーク未接続"},
	"title":  {"Topology of lab ", "ラボ構成図: "},
}

func (g *Graph) word(k string) string {
	if g.Lang == "ja" {
		return words[k][1]
	}
	return words[k][0]
}

// Network is an L2 segment.
type Network struct {
	Name   string `json:"name"`
	Title  string `json:"title,omitempty"`
	Subnet string `json:"subnet"`
}

// Node is a server of the lab.
type Node struct {
	Name       string      `json:"name"`
	Title      string      `json:"title,omitempty"`
	Interfaces []Interface `json:"interfaces"`
	// Router is true for a node that routes: attached to two or more
	// networks, or with IPv4 forwarding switched on by the lab.
	Router bool `json:"router"`
	// Forwarding is true when the lab itself switches IPv4 forwarding on
	// (an exec or a sysctl file setting net.ipv4.ip_forward=1).
	Forwarding bool `json:"forwarding,omitempty"`
	// Routes are the node's static routes, "DEST via GW" or "DEST dev IF".
	Routes []string `json:"routes,omitempty"`
}

// Interface is a data interface of a node.
type Interface struct {
	Device  string `json:"device"` // eth1..ethN in declared order
	Network string `json:"network"`
	// Address is the CIDR address, "" when the interface comes up without
	// one (the learner configures it).
	Address string `json:"address,omitempty"`
}

var forwardRE = regexp.MustCompile(`net[./]ipv4[./](ip_forward|conf[./]all[./]forwarding)\s*=\s*1\b`)

// FromLab extracts the topology of a loaded lab.
func FromLab(l *lab.Lab) *Graph {
	g := &Graph{Lab: l.Name, Title: l.Title, Networks: []Network{}, Nodes: []Node{}}
	for _, n := range l.Networks {
		g.Networks = append(g.Networks, Network{Name: n.Name, Title: n.Title, Subnet: n.Subnet.String()})
	}
	for _, n := range l.Nodes {
		nd := Node{Name: n.Name, Title: n.Title, Interfaces: []Interface{}}
		nets := map[string]bool{}
		for i, ifc := range n.Interfaces {
			a := ""
			if ifc.Address.IsValid() {
				a = ifc.Address.String()
			}
			nd.Interfaces = append(nd.Interfaces, Interface{Device: fmt.Sprintf("eth%d", i+1), Network: ifc.Network, Address: a})
			nets[ifc.Network] = true
		}
		for _, r := range n.Routes {
			s := r.Destination.String()
			if r.Via.IsValid() {
				s += " via " + r.Via.String()
			}
			if r.Dev != "" {
				s += " dev " + r.Dev
			}
			nd.Routes = append(nd.Routes, s)
		}
		for _, e := range n.Exec {
			if forwardRE.MatchString(e) {
				nd.Forwarding = true
			}
		}
		for _, f := range n.Files {
			if strings.HasPrefix(f.Path, "/etc/sysctl") && forwardRE.Match(f.Content) {
				nd.Forwarding = true
			}
		}
		nd.Router = len(nets) >= 2 || nd.Forwarding
		g.Nodes = append(g.Nodes, nd)
	}
	return g
}

// Formats lists the formats Write accepts.
func Formats() []string { return []string{"dot", "mermaid", "svg"} }

// Write renders g in the named format ("mermaid", "dot" or "svg").
func Write(w io.Writer, g *Graph, format string) error {
	var s string
	switch format {
	case "mermaid":
		s = g.Mermaid()
	case "dot":
		s = g.DOT()
	case "svg":
		s = g.SVG()
	default:
		return fmt.Errorf("unknown graph format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	_, err := io.WriteString(w, s)
	return err
}

// networkIndex maps network names to their declared position.
func (g *Graph) networkIndex() map[string]int {
	m := make(map[string]int, len(g.Networks))
	for i, n := range g.Networks {
		m[n.Name] = i
	}
	return m
}

// nodeNetworks returns the sorted, distinct network indexes a node is on.
func nodeNetworks(n *Node, idx map[string]int) []int {
	seen := map[int]bool{}
	var out []int
	for _, ifc := range n.Interfaces {
		i, ok := idx[ifc.Network]
		if ok && !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	sort.Ints(out)
	return out
}

func (g *Graph) ifaceLabel(ifc Interface) string {
	if ifc.Address == "" {
		return ifc.Device + " " + g.word("noaddr")
	}
	return ifc.Device + " " + ifc.Address
}

// Mermaid renders the topology as a Mermaid flowchart (GitHub renders it in
// a ```mermaid block). Networks are stadium shapes, servers boxes, routers
// hexagons; each link is labelled with the interface and its address.
func (g *Graph) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart TB\n")
	for i, n := range g.Networks {
		fmt.Fprintf(&b, "  n%d([\"%s<br/>%s\"])\n", i+1, mermaidText(n.Name), mermaidText(n.Subnet))
	}
	idx := g.networkIndex()
	for i, n := range g.Nodes {
		if n.Router {
			fmt.Fprintf(&b, "  h%d{{\"%s<br/>%s\"}}\n", i+1, mermaidText(n.Name), g.word("router"))
		} else {
			fmt.Fprintf(&b, "  h%d[\"%s\"]\n", i+1, mermaidText(n.Name))
		}
		for _, ifc := range n.Interfaces {
			if ni, ok := idx[ifc.Network]; ok {
				fmt.Fprintf(&b, "  h%d ---|\"%s\"| n%d\n", i+1, mermaidText(g.ifaceLabel(ifc)), ni+1)
			}
		}
	}
	b.WriteString("  classDef net fill:#e8f1fb,stroke:#3b6ea8\n")
	b.WriteString("  classDef router fill:#fff1dc,stroke:#b86e00,stroke-width:2px\n")
	var nets, routers []string
	for i := range g.Networks {
		nets = append(nets, fmt.Sprintf("n%d", i+1))
	}
	for i, n := range g.Nodes {
		if n.Router {
			routers = append(routers, fmt.Sprintf("h%d", i+1))
		}
	}
	if len(nets) > 0 {
		fmt.Fprintf(&b, "  class %s net\n", strings.Join(nets, ","))
	}
	if len(routers) > 0 {
		fmt.Fprintf(&b, "  class %s router\n", strings.Join(routers, ","))
	}
	return b.String()
}

// mermaidText escapes text for a quoted Mermaid label.
func mermaidText(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ")
	return r.Replace(s)
}

// DOT renders the topology as an undirected Graphviz graph.
func (g *Graph) DOT() string {
	var b strings.Builder
	fmt.Fprintf(&b, "graph %s {\n", dotQuote(g.Lab))
	b.WriteString("  graph [rankdir=TB, fontname=\"monospace\"];\n")
	b.WriteString("  node [fontname=\"monospace\", fontsize=11];\n")
	b.WriteString("  edge [fontname=\"monospace\", fontsize=9];\n")
	for i, n := range g.Networks {
		fmt.Fprintf(&b, "  n%d [shape=box, style=\"rounded,filled\", fillcolor=\"#e8f1fb\", label=%s];\n", i+1, dotQuote(n.Name+"\n"+n.Subnet))
	}
	idx := g.networkIndex()
	for i, n := range g.Nodes {
		if n.Router {
			fmt.Fprintf(&b, "  h%d [shape=hexagon, style=\"filled,bold\", fillcolor=\"#fff1dc\", label=%s];\n", i+1, dotQuote(n.Name+"\n"+g.word("router")))
		} else {
			fmt.Fprintf(&b, "  h%d [shape=box, label=%s];\n", i+1, dotQuote(n.Name))
		}
		for _, ifc := range n.Interfaces {
			if ni, ok := idx[ifc.Network]; ok {
				fmt.Fprintf(&b, "  h%d -- n%d [label=%s];\n", i+1, ni+1, dotQuote(g.ifaceLabel(ifc)))
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
