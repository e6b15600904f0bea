package cli

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/labdojo/labdojo/internal/record"
	"github.com/labdojo/labdojo/internal/report"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/session"
	"github.com/labdojo/labdojo/internal/sshx"
)

func (a *app) sshCmd() *cobra.Command {
	var name string
	var noRecord, forceTTY, noTTY bool
	cmd := &cobra.Command{
		Use:   "ssh [USER@]NODE [-- COMMAND...]",
		Short: "Open a shell on a node, or run one command (exit status passed through)",
		Long: `Open an interactive shell on NODE over SSH, or run COMMAND there and exit
with its status. NODE may be INSTANCE/NODE; USER@ logs in as another user
(who must accept the instance's key). -t forces a pseudo-terminal (for
full-screen commands such as top), -T disables it.

Each session is recorded in the instance's state directory: an asciicast v2
file (replay it with asciinema) and the node's command log, which
` + "`dojo report`" + ` and ` + "`dojo runbook draft`" + ` read. --no-record turns it off.

In a terminal session, ~. (after Enter) disconnects and ~? lists the
escapes. Ctrl-C during COMMAND without -t is forwarded to it as SIGINT; dojo
exits 130 only when the command ended that way. A node that stops
answering ends the session within 10s with a message.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if forceTTY && noTTY {
				return usageErr("give -t or -T, not both")
			}
			ctx := cmd.Context()
			svc, err := a.service(ctx)
			if err != nil {
				return err
			}
			node, err := svc.ConnectShell(ctx, args[0], name)
			if err != nil {
				return err
			}
			defer node.Close()
			// Connect before touching the terminal: a node whose sshd is
			// down gets a clear message and no empty recording.
			if _, err := node.Pool.Run(ctx, node.Target, "true", nil); err != nil {
				return withCode(ExitEnviron, svc.ShellError(node, err))
			}
			sio, restore, err := a.shellIO(ctx, strings.Join(args[1:], " "), forceTTY, noTTY)
			if err != nil {
				return err
			}
			defer restore()
			var rec *session.Recording
			if !noRecord {
				rec, err = svc.StartRecording(node.Instance, node.Name, record.Options{Width: sio.Width, Height: sio.Height, Term: sio.Term})
				if err != nil {
					a.errOut.printf("dojo: not recording this session: %v\r\n", err)
				} else {
					wireRecording(rec, &sio)
				}
			}
			code, err := node.Pool.Shell(ctx, node.Target, sio)
			restore()
			if rec != nil {
				if rec.Close() != nil || rec.Truncated() {
					a.infof("dojo: the recording %s stopped early (size limit or write error)", rec.Cast)
				}
			}
			var ie *sshx.InterruptError
			switch {
			case errors.Is(err, sshx.ErrDisconnected):
				a.errOut.printf("Connection to %s closed.\n", node.Name)
				return withCode(255, nil)
			case errors.As(err, &ie):
				return withCode(code, err)
			case err != nil:
				return withCode(ExitEnviron, svc.ShellError(node, err))
			case code != 0:
				return withCode(code, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "instance (default: the only instance with that node)")
	cmd.Flags().BoolVar(&noRecord, "no-record", false, "do not record the session")
	cmd.Flags().BoolVarP(&forceTTY, "tty", "t", false, "force a pseudo-terminal, also for COMMAND")
	cmd.Flags().BoolVarP(&noTTY, "no-tty", "T", false, "never request a pseudo-terminal")
	return cmd
}

// shellIO decides the terminal of a `dojo ssh` session: a pseudo-terminal
// for an interactive shell on a terminal (or with -t), raw mode, the ~
// escapes and window resizes when the local side is a terminal, and the
// interrupt forwarded to COMMAND. restore puts the terminal back (safe to
// call twice).
func (a *app) shellIO(ctx context.Context, command string, forceTTY, noTTY bool) (sshx.ShellIO, func(), error) {
	sio := sshx.ShellIO{Stdin: a.streams.In, Stdout: a.streams.Out, Stderr: a.streams.Err, Command: command}
	sio.Interrupt = func() string {
		var se *SignalError
		if errors.As(context.Cause(ctx), &se) && se.Signal == syscall.SIGTERM {
			return "TERM"
		}
		return "INT"
	}
	inF, inIsFile := a.streams.In.(*os.File)
	inTerm := inIsFile && term.IsTerminal(int(inF.Fd()))
	sio.TTY = !noTTY && (forceTTY || command == "" && inTerm && report.IsTerminal(a.streams.Out))
	if !sio.TTY {
		return sio, func() {}, nil
	}
	sio.Term = a.opts.Getenv("TERM")
	if sio.Term == "" {
		sio.Term = "xterm"
	}
	sio.Width, sio.Height = 80, 24
	if w, h, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
		sio.Width, sio.Height = w, h
	} else if inTerm {
		if w, h, err := term.GetSize(int(inF.Fd())); err == nil {
			sio.Width, sio.Height = w, h
		}
	}
	if !inTerm {
		return sio, func() {}, nil
	}
	old, err := term.MakeRaw(int(inF.Fd()))
	if err != nil {
		return sio, nil, err
	}
	esc := sshx.NewEscapeFilter(sio.Stdin, a.streams.Err)
	sio.Stdin, sio.Disconnect = esc, esc.Disconnect()
	rctx, cancel := context.WithCancel(ctx)
	sio.Resize = sshx.WatchResize(rctx)
	var once sync.Once
	return sio, func() {
		once.Do(func() {
			cancel()
			_ = term.Restore(int(inF.Fd()), old)
		})
	}, nil
}

// wireRecording records the session's streams: keystrokes only with a
// terminal (piped input is data, not commands), the command line given.
func wireRecording(rec *session.Recording, sio *sshx.ShellIO) {
	if sio.TTY && sio.Stdin != nil {
		sio.Stdin = rec.Input(sio.Stdin)
	}
	sio.Stdout = rec.Output(sio.Stdout)
	sio.Stderr = rec.Output(sio.Stderr)
	if sio.Resize != nil {
		sio.Resize = rec.Resizes(sio.Resize)
	}
	if sio.Command != "" {
		rec.LogCommand(sio.Command)
	}
}

func (a *app) consoleCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "console NODE [-- COMMAND...]",
		Short: "Open a shell through the engine, for when SSH is broken",
		Long: `Open a root shell on NODE through the container engine instead of SSH,
like a data-centre serial console: it works when the node's sshd is stopped
or misconfigured, or its network is down. With COMMAND, run it there (by
/bin/sh -c) and exit with its status.`,
		Args: cobra.MinimumNArgs(1),
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
			if len(args) > 1 {
				spec.Cmd = []string{"/bin/sh", "-c", "cd /root; " + strings.Join(args[1:], " ")}
			}
			if f, ok := a.streams.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) && len(args) == 1 {
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
