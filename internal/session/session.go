// Package session holds the learner's and instructor's operations on lab
// instances: resolve an instance and a node, bring a lab up, start a
// scenario, grade it, reveal a hint, apply the solution, report status,
// remove an instance. It returns data and typed errors; it never prints.
// internal/cli turns flags into calls here and renders what comes back.
//
// A Service is wired to an engine (and through it to a runtime and a
// state store), so the whole flow runs against the fake runtime in unit
// tests and against Docker in integration tests.
package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/state"
)

// Service performs operations on the instances of one engine.
type Service struct {
	Engine *engine.Engine
	// Version is the dojo version recorded in reports.
	Version string
	// Lang is the learner's language (i18n codes; "" is English): the
	// grader's goal titles and the hints come in it.
	Lang string
	// Executable is dojo's own path, for the ProxyCommand of client
	// configurations when nodes are reached through the engine.
	Executable string
	// Keeper tunes the per-instance connection keeper (see KeeperConfig).
	Keeper KeeperConfig
	// DefaultInstance names the instance when a command names none
	// (DOJO_INSTANCE); empty means the only running one.
	DefaultInstance string
}

// Store is the state store of the service's engine.
func (s *Service) Store() *state.Store { return s.Engine.Store }

// InputError is a problem with what the user asked for: an unknown
// instance, node, goal or scenario, a bad flag value. The CLI exits 2.
type InputError struct{ Err error }

// Error implements error.
func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *InputError) Unwrap() error { return e.Err }

func inputf(format string, a ...any) error { return &InputError{Err: fmt.Errorf(format, a...)} }

// DiagnosticsError reports a lab or scenario file that does not validate.
// Files holds the sources, so the caller can print the diagnostics with
// their snippets before the one-line Err.
type DiagnosticsError struct {
	Files *lab.Files
	Diags hcl.Diagnostics
	Err   error
}

// Error implements error.
func (e *DiagnosticsError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *DiagnosticsError) Unwrap() error { return e.Err }

// CountErrors counts the error-severity diagnostics of d.
func CountErrors(d hcl.Diagnostics) int {
	n := 0
	for _, x := range d {
		if x.Severity == hcl.DiagError {
			n++
		}
	}
	return n
}

// ResolveInstance returns name when set, else Service.DefaultInstance
// (DOJO_INSTANCE), else the only running instance this state directory
// knows (preferring instances that have nodes over network-only
// leftovers). Instances created from another state directory never count
// for the default; they are named in the error when nothing else runs.
func (s *Service) ResolveInstance(ctx context.Context, name string) (string, error) {
	if name != "" {
		return name, nil
	}
	if s.DefaultInstance != "" {
		return s.DefaultInstance, nil
	}
	running, err := s.Engine.Instances(ctx)
	if err != nil {
		return "", err
	}
	names, others := s.splitKnown(running)
	if len(names) > 1 {
		nodes, err := s.Engine.NodesByInstance(ctx)
		if err != nil {
			return "", err
		}
		var withNodes []string
		for _, n := range names {
			if len(nodes[n]) > 0 {
				withNodes = append(withNodes, n)
			}
		}
		if len(withNodes) > 0 {
			names = withNodes
		}
	}
	switch len(names) {
	case 0:
		if len(others) > 0 {
			return "", inputf("no instance of this state directory is running (running from another state directory: %s; name one, or set DOJO_STATE_DIR)", strings.Join(others, ", "))
		}
		return "", inputf("no instance is running (start one with `dojo up LAB` or `dojo start SCENARIO`)")
	case 1:
		return names[0], nil
	}
	return "", inputf("several instances are running (%s): name one (argument, --name or DOJO_INSTANCE)", strings.Join(names, ", "))
}

// splitKnown splits instance names into those this state directory knows
// (it holds their instance file) and the others, each sorted.
func (s *Service) splitKnown(names []string) (known, others []string) {
	for _, n := range names {
		if _, err := s.Store().Load(n); err == nil {
			known = append(known, n)
		} else {
			others = append(others, n)
		}
	}
	slices.Sort(known)
	slices.Sort(others)
	return known, others
}

// ResolveNode turns "node" or "instance/node" into an instance and a node
// name. Without an instance (in ref, instance or DefaultInstance), the
// only running instance of this state directory that has the node is used.
func (s *Service) ResolveNode(ctx context.Context, ref, instance string) (string, string, error) {
	if inst, node, ok := strings.Cut(ref, "/"); ok {
		return inst, node, nil
	}
	if instance == "" {
		instance = s.DefaultInstance
	}
	if instance != "" {
		return instance, ref, nil
	}
	nodes, err := s.Engine.NodesByInstance(ctx)
	if err != nil {
		return "", "", err
	}
	all := make([]string, 0, len(nodes))
	for inst := range nodes {
		all = append(all, inst)
	}
	names, others := s.splitKnown(all)
	var with []string
	for _, inst := range names {
		if slices.Contains(nodes[inst], ref) {
			with = append(with, inst)
		}
	}
	switch len(with) {
	case 1:
		return with[0], ref, nil
	case 0:
		if len(names) == 0 && len(others) == 0 {
			return "", "", inputf("no instance is running (start one with `dojo up LAB`)")
		}
		if len(names) == 0 {
			return "", "", inputf("no instance of this state directory is running (running from another state directory: %s)", strings.Join(others, ", "))
		}
		return "", "", inputf("no running instance has a node %q (instances: %s)", ref, strings.Join(names, ", "))
	}
	return "", "", inputf("node %q exists in several instances (%s): write INSTANCE/%s", ref, strings.Join(with, ", "), ref)
}

// known reports whether an instance has objects in the engine or a state
// directory; it names the running instances for the error otherwise.
func (s *Service) requireKnown(ctx context.Context, name string) error {
	if err := state.ValidName(name); err != nil {
		return &InputError{Err: err}
	}
	names, err := s.Engine.Instances(ctx)
	if err != nil {
		return err
	}
	if slices.Contains(names, name) {
		return nil
	}
	if _, err := s.Store().Load(name); err == nil {
		return nil
	}
	if len(names) == 0 {
		return inputf("no instance %q: no instance is running", name)
	}
	return inputf("no instance %q (running: %s)", name, strings.Join(names, ", "))
}

// errNotRunning is wrapped when an operation needs a running node.
var errNotRunning = errors.New("not running")
