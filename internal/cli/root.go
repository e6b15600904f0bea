// Package cli implements the dojo command line. It is thin: it parses
// flags, calls internal/session (which does the work and returns data), and
// renders the results; it owns flags, output and exit codes only.
//
// Run is the testable entry point: it takes the standard streams and
// Options carrying a runtime factory and an environment, so every command
// runs end to end in unit tests against internal/runtime/fake. cmd/dojo
// only wires a signal-aware context.
//
// # Adding a command
//
// Put it in a new file, as a method of app returning *cobra.Command, and
// list it in rootCmd's AddCommand call. In RunE:
//
//   - learner-facing text is in a.lang (the global --lang, else the
//     locale): localize scenarios with sc.Localize(a.lang) and print
//     dojo's own sentences with a.msg(i18n.Msg…), never English literals;
//   - read flags; declare --format with a.formatFlag (validated when set:
//     an unknown format exits 2);
//   - get the service with a.service(ctx) (it connects to the engine) or
//     call a session function that needs none (catalog, validate);
//   - render with a.out / a.errOut (output.go): printf and table sanitize
//     every value, json writes the one JSON shape, paint applies the colour
//     policy; never write to the streams directly;
//   - return errors as they come: exitCode maps session.InputError and
//     DiagnosticsError to 2, engine and state-directory failures to 3, an
//     interrupt to 128+signal; use withCode only for a command's own
//     verdict (check's 1, a remote command's status).
//
// Keep RunE to about twenty lines; logic that is more than flags and
// output belongs in internal/session or below.
package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	rdebug "runtime/debug"
	"strings"
	"syscall"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/report"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/runtime/docker"
	"github.com/labdojo/labdojo/internal/session"
	"github.com/labdojo/labdojo/internal/state"
)

// Exit codes.
const (
	ExitOK      = 0 // success, all goals passed
	ExitFailed  = 1 // goals failed or a command failed
	ExitUsage   = 2 // usage or input error
	ExitEnviron = 3 // environment error: no engine, image unavailable, state directory unusable
)

// Version is the dojo version, set at build time with
// -ldflags "-X github.com/labdojo/labdojo/internal/cli.Version=v1.2.3".
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := rdebug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Streams are the standard streams of a command.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// Options wire dojo to its environment. The zero value is the real one:
// the Docker engine and the process environment.
type Options struct {
	// Runtime connects to the container engine (default: Docker). It is
	// called at most once per Run, by the first command that needs it. A
	// runtime with a method Dial(ctx, network, addr) (net.Conn, error)
	// also carries the SSH connections to its nodes.
	Runtime func(ctx context.Context) (runtime.Runtime, error)
	// Getenv reads the environment (default os.Getenv): the state
	// directory's XDG rules, NO_COLOR, TERM.
	Getenv func(string) string
}

// SignalError is the cancellation cause cmd/dojo gives the context when a
// signal arrives; the exit code is then 128+signal (130 for SIGINT, 143
// for SIGTERM).
type SignalError struct{ Signal os.Signal }

// Error implements error.
func (e *SignalError) Error() string { return "interrupted by " + e.Signal.String() }

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err with an exit code.
func withCode(code int, err error) error { return &exitError{code: code, err: err} }

// usageErr is a usage or input error (exit 2).
func usageErr(format string, a ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, a...))
}

// app holds what every command shares.
type app struct {
	streams Streams
	opts    Options
	quiet   bool
	verbose bool
	// langFlag is --lang as given; lang is the learner's language
	// (i18n.Detect: the flag, else LC_ALL/LC_MESSAGES/LANG, else English).
	langFlag string
	lang     string
	out      *output // stdout
	errOut   *output // stderr: progress, notes, diagnostics
	rt       runtime.Runtime
	svc      *session.Service
	// transport is the global --transport flag (see transportcmds.go).
	transport string
	// keep: connection keepers may be used (the default Docker runtime
	// only: a test runtime's in-process nodes are not for a keeper
	// process); noKeep is --no-keep.
	keep, noKeep bool
}

// Run runs dojo with args and returns the process exit code.
func Run(ctx context.Context, streams Streams, args []string, opts Options) int {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	keep := opts.Runtime == nil // the real engine: keepers may serve its nodes
	if opts.Runtime == nil {
		opts.Runtime = func(ctx context.Context) (runtime.Runtime, error) { return docker.New(ctx) }
	}
	a := &app{streams: streams, opts: opts, keep: keep}
	a.out = newOutput(streams.Out, opts.Getenv)
	a.errOut = newOutput(streams.Err, opts.Getenv)
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	err := root.ExecuteContext(ctx)
	if a.rt != nil {
		_ = a.rt.Close()
	}
	if err == nil {
		return ExitOK
	}
	var de *session.DiagnosticsError
	if errors.As(err, &de) {
		a.diagnostics(de.Files, de.Diags)
	}
	code := exitCode(err)
	if errors.Is(err, context.Canceled) {
		// Interrupted: 128+signal. An exit status passed through from a
		// remote command is left alone.
		code = interruptCode(ctx, code)
	}
	if msg := err.Error(); msg != "" {
		a.errOut.printf("%s %s\n", a.errOut.paint("31;1", "Error:"), msg)
	}
	return code
}

// interruptCode is 128+signal when ctx was cancelled by a signal.
func interruptCode(ctx context.Context, code int) int {
	var se *SignalError
	if ctx.Err() == nil || !errors.As(context.Cause(ctx), &se) {
		return code
	}
	if s, ok := se.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

func exitCode(err error) int {
	var (
		ee *exitError
		ie *session.InputError
		de *session.DiagnosticsError
	)
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ie), errors.As(err, &de):
		return ExitUsage
	case errors.Is(err, engine.ErrInput), errors.Is(err, engine.ErrChanged):
		return ExitUsage
	case errors.Is(err, runtime.ErrEngineUnavailable), errors.Is(err, image.ErrUnavailable), errors.Is(err, state.ErrUnusable):
		return ExitEnviron
	case errors.Is(err, context.Canceled):
		return 130
	case strings.HasPrefix(err.Error(), "unknown command"), strings.HasPrefix(err.Error(), "unknown shorthand flag"):
		return ExitUsage
	}
	return ExitFailed
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "dojo",
		Short: "Practice infrastructure on real Linux servers in containers, graded over SSH",
		Long: `labdojo turns this machine into an infrastructure practice range.

A lab (HCL) describes networks and Linux servers; ` + "`dojo up`" + ` builds them
from containers, you configure them over SSH like real servers, and
` + "`dojo check`" + ` grades the result against a scenario's goals.`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(ExitUsage, err) })
	root.PersistentFlags().BoolVarP(&a.quiet, "quiet", "q", false, "print only results and errors")
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "print every step")
	root.PersistentFlags().StringVar(&a.langFlag, "lang", "", "language of learner-facing text: en or ja (default: from LC_ALL, LC_MESSAGES, LANG; else en)")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		lang, err := i18n.Detect(a.langFlag, a.opts.Getenv)
		if err != nil {
			return withCode(ExitUsage, fmt.Errorf("--lang: %w", err))
		}
		a.lang = lang
		return nil
	}
	a.addTransportFlag(root)
	root.PersistentFlags().BoolVar(&a.noKeep, "no-keep", false, "connect to nodes directly, without the connection keeper (also DOJO_NO_KEEP=1)")
	root.AddCommand(
		a.validateCmd(), a.labsCmd(),
		a.upCmd(), a.downCmd(), a.statusCmd(),
		a.sshCmd(), a.consoleCmd(), a.sshConfigCmd(), a.inventoryCmd(),
		a.imageCmd(),
		a.scenariosCmd(), a.startCmd(), a.checkCmd(), a.hintCmd(), a.solveCmd(),
		a.proxyCmd(),
		a.keeperCmd(),
		a.versionCmd(), a.historyCmd(), a.execCmd(),
	)
	root.AddCommand(a.evidenceCmds()...)
	a.addCompletions(root)
	for _, c := range root.Commands() {
		if c.Args == nil {
			continue
		}
		args := c.Args
		c.Args = func(cmd *cobra.Command, as []string) error {
			if err := args(cmd, as); err != nil {
				return withCode(ExitUsage, err)
			}
			return nil
		}
	}
	return root
}

// runtime connects to the engine once per process.
func (a *app) runtime(ctx context.Context) (runtime.Runtime, error) {
	if a.rt != nil {
		return a.rt, nil
	}
	rt, err := a.opts.Runtime(ctx)
	if err != nil {
		return nil, err
	}
	a.rt = rt
	return rt, nil
}

// service returns the session service wired to the runtime and the state
// store.
func (a *app) service(ctx context.Context) (*session.Service, error) {
	if a.svc != nil {
		return a.svc, nil
	}
	st, err := state.OpenEnv(a.opts.Getenv)
	if err != nil {
		return nil, withCode(ExitEnviron, err)
	}
	rt, err := a.runtime(ctx)
	if err != nil {
		return nil, err
	}
	eng := &engine.Engine{RT: rt, Store: st, Version: version()}
	if d, ok := rt.(interface {
		Dial(ctx context.Context, network, addr string) (net.Conn, error)
	}); ok {
		eng.Dial = d.Dial
	}
	svc := &session.Service{Engine: eng, Version: version(), Lang: a.lang, Keeper: a.keeperConfig(),
		DefaultInstance: a.opts.Getenv("DOJO_INSTANCE")}
	if err := a.useEngine(ctx, svc); err != nil {
		return nil, err
	}
	a.svc = svc
	return a.svc, nil
}

// infof prints progress to stderr unless quiet.
func (a *app) infof(format string, args ...any) {
	if a.quiet {
		return
	}
	a.errOut.printf(format+"\n", args...)
}

// diagnostics prints HCL diagnostics with their source snippets to
// stderr. Snippets quote the files, so control characters in them are
// escaped (and colour dropped for that output).
func (a *app) diagnostics(files *lab.Files, d hcl.Diagnostics) {
	if len(d) == 0 {
		return
	}
	var plain bytes.Buffer
	_ = lab.WriteDiagnostics(&plain, files, d, false, 100)
	if clean := report.Sanitize(plain.String()); clean != plain.String() || !a.errOut.color {
		_, _ = io.WriteString(a.errOut.w, clean)
		return
	}
	_ = lab.WriteDiagnostics(a.errOut.w, files, d, true, 100)
}
