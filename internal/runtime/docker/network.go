package docker

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"

	"github.com/labdojo/labdojo/internal/runtime"
)

// Bridge driver options used for networks that give the host no address.
const (
	optInhibitIPv4 = "com.docker.network.bridge.inhibit_ipv4"
	optMasquerade  = "com.docker.network.bridge.enable_ip_masquerade"
	optICC         = "com.docker.network.bridge.enable_icc"
)

// networkCreateOptions translates a NetworkSpec into engine options. It is a
// pure function so that it can be tested without an engine.
func networkCreateOptions(spec runtime.NetworkSpec) network.CreateOptions {
	opts := network.CreateOptions{
		Driver:   "bridge",
		Internal: spec.Internal,
		Labels:   copyMap(spec.Labels),
	}
	if spec.Subnet.IsValid() {
		cfg := network.IPAMConfig{Subnet: spec.Subnet.Masked().String()}
		if spec.Gateway.IsValid() {
			cfg.Gateway = spec.Gateway.String()
		}
		opts.IPAM = &network.IPAM{Driver: "default", Config: []network.IPAMConfig{cfg}}
	}
	if spec.NoHostAddress || spec.NoICC {
		opts.Options = map[string]string{}
	}
	if spec.NoHostAddress {
		opts.Options[optInhibitIPv4] = "true"
		opts.Options[optMasquerade] = "false"
	}
	if spec.NoICC {
		opts.Options[optICC] = "false"
	}
	return opts
}

// CreateNetwork creates a bridge network and returns its ID.
func (r *Runtime) CreateNetwork(ctx context.Context, spec runtime.NetworkSpec) (string, error) {
	resp, err := r.cli.NetworkCreate(ctx, spec.Name, networkCreateOptions(spec))
	if err != nil {
		if strings.Contains(err.Error(), "overlaps with other one") {
			// The engine's only signal for this case is its message.
			return "", fmt.Errorf("creating network %q: %w", spec.Name, &runtime.SubnetOverlapError{Subnet: spec.Subnet, Cause: err})
		}
		return "", wrapErr(err, "creating network %q (subnet %s)", spec.Name, spec.Subnet)
	}
	return resp.ID, nil
}

// RemoveNetwork removes a network by name or ID.
func (r *Runtime) RemoveNetwork(ctx context.Context, id string) error {
	return wrapErr(r.cli.NetworkRemove(ctx, id), "removing network %q", id)
}

// ListNetworks returns the networks carrying all the given labels, sorted by
// name.
func (r *Runtime) ListNetworks(ctx context.Context, labels map[string]string) ([]runtime.NetworkInfo, error) {
	nets, err := r.cli.NetworkList(ctx, network.ListOptions{Filters: labelFilters(labels)})
	if err != nil {
		return nil, wrapErr(err, "listing networks")
	}
	out := make([]runtime.NetworkInfo, 0, len(nets))
	for _, n := range nets {
		info := runtime.NetworkInfo{ID: n.ID, Name: n.Name, Labels: n.Labels}
		for _, c := range n.IPAM.Config {
			if p, err := netip.ParsePrefix(c.Subnet); err == nil {
				info.Subnets = append(info.Subnets, p)
			}
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// AllNetworkSubnets returns every IPv4 subnet of every engine network, keyed
// by subnet, with the network's name as value.
func (r *Runtime) AllNetworkSubnets(ctx context.Context) (map[netip.Prefix]string, error) {
	nets, err := r.cli.NetworkList(ctx, network.ListOptions{})
	if err != nil {
		return nil, wrapErr(err, "listing networks")
	}
	out := make(map[netip.Prefix]string)
	for _, n := range nets {
		for _, c := range n.IPAM.Config {
			p, err := netip.ParsePrefix(c.Subnet)
			if err != nil || !p.Addr().Is4() {
				continue
			}
			out[p.Masked()] = n.Name
		}
	}
	return out, nil
}

// labelFilters builds "label=k=v" filters.
func labelFilters(labels map[string]string) filters.Args {
	args := filters.NewArgs()
	for k, v := range labels {
		if v == "" {
			args.Add("label", k)
			continue
		}
		args.Add("label", fmt.Sprintf("%s=%s", k, v))
	}
	return args
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
