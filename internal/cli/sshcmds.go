package cli

import (
	"context"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/labdojo/labdojo/internal/report"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/sshx"
)

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
			svc, err := a.service(ctx)
			if err != nil {
				return err
			}
			node, err := svc.ConnectNode(ctx, args[0], name, sshx.PoolOptions{})
			if err != nil {
				return err
			}
			defer node.Close()
			sio := sshx.ShellIO{Stdin: a.streams.In, Stdout: a.streams.Out, Stderr: a.streams.Err, Command: strings.Join(args[1:], " ")}
			if !noRecord {
				if rec, err := svc.Recording(node.Instance, node.Name, sio.Command); err == nil {
					defer rec.Close()
					sio.Stdout = io.MultiWriter(sio.Stdout, rec)
					sio.Stderr = io.MultiWriter(sio.Stderr, rec)
				}
			}
			inF, inIsFile := a.streams.In.(*os.File)
			if sio.Command == "" && inIsFile && term.IsTerminal(int(inF.Fd())) && report.IsTerminal(a.streams.Out) {
				w, h, _ := term.GetSize(int(os.Stdout.Fd()))
				sio.TTY, sio.Width, sio.Height, sio.Term = true, w, h, a.opts.Getenv("TERM")
				old, err := term.MakeRaw(int(inF.Fd()))
				if err != nil {
					return err
				}
				defer term.Restore(int(inF.Fd()), old)
				rctx, cancel := context.WithCancel(ctx)
				defer cancel()
				sio.Resize = sshx.WatchResize(rctx)
			}
			code, err := node.Pool.Shell(ctx, node.Target, sio)
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
			svc, err := a.service(ctx)
			if err != nil {
				return err
			}
			termName := a.opts.Getenv("TERM")
			if termName == "" {
				termName = "xterm"
			}
			spec := runtime.ExecSpec{
				Cmd:    []string{"/bin/sh", "-c", "cd /root; if command -v bash >/dev/null; then exec bash -l; else exec sh -l; fi"},
				Env:    []string{"TERM=" + termName},
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
				rctx, cancel := context.WithCancel(ctx)
				defer cancel()
				spec.TTY, spec.Resize = true, consoleResize(rctx)
			}
			code, err := svc.Console(ctx, args[0], name, spec)
			if err != nil {
				return err
			}
			if code != 0 {
				return withCode(code, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "instance (default: the only instance with that node)")
	return cmd
}

// consoleResize delivers the terminal's size now and on every change.
func consoleResize(ctx context.Context) <-chan [2]uint {
	rs := make(chan [2]uint, 1)
	if w, h, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
		rs <- [2]uint{uint(w), uint(h)}
	}
	go func() {
		for s := range sshx.WatchResize(ctx) {
			select {
			case rs <- [2]uint{uint(s[0]), uint(s[1])}:
			default:
			}
		}
	}()
	return rs
}

func (a *app) sshConfigCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "ssh-config [NAME]",
		Short: "Print an OpenSSH client config for the instance (ssh -F, scp, rsync, editors)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			inst, err := instanceName(name, firstArg(args))
			if err != nil {
				return err
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			text, err := svc.SSHConfig(cmd.Context(), inst)
			if err != nil {
				return err
			}
			a.out.printf("%s", text)
			return nil
		},
	}
	nameFlag(cmd, &name)
	return cmd
}

func (a *app) inventoryCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "inventory [NAME]",
		Short: "Print an Ansible inventory (YAML) for the instance",
		Long: `Print an Ansible YAML inventory for the instance. Groups: every node in
"all"; one group per lab network ("net_<network>"), one per node block
("<block>" for nodes made with count, web -> web-1, web-2), and one per
label ("label_<key>_<value>") when the lab sets labels.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			inst, err := instanceName(name, firstArg(args))
			if err != nil {
				return err
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			text, err := svc.Inventory(cmd.Context(), inst)
			if err != nil {
				return err
			}
			a.out.printf("%s", text)
			return nil
		},
	}
	nameFlag(cmd, &name)
	return cmd
}
