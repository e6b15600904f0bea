// Package cli implements the dojo command line. It is thin: it parses flags,
// calls the packages that do the work, and renders their results. Run is the
// testable entry point; cmd/dojo only wires a signal-aware context.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	rdebug "runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/runtime/docker"
	"github.com/labdojo/labdojo/internal/state"
)

// Exit codes.
const (
	ExitOK      = 0 // success, all goals passed
	ExitFailed  = 1 // goals failed or a command failed
	ExitUsage   = 2 // usage or input error
	ExitEnviron = 3 // environment error: no engine, image unavailable
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
	quiet   bool
	verbose bool
	color   bool
	rt      runtime.Runtime
}

// Run runs dojo with args and returns the process exit code.
func Run(ctx context.Context, streams Streams, args []string) int {
	a := &app{streams: streams}
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
	code := exitCode(err)
	if msg := err.Error(); msg != "" {
		fmt.Fprintf(streams.Err, "%s %s\n", a.paint("31;1", "Error:"), msg)
	}
	return code
}

func exitCode(err error) int {
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, engine.ErrInput), errors.Is(err, engine.ErrChanged):
		return ExitUsage
	case errors.Is(err, runtime.ErrEngineUnavailable), errors.Is(err, image.ErrUnavailable):
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
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			a.color = os.Getenv("NO_COLOR") == "" && isTerminal(a.streams.Err)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return withCode(ExitUsage, err) })
	root.PersistentFlags().BoolVarP(&a.quiet, "quiet", "q", false, "print only results and errors")
	root.PersistentFlags().BoolVarP(&a.verbose, "verbose", "v", false, "print every step")
	root.AddCommand(
		a.validateCmd(), a.labsCmd(),
		a.upCmd(), a.downCmd(), a.statusCmd(),
		a.sshCmd(), a.consoleCmd(), a.sshConfigCmd(), a.inventoryCmd(),
		a.imageCmd(),
	)
	a.addScenarioCmds(root)
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
	rt, err := docker.New(ctx)
	if err != nil {
		return nil, err
	}
	a.rt = rt
	return rt, nil
}

// engine returns an engine wired to the Docker runtime and the state store.
func (a *app) engine(ctx context.Context) (*engine.Engine, error) {
	rt, err := a.runtime(ctx)
	if err != nil {
		return nil, err
	}
	st, err := state.Open()
	if err != nil {
		return nil, withCode(ExitEnviron, err)
	}
	return &engine.Engine{RT: rt, Store: st, Version: version()}, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// paint colours s with an SGR code when colour is on.
func (a *app) paint(code, s string) string {
	if !a.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// infof prints progress to stderr unless quiet.
func (a *app) infof(format string, args ...any) {
	if a.quiet {
		return
	}
	fmt.Fprintf(a.streams.Err, format+"\n", args...)
}
