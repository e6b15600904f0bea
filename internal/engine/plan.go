package engine

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/runtime"
)

// Plan is everything needed to bring an instance up, computed without
// touching the engine.
type Plan struct {
	Instance string
	Lab      *lab.Lab
	Image    string
	Version  string
	// Mgmt is the management subnet; its first address is the engine-side
	// gateway (the host's address on the bridge).
	Mgmt netip.Prefix
	// Shadow maps a lab network name to its placeholder engine subnet.
	Shadow map[string]netip.Prefix
	Nodes  []*NodePlan
}

// NodePlan is the plan of one node.
type NodePlan struct {
	Node      *lab.Node
	Container string
	MgmtAddr  netip.Addr
	// Ifaces are the data interfaces in declared order (eth1..ethN).
	Ifaces []IfacePlan
}

// IfacePlan is one data interface of a node.
type IfacePlan struct {
	Name      string // eth1, eth2, ...
	Network   string // lab network name
	EngineNet string // engine network name
	// Shadow is the placeholder address the engine assigns (removed at boot),
	// used to find the interface inside the node.
	Shadow  netip.Prefix
	Address netip.Prefix // lab address, may be invalid (no address)
	Gateway netip.Addr
}

// NewPlan computes the plan of an instance of l. mgmt and shadow subnets are
// chosen by the caller (see allocate) so that NewPlan stays pure.
func NewPlan(instance string, l *lab.Lab, image, version string, mgmt netip.Prefix, shadow map[string]netip.Prefix) (*Plan, error) {
	p := &Plan{Instance: instance, Lab: l, Image: image, Version: version, Mgmt: mgmt, Shadow: shadow}
	for i, n := range l.Nodes {
		np := &NodePlan{Node: n, Container: ContainerName(instance, n.Name), MgmtAddr: nthAddr(mgmt, i+2)}
		if !mgmt.Contains(np.MgmtAddr) {
			return nil, fmt.Errorf("management subnet %s too small for %d nodes", mgmt, len(l.Nodes))
		}
		for j, ifc := range n.Interfaces {
			sh, ok := shadow[ifc.Network]
			if !ok {
				return nil, fmt.Errorf("node %q: no engine subnet for network %q", n.Name, ifc.Network)
			}
			a := nthAddr(sh, i+2)
			if !sh.Contains(a) {
				return nil, fmt.Errorf("placeholder subnet %s too small for %d nodes", sh, len(l.Nodes))
			}
			np.Ifaces = append(np.Ifaces, IfacePlan{
				Name:      "eth" + strconv.Itoa(j+1),
				Network:   ifc.Network,
				EngineNet: NetworkName(instance, ifc.Network),
				Shadow:    netip.PrefixFrom(a, sh.Bits()),
				Address:   ifc.Address,
				Gateway:   ifc.Gateway,
			})
		}
		p.Nodes = append(p.Nodes, np)
	}
	return p, nil
}

// BaseLabels are the labels every object of the plan carries.
func (p *Plan) BaseLabels() map[string]string {
	return map[string]string{
		runtime.LabelTool:     runtime.ToolName,
		runtime.LabelLab:      p.Lab.Name,
		runtime.LabelInstance: p.Instance,
		runtime.LabelLabHash:  p.Lab.Hash,
		runtime.LabelVersion:  p.Version,
		runtime.LabelLabFile:  p.Lab.File,
	}
}

// NetworkSpecs returns the engine networks of the plan: management first,
// then the lab networks in declared order.
func (p *Plan) NetworkSpecs() []runtime.NetworkSpec {
	mgmt := runtime.NetworkSpec{
		Name:     MgmtNetworkName(p.Instance),
		Subnet:   p.Mgmt,
		Gateway:  nthAddr(p.Mgmt, 1),
		Internal: true,
		NoICC:    true,
		Labels:   with(p.BaseLabels(), runtime.LabelNetwork, MgmtLabel),
	}
	out := []runtime.NetworkSpec{mgmt}
	for _, n := range p.Lab.Networks {
		sh := p.Shadow[n.Name]
		out = append(out, runtime.NetworkSpec{
			Name:          NetworkName(p.Instance, n.Name),
			Subnet:        sh,
			Gateway:       nthAddr(sh, 1),
			NoHostAddress: true,
			Labels:        with(p.BaseLabels(), runtime.LabelNetwork, n.Name),
		})
	}
	return out
}

// LabelAddresses records a node's declared data interfaces
// ("eth1=office:10.10.1.1/24 eth2=servers:-") so status needs no lab file.
const LabelAddresses = "io.labdojo.addresses"

// AddressLabel renders the LabelAddresses value of a node.
func (np *NodePlan) AddressLabel() string {
	var parts []string
	for _, ifc := range np.Ifaces {
		a := "-"
		if ifc.Address.IsValid() {
			a = ifc.Address.String()
		}
		parts = append(parts, ifc.Name+"="+ifc.Network+":"+a)
	}
	return strings.Join(parts, " ")
}

// ReadonlyPaths is the engine's default read-only list with /proc/sys
// replaced by each of its subtrees except /proc/sys/net: learners must be
// able to set their node's own network sysctls (ip_forward, rp_filter...),
// which live in the node's network namespace and need NET_ADMIN there,
// while every host-wide sysctl stays read-only.
var ReadonlyPaths = []string{
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sysrq-trigger",
	"/proc/sys/abi", "/proc/sys/crypto", "/proc/sys/debug", "/proc/sys/dev",
	"/proc/sys/fs", "/proc/sys/kernel", "/proc/sys/sunrpc", "/proc/sys/user",
	"/proc/sys/vm",
}

// BootPath is where the generated boot script is placed in each node.
const BootPath = "/etc/labdojo/boot.sh"

// ContainerSpec translates a node plan into a container configuration; cmd
// is the node's boot command (see NodeBoot). It is pure: the same plan gives
// the same spec.
func (p *Plan) ContainerSpec(np *NodePlan, cmd []string) runtime.ContainerSpec {
	n := np.Node
	spec := runtime.ContainerSpec{
		Name:     np.Container,
		Hostname: n.Name,
		Image:    p.Image,
		Cmd:      cmd,
		Env:      map[string]string{},
		Labels:   with(with(p.BaseLabels(), runtime.LabelNode, n.Name), LabelAddresses, np.AddressLabel()),
		CapAdd:   []string{"NET_ADMIN", "NET_RAW"},
		Init:     true,
		NanoCPUs: int64(n.CPUs * 1e9),
		// Forwarding is off until the learner turns it on, like a fresh
		// server; the engine would otherwise inherit its own defaults.
		Sysctls:       map[string]string{"net.ipv4.ip_forward": "0"},
		ReadonlyPaths: ReadonlyPaths,
	}
	if n.Image != "" {
		spec.Image = n.Image
	}
	spec.PidsLimit, spec.Memory, spec.CPUShares = nodeLimits(n)
	for k, v := range n.Env {
		spec.Env[k] = v
	}
	spec.Networks = append(spec.Networks, runtime.NetworkAttachment{Network: MgmtNetworkName(p.Instance), Address: np.MgmtAddr})
	for _, ifc := range np.Ifaces {
		spec.Networks = append(spec.Networks, runtime.NetworkAttachment{Network: ifc.EngineNet, Address: ifc.Shadow.Addr()})
	}
	if n.Privileged {
		spec.Privileged = true
	}
	for _, c := range n.Capabilities {
		if !slices.Contains(spec.CapAdd, strings.ToUpper(c)) {
			spec.CapAdd = append(spec.CapAdd, strings.ToUpper(c))
		}
	}
	for _, b := range n.Binds {
		s := b.Source + ":" + b.Target
		if b.ReadOnly {
			s += ":ro"
		}
		spec.Binds = append(spec.Binds, s)
	}
	if n.HostNetwork {
		spec.NetworkModeHost = true
		spec.Networks = nil
	}
	return spec
}

func with(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
