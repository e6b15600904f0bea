package engine

import (
	"context"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/sshx"
)

// InstanceStatus describes a running (or partly running) instance.
type InstanceStatus struct {
	Name  string       `json:"name"`
	Lab   string       `json:"lab"`
	Nodes []NodeStatus `json:"nodes"`
	// Engine is the endpoint of the engine running the instance, and
	// Transport how SSH reached its nodes (set when probed).
	Engine    string `json:"engine,omitempty"`
	Transport string `json:"transport,omitempty"`
}

// NodeStatus describes one node.
type NodeStatus struct {
	Name      string     `json:"name"`
	Container string     `json:"container"`
	State     string     `json:"state"`
	MgmtAddr  string     `json:"mgmt_address"`
	Data      []DataAddr `json:"interfaces"`
	// SSH is "ok", an error message, or "" when not probed.
	SSH string `json:"ssh,omitempty"`
}

// DataAddr is one declared data interface.
type DataAddr struct {
	Interface string `json:"interface"`
	Network   string `json:"network"`
	Address   string `json:"address,omitempty"`
}

// Instances lists the names of instances that have objects in the engine.
func (e *Engine) Instances(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	cs, err := e.RT.ListContainers(ctx, ToolLabels())
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		seen[c.Labels[runtime.LabelInstance]] = true
	}
	ns, err := e.RT.ListNetworks(ctx, ToolLabels())
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		seen[n.Labels[runtime.LabelInstance]] = true
	}
	delete(seen, "")
	return sortedKeys(seen), nil
}

// NodesByInstance maps every instance that has containers to its node
// names, from a single engine call.
func (e *Engine) NodesByInstance(ctx context.Context) (map[string][]string, error) {
	cs, err := e.RT.ListContainers(ctx, ToolLabels())
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, c := range cs {
		if inst := c.Labels[runtime.LabelInstance]; inst != "" {
			out[inst] = append(out[inst], c.Labels[runtime.LabelNode])
		}
	}
	return out, nil
}

// InstanceStatus reports an instance's nodes; with probe set it also checks
// that each node accepts an SSH session (read-only: runs `true`).
func (e *Engine) InstanceStatus(ctx context.Context, instance string, probe bool) (*InstanceStatus, error) {
	cs, err := e.RT.ListContainers(ctx, InstanceLabels(instance))
	if err != nil {
		return nil, err
	}
	st := &InstanceStatus{Name: instance, Engine: e.Identity.Endpoint}
	for _, c := range cs {
		st.Lab = c.Labels[runtime.LabelLab]
		ns := NodeStatus{Name: c.Labels[runtime.LabelNode], Container: strings.TrimPrefix(c.Name, "/"), State: c.State}
		if ep, ok := c.Endpoints[MgmtNetworkName(instance)]; ok && ep.IPAddress.IsValid() {
			ns.MgmtAddr = ep.IPAddress.String()
		}
		ns.Data = parseAddressLabel(c.Labels[LabelAddresses])
		st.Nodes = append(st.Nodes, ns)
	}
	sort.Slice(st.Nodes, func(i, j int) bool { return st.Nodes[i].Name < st.Nodes[j].Name })
	if !probe || len(st.Nodes) == 0 {
		return st, nil
	}
	pool, targets, err := e.Connect(ctx, instance, sshx.PoolOptions{DialTimeout: 3 * time.Second})
	if err != nil {
		for i := range st.Nodes {
			st.Nodes[i].SSH = err.Error()
		}
		return st, nil
	}
	defer pool.Close()
	var g errgroup.Group
	for i := range st.Nodes {
		t, ok := targets[st.Nodes[i].Name]
		if !ok {
			st.Nodes[i].SSH = "no management address"
			continue
		}
		g.Go(func() error {
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			defer cancel()
			res, err := pool.Run(pctx, t, "true", nil)
			switch {
			case err != nil:
				st.Nodes[i].SSH = err.Error()
			case res.ExitCode != 0:
				st.Nodes[i].SSH = "session failed"
			default:
				st.Nodes[i].SSH = "ok"
			}
			return nil
		})
	}
	_ = g.Wait()
	if tr := e.Dialer().Chosen(); tr != sshx.TransportAuto {
		st.Transport = string(tr)
	}
	return st, nil
}

func parseAddressLabel(s string) []DataAddr {
	var out []DataAddr
	for _, f := range strings.Fields(s) {
		ifc, rest, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		net, addr, _ := strings.Cut(rest, ":")
		if addr == "-" {
			addr = ""
		}
		out = append(out, DataAddr{Interface: ifc, Network: net, Address: addr})
	}
	return out
}
