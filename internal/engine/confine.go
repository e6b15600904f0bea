package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/labdojo/labdojo/internal/lab"
)

// SYS_ADMIN and confinement. Some software refuses to run without
// CAP_SYS_ADMIN (FRR's zebra). A container holding it can mount: on a
// cgroup v1 host whose engine confines it by nothing but seccomp, it can
// mount a cgroup hierarchy and set its release_agent, a program the host
// kernel then runs as root outside the container. An engine confines
// SYS_ADMIN when the container's root is not the host's root (user
// namespace remapping, rootless mode) or when a mandatory access control
// profile forbids those mounts (AppArmor, SELinux). A lab node that asks
// for SYS_ADMIN is therefore refused, before anything is created, on an
// engine that reports none of these, even with --allow-capabilities.

// confiningOptions are the security options (their name=...) that confine
// SYS_ADMIN in a container.
var confiningOptions = []string{"userns", "rootless", "apparmor", "selinux"}

// Confinement returns the security option among opts (as the engine
// reports them: "name=userns", "name=seccomp,profile=default"; older
// engines: "apparmor") that confines CAP_SYS_ADMIN in a container, or ""
// when none does.
func Confinement(opts []string) string {
	for _, o := range opts {
		name := optionName(o)
		for _, c := range confiningOptions {
			if name == c {
				return c
			}
		}
	}
	return ""
}

// optionName returns the name of a security option: "seccomp" for
// "name=seccomp,profile=default", the option itself in the old format.
func optionName(o string) string {
	for _, kv := range strings.Split(o, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == "name" {
			return v
		}
	}
	return o
}

// SysAdminNodes returns the nodes of l that get CAP_SYS_ADMIN: asked for
// by name, or with every capability ("ALL").
func SysAdminNodes(l *lab.Lab) []string {
	var out []string
	for _, n := range l.Nodes {
		for _, c := range n.Capabilities {
			if c == "SYS_ADMIN" || c == "ALL" {
				out = append(out, n.Name)
				break
			}
		}
	}
	return out
}

// CheckConfinement refuses (ErrInput) a lab with a node that gets
// CAP_SYS_ADMIN when the engine does not confine it. It asks the engine
// only when such a node exists.
func (e *Engine) CheckConfinement(ctx context.Context, l *lab.Lab) error {
	nodes := SysAdminNodes(l)
	if len(nodes) == 0 {
		return nil
	}
	opts, err := e.securityOptions(ctx)
	if err != nil {
		return err
	}
	if Confinement(opts) != "" {
		return nil
	}
	who := fmt.Sprintf("node %q asks", nodes[0])
	if len(nodes) > 1 {
		who = fmt.Sprintf("nodes %s ask", quoteList(nodes))
	}
	return fmt.Errorf("%w: %s for CAP_SYS_ADMIN, and this engine does not confine it (security options: %s; no user-namespace remapping, rootless mode, AppArmor or SELinux): SYS_ADMIN in a container on this engine could escape to the host. "+
		"Use an engine that confines it: one with user-namespace remapping (`dockerd --userns-remap=default`), or rootless Docker", ErrInput, who, optionNames(opts))
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// optionNames lists the names of security options for a message.
func optionNames(opts []string) string {
	var names []string
	for _, o := range opts {
		names = append(names, optionName(o))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// securityOptions asks the engine for its security options once per
// Engine: `start` checks confinement before making state, before building
// images and in Up, and the answer does not change in between.
func (e *Engine) securityOptions(ctx context.Context) ([]string, error) {
	e.secMu.Lock()
	defer e.secMu.Unlock()
	if e.secOpts != nil {
		return e.secOpts, nil
	}
	opts, err := e.RT.SecurityOptions(ctx)
	if err != nil {
		return nil, err
	}
	if opts == nil {
		opts = []string{} // asked: an engine may report none
	}
	e.secOpts = opts
	return opts, nil
}
