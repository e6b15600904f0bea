package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/runtime"
)

// Host isolation. The engine has no option that keeps containers from
// reaching the host: the host answers a node at the management gateway
// address (any service bound to 0.0.0.0), the host's IP stack accepts
// packets a node sends on a data network to the bridge's MAC address even
// though the host has no address there, and the engine's FORWARD rules
// accept traffic from a data bridge towards every other interface. dojo
// therefore installs packet filter rules in the host's network namespace,
// keyed to the instance's bridges, and removes them with the instance:
//
//   - INPUT from the management bridge: only packets of connections the
//     host opened (SSH to the nodes) pass; everything else is dropped.
//   - INPUT from every data bridge: dropped.
//   - FORWARD from or to any bridge of the instance towards another
//     interface: dropped (traffic inside one bridge is untouched).
//   - The same for IPv6 (the bridges have link-local addresses).
//
// dojo usually runs as a member of the docker group, not as root, so it
// cannot change the host's rules itself. A short-lived helper container
// does it: the default node image (it has iptables), host networking,
// every capability dropped but NET_ADMIN and NET_RAW, never privileged
// (in the host's user namespace: a remapping engine allows host
// networking only there).
// The helper uses the iptables backend (legacy or nft) that holds the
// engine's own chains, and puts its FORWARD jump into DOCKER-USER, the
// chain the engine reserves for the administrator's rules. Rules live in
// two chains per instance (DOJO-I-<hash>, DOJO-F-<hash>); installing first
// removes any earlier copy, so both operations are idempotent.

// The store's FirewallFile names the helper image while rules may be
// installed, so `down` and a rollback remove them.

// FirewallHelperName is the container name of the helper that installs or
// removes an instance's host rules ("dojofw-" never starts a node's name).
func FirewallHelperName(instance string) string { return "dojofw-" + instance }

// LabelRole marks labdojo containers that are not nodes.
const LabelRole = "io.labdojo.role"

// FirewallChains returns the names of an instance's input and forward
// chains.
func FirewallChains(instance string) (in, fwd string) {
	h := sha256.Sum256([]byte(instance))
	x := strings.ToUpper(hex.EncodeToString(h[:5]))
	return "DOJO-I-" + x, "DOJO-F-" + x
}

// bridgeName is the host interface of an engine bridge network.
func bridgeName(networkID string) string {
	if len(networkID) > 12 {
		networkID = networkID[:12]
	}
	return "br-" + networkID
}

// FirewallScript renders the helper's sh script: with install false it
// only removes the instance's rules; with install true it removes then
// installs them for the management bridge mgmt and the data bridges data.
func FirewallScript(instance string, install bool, mgmt string, data []string) string {
	in, fwd := FirewallChains(instance)
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("#!/bin/sh")
	w("# labdojo host isolation for instance %s (see internal/engine/hostfw.go).", instance)
	w("set -eu")
	w("IN=%s FWD=%s", in, fwd)
	// The engine's chains tell which backend holds the host's rules.
	w("B=")
	w("for c in legacy nft; do")
	w("  if iptables-$c -w -n -L DOCKER >/dev/null 2>&1; then B=$c; break; fi")
	w("done")
	w(`[ -n "$B" ] || { command -v iptables-legacy >/dev/null && iptables-legacy -w -n -L INPUT 2>/dev/null | grep -q . && B=legacy || B=nft; }`)
	w("T4=iptables-$B T6=ip6tables-$B")
	w("unhook() { # table chain target")
	w(`  $1 -w -S "$2" 2>/dev/null | grep -e " -j $3\$" | sed 's/^-A /-D /' | while read -r r; do eval "$1 -w $r"; done`)
	w("}")
	w("for t in $T4 $T6; do")
	w("  unhook $t INPUT $IN; unhook $t FORWARD $FWD; unhook $t DOCKER-USER $FWD")
	w("  for c in $IN $FWD; do $t -w -F $c 2>/dev/null || true; $t -w -X $c 2>/dev/null || true; done")
	w("done")
	if !install {
		w("echo removed")
		return b.String()
	}
	all := append([]string{mgmt}, data...)
	w("for t in $T4 $T6; do $t -w -N $IN; $t -w -N $FWD; done")
	w("$T4 -w -A $IN -i %s -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN", mgmt)
	w("$T4 -w -A $IN -j DROP")
	w("$T6 -w -A $IN -j DROP")
	for _, br := range all {
		w("for t in $T4 $T6; do")
		w("  $t -w -A $FWD -i %s ! -o %s -j DROP", br, br)
		w("  $t -w -A $FWD -o %s ! -i %s -j DROP", br, br)
		w("  $t -w -I INPUT 1 -i %s -j $IN", br)
		w("done")
	}
	w("for t in $T4 $T6; do")
	w("  if $t -w -n -L DOCKER-USER >/dev/null 2>&1; then $t -w -I DOCKER-USER 1 -j $FWD; else $t -w -I FORWARD 1 -j $FWD; fi")
	w("done")
	w("echo installed $B")
	return b.String()
}

// instanceBridges returns the management bridge and the data bridges of
// an instance's networks.
func (e *Engine) instanceBridges(ctx context.Context, instance string) (mgmt string, data []string, err error) {
	ns, err := e.RT.ListNetworks(ctx, InstanceLabels(instance))
	if err != nil {
		return "", nil, err
	}
	for _, n := range ns {
		if n.Labels[runtime.LabelNetwork] == MgmtLabel {
			mgmt = bridgeName(n.ID)
		} else {
			data = append(data, bridgeName(n.ID))
		}
	}
	sort.Strings(data)
	if mgmt == "" {
		return "", nil, fmt.Errorf("instance %q has no management network", instance)
	}
	return mgmt, data, nil
}

// isolateHost installs the host rules of an instance whose networks exist,
// recording the helper image first so a rollback removes them.
func (e *Engine) isolateHost(ctx context.Context, instance, image string) error {
	mgmt, data, err := e.instanceBridges(ctx, instance)
	if err != nil {
		return err
	}
	if err := os.WriteFile(e.Store.FirewallFile(instance), []byte(image+"\n"), 0o600); err != nil {
		return fmt.Errorf("host isolation: %w", err)
	}
	out, err := e.runFirewallHelper(ctx, instance, image, FirewallScript(instance, true, mgmt, data))
	if err != nil {
		return fmt.Errorf("host isolation: installing the rules that keep nodes from reaching the host failed: %w\n%s", err, out)
	}
	return nil
}

// unisolateHost removes an instance's host rules if any were installed.
func (e *Engine) unisolateHost(ctx context.Context, instance string) error {
	p := e.Store.FirewallFile(instance)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	image := strings.TrimSpace(string(b))
	out, err := e.runFirewallHelper(ctx, instance, image, FirewallScript(instance, false, "", nil))
	if err != nil {
		return fmt.Errorf("host isolation: removing the instance's host rules failed: %w\n%s", err, out)
	}
	return os.Remove(p)
}

// runFirewallHelper runs script in a helper container in the host's
// network namespace with NET_ADMIN and NET_RAW only, and removes it.
func (e *Engine) runFirewallHelper(ctx context.Context, instance, image, script string) (string, error) {
	// Rules are never left half-written: Ctrl-C does not stop the helper,
	// a minute does.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	name := FirewallHelperName(instance)
	_ = e.RT.RemoveContainer(ctx, name) // a helper left by a killed dojo
	id, err := e.RT.CreateContainer(ctx, runtime.ContainerSpec{
		Name:            name,
		Image:           image,
		Cmd:             []string{"sleep", "120"},
		Labels:          map[string]string{runtime.LabelTool: runtime.ToolName, LabelRole: "firewall"},
		NetworkModeHost: true,
		// An engine with user-namespace remapping refuses host
		// networking in a remapped namespace; the helper's powers are
		// the same either way (NET_ADMIN and NET_RAW in the host's
		// network namespace).
		HostUserNamespace: true,
		CapDrop:           []string{"ALL"},
		CapAdd:            []string{"NET_ADMIN", "NET_RAW"},
	})
	if err != nil {
		return "", err
	}
	defer func() {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_ = e.RT.RemoveContainer(rctx, id)
	}()
	if err := e.RT.StartContainer(ctx, id); err != nil {
		return "", err
	}
	var out bytes.Buffer
	res, err := e.RT.Exec(ctx, id, runtime.ExecSpec{Cmd: []string{"/bin/sh", "-c", script}, Stdout: &out, Stderr: &out})
	if err != nil {
		return out.String(), err
	}
	if res.ExitCode != 0 {
		return out.String(), fmt.Errorf("exit status %d", res.ExitCode)
	}
	return out.String(), nil
}
