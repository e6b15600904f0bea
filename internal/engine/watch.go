package engine

import (
	"context"
	"errors"
	"time"
)

// stoppedPoll is how often a node waited for is checked for having
// stopped (its boot failed): a failed node is reported within about this
// time instead of at the end of the readiness timeout.
const stoppedPoll = 500 * time.Millisecond

// errNodeStopped is the cause of a wait cancelled because the node's
// container stopped.
var errNodeStopped = errors.New("container stopped")

// watchStopped returns a context that is cancelled once the node's
// container is no longer running (checked every stoppedPoll), and a stop
// function that ends the watch.
func (e *Engine) watchStopped(ctx context.Context, instance, node string) (context.Context, func()) {
	wctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(stoppedPoll)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-wctx.Done():
				return
			case <-t.C:
			}
			ictx, icancel := context.WithTimeout(wctx, 5*time.Second)
			info, err := e.RT.InspectContainer(ictx, ContainerName(instance, node))
			icancel()
			if err == nil && !info.Running && info.State != "created" && info.State != "" {
				cancel(errNodeStopped)
				return
			}
		}
	}()
	return wctx, func() { close(done); cancel(nil) }
}
