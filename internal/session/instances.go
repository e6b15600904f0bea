package session

import (
	"context"

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
