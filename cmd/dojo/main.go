// Command dojo builds infrastructure practice labs from containers and grades
// them over SSH.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/labdojo/labdojo/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}
