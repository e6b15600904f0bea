package session

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/sshx"
)

// Node is a resolved, running node with a connected pool. Close it.
type Node struct {
	Instance, Name string
	Pool           *sshx.Pool
	Target         sshx.Target
}

// Close releases the connection.
func (n *Node) Close() error { return n.Pool.Close() }

// ConnectNode resolves ref ("node" or "instance/node", see ResolveNode)
// and connects to it.
func (s *Service) ConnectNode(ctx context.Context, ref, instance string, opts sshx.PoolOptions) (*Node, error) {
	inst, node, err := s.ResolveNode(ctx, ref, instance)
	if err != nil {
		return nil, err
	}
	if err := s.requireKnown(ctx, inst); err != nil {
		return nil, err
	}
	pool, targets, err := s.connect(ctx, inst, opts)
	if err != nil {
		return nil, err
	}
	t, ok := targets[node]
	if !ok {
		pool.Close()
		return nil, inputf("instance %q has no running node %q", inst, node)
	}
	return &Node{Instance: inst, Name: node, Pool: pool, Target: t}, nil
}

// Console runs spec on a node through the engine, without SSH.
func (s *Service) Console(ctx context.Context, ref, instance string, spec runtime.ExecSpec) (int, error) {
	inst, node, err := s.ResolveNode(ctx, ref, instance)
	if err != nil {
		return 0, err
	}
	if err := s.requireKnown(ctx, inst); err != nil {
		return 0, err
	}
	res, err := s.Engine.RT.Exec(ctx, engine.ContainerName(inst, node), spec)
	if err != nil {
		return 0, err
	}
	return res.ExitCode, nil
}

// access is an instance's SSH targets and status, for client configs.
func (s *Service) access(ctx context.Context, name string) (string, map[string]sshx.Target, *engine.InstanceStatus, error) {
	inst, err := s.ResolveInstance(ctx, name)
	if err != nil {
		return "", nil, nil, err
	}
	if err := s.requireKnown(ctx, inst); err != nil {
		return "", nil, nil, err
	}
	targets, err := s.Engine.Targets(ctx, inst)
	if err != nil {
		return "", nil, nil, err
	}
	st, err := s.Engine.InstanceStatus(ctx, inst, false)
	if err != nil {
		return "", nil, nil, err
	}
	return inst, targets, st, nil
}

// SSHConfig renders an OpenSSH client configuration for the named
// instance (or the only one).
func (s *Service) SSHConfig(ctx context.Context, name string) (string, error) {
	inst, targets, _, err := s.access(ctx, name)
	if err != nil {
		return "", err
	}
	key, err := sshConfigPath(s.Store().UserKeyFile(inst))
	if err != nil {
		return "", err
	}
	known, err := sshConfigPath(s.Store().KnownHostsFile(inst))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# OpenSSH client configuration for labdojo instance %q.\n# Use: ssh -F THIS_FILE NODE   (also scp -F, rsync -e 'ssh -F THIS_FILE')\n", inst)
	nodes := make([]string, 0, len(targets))
	for n := range targets {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	tr, err := s.transportFor(ctx, targets)
	if err != nil {
		return "", err
	}
	for _, n := range nodes {
		host, port, _ := strings.Cut(targets[n].Addr, ":")
		fmt.Fprintf(&b, "\nHost %s %s.%s\n", n, inst, n)
		if tr == sshx.TransportExec {
			// No network path to the node: reach its sshd through the engine.
			pc, err := s.proxyCommand(inst, n)
			if err != nil {
				return "", err
			}
			host, port = engine.HostAlias(inst, n), "22"
			fmt.Fprintf(&b, "  ProxyCommand %s\n", pc)
		}
		fmt.Fprintf(&b, "  HostName %s\n  Port %s\n  User root\n", host, port)
		fmt.Fprintf(&b, "  IdentityFile %s\n  IdentitiesOnly yes\n", key)
		fmt.Fprintf(&b, "  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n", known)
		fmt.Fprintf(&b, "  HostKeyAlias %s\n  GlobalKnownHostsFile /dev/null\n  UpdateHostKeys no\n  LogLevel ERROR\n", engine.HostAlias(inst, n))
	}
	return b.String(), nil
}

// Inventory renders an Ansible YAML inventory for the named instance (or
// the only one): group "all" with every node, plus one group per lab
// network ("net_" + network, so a network cannot collide with a node
// block) and one per node block made with count ("web" for web-1, web-2).
// Every path is quoted for YAML and, inside ssh arguments, for shlex and
// ssh_config.
func (s *Service) Inventory(ctx context.Context, name string) (string, error) {
	inst, targets, st, err := s.access(ctx, name)
	if err != nil {
		return "", err
	}
	tr, err := s.transportFor(ctx, targets)
	if err != nil {
		return "", err
	}
	known, err := sshOption("UserKnownHostsFile", s.Store().KnownHostsFile(inst))
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Ansible inventory for labdojo instance %q: ansible -i THIS_FILE all -m ping\n", inst)
	b.WriteString("all:\n  vars:\n    ansible_user: root\n")
	fmt.Fprintf(&b, "    ansible_ssh_private_key_file: %s\n", yamlQuote(s.Store().UserKeyFile(inst)))
	fmt.Fprintf(&b, "    ansible_ssh_common_args: %s\n", yamlQuote("-o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null "+known))
	b.WriteString("    ansible_python_interpreter: /usr/bin/python3\n  hosts:\n")
	for _, n := range st.Nodes {
		t, ok := targets[n.Name]
		if !ok {
			continue
		}
		host, port, _ := strings.Cut(t.Addr, ":")
		extra := "-o HostKeyAlias=" + engine.HostAlias(inst, n.Name)
		if tr == sshx.TransportExec {
			if extra, err = s.ansibleProxy(extra, inst, n.Name); err != nil {
				return "", err
			}
		}
		fmt.Fprintf(&b, "    %s:\n      ansible_host: %s\n      ansible_port: %s\n      ansible_ssh_extra_args: %s\n",
			n.Name, yamlQuote(host), port, yamlQuote(extra))
	}
	groups := nodeGroups(st.Nodes, targets)
	if len(groups) > 0 {
		b.WriteString("  children:\n")
		names := make([]string, 0, len(groups))
		for g := range groups {
			names = append(names, g)
		}
		sort.Strings(names)
		for _, g := range names {
			fmt.Fprintf(&b, "    %s:\n      hosts:\n", g)
			for _, n := range groups[g] {
				fmt.Fprintf(&b, "        %s: {}\n", n)
			}
		}
	}
	return b.String(), nil
}

// nodeGroups are the inventory's groups of the nodes that have a target:
// "net_<network>" per lab network, "<block>" per node block made with
// count (prefixed "block_" when that would clash with a host or another
// group kind).
func nodeGroups(nodes []engine.NodeStatus, targets map[string]sshx.Target) map[string][]string {
	groups := map[string][]string{}
	hosts := map[string]bool{}
	for _, n := range nodes {
		hosts[n.Name] = true
	}
	for _, n := range nodes {
		if _, ok := targets[n.Name]; !ok {
			continue
		}
		for _, d := range n.Data {
			g := groupName("net_", d.Network)
			if !slices.Contains(groups[g], n.Name) {
				groups[g] = append(groups[g], n.Name)
			}
		}
		if m := countedNode.FindStringSubmatch(n.Name); m != nil {
			g := groupName("", m[1])
			if hosts[g] || g == "all" || g == "ungrouped" || strings.HasPrefix(g, "net_") {
				g = "block_" + g // a group may not share a host's name
			}
			groups[g] = append(groups[g], n.Name)
		}
	}
	return groups
}

// countedNode matches the names a node block with count gives its nodes
// (web-1, web-2 for block "web").
var countedNode = regexp.MustCompile(`^(.+)-[0-9]+$`)
