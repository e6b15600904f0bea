package session

import (
	"context"
	"slices"

	"github.com/labdojo/labdojo/internal/engine"
)

// Overview is what `dojo status` shows: the instances this state
// directory knows (with SSH health) and, apart, instances of other state
// directories (another user, DOJO_STATE_DIR or checkout) that run on the
// same engine. Only the former count for commands' default instance.
type Overview struct {
	Instances []*engine.InstanceStatus
	// Others run on the engine but their keys and records live in another
	// state directory; their nodes are listed without an SSH probe.
	Others []*engine.InstanceStatus
}

// Overview reports the named instances, or every running one split into
// known and others.
func (s *Service) Overview(ctx context.Context, names []string) (*Overview, error) {
	out := &Overview{Instances: []*engine.InstanceStatus{}, Others: []*engine.InstanceStatus{}}
	var others []string
	if len(names) == 0 {
		running, err := s.Engine.Instances(ctx)
		if err != nil {
			return nil, err
		}
		names, others = s.splitKnown(running)
	} else {
		for _, n := range names {
			if err := s.requireKnown(ctx, n); err != nil {
				return nil, err
			}
		}
		var known []string
		known, others = s.splitKnown(names)
		names = known
	}
	for _, n := range names {
		st, err := s.Engine.InstanceStatus(ctx, n, true)
		if err != nil {
			return nil, err
		}
		out.Instances = append(out.Instances, st)
	}
	for _, n := range others {
		st, err := s.Engine.InstanceStatus(ctx, n, false)
		if err != nil {
			return nil, err
		}
		out.Others = append(out.Others, st)
	}
	return out, nil
}

// Known lists the running instances this state directory knows, for
// completion.
func (s *Service) Known(ctx context.Context) ([]string, error) {
	running, err := s.Engine.Instances(ctx)
	if err != nil {
		return nil, err
	}
	known, _ := s.splitKnown(running)
	return known, nil
}

// NodeRefs lists the nodes of the known running instances as "node" (when
// the name is unique among them) and "instance/node", for completion.
func (s *Service) NodeRefs(ctx context.Context, instance string) ([]string, error) {
	byInst, err := s.Engine.NodesByInstance(ctx)
	if err != nil {
		return nil, err
	}
	if instance == "" {
		instance = s.DefaultInstance
	}
	count := map[string]int{}
	var out []string
	for inst, nodes := range byInst {
		if _, err := s.Store().Load(inst); err != nil || (instance != "" && inst != instance) {
			continue
		}
		for _, n := range nodes {
			count[n]++
			out = append(out, inst+"/"+n)
		}
	}
	for n, c := range count {
		if c == 1 {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// GoalNames lists the goals of the named instance's (or the only one's)
// scenario, for completion.
func (s *Service) GoalNames(ctx context.Context, name string) ([]string, error) {
	is, err := s.scenarioOf(ctx, name)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range is.Loaded.Scenario.Goals {
		out = append(out, g.Name)
	}
	return out, nil
}
