package engine

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sync/errgroup"

	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
)

// repairable reports whether an instance whose containers all run lab
// hash l.Hash lacks only some of the lab's nodes: the engine lost them
// (e.g. `docker rm -f`), and up recreates them.
func repairable(l *lab.Lab, meta *state.Instance, hashes map[string]bool, added, removed []string) bool {
	return meta != nil && meta.LabHash == l.Hash && len(removed) == 0 && len(added) > 0 &&
		len(hashes) <= 1 && (len(hashes) == 0 || hashes[l.Hash])
}

// missingNetworks returns the lab networks whose engine network is gone.
func missingNetworks(l *lab.Lab, nets []runtime.NetworkInfo) (missing []string, shadow map[string]netip.Prefix, mgmt bool) {
	shadow = map[string]netip.Prefix{}
	for _, n := range nets {
		name := n.Labels[runtime.LabelNetwork]
		if name == MgmtLabel {
			mgmt = true
			continue
		}
		if len(n.Subnets) > 0 {
			shadow[name] = n.Subnets[0]
		}
	}
	for _, n := range l.Networks {
		if _, ok := shadow[n.Name]; !ok {
			missing = append(missing, n.Name)
		}
	}
	return missing, shadow, mgmt
}

// recreateNodes creates the nodes named in missing again, with new host
// keys pinned in place of the old ones, and starts them. The learner's work
// inside them is gone with the containers.
func (e *Engine) recreateNodes(ctx context.Context, l *lab.Lab, opts UpOptions, meta *state.Instance, missing []string) error {
	nets, err := e.RT.ListNetworks(ctx, InstanceLabels(opts.Instance))
	if err != nil {
		return err
	}
	lost, shadow, mgmtOK := missingNetworks(l, nets)
	if len(lost) > 0 || !mgmtOK {
		if !mgmtOK {
			lost = append(lost, "management")
		}
		return fmt.Errorf("instance %q: the engine lost node(s) %s and network(s) %s; run `dojo down %s` then `dojo up` to rebuild it (work done inside the nodes is lost)",
			opts.Instance, strings.Join(missing, ", "), strings.Join(lost, ", "), opts.Instance)
	}
	mgmt, err := netip.ParsePrefix(meta.MgmtSubnet)
	if err != nil {
		return fmt.Errorf("instance %q: state: management subnet: %w", opts.Instance, err)
	}
	plan, err := NewPlan(opts.Instance, l, opts.Image, e.Version, mgmt, shadow)
	if err != nil {
		return err
	}
	signer, err := e.Signer(opts.Instance)
	if err != nil {
		return err
	}
	authorized := ssh.MarshalAuthorizedKey(signer.PublicKey())
	isMissing := map[string]bool{}
	for _, n := range missing {
		isMissing[n] = true
	}
	priv := map[string][]byte{}
	var known []sshx.KnownHost
	for _, np := range plan.Nodes {
		name := np.Node.Name
		if isMissing[name] {
			k, pub, err := sshx.GenerateEd25519()
			if err != nil {
				return err
			}
			priv[name] = k
			meta.HostKeys[name] = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
		}
		pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(meta.HostKeys[name]))
		if err != nil {
			return fmt.Errorf("node %q: pinned host key: %w", name, err)
		}
		known = append(known, sshx.KnownHost{Hosts: []string{HostAlias(opts.Instance, name), np.MgmtAddr.String()}, Key: pub})
	}
	if err := sshx.WriteKnownHosts(filepath.Join(e.Store.Dir(opts.Instance), "known_hosts"), known); err != nil {
		return err
	}
	if err := e.Store.Save(meta); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.workers())
	for _, np := range plan.Nodes {
		if !isMissing[np.Node.Name] {
			continue
		}
		g.Go(func() error {
			e.emit(Event{Step: "recreate", Subject: np.Node.Name})
			return e.createNode(gctx, plan, np, priv[np.Node.Name], authorized)
		})
	}
	return g.Wait()
}

// lostNetworksHint explains a failed start by networks the engine lost.
func (e *Engine) lostNetworksHint(ctx context.Context, l *lab.Lab, instance string) string {
	nets, err := e.RT.ListNetworks(context.WithoutCancel(ctx), InstanceLabels(instance))
	if err != nil {
		return ""
	}
	lost, _, mgmtOK := missingNetworks(l, nets)
	if !mgmtOK {
		lost = append(lost, "management")
	}
	if len(lost) == 0 {
		return ""
	}
	return fmt.Sprintf("\nthe engine lost network(s) %s of this instance; run `dojo down %s` then `dojo up` to rebuild it (work done inside the nodes is lost)",
		strings.Join(lost, ", "), instance)
}

// recreateNetworks creates again the networks of an instance the engine
// lost (e.g. `docker network rm` while its nodes were stopped): the
// management network on its recorded subnet, lab networks on new
// placeholder subnets (the lab's own addresses are set inside the nodes
// at boot). A node attached to a lost network cannot start again (the
// engine refers to the old network), so the nodes attached to one are
// removed and returned, for the caller to recreate like lost nodes. lost
// are lab network names; mgmtLost is set when the management network is
// gone.
func (e *Engine) recreateNetworks(ctx context.Context, l *lab.Lab, opts UpOptions, meta *state.Instance, lost []string, mgmtLost bool, shadow map[string]netip.Prefix, have map[string]runtime.ContainerInfo) ([]string, error) {
	mgmt, err := netip.ParsePrefix(meta.MgmtSubnet)
	if err != nil {
		return nil, fmt.Errorf("instance %q: state: management subnet: %w", opts.Instance, err)
	}
	used, err := e.usedSubnets(ctx, l)
	if err != nil {
		return nil, err
	}
	for _, p := range shadow {
		used = append(used, p)
	}
	fresh, err := allocate(ShadowPool, prefixBitsFor(len(l.Nodes)), len(lost), append(used, mgmt))
	if err != nil {
		return nil, err
	}
	sh := map[string]netip.Prefix{}
	for k, v := range shadow {
		sh[k] = v
	}
	isLost := map[string]bool{}
	for i, n := range lost {
		sh[n], isLost[n] = fresh[i], true
	}
	plan, err := NewPlan(opts.Instance, l, opts.Image, e.Version, mgmt, sh)
	if err != nil {
		return nil, err
	}
	for _, spec := range plan.NetworkSpecs() {
		name := spec.Labels[runtime.LabelNetwork]
		if !isLost[name] && !(name == MgmtLabel && mgmtLost) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e.emit(Event{Step: StepNetwork, Subject: spec.Name})
		// Run to completion like createNetworks: a network the engine
		// creates after the client gave up would be left behind.
		if _, err := e.RT.CreateNetwork(context.WithoutCancel(ctx), spec); err != nil {
			return nil, fmt.Errorf("instance %q: recreating network %q the engine lost: %w; run `dojo down %s` then `dojo up` to rebuild the instance", opts.Instance, spec.Name, err, opts.Instance)
		}
		e.emit(Event{Step: StepNetwork, Subject: spec.Name, Done: true})
	}
	var affected []string
	for _, n := range l.Nodes {
		attached := mgmtLost
		for _, ifc := range n.Interfaces {
			attached = attached || isLost[ifc.Network]
		}
		if !attached {
			continue
		}
		affected = append(affected, n.Name)
		if c, ok := have[n.Name]; ok {
			if err := e.RT.RemoveContainer(context.WithoutCancel(ctx), c.ID); err != nil && !errors.Is(err, runtime.ErrNotFound) {
				return nil, fmt.Errorf("node %q: removing it to reattach it to the recreated network(s): %w", n.Name, err)
			}
		}
	}
	return affected, nil
}
