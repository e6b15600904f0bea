package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/sshx"
)

// resolveNode turns "node" or "instance/node" into an instance and node
// name. Without an instance, the only running instance that has the node
// is used.
func (a *app) resolveNode(ctx context.Context, eng *engine.Engine, ref, instanceFlag string) (string, string, error) {
	if inst, node, ok := strings.Cut(ref, "/"); ok {
		return inst, node, nil
	}
	if instanceFlag != "" {
		return instanceFlag, ref, nil
	}
	nodes, err := eng.NodesByInstance(ctx)
	if err != nil {
		return "", "", err
	}
	var with, names []string
	for inst, ns := range nodes {
		names = append(names, inst)
		if slices.Contains(ns, ref) {
			with = append(with, inst)
		}
	}
	slices.Sort(names)
	slices.Sort(with)
	switch len(with) {
	case 1:
		return with[0], ref, nil
	case 0:
		if len(names) == 0 {
			return "", "", usageErr("no instance is running (start one with `dojo up LAB`)")
		}
		return "", "", usageErr("no running instance has a node %q (instances: %s)", ref, strings.Join(names, ", "))
	}
	return "", "", usageErr("node %q exists in several instances (%s): write INSTANCE/%s", ref, strings.Join(with, ", "), ref)
}

func (a *app) sshCmd() *cobra.Command {
	var name string
	var noRecord bool
	cmd := &cobra.Command{
		Use:   "ssh NODE [-- COMMAND...]",
		Short: "Open a shell on a node, or run one command (exit status passed through)",
		Long: `Open an interactive shell on NODE over SSH, or run COMMAND there and exit
with its status. NODE may be INSTANCE/NODE. The session's output is recorded
in the instance's state directory (recordings/) unless --no-record.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			eng, err := a.engine(ctx)
			if err != nil {
				return err
			}
			inst, node, err := a.resolveNode(ctx, eng, args[0], name)
			if err != nil {
				return err
			}
			pool, targets, err := eng.Connect(ctx, inst, sshx.PoolOptions{})
			if err != nil {
				return err
			}
			defer pool.Close()
			t, ok := targets[node]
			if !ok {
				return usageErr("instance %q has no running node %q", inst, node)
			}

			sio := sshx.ShellIO{Stdin: a.streams.In, Stdout: a.streams.Out, Stderr: a.streams.Err, Command: strings.Join(args[1:], " ")}
			inF, inIsFile := a.streams.In.(*os.File)
			interactive := sio.Command == "" && inIsFile && term.IsTerminal(int(inF.Fd())) && isTerminal(a.streams.Out)
			if !noRecord {
				rec, err := a.openRecording(eng, inst, node, sio.Command)
				if err == nil {
					defer rec.Close()
					sio.Stdout = io.MultiWriter(sio.Stdout, rec)
					sio.Stderr = io.MultiWriter(sio.Stderr, rec)
				}
			}
			if interactive {
				w, h, _ := term.GetSize(int(os.Stdout.Fd()))
				sio.TTY, sio.Width, sio.Height, sio.Term = true, w, h, os.Getenv("TERM")
				old, err := term.MakeRaw(int(inF.Fd()))
				if err != nil {
					return err
				}
				defer term.Restore(int(inF.Fd()), old)
				rctx, cancel := context.WithCancel(ctx)
				defer cancel()
				sio.Resize = sshx.WatchResize(rctx)
			}
			code, err := pool.Shell(ctx, t, sio)
			if err != nil {
				return withCode(ExitEnviron, err)
			}
			if code != 0 {
				return withCode(code, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "instance (default: the only instance with that node)")
	cmd.Flags().BoolVar(&noRecord, "no-record", false, "do not record the session's output")
	return cmd
}

// openRecording opens the recording file of a session.
func (a *app) openRecording(eng *engine.Engine, inst, node, command string) (*os.File, error) {
	dir := filepath.Join(eng.Store.Dir(inst), "recordings")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	f, err := os.OpenFile(filepath.Join(dir, now.Format("20060102T150405.000Z")+"-"+node+".log"), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	what := command
	if what == "" {
		what = "(interactive shell)"
	}
	fmt.Fprintf(f, "# labdojo session on %s/%s at %s: %s\n", inst, node, now.Format(time.RFC3339), what)
	return f, nil
}

func (a *app) consoleCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "console NODE",
		Short: "Open a shell through the engine, for when SSH is broken",
		Long: `Open a root shell on NODE through the container engine instead of SSH,
like a data-centre serial console: it works when the node's sshd is stopped
or misconfigured.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			eng, err := a.engine(ctx)
			if err != nil {
				return err
			}
			inst, node, err := a.resolveNode(ctx, eng, args[0], name)
			if err != nil {
				return err
			}
			spec := runtime.ExecSpec{
				Cmd:    []string{"/bin/sh", "-c", "cd /root; if command -v bash >/dev/null; then exec bash -l; else exec sh -l; fi"},
				Env:    []string{"TERM=" + envOr("TERM", "xterm")},
				Stdin:  a.streams.In,
				Stdout: a.streams.Out,
				Stderr: a.streams.Err,
			}
			if f, ok := a.streams.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				old, err := term.MakeRaw(int(f.Fd()))
				if err != nil {
					return err
				}
				defer term.Restore(int(f.Fd()), old)
				spec.TTY = true
				rctx, cancel := context.WithCancel(ctx)
				defer cancel()
				rs := make(chan [2]uint, 1)
				if w, h, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
					rs <- [2]uint{uint(w), uint(h)}
				}
				go func() {
					for s := range sshx.WatchResize(rctx) {
						select {
						case rs <- [2]uint{uint(s[0]), uint(s[1])}:
						default:
						}
					}
				}()
				spec.Resize = rs
			}
			res, err := eng.RT.Exec(ctx, engine.ContainerName(inst, node), spec)
			if err != nil {
				return err
			}
			if res.ExitCode != 0 {
				return withCode(res.ExitCode, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "instance (default: the only instance with that node)")
	return cmd
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// sshConfig renders an OpenSSH client configuration for an instance.
func sshConfig(eng *engine.Engine, inst string, targets map[string]sshx.Target) string {
	dir := eng.Store.Dir(inst)
	var b strings.Builder
	fmt.Fprintf(&b, "# OpenSSH client configuration for labdojo instance %q.\n# Use: ssh -F THIS_FILE NODE   (also scp -F, rsync -e 'ssh -F THIS_FILE')\n", inst)
	nodes := make([]string, 0, len(targets))
	for n := range targets {
		nodes = append(nodes, n)
	}
	sort.Strings(nodes)
	for _, n := range nodes {
		t := targets[n]
		host, port, _ := strings.Cut(t.Addr, ":")
		fmt.Fprintf(&b, "\nHost %s %s.%s\n", n, inst, n)
		fmt.Fprintf(&b, "  HostName %s\n  Port %s\n  User root\n", host, port)
		fmt.Fprintf(&b, "  IdentityFile %s\n  IdentitiesOnly yes\n", filepath.Join(dir, "id_ed25519"))
		fmt.Fprintf(&b, "  UserKnownHostsFile %s\n  StrictHostKeyChecking yes\n", filepath.Join(dir, "known_hosts"))
		fmt.Fprintf(&b, "  HostKeyAlias %s\n  GlobalKnownHostsFile /dev/null\n  UpdateHostKeys no\n  LogLevel ERROR\n", engine.HostAlias(inst, n))
	}
	return b.String()
}

// instanceTargets resolves the instance named in args (or the only one)
// and the SSH targets of its nodes.
func (a *app) instanceTargets(ctx context.Context, args []string) (*engine.Engine, string, map[string]sshx.Target, error) {
	eng, err := a.engine(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	inst, err := a.resolveInstance(ctx, eng, args)
	if err != nil {
		return nil, "", nil, err
	}
	targets, err := eng.Targets(ctx, inst)
	if err != nil {
		return nil, "", nil, err
	}
	return eng, inst, targets, nil
}

func (a *app) sshConfigCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "ssh-config [NAME]",
		Short: "Print an OpenSSH client config for the instance (ssh -F, scp, rsync, editors)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, inst, targets, err := a.instanceTargets(cmd.Context(), args)
			if err != nil {
				return err
			}
			_, err = io.WriteString(a.streams.Out, sshConfig(eng, inst, targets))
			return err
		},
	}
}

func (a *app) inventoryCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "inventory [NAME]",
		Short: "Print an Ansible inventory (YAML) for the instance",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			eng, inst, targets, err := a.instanceTargets(ctx, args)
			if err != nil {
				return err
			}
			st, err := eng.InstanceStatus(ctx, inst, false)
			if err != nil {
				return err
			}
			_, err = io.WriteString(a.streams.Out, inventory(eng, inst, targets, st))
			return err
		},
	}
}

// inventory renders an Ansible YAML inventory: group "all" with every node,
// plus one group per lab network.
func inventory(eng *engine.Engine, inst string, targets map[string]sshx.Target, st *engine.InstanceStatus) string {
	dir := eng.Store.Dir(inst)
	var b strings.Builder
	fmt.Fprintf(&b, "# Ansible inventory for labdojo instance %q: ansible -i THIS_FILE all -m ping\n", inst)
	b.WriteString("all:\n  vars:\n    ansible_user: root\n")
	fmt.Fprintf(&b, "    ansible_ssh_private_key_file: %q\n", filepath.Join(dir, "id_ed25519"))
	fmt.Fprintf(&b, "    ansible_ssh_common_args: %q\n", "-o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="+filepath.Join(dir, "known_hosts"))
	b.WriteString("    ansible_python_interpreter: /usr/bin/python3\n  hosts:\n")
	groups := map[string][]string{}
	for _, n := range st.Nodes {
		t, ok := targets[n.Name]
		if !ok {
			continue
		}
		host, port, _ := strings.Cut(t.Addr, ":")
		fmt.Fprintf(&b, "    %s:\n      ansible_host: %s\n      ansible_port: %s\n      ansible_ssh_extra_args: %q\n", n.Name, host, port, "-o HostKeyAlias="+engine.HostAlias(inst, n.Name))
		for _, d := range n.Data {
			groups[d.Network] = append(groups[d.Network], n.Name)
		}
	}
	if len(groups) > 0 {
		b.WriteString("  children:\n")
		names := make([]string, 0, len(groups))
		for g := range groups {
			names = append(names, g)
		}
		sort.Strings(names)
		for _, g := range names {
			fmt.Fprintf(&b, "    %s:\n      hosts:\n", strings.ReplaceAll(g, "-", "_"))
			for _, n := range groups[g] {
				fmt.Fprintf(&b, "        %s: {}\n", n)
			}
		}
	}
	return b.String()
}

// termSize returns the width and height of the terminal f.
func termSize(f *os.File) (int, int, error) { return term.GetSize(int(f.Fd())) }
