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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}
