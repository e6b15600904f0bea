package session

import (
	"context"
	"errors"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/labdojo/labdojo/internal/sshx"
)

// maxExecParallel bounds how many nodes `dojo exec` runs on at once.
const maxExecParallel = 16

// ExecUnreachable is the exit status recorded for a node the command could
// not run on (as ssh exits 255 when it cannot connect).
const ExecUnreachable = 255

// ExecRequest is one command to run on several nodes of an instance.
type ExecRequest struct {
	// Instance names the instance ("" for the default one).
	Instance string
	// Nodes are node names; Groups are inventory groups (net_<network>,
	// node block names, see Inventory); All selects every running node.
	// The selection is their union.
	Nodes  []string
	Groups []string
	All    bool
	// Command runs through the node's login shell, as with `dojo ssh NODE
	// -- COMMAND`.
	Command string
	// Output gives the writers for a node's stdout and stderr; they are
	// called concurrently for different nodes.
	Output func(node string) (stdout, stderr io.Writer)
}

// ExecResult is one node's outcome.
type ExecResult struct {
	Node string
	// ExitCode is the command's status, ExecUnreachable when it did not
	// run (Err says why).
	ExitCode int
	Err      error
}

// Exec runs req.Command on the selected nodes in parallel and returns the
// instance, each node's result in node order, and the worst (highest) exit
// status of all.
func (s *Service) Exec(ctx context.Context, req ExecRequest) (string, []ExecResult, int, error) {
	inst, targets, st, err := s.access(ctx, req.Instance)
	if err != nil {
		return "", nil, 0, err
	}
	if strings.TrimSpace(req.Command) == "" {
		return "", nil, 0, inputf("no command to run (dojo exec NODES -- COMMAND)")
	}
	selected, err := selectNodes(req, targets, nodeGroups(st.Nodes, targets), inst)
	if err != nil {
		return "", nil, 0, err
	}
	pool, targets, err := s.Engine.Connect(ctx, inst, sshx.PoolOptions{})
	if err != nil {
		return "", nil, 0, err
	}
	defer pool.Close()
	results := make([]ExecResult, len(selected))
	sem := make(chan struct{}, maxExecParallel)
	var wg sync.WaitGroup
	for i, node := range selected {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out, errw := req.Output(node)
			r := ExecResult{Node: node}
			t, ok := targets[node]
			if !ok {
				r.ExitCode, r.Err = ExecUnreachable, errors.New("not running")
			} else if code, err := pool.Shell(ctx, t, sshx.ShellIO{Stdout: out, Stderr: errw, Command: req.Command}); err != nil {
				r.ExitCode, r.Err = ExecUnreachable, err
			} else {
				r.ExitCode = code
			}
			results[i] = r
		}()
	}
	wg.Wait()
	worst := 0
	for _, r := range results {
		worst = max(worst, r.ExitCode)
	}
	return inst, results, worst, ctx.Err()
}

// selectNodes resolves the node names, groups and --all of req against
// the running nodes, sorted and without duplicates.
func selectNodes(req ExecRequest, targets map[string]sshx.Target, groups map[string][]string, inst string) ([]string, error) {
	set := map[string]bool{}
	if req.All {
		for n := range targets {
			set[n] = true
		}
	}
	for _, n := range req.Nodes {
		if _, ok := targets[n]; !ok {
			return nil, inputf("instance %q has no running node %q (nodes: %s)", inst, n, strings.Join(sortedKeys(targets), ", "))
		}
		set[n] = true
	}
	for _, g := range req.Groups {
		members, ok := groups[g]
		if !ok {
			return nil, inputf("instance %q has no group %q (groups: %s)", inst, g, strings.Join(sortedKeys(groups), ", "))
		}
		for _, n := range members {
			set[n] = true
		}
	}
	if len(set) == 0 {
		return nil, inputf("no nodes selected: name nodes, --group GROUP or --all")
	}
	out := sortedKeys(set)
	return slices.Clip(out), nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
