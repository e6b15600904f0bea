package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sync/errgroup"

	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
)

// Engine brings instances up and down.
type Engine struct {
	RT      runtime.Runtime
	Store   *state.Store
	Version string
	// Events receives progress; nil discards it. It is called from several
	// goroutines at once.
	Events func(Event)
	// Workers bounds concurrent engine calls (default 10).
	Workers int
	// Dial, when set, opens the SSH connections to nodes instead of the
	// network (fake runtimes serve nodes in-process).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Transport is how SSH reaches nodes ("" is auto; see transport.go).
	Transport sshx.Transport
	// Identity is the engine's identity (endpoint, state key, local).
	Identity runtime.EngineIdentity

	dialerOnce sync.Once
	dialer     *sshx.Dialer

	secMu   sync.Mutex
	secOpts []string // the engine's security options, once asked
}

// poolOptions completes opts with the engine's transport dialer.
func (e *Engine) poolOptions(opts sshx.PoolOptions) sshx.PoolOptions {
	if opts.Dial == nil && opts.DialTarget == nil {
		opts.DialTarget = e.Dialer().DialTarget
	}
	return opts
}

// Step is the kind of work an Event reports.
type Step string

// The steps of bring-up and tear-down.
const (
	StepNetwork  Step = "network"  // a network is created
	StepNode     Step = "node"     // a node's container is created and started
	StepReady    Step = "ready"    // a node accepts SSH
	StepExec     Step = "exec"     // a node's exec command runs
	StepRollback Step = "rollback" // a failed bring-up is being removed
	StepRemove   Step = "remove"   // a node is removed
)

// Event is a progress notification.
type Event struct {
	Step    Step
	Subject string // node, network or instance name
	Done    bool
}

func (e *Engine) emit(ev Event) {
	if e.Events != nil {
		e.Events(ev)
	}
}

func (e *Engine) workers() int {
	if e.Workers > 0 {
		return e.Workers
	}
	return 10
}

// UpOptions tunes Up.
type UpOptions struct {
	Instance string
	Image    string // default node image reference (already present)
	// KeepOnFailure leaves what a failed first bring-up created.
	KeepOnFailure bool
	// MgmtSubnet forces the management subnet instead of choosing one.
	MgmtSubnet netip.Prefix
	// ReadyTimeout bounds the wait for SSH on every node (default 60s).
	ReadyTimeout time.Duration
	Vars         map[string]string
}

// ErrChanged is returned by Up when the instance runs a different version
// of the lab.
var ErrChanged = errors.New("instance runs a different version of the lab")

// ErrInput marks errors caused by the user's input (exit code 2).
var ErrInput = errors.New("invalid input")

// UpResult describes the instance after Up.
type UpResult struct {
	Instance  string
	Unchanged bool // it was already running this lab
	// Recreated lists nodes the engine had lost (removed containers) that
	// this up created again, with new pinned host keys; the work done in
	// them is gone.
	Recreated []string
	// RecreatedNetworks lists engine networks of the instance the engine
	// had lost, created again by this up (their nodes are in Recreated).
	RecreatedNetworks []string
	Nodes             []NodeStatus
	Elapsed           time.Duration
}

// Up brings an instance of l up, or confirms an identical one runs.
func (e *Engine) Up(ctx context.Context, l *lab.Lab, opts UpOptions) (*UpResult, error) {
	start := time.Now()
	if err := state.ValidName(opts.Instance); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInput, err)
	}
	if err := e.CheckConfinement(ctx, l); err != nil {
		return nil, err
	}
	unlock, err := e.Store.Lock(opts.Instance)
	if err != nil {
		return nil, err
	}
	defer unlock()

	existing, err := e.RT.ListContainers(ctx, InstanceLabels(opts.Instance))
	if err != nil {
		return nil, err
	}
	nets, err := e.RT.ListNetworks(ctx, InstanceLabels(opts.Instance))
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 || len(nets) > 0 {
		res, err := e.reconcile(ctx, l, opts, existing)
		if res != nil {
			res.Elapsed = time.Since(start)
		}
		return res, err
	}

	res, err := e.create(ctx, l, opts)
	if err != nil {
		if opts.KeepOnFailure {
			return nil, fmt.Errorf("%w\n(kept what was created because of --keep-on-failure; remove it with `dojo down %s`)", err, opts.Instance)
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		e.emit(Event{Step: StepRollback, Subject: opts.Instance})
		if rerr := e.removeAll(rctx, opts.Instance); rerr != nil {
			return nil, errors.Join(err, fmt.Errorf("rollback incomplete: %w (run `dojo down %s`)", rerr, opts.Instance))
		}
		_ = e.Store.RemoveInstanceFile(opts.Instance)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("interrupted: removed everything this `up` created: %w", ctx.Err())
		}
		return nil, fmt.Errorf("%w\n(removed everything this `up` created; rerun with --keep-on-failure to inspect)", err)
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// reconcile handles Up on an instance that already has objects.
func (e *Engine) reconcile(ctx context.Context, l *lab.Lab, opts UpOptions, existing []runtime.ContainerInfo) (*UpResult, error) {
	// A node created but never started was left by an up killed half-way
	// (its keys and files may not have been copied in): remove it, so it
	// is recreated below like a node the engine lost.
	kept := existing[:0:0]
	for _, c := range existing {
		if c.State == "created" && c.Labels[runtime.LabelLabHash] == l.Hash {
			if err := e.RT.RemoveContainer(ctx, c.ID); err != nil && !errors.Is(err, runtime.ErrNotFound) {
				return nil, fmt.Errorf("node %q: removing a node left half-created: %w", c.Labels[runtime.LabelNode], err)
			}
			continue
		}
		kept = append(kept, c)
	}
	existing = kept
	have := map[string]runtime.ContainerInfo{}
	hashes := map[string]bool{}
	for _, c := range existing {
		have[c.Labels[runtime.LabelNode]] = c
		hashes[c.Labels[runtime.LabelLabHash]] = true
	}
	var added, removed []string
	for _, n := range l.Nodes {
		if _, ok := have[n.Name]; !ok {
			added = append(added, n.Name)
		}
	}
	for name := range have {
		if l.NodeByName(name) == nil {
			removed = append(removed, name)
		}
	}
	sort.Strings(removed)
	labName := ""
	for _, c := range existing {
		labName = c.Labels[runtime.LabelLab]
	}
	meta, metaErr := e.Store.Load(opts.Instance)
	if metaErr != nil {
		meta = nil
	}
	var repaired, netsRepaired []string
	if meta != nil && meta.LabHash == l.Hash && len(removed) == 0 && len(hashes) <= 1 && (len(hashes) == 0 || hashes[l.Hash]) {
		// The engine lost networks (e.g. `docker network rm` while the
		// nodes were stopped): recreate them, and the nodes attached to
		// them with the lost nodes below.
		nets, err := e.RT.ListNetworks(ctx, InstanceLabels(opts.Instance))
		if err != nil {
			return nil, err
		}
		lost, shadow, mgmtOK := missingNetworks(l, nets)
		if len(lost) > 0 || !mgmtOK {
			affected, err := e.recreateNetworks(ctx, l, opts, meta, lost, !mgmtOK, shadow, have)
			if err != nil {
				return nil, err
			}
			if !mgmtOK {
				netsRepaired = append(netsRepaired, MgmtNetworkName(opts.Instance))
			}
			for _, n := range lost {
				netsRepaired = append(netsRepaired, NetworkName(opts.Instance, n))
			}
			gone := map[string]bool{}
			for _, n := range affected {
				gone[n] = true
				delete(have, n)
			}
			kept := existing[:0:0]
			for _, c := range existing {
				if !gone[c.Labels[runtime.LabelNode]] {
					kept = append(kept, c)
				}
			}
			existing = kept
			added = added[:0]
			for _, n := range l.Nodes {
				if _, ok := have[n.Name]; !ok {
					added = append(added, n.Name)
				}
			}
		}
	}
	if repairable(l, meta, hashes, added, removed) {
		// The engine lost some nodes (e.g. `docker rm -f`): recreate them.
		if err := e.recreateNodes(ctx, l, opts, meta, added); err != nil {
			return nil, err
		}
		repaired, added = added, nil
		hashes = map[string]bool{l.Hash: true}
	}
	if len(hashes) != 1 || !hashes[l.Hash] || len(added) > 0 || len(removed) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "instance %q already runs", opts.Instance)
		if labName != "" {
			fmt.Fprintf(&b, " lab %q", labName)
		}
		b.WriteString(" from a different lab file")
		if len(added) > 0 {
			fmt.Fprintf(&b, "; nodes only in the file: %s", strings.Join(added, ", "))
		}
		if len(removed) > 0 {
			fmt.Fprintf(&b, "; nodes only in the instance: %s", strings.Join(removed, ", "))
		}
		if len(added) == 0 && len(removed) == 0 {
			b.WriteString(" (same nodes, changed settings)")
		}
		fmt.Fprintf(&b, ".\nTo apply the file, run `dojo down %s` then `dojo up` again (work done inside the nodes is lost), or start a second instance with --name", opts.Instance)
		return nil, fmt.Errorf("%w: %s", ErrChanged, b.String())
	}
	// Same lab: start any stopped node (e.g. after a reboot) and wait for SSH.
	if _, err := e.Store.Load(opts.Instance); err != nil {
		return nil, fmt.Errorf("instance %q runs but its state is missing (%v); run `dojo down %s` and `dojo up` again", opts.Instance, err, opts.Instance)
	}
	var stopped []runtime.ContainerInfo
	for _, c := range existing {
		if !c.Running {
			stopped = append(stopped, c)
		}
	}
	// A reboot clears the host's rules (and stops the nodes); an instance
	// from an older dojo has none.
	// Recreated networks have new bridges: the rules are keyed to them.
	if _, err := os.Stat(e.Store.FirewallFile(opts.Instance)); len(stopped) > 0 || len(netsRepaired) > 0 || err != nil {
		if err := e.isolateHost(ctx, opts.Instance, opts.Image); err != nil {
			return nil, err
		}
	}
	if len(stopped) > 0 || len(repaired) > 0 {
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(e.workers())
		for _, c := range stopped {
			g.Go(func() error {
				if err := e.RT.StartContainer(gctx, c.ID); err != nil {
					return fmt.Errorf("node %q: start: %w%s", c.Labels[runtime.LabelNode], err, e.lostNetworksHint(ctx, l, opts.Instance))
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		if err := e.waitReady(ctx, opts, l); err != nil {
			return nil, err
		}
	}
	st, err := e.InstanceStatus(ctx, opts.Instance, false)
	if err != nil {
		return nil, err
	}
	return &UpResult{Instance: opts.Instance, Unchanged: len(stopped) == 0 && len(repaired) == 0 && len(netsRepaired) == 0, Nodes: st.Nodes,
		Recreated: repaired, RecreatedNetworks: netsRepaired}, nil
}

// create performs a first bring-up. On error the caller rolls back.
func (e *Engine) create(ctx context.Context, l *lab.Lab, opts UpOptions) (*UpResult, error) {
	if _, err := e.Store.Ensure(opts.Instance); err != nil {
		return nil, err
	}
	signer, err := sshx.WriteUserKey(e.Store.UserKeyFile(opts.Instance))
	if err != nil {
		return nil, err
	}
	used, err := e.usedSubnets(ctx, l)
	if err != nil {
		return nil, err
	}
	var plan *Plan
	for attempt := 0; ; attempt++ {
		plan, err = e.plan(l, opts, used)
		if err != nil {
			return nil, err
		}
		err = e.createNetworks(ctx, plan)
		if err == nil {
			break
		}
		var ov *runtime.SubnetOverlapError
		if !errors.As(err, &ov) || attempt >= 4 || opts.MgmtSubnet.IsValid() && ov.Subnet == opts.MgmtSubnet {
			return nil, err
		}
		// Another process took a subnet meanwhile: remove ours, try others.
		used = append(used, ov.Subnet)
		if rerr := e.removeNetworks(ctx, opts.Instance); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
	}

	// Host isolation rules go in while the nodes are created; create
	// returns (and a rollback starts) only after they are in place.
	fwDone := make(chan error, 1)
	go func() { fwDone <- e.isolateHost(ctx, opts.Instance, opts.Image) }()
	fwWaited := false
	defer func() {
		if !fwWaited {
			<-fwDone
		}
	}()

	// Keys: one user key per instance, one host key per node, pinned
	// before any node starts.
	meta := &state.Instance{
		Name: opts.Instance, Lab: l.Name, LabFile: l.File, LabHash: l.Hash, Vars: opts.Vars,
		MgmtSubnet: plan.Mgmt.String(), Created: time.Now().UTC(), HostKeys: map[string]string{},
	}
	hostPriv := map[string][]byte{}
	var known []sshx.KnownHost
	for _, np := range plan.Nodes {
		priv, pub, err := sshx.GenerateEd25519()
		if err != nil {
			return nil, err
		}
		hostPriv[np.Node.Name] = priv
		meta.HostKeys[np.Node.Name] = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
		known = append(known, sshx.KnownHost{Hosts: []string{HostAlias(opts.Instance, np.Node.Name), np.MgmtAddr.String()}, Key: pub})
	}
	if err := sshx.WriteKnownHosts(e.Store.KnownHostsFile(opts.Instance), known); err != nil {
		return nil, err
	}
	if err := e.Store.Save(meta); err != nil {
		return nil, err
	}
	authorized := ssh.MarshalAuthorizedKey(signer.PublicKey())

	// Each node is waited for (SSH session, then its exec commands) as soon
	// as it has started, while the engine still starts the others: the
	// engine serialises starts, so readiness overlaps them instead of
	// following the last one.
	pool := sshx.NewPool(signer, e.poolOptions(sshx.PoolOptions{}))
	defer pool.Close()
	wctx, cancel := context.WithTimeout(ctx, readyTimeout(opts))
	defer cancel()
	rctx, stopReady := context.WithCancel(wctx)
	defer stopReady()
	ready, rctx := errgroup.WithContext(rctx)
	g, gctx := errgroup.WithContext(rctx)
	g.SetLimit(e.workers())
	for _, np := range plan.Nodes {
		g.Go(func() error {
			if err := e.createNode(gctx, plan, np, hostPriv[np.Node.Name], authorized); err != nil {
				return err
			}
			key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(meta.HostKeys[np.Node.Name]))
			if err != nil {
				return fmt.Errorf("node %q: pinned host key: %w", np.Node.Name, err)
			}
			t := sshx.Target{Name: np.Node.Name, Addr: netip.AddrPortFrom(np.MgmtAddr, 22).String(), Container: ContainerName(opts.Instance, np.Node.Name), User: "root", HostKey: key}
			ready.Go(func() error { return e.nodeReady(rctx, ctx, pool, opts.Instance, np.Node, t) })
			return nil
		})
	}
	err = g.Wait()
	if err != nil {
		stopReady() // no use waiting for the others
	}
	if rerr := ready.Wait(); err == nil {
		err = rerr
	}
	fwWaited = true
	if ferr := <-fwDone; err == nil {
		err = ferr
	}
	if err != nil {
		return nil, err
	}
	st, err := e.InstanceStatus(ctx, opts.Instance, false)
	if err != nil {
		return nil, err
	}
	return &UpResult{Instance: opts.Instance, Nodes: st.Nodes}, nil
}

// HostAlias is the name the pinned host key of a node is recorded under in
// known_hosts (OpenSSH HostKeyAlias).
func HostAlias(instance, node string) string { return "dojo-" + instance + "-" + node }

func (e *Engine) usedSubnets(ctx context.Context, l *lab.Lab) ([]netip.Prefix, error) {
	all, err := e.RT.AllNetworkSubnets(ctx)
	if err != nil {
		return nil, err
	}
	used := hostUsed(HostRouteEntries(), HostAddrs())
	for p := range all {
		used = append(used, p)
	}
	for _, n := range l.Networks {
		used = append(used, n.Subnet)
	}
	return used, nil
}

func (e *Engine) plan(l *lab.Lab, opts UpOptions, used []netip.Prefix) (*Plan, error) {
	size := prefixBitsFor(len(l.Nodes))
	mgmt := opts.MgmtSubnet
	if !mgmt.IsValid() {
		got, err := allocate(MgmtPool, size, 1, used)
		if err != nil {
			return nil, err
		}
		mgmt = got[0]
	}
	shadows, err := allocate(ShadowPool, size, len(l.Networks), append(used, mgmt))
	if err != nil {
		return nil, err
	}
	sh := map[string]netip.Prefix{}
	for i, n := range l.Networks {
		sh[n.Name] = shadows[i]
	}
	return NewPlan(opts.Instance, l, opts.Image, e.Version, mgmt, sh)
}

// CheckMgmtSubnet returns an input error naming the engine network (or lab
// network) that overlaps p. The management network instance already has
// on p is not a collision: up or start run again with the same flag.
func (e *Engine) CheckMgmtSubnet(ctx context.Context, instance string, l *lab.Lab, p netip.Prefix) error {
	if c := hostConflict(p, HostRouteEntries(), HostAddrs()); c != "" {
		return fmt.Errorf("%w: management subnet %s collides with %s; choose another with --mgmt-subnet (or leave it out to let dojo choose a free one)", ErrInput, p, c)
	}
	all, err := e.RT.AllNetworkSubnets(ctx)
	if err != nil {
		return err
	}
	for sub, name := range all {
		if name == MgmtNetworkName(instance) && sub == p {
			continue
		}
		if sub.Overlaps(p) {
			return fmt.Errorf("%w: management subnet %s collides with engine network %q (%s); choose another with --mgmt-subnet", ErrInput, p, name, sub)
		}
	}
	for _, n := range l.Networks {
		if n.Subnet.Overlaps(p) {
			return fmt.Errorf("%w: management subnet %s collides with lab network %q (%s)", ErrInput, p, n.Name, n.Subnet)
		}
	}
	return nil
}

func (e *Engine) createNetworks(ctx context.Context, plan *Plan) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.workers())
	for _, spec := range plan.NetworkSpecs() {
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			e.emit(Event{Step: StepNetwork, Subject: spec.Name})
			// Engine calls are not cancelled half-way: a request the engine
			// completes after the client gave up would escape the rollback's
			// listing. Cancellation is checked between calls instead.
			if _, err := e.RT.CreateNetwork(context.WithoutCancel(gctx), spec); err != nil {
				return fmt.Errorf("network %q: %w", spec.Name, err)
			}
			e.emit(Event{Step: StepNetwork, Subject: spec.Name, Done: true})
			return nil
		})
	}
	return g.Wait()
}

func (e *Engine) createNode(ctx context.Context, plan *Plan, np *NodePlan, hostKey, authorized []byte) error {
	name := np.Node.Name
	if err := ctx.Err(); err != nil {
		return err
	}
	e.emit(Event{Step: StepNode, Subject: name})
	// Engine calls run to completion (see createNetworks); ctx is checked
	// between them.
	cctx := ctx
	ctx = context.WithoutCancel(ctx)
	pub, err := ssh.ParsePrivateKey(hostKey)
	if err != nil {
		return fmt.Errorf("node %q: host key: %w", name, err)
	}
	cmd, copyIn := plan.NodeBoot(np, NodeKeys{HostKey: hostKey, HostPub: ssh.MarshalAuthorizedKey(pub.PublicKey()), Authorized: authorized})
	id, err := e.RT.CreateContainer(ctx, plan.ContainerSpec(np, cmd))
	if err != nil {
		return fmt.Errorf("node %q: create: %w", name, err)
	}
	if len(copyIn) > 0 {
		tb, err := buildTar(copyIn, time.Now())
		if err != nil {
			return fmt.Errorf("node %q: %w", name, err)
		}
		if err := cctx.Err(); err != nil {
			return err
		}
		if err := e.RT.CopyTo(ctx, id, "/", bytes.NewReader(tb)); err != nil {
			return fmt.Errorf("node %q: placing files: %w", name, err)
		}
	}
	if err := cctx.Err(); err != nil {
		return err
	}
	if err := e.RT.StartContainer(ctx, id); err != nil {
		return fmt.Errorf("node %q: start: %w%s", name, err, e.logTail(ctx, id))
	}
	e.emit(Event{Step: StepNode, Subject: name, Done: true})
	return nil
}

func (e *Engine) logTail(ctx context.Context, id string) string {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	out, err := e.RT.Logs(lctx, id, 15)
	out = strings.TrimSpace(out)
	if err != nil || out == "" {
		return ""
	}
	return "\n  last lines of its log:\n    " + strings.ReplaceAll(out, "\n", "\n    ")
}

// Targets returns the SSH targets of an instance's running nodes, with
// pinned host keys from the state directory.
func (e *Engine) Targets(ctx context.Context, instance string) (map[string]sshx.Target, error) {
	meta, err := e.Store.Load(instance)
	if err != nil {
		return nil, fmt.Errorf("instance %q: state missing: %w", instance, err)
	}
	cs, err := e.RT.ListContainers(ctx, InstanceLabels(instance))
	if err != nil {
		return nil, err
	}
	out := map[string]sshx.Target{}
	for _, c := range cs {
		node := c.Labels[runtime.LabelNode]
		ep, ok := c.Endpoints[MgmtNetworkName(instance)]
		if !ok || !ep.IPAddress.IsValid() {
			continue
		}
		keyText, ok := meta.HostKeys[node]
		if !ok {
			return nil, fmt.Errorf("node %q: no pinned host key in %s", node, e.Store.Dir(instance))
		}
		key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(keyText))
		if err != nil {
			return nil, fmt.Errorf("node %q: pinned host key: %w", node, err)
		}
		out[node] = sshx.Target{Name: node, Addr: netip.AddrPortFrom(ep.IPAddress, 22).String(), Container: c.ID, User: "root", HostKey: key}
	}
	return out, nil
}

// Connect returns a pool holding the instance's SSH key and the targets of
// its running nodes. The caller closes the pool.
func (e *Engine) Connect(ctx context.Context, instance string, opts sshx.PoolOptions) (*sshx.Pool, map[string]sshx.Target, error) {
	targets, err := e.Targets(ctx, instance)
	if err != nil {
		return nil, nil, err
	}
	signer, err := e.Signer(instance)
	if err != nil {
		return nil, nil, err
	}
	return sshx.NewPool(signer, e.poolOptions(opts)), targets, nil
}

// Signer loads the instance's SSH user key.
func (e *Engine) Signer(instance string) (ssh.Signer, error) {
	return sshx.LoadSigner(e.Store.UserKeyFile(instance))
}

func readyTimeout(opts UpOptions) time.Duration {
	if opts.ReadyTimeout > 0 {
		return opts.ReadyTimeout
	}
	return 60 * time.Second
}

// waitReady waits until every node of a running instance accepts an SSH
// session, then runs the nodes' exec commands.
func (e *Engine) waitReady(ctx context.Context, opts UpOptions, l *lab.Lab) error {
	pool, targets, err := e.Connect(ctx, opts.Instance, sshx.PoolOptions{})
	if err != nil {
		return err
	}
	defer pool.Close()
	wctx, cancel := context.WithTimeout(ctx, readyTimeout(opts))
	defer cancel()
	g, gctx := errgroup.WithContext(wctx)
	for _, n := range l.Nodes {
		t, ok := targets[n.Name]
		if !ok {
			return fmt.Errorf("node %q: not running%s", n.Name, e.logTail(ctx, ContainerName(opts.Instance, n.Name)))
		}
		g.Go(func() error { return e.nodeReady(gctx, ctx, pool, opts.Instance, n, t) })
	}
	return g.Wait()
}

// nodeReady waits until node accepts an SSH session, then runs its exec
// commands. parent is the caller's context, to tell a timeout from Ctrl-C.
func (e *Engine) nodeReady(ctx, parent context.Context, pool *sshx.Pool, instance string, n *lab.Node, t sshx.Target) error {
	wctx, stop := e.watchStopped(ctx, instance, n.Name)
	err := pool.WaitReady(wctx, t)
	stop()
	if err != nil {
		if parent.Err() != nil {
			return parent.Err()
		}
		return e.nodeFailure(parent, instance, n.Name, err)
	}
	e.emit(Event{Step: StepReady, Subject: n.Name, Done: true})
	for _, cmd := range n.Exec {
		e.emit(Event{Step: StepExec, Subject: n.Name})
		res, err := pool.Run(ctx, t, cmd, nil)
		if err != nil {
			return fmt.Errorf("node %q: exec %q: %w", n.Name, cmd, err)
		}
		if res.ExitCode != 0 {
			out := strings.TrimSpace(string(res.Stderr) + string(res.Stdout))
			return fmt.Errorf("node %q: exec %q exited with status %d: %s", n.Name, cmd, res.ExitCode, truncate(out, 500))
		}
	}
	return nil
}

// nodeFailure explains why a node did not become ready.
func (e *Engine) nodeFailure(ctx context.Context, instance, node string, cause error) error {
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	id := ContainerName(instance, node)
	info, err := e.RT.InspectContainer(ictx, id)
	if err == nil && !info.Running {
		return fmt.Errorf("node %q: container stopped (%s) before SSH was ready%s", node, info.State, e.logTail(ctx, id))
	}
	return fmt.Errorf("node %q: SSH not ready: %w%s", node, cause, e.logTail(ctx, id))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Down removes every object of an instance. It is idempotent and works
// without the lab file. It reports whether anything was found.
func (e *Engine) Down(ctx context.Context, instance string, purge bool) (bool, error) {
	if err := state.ValidName(instance); err != nil {
		return false, fmt.Errorf("%w: %v", ErrInput, err)
	}
	unlock, err := e.Store.Lock(instance)
	if err != nil {
		return false, err
	}
	defer unlock()
	cs, err := e.RT.ListContainers(ctx, InstanceLabels(instance))
	if err != nil {
		return false, err
	}
	ns, err := e.RT.ListNetworks(ctx, InstanceLabels(instance))
	if err != nil {
		return false, err
	}
	found := len(cs)+len(ns) > 0
	if err := e.removeAll(ctx, instance); err != nil {
		return found, err
	}
	if purge {
		unlock()
		if err := e.Store.Purge(instance); err != nil {
			return found, err
		}
	}
	return found, nil
}

// removeAll removes every labelled container and network of an instance.
func (e *Engine) removeAll(ctx context.Context, instance string) error {
	fwDone := make(chan error, 1)
	go func() { fwDone <- e.unisolateHost(ctx, instance) }()
	var errs []error
	const passes = 3
	for pass := 0; pass < passes; pass++ {
		if pass > 0 {
			// The engine releases a removed container's network endpoints
			// after the removal returns; a network removed too early says
			// "has active endpoints". Give it a moment before trying again.
			select {
			case <-time.After(time.Duration(pass) * 500 * time.Millisecond):
			case <-ctx.Done():
			}
		}
		cs, err := e.RT.ListContainers(ctx, InstanceLabels(instance))
		if err != nil {
			return err
		}
		var mu sync.Mutex
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(e.workers())
		for _, c := range cs {
			g.Go(func() error {
				e.emit(Event{Step: StepRemove, Subject: c.Labels[runtime.LabelNode]})
				if err := e.RT.RemoveContainer(gctx, c.ID); err != nil && !errors.Is(err, runtime.ErrNotFound) {
					mu.Lock()
					errs = append(errs, fmt.Errorf("node %q: remove: %w", c.Labels[runtime.LabelNode], err))
					mu.Unlock()
				}
				return nil
			})
		}
		_ = g.Wait()
		if err := e.removeNetworks(ctx, instance); err != nil {
			errs = append(errs, err)
		}
		if len(errs) == 0 || ctx.Err() != nil || pass == passes-1 {
			break
		}
		errs = nil // retry: a create may have landed after the listing, or endpoints not yet released
	}
	return errors.Join(append(errs, <-fwDone)...)
}

func (e *Engine) removeNetworks(ctx context.Context, instance string) error {
	ns, err := e.RT.ListNetworks(ctx, InstanceLabels(instance))
	if err != nil {
		return err
	}
	var mu sync.Mutex
	var errs []error
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.workers())
	for _, n := range ns {
		g.Go(func() error {
			if err := e.RT.RemoveNetwork(gctx, n.ID); err != nil && !errors.Is(err, runtime.ErrNotFound) {
				mu.Lock()
				errs = append(errs, fmt.Errorf("network %q: remove: %w", n.Name, err))
				mu.Unlock()
			}
			return nil
		})
	}
	_ = g.Wait()
	return errors.Join(errs...)
}
