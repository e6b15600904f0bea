// Package lab loads, validates and resolves lab files written in HCL.
//
// The result of loading is an immutable, fully resolved *Lab: count and
// for_each are expanded, defaults are applied, expressions are evaluated and
// referenced files are read. Packages downstream consume the model and never
// re-read HCL.
package lab

import (
	"net/netip"
	"os"
)

// Lab is a resolved lab topology.
type Lab struct {
	// Name is the label of the lab block (lab "name" {}).
	Name        string
	Title       string
	Description string
	// Dir is the directory the lab file was loaded from ("" for embedded labs
	// loaded from an fs.FS root).
	Dir string
	// File is the path of the lab file as given to the loader.
	File string
	// Hash is a hex sha256 over the lab file, the files it read and the
	// variable values; it changes whenever the resolved lab would.
	Hash     string
	Networks []*Network
	Nodes    []*Node
}

// Network is an L2 segment of the lab.
type Network struct {
	Name   string
	Title  string
	Subnet netip.Prefix
}

// Node is one Linux server of the lab, after count/for_each expansion.
type Node struct {
	Name  string
	Title string
	// Image is the node image reference; "" means the default node image.
	Image string
	// Interfaces are the data interfaces in declared order: Interfaces[0]
	// becomes eth1.
	Interfaces []Interface
	Routes     []Route
	Files      []File
	// Exec are shell commands run, in order, after the node has started.
	Exec   []string
	Env    map[string]string
	CPUs   float64 // 0 = no hard limit (a CPU share still applies)
	Memory int64   // bytes, 0 = the engine package's default
	Pids   int64   // process limit, 0 = the engine package's default

	// Host-reaching options; the loader refuses them unless allowed.
	Privileged   bool
	Capabilities []string // extra capabilities beyond NET_ADMIN and NET_RAW
	Binds        []Bind
	HostNetwork  bool
}

// Interface is a data interface of a node on a lab network.
type Interface struct {
	Network string
	// Address is the interface address with its prefix length; the zero
	// value means the interface comes up with no address.
	Address netip.Prefix
	// Gateway, when valid, becomes the node's default route via this
	// interface.
	Gateway netip.Addr
}

// Route is a static route of a node.
type Route struct {
	// Destination; 0.0.0.0/0 for the default route.
	Destination netip.Prefix
	Via         netip.Addr // may be invalid when Dev is set
	Dev         string     // optional device name, e.g. "eth1"
}

// File is a file placed into the node before it starts.
type File struct {
	Path    string
	Content []byte
	Mode    os.FileMode
	Owner   string // "user" or "user:group"; "" = root
}

// Bind is a host bind mount (only with an explicit allow flag).
type Bind struct {
	Source   string
	Target   string
	ReadOnly bool
}

// NodeByName returns the node with the given name, or nil.
func (l *Lab) NodeByName(name string) *Node {
	for _, n := range l.Nodes {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// NetworkByName returns the network with the given name, or nil.
func (l *Lab) NetworkByName(name string) *Network {
	for _, n := range l.Networks {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// GCPercent is the garbage-collection target the dojo command runs with (Go's
// default is 100). dojo is short-lived and its heap small (tens of MB), so
// collecting less often costs little memory and halves the time to load a
// large lab, whose parsing allocates heavily.
const GCPercent = 400
