package session

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
)

// UpRequest is what `up` (and `start`) ask for.
type UpRequest struct {
	// Name is the instance name; "" means the lab's name.
	Name          string
	KeepOnFailure bool
	// MgmtSubnet forces the management subnet ("" chooses one).
	MgmtSubnet string
	Lab        lab.Options
	// Image returns the default node image to use, building it when
	// missing, and points nodes that ask for packages at their image
	// variants (building those too). It is called after the lab validated
	// and before anything is created.
	Image func(ctx context.Context, l *lab.Lab) (string, error)
	// Starting is called once the lab is loaded, before bring-up, for the
	// caller's progress display.
	Starting func(instance string, l *lab.Lab)
}

// ParseMgmtSubnet checks a --mgmt-subnet value: an IPv4 CIDR of /28 or
// larger. "" gives the zero prefix.
func ParseMgmtSubnet(s string) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() || p.Bits() > 28 {
		return netip.Prefix{}, inputf("--mgmt-subnet %q: want an IPv4 CIDR of /28 or larger", s)
	}
	return p.Masked(), nil
}

// Up validates the lab ref names and brings an instance of it up (or
// confirms an identical one runs).
func (s *Service) Up(ctx context.Context, ref string, req UpRequest) (*engine.UpResult, error) {
	ll, err := LoadLab(ctx, ref, req.Lab)
	if err != nil {
		if errors.Is(err, errNoLab) {
			if how := s.resumeHint(ref); how != "" {
				return nil, inputf("%v; instance %q exists: %s", err, ref, how)
			}
		}
		return nil, err
	}
	return s.up(ctx, ll.Lab, req)
}

// resumeHint says how to bring back instance name (`up` takes a lab, and
// after a restart of the engine people type the instance's name), or ""
// when there is no such instance.
func (s *Service) resumeHint(name string) string {
	if state.ValidName(name) != nil {
		return ""
	}
	meta, err := s.Store().Load(name)
	if err != nil || meta == nil {
		return ""
	}
	flag := ""
	if meta.Scenario != "" {
		ref := strings.TrimPrefix(meta.ScenarioFile, BundledPrefix)
		if ref == "" {
			ref = meta.Scenario
		}
		if name != meta.Scenario {
			flag = " --name " + name
		}
		return fmt.Sprintf("bring it back with `dojo start %s%s` (it resumes the attempt)", ref, flag)
	}
	ref := meta.LabFile
	if _, err := os.Stat(ref); err != nil {
		ref = meta.Lab
	}
	if name != meta.Lab {
		flag = " --name " + name
	}
	return fmt.Sprintf("bring it back with `dojo up %s%s`", ref, flag)
}

func (s *Service) up(ctx context.Context, l *lab.Lab, req UpRequest) (*engine.UpResult, error) {
	name := req.Name
	if name == "" {
		name = l.Name
	}
	// Refused before any image build or progress line.
	if err := state.ValidName(name); err != nil {
		return nil, &InputError{Err: err}
	}
	mgmt, err := ParseMgmtSubnet(req.MgmtSubnet)
	if err != nil {
		return nil, err
	}
	if mgmt.IsValid() {
		if err := s.Engine.CheckMgmtSubnet(ctx, name, l, mgmt); err != nil {
			return nil, err
		}
	}
	// SYS_ADMIN on an engine that does not confine it: refused before
	// any image build (Engine.Up checks again).
	if err := s.Engine.CheckConfinement(ctx, l); err != nil {
		return nil, err
	}
	img := ""
	if req.Image != nil {
		if img, err = req.Image(ctx, l); err != nil {
			return nil, err
		}
	}
	if req.Starting != nil {
		req.Starting(name, l)
	}
	return s.Engine.Up(ctx, l, engine.UpOptions{
		Instance: name, Image: img, KeepOnFailure: req.KeepOnFailure, MgmtSubnet: mgmt, Vars: req.Lab.Vars,
	})
}

// StartResult describes a started scenario.
type StartResult struct {
	Instance string
	Scenario *scenario.Scenario
	Up       *engine.UpResult
	// Fresh is true when the scenario's setup ran (a new instance, or one
	// that ran another scenario); false when the instance already ran it.
	Fresh bool
	// Changed is true when the instance already ran this scenario but the
	// scenario file changed since (its setup is not run again).
	Changed bool
}

// Start brings the scenario's lab up as an instance (named after the
// scenario unless req.Name is set), runs the setup once, and records the
// scenario in the instance's state. setupStarting, if set, is called before
// a setup runs.
func (s *Service) Start(ctx context.Context, ref string, req UpRequest, setupStarting func()) (*StartResult, error) {
	ls, err := LoadScenario(ctx, ref)
	if err != nil {
		return nil, err
	}
	sc := ls.Scenario
	labRef, err := LabRef(sc.Lab, sc.Dir, ls.Bundled)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	ll, err := LoadLab(ctx, labRef, req.Lab)
	if err != nil {
		return nil, err
	}
	if req.Name == "" {
		req.Name = sc.Name
	}
	if err := state.ValidName(req.Name); err != nil {
		return nil, &InputError{Err: err}
	}
	// Before the instance's state directory is made.
	if err := s.Engine.CheckConfinement(ctx, ll.Lab); err != nil {
		return nil, err
	}
	if err := s.Store().CheckWritable(req.Name); err != nil {
		return nil, err
	}
	prev, _ := s.Store().Load(req.Name)
	res, err := s.up(ctx, ll.Lab, req)
	if err != nil {
		return nil, err
	}
	meta, err := s.Store().Load(req.Name)
	if err != nil {
		return nil, fmt.Errorf("instance %q: state: %w", req.Name, err)
	}
	out := &StartResult{Instance: req.Name, Scenario: sc, Up: res}
	out.Fresh = !res.Unchanged || prev == nil || prev.Scenario != sc.Name
	if !out.Fresh && prev.ScenarioHash != "" && prev.ScenarioHash != sc.Hash {
		out.Changed = true
	}
	if out.Fresh {
		if len(sc.Setup) > 0 && setupStarting != nil {
			setupStarting()
		}
		if err := s.runRecorded(ctx, req.Name, state.KindSetup, sc, meta.LabHash, sc.Setup, "setup"); err != nil {
			return nil, err
		}
		meta.Scenario, meta.ScenarioFile, meta.ScenarioHash, meta.Started = sc.Name, ls.Source, sc.Hash, time.Now().UTC()
		if prev != nil && prev.Scenario == sc.Name && !prev.Started.IsZero() {
			// The same attempt resumed (a node restarted or recreated and
			// set up again): it keeps its first start, so a solve before
			// the restart still marks what is graded after it. A new
			// attempt starts from `dojo down --purge`.
			meta.Started = prev.Started
		}
		if err := s.Store().Save(meta); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RunScripts runs setup or solution scripts in file order over SSH, each
// fed to `sh -e` on its node. what names them in errors.
func (s *Service) RunScripts(ctx context.Context, instance string, scripts []scenario.Script, what string) error {
	if len(scripts) == 0 {
		return nil
	}
	pool, targets, err := s.connect(ctx, instance, sshx.PoolOptions{})
	if err != nil {
		return err
	}
	defer pool.Close()
	for _, sc := range scripts {
		t, ok := targets[sc.Node]
		if !ok {
			return fmt.Errorf("%s on node %q: node %w", what, sc.Node, errNotRunning)
		}
		res, err := pool.Run(ctx, t, "exec /bin/sh -e", strings.NewReader(sc.Script))
		if err != nil {
			return fmt.Errorf("%s on node %q: %w", what, sc.Node, err)
		}
		if res.ExitCode != 0 {
			out := strings.TrimSpace(string(res.Stderr) + "\n" + string(res.Stdout))
			return fmt.Errorf("%s on node %q (%s) exited with status %d:\n%s", what, sc.Node, sc.Range, res.ExitCode, lastLines(out, 20))
		}
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[len(lines)-n:], "")
	}
	return strings.Join(lines, "\n")
}

// DownResult is the outcome of removing one instance.
type DownResult struct {
	Instance string
	// Found is false when nothing of it ran (its state may still have
	// been purged).
	Found   bool
	Elapsed time.Duration
}

// Down removes the named instances (all of them when all is set; the only
// running one when names is empty). An instance that neither runs nor has
// state is an *InputError naming it.
func (s *Service) Down(ctx context.Context, names []string, all, purge bool) ([]DownResult, error) {
	switch {
	case all && len(names) > 0:
		return nil, inputf("give NAME or --all, not both")
	case all:
		var err error
		if names, err = s.Engine.Instances(ctx); err != nil {
			return nil, err
		}
	case len(names) == 0:
		name, err := s.ResolveInstance(ctx, "")
		if err != nil {
			return nil, err
		}
		names = []string{name}
	default:
		for _, n := range names {
			if err := s.requireKnown(ctx, n); err != nil {
				return nil, err
			}
		}
	}
	var out []DownResult
	for _, n := range names {
		start := time.Now()
		s.StopKeeper(ctx, n)
		found, err := s.Engine.Down(ctx, n, purge)
		if err != nil {
			return out, err
		}
		out = append(out, DownResult{Instance: n, Found: found, Elapsed: time.Since(start)})
	}
	return out, nil
}

// Status reports the named instances (every instance when names is
// empty), probing SSH on each node. A named instance that does not run is
// an *InputError.
func (s *Service) Status(ctx context.Context, names []string) ([]*engine.InstanceStatus, error) {
	running, err := s.Engine.Instances(ctx)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		names = running
	}
	out := []*engine.InstanceStatus{}
	for _, n := range names {
		if err := s.requireKnown(ctx, n); err != nil {
			return nil, err
		}
		st, err := s.Engine.InstanceStatus(ctx, n, true)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// instanceScenario is an instance's state and its scenario.
type instanceScenario struct {
	Instance string
	Meta     *state.Instance
	Loaded   *LoadedScenario
}

// scenarioOf resolves the instance (name or the only one) and loads the
// scenario it was started with.
func (s *Service) scenarioOf(ctx context.Context, name string) (*instanceScenario, error) {
	inst, err := s.ResolveInstance(ctx, name)
	if err != nil {
		return nil, err
	}
	meta, err := s.Store().Load(inst)
	if errors.Is(err, os.ErrNotExist) {
		if kerr := s.requireKnown(ctx, inst); kerr != nil {
			return nil, kerr
		}
		return nil, inputf("instance %q has no state in %s", inst, s.Store().Dir(inst))
	}
	if err != nil {
		return nil, err
	}
	if meta.Scenario == "" {
		return nil, inputf("instance %q runs a lab without a scenario: start one with `dojo start SCENARIO`", inst)
	}
	ls, err := LoadScenario(ctx, meta.ScenarioFile)
	if err != nil {
		return nil, err
	}
	return &instanceScenario{Instance: inst, Meta: meta, Loaded: ls}, nil
}
