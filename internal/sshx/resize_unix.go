//go:build unix

package sshx

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// WatchResize reports the size of the terminal on standard output as
// {width, height} each time it changes (SIGWINCH), for ShellIO.Resize. The
// channel holds only the latest size and is closed when ctx ends.
func WatchResize(ctx context.Context) <-chan [2]int {
	out := make(chan [2]int, 1)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGWINCH)
	go func() {
		defer close(out)
		defer signal.Stop(sig)
		for {
			select {
			case <-ctx.Done():
				return
			case <-sig:
			}
			w, h, err := term.GetSize(int(os.Stdout.Fd()))
			if err != nil {
				continue
			}
			select { // keep only the latest size
			case <-out:
			default:
			}
			out <- [2]int{w, h}
		}
	}()
	return out
}
