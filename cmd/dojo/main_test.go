package main

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/cli"
)

// TestSIGTERMExits143: a SIGTERM cancels the context with the signal as
// cause, and dojo then exits 143 (128+15), not SIGINT's 130.
func TestSIGTERMExits143(t *testing.T) {
	ctx, stop := signalContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("SIGTERM did not cancel the context")
	}
	var se *cli.SignalError
	if !errors.As(context.Cause(ctx), &se) || se.Signal != syscall.SIGTERM {
		t.Fatalf("cause = %v", context.Cause(ctx))
	}
	// A second signal is absorbed while the command winds down.
	_ = syscall.Kill(syscall.Getpid(), syscall.SIGTERM)
	time.Sleep(50 * time.Millisecond)

}
