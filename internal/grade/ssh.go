package grade

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/labdojo/labdojo/internal/sshx"
)

// ErrNotRunning is the error of a probe for a node with no running
// container.
var ErrNotRunning = errors.New("its container has stopped")

// SSHExec returns an ExecFunc that runs batches over pool on the given
// targets (one pooled connection per node), feeding the script to `sh -s`.
func SSHExec(pool *sshx.Pool, targets map[string]sshx.Target) ExecFunc {
	return func(ctx context.Context, node, script string) ([]byte, int, error) {
		t, ok := targets[node]
		if !ok {
			return nil, 0, fmt.Errorf("node %q is not running: %w", node, ErrNotRunning)
		}
		res, err := pool.Run(ctx, t, "exec /bin/sh -s", strings.NewReader(script))
		if err != nil {
			return nil, 0, err
		}
		if res.StdoutTruncated {
			return nil, 0, fmt.Errorf("node %q: probe output exceeded the limit", node)
		}
		return res.Stdout, res.ExitCode, nil
	}
}

// BatchOptions are grading options suited to a Batcher: every probe of a
// round in flight at once, so each node's probes share one session.
func BatchOptions(o Options) Options {
	if o.Concurrency == 0 {
		o.Concurrency = 1024
	}
	if o.PerNode == 0 {
		o.PerNode = 256
	}
	return o
}
