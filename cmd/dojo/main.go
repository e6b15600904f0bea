// Command dojo builds infrastructure practice labs from containers and grades
// them over SSH.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/labdojo/labdojo/internal/cli"
	"github.com/labdojo/labdojo/internal/lab"
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(lab.GCPercent)
	}
	ctx, stop := signalContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Args[1:], cli.Options{})
	stop()
	os.Exit(code)
}

// signalContext is signal.NotifyContext that records which signal arrived
// as the context's cause (*cli.SignalError), so dojo exits 130 after
// SIGINT and 143 after SIGTERM. Later signals are absorbed until stop, so
// a rollback in progress is not cut short.
func signalContext(parent context.Context, sigs ...os.Signal) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			cancel(&cli.SignalError{Signal: s})
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		signal.Stop(ch)
		cancel(context.Canceled)
	}
}
