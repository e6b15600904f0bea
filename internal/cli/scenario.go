package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/report"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
	"github.com/labdojo/labdojo/scenarios"
)

const scenarioFileName = scenario.FileName

// bundledPrefix marks a scenario recorded in instance.json as bundled.
const bundledPrefix = "bundled:"

// labNodes is the scenario loader's hook: it resolves a lab reference
// relative to the scenario directory and returns the lab's node names.
func labNodes(fromFS bool) func(ref, dir string) ([]string, error) {
	return func(ref, dir string) ([]string, error) {
		l, err := scenarioLab(ref, dir, fromFS)
		if err != nil {
			return nil, err
		}
		names := make([]string, len(l.Nodes))
		for i, n := range l.Nodes {
			names[i] = n.Name
		}
		return names, nil
	}
}

// scenarioLabRef returns the lab reference loadLab understands.
func scenarioLabRef(ref, dir string, fromFS bool) (string, error) {
	if !scenario.IsLabPath(ref) {
		return ref, nil
	}
	if fromFS {
		return "", fmt.Errorf("bundled scenarios must name a bundled lab, not the path %q", ref)
	}
	return filepath.Join(dir, ref), nil
}

func scenarioLab(ref, dir string, fromFS bool) (*lab.Lab, error) {
	r, err := scenarioLabRef(ref, dir, fromFS)
	if err != nil {
		return nil, err
	}
	ll, err := loadLab(r, lab.Options{})
	if err != nil {
		return nil, err
	}
	if ll.diags.HasErrors() {
		return nil, fmt.Errorf("lab %q is not valid: %s (run `dojo validate`)", ref, ll.diags[0].Error())
	}
	return ll.lab, nil
}

func validateScenarioFile(p string) (hcl.Diagnostics, map[string]*hcl.File) {
	_, files, diags := scenario.LoadFile(p, scenario.Options{LabNodes: labNodes(false), CheckValues: check.ValidateSpec})
	return diags, files
}

// loadedScenario is a scenario and where it came from.
type loadedScenario struct {
	sc     *scenario.Scenario
	source string // a file path, or bundled:<name>
	fromFS bool
}

// loadScenario resolves ref: a file or directory, ./scenarios/<ref>, a
// bundled scenario, or bundled:<name>; diagnostics are printed.
func (a *app) loadScenario(ref string) (*loadedScenario, error) {
	opts := scenario.Options{CheckValues: check.ValidateSpec}
	var (
		sc     *scenario.Scenario
		files  map[string]*hcl.File
		diags  hcl.Diagnostics
		source string
		fromFS bool
	)
	name := strings.TrimPrefix(ref, bundledPrefix)
	local := filepath.Join("scenarios", name, scenarioFileName)
	switch {
	case !strings.HasPrefix(ref, bundledPrefix) && exists(ref):
		opts.LabNodes = labNodes(false)
		sc, files, diags = scenario.LoadFile(ref, opts)
		source, _ = filepath.Abs(ref)
	case !strings.HasPrefix(ref, bundledPrefix) && !strings.ContainsAny(ref, `/\`) && exists(local):
		opts.LabNodes = labNodes(false)
		sc, files, diags = scenario.LoadFile(local, opts)
		source, _ = filepath.Abs(local)
	case !strings.ContainsAny(name, `/\`) && fsExists(scenarios.Bundled(), name+"/"+scenarioFileName):
		opts.LabNodes = labNodes(true)
		sc, files, diags = scenario.LoadFS(scenarios.Bundled(), name+"/"+scenarioFileName, opts)
		source, fromFS = bundledPrefix+name, true
	default:
		return nil, usageErr("scenario %q not found: not a file or directory, not in ./scenarios, and not bundled (see `dojo scenarios`)", ref)
	}
	if len(diags) > 0 {
		_ = lab.WriteDiagnostics(a.streams.Err, filesFromMap(files), diags, a.color, 100)
	}
	if diags.HasErrors() {
		return nil, withCode(ExitUsage, fmt.Errorf("scenario %q is not valid (%d error(s) above)", ref, countErrors(diags)))
	}
	return &loadedScenario{sc: sc, source: source, fromFS: fromFS}, nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func fsExists(fsys fs.FS, p string) bool { _, err := fs.Stat(fsys, p); return err == nil }

func (a *app) addScenarioCmds(root *cobra.Command) {
	root.AddCommand(a.scenariosCmd(), a.startCmd(), a.checkCmd(), a.hintCmd(), a.solveCmd())
}

func (a *app) scenariosCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List bundled scenarios and scenarios under ./scenarios",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			type row struct {
				Name    string `json:"name"`
				Title   string `json:"title"`
				Track   string `json:"track"`
				Level   int    `json:"level"`
				Minutes int    `json:"minutes"`
				Lab     string `json:"lab"`
				Goals   int    `json:"goals"`
				Source  string `json:"source"`
				Error   string `json:"error,omitempty"`
			}
			var rows []row
			seen := map[string]string{}
			add := func(name, source string, sc *scenario.Scenario, d hcl.Diagnostics) {
				r := row{Name: name, Source: source}
				if sc == nil {
					r.Error = "invalid: run `dojo validate`"
					if len(d) > 0 {
						r.Error = "invalid: " + d[0].Summary
					}
				} else {
					if seen[name] == sc.Hash && source != "bundled" {
						return
					}
					seen[name] = sc.Hash
					r.Title, r.Track, r.Level, r.Minutes, r.Lab, r.Goals = sc.Title, sc.Track, sc.Level, sc.Minutes, sc.Lab, len(sc.Goals)
				}
				rows = append(rows, r)
			}
			names, err := scenario.Discover(scenarios.Bundled())
			if err != nil {
				return err
			}
			for _, n := range names {
				sc, _, d := scenario.LoadFS(scenarios.Bundled(), n, scenario.Options{})
				add(path.Dir(n), "bundled", sc, d)
			}
			if local, err := filepath.Glob(filepath.Join("scenarios", "*", scenarioFileName)); err == nil {
				for _, p := range local {
					sc, _, d := scenario.LoadFile(p, scenario.Options{})
					add(filepath.Base(filepath.Dir(p)), p, sc, d)
				}
			}
			sort.SliceStable(rows, func(i, j int) bool {
				if rows[i].Track != rows[j].Track {
					return rows[i].Track < rows[j].Track
				}
				return rows[i].Level < rows[j].Level
			})
			if format == "json" {
				return writeJSON(a.streams.Out, rows)
			}
			tw := tabwriter.NewWriter(a.streams.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tTRACK\tLEVEL\tMINUTES\tLAB\tGOALS\tTITLE")
			for _, r := range rows {
				title := r.Title
				if r.Error != "" {
					title = r.Error
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%d\t%s\n", r.Name, r.Track, r.Level, r.Minutes, r.Lab, r.Goals, title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func (a *app) startCmd() *cobra.Command {
	var f upFlags
	cmd := &cobra.Command{
		Use:   "start SCENARIO",
		Short: "Start a scenario: bring its lab up, run its setup, show the brief",
		Long: `Start SCENARIO (a scenario file or directory, a scenario under ./scenarios,
or a bundled scenario; see ` + "`dojo scenarios`" + `): bring up its lab as an
instance named after the scenario (--name to change), run the scenario's
setup once, and show the brief. Starting again an instance that already
runs the scenario only shows the brief.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ls, err := a.loadScenario(args[0])
			if err != nil {
				return err
			}
			sc := ls.sc
			labRef, err := scenarioLabRef(sc.Lab, sc.Dir, ls.fromFS)
			if err != nil {
				return usageErr("%v", err)
			}
			if f.name == "" {
				f.name = sc.Name
			}
			eng, err := a.engine(ctx)
			if err != nil {
				return err
			}
			prev, _ := eng.Store.Load(f.name)
			res, err := a.up(ctx, labRef, &f)
			if err != nil {
				return err
			}
			meta, err := eng.Store.Load(f.name)
			if err != nil {
				return err
			}
			fresh := !res.Unchanged || prev == nil || prev.Scenario != sc.Name
			if !fresh && prev.ScenarioHash != "" && prev.ScenarioHash != sc.Hash {
				a.infof("Note: the scenario file changed since this instance started; its setup is not run again (run `dojo down %s` for a fresh start).", f.name)
			}
			if fresh {
				if len(sc.Setup) > 0 {
					a.infof("Running the scenario's setup...")
				}
				if err := a.runScripts(ctx, eng, f.name, sc.Setup, "setup"); err != nil {
					return err
				}
				meta.Scenario, meta.ScenarioFile, meta.ScenarioHash, meta.Started = sc.Name, ls.source, sc.Hash, time.Now().UTC()
				if err := eng.Store.Save(meta); err != nil {
					return err
				}
			}
			if f.format == "json" {
				return writeJSON(a.streams.Out, map[string]any{"instance": f.name, "scenario": sc.Name, "nodes": res.Nodes, "brief": sc.Brief})
			}
			printNodes(a.streams.Err, f.name, res.Nodes, false)
			fmt.Fprintln(a.streams.Out)
			fmt.Fprint(a.streams.Out, renderMarkdown(sc.Brief, a.paintOut))
			fmt.Fprintf(a.streams.Out, "\n%s %d goals, %d points, pass mark %d%%, about %d minutes.\n", a.paintOut("1", "Scenario "+sc.Title+":"), len(sc.Goals), sc.TotalPoints(), sc.Pass, sc.Minutes)
			fmt.Fprintf(a.streams.Out, "Work with `dojo ssh NODE`; grade with `dojo check` (or `dojo check --watch`); stuck? `dojo hint GOAL`.\n")
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

// runScripts runs setup or solution scripts in file order over SSH.
func (a *app) runScripts(ctx context.Context, eng *engine.Engine, inst string, scripts []scenario.Script, what string) error {
	if len(scripts) == 0 {
		return nil
	}
	pool, targets, err := eng.Connect(ctx, inst, sshx.PoolOptions{})
	if err != nil {
		return err
	}
	defer pool.Close()
	for _, s := range scripts {
		t, ok := targets[s.Node]
		if !ok {
			return fmt.Errorf("%s on node %q: node not running", what, s.Node)
		}
		res, err := pool.Run(ctx, t, "exec /bin/sh -e", strings.NewReader(s.Script))
		if err != nil {
			return fmt.Errorf("%s on node %q: %w", what, s.Node, err)
		}
		if res.ExitCode != 0 {
			out := strings.TrimSpace(string(res.Stderr) + "\n" + string(res.Stdout))
			return fmt.Errorf("%s on node %q (%s) exited with status %d:\n%s", what, s.Node, s.Range, res.ExitCode, truncateLines(out, 20))
		}
		if a.verbose {
			a.infof("  %s on %s: ok", what, s.Node)
		}
	}
	return nil
}

func truncateLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[len(lines)-n:], "")
	}
	return strings.Join(lines, "\n")
}

// instanceScenario loads an instance's state and its scenario.
func (a *app) instanceScenario(ctx context.Context, eng *engine.Engine, args []string) (string, *state.Instance, *loadedScenario, error) {
	inst, err := a.resolveInstance(ctx, eng, args)
	if err != nil {
		return "", nil, nil, err
	}
	meta, err := eng.Store.Load(inst)
	if err != nil {
		return "", nil, nil, usageErr("instance %q has no state (%v)", inst, err)
	}
	if meta.Scenario == "" {
		return "", nil, nil, usageErr("instance %q runs a lab without a scenario: start one with `dojo start SCENARIO`", inst)
	}
	ls, err := a.loadScenario(meta.ScenarioFile)
	if err != nil {
		return "", nil, nil, err
	}
	return inst, meta, ls, nil
}

// historyLine is one line of history.jsonl.
type historyLine struct {
	Time     time.Time         `json:"time"`
	Scenario string            `json:"scenario"`
	Score    int               `json:"score"`
	Max      int               `json:"max"`
	Percent  float64           `json:"percent"`
	Passed   bool              `json:"passed"`
	Goals    map[string]string `json:"goals"`
	Duration float64           `json:"duration_seconds"`
}

// hintRecord is one line of hints.jsonl.
type hintRecord struct {
	Time  time.Time `json:"time"`
	Goal  string    `json:"goal"`
	Index int       `json:"index"`
	Cost  int       `json:"cost"`
}

func readHints(eng *engine.Engine, inst string) ([]hintRecord, error) {
	b, err := os.ReadFile(filepath.Join(eng.Store.Dir(inst), "hints.jsonl"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []hintRecord
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var h hintRecord
		if json.Unmarshal(sc.Bytes(), &h) == nil {
			out = append(out, h)
		}
	}
	return out, nil
}

// hintPenalties sums the cost of the hints revealed so far, per goal.
func hintPenalties(eng *engine.Engine, inst string) (map[string]int, error) {
	hints, err := readHints(eng, inst)
	if err != nil {
		return nil, err
	}
	penalty := map[string]int{}
	for _, h := range hints {
		penalty[h.Goal] += h.Cost
	}
	return penalty, nil
}

func (a *app) checkCmd() *cobra.Command {
	var format string
	var watch time.Duration
	var verbose bool
	cmd := &cobra.Command{
		Use:   "check [NAME]",
		Short: "Grade the instance against its scenario's goals",
		Long: `Grade the running scenario over SSH (read-only probes) and print each goal,
what was expected and what was observed. Formats: text, json (documented in
docs/check-json.md), junit, tap. Exit status 0 when the pass mark is reached,
1 when not. --watch re-grades every interval (default 3s) until everything
passes or Ctrl-C.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if !slices.Contains(report.Formats(), format) {
				return usageErr("--format must be one of %s", strings.Join(report.Formats(), ", "))
			}
			if cmd.Flags().Changed("watch") && format != "text" {
				return usageErr("--watch works with the text format only")
			}
			eng, err := a.engine(ctx)
			if err != nil {
				return err
			}
			inst, _, ls, err := a.instanceScenario(ctx, eng, args)
			if err != nil {
				return err
			}
			sc := ls.sc
			goals, err := grade.FromScenario(sc)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			pool, targets, err := eng.Connect(ctx, inst, sshx.PoolOptions{MaxOutput: 64 << 20})
			if err != nil {
				return err
			}
			defer pool.Close()
			runner := grade.NewBatcher(grade.SSHExec(pool, targets))
			meta := report.Meta{Scenario: sc.Name, Title: sc.Title, Instance: inst, Lab: sc.Lab, Track: sc.Track, PassPercent: sc.Pass, ToolVersion: version()}
			tty := isTerminal(a.streams.Out)
			ropts := report.Options{Color: tty && os.Getenv("NO_COLOR") == "", Unicode: true, Verbose: verbose || a.verbose}
			if f, ok := a.streams.Out.(*os.File); ok && tty {
				if w, _, err := termSize(f); err == nil {
					ropts.Width = w
				}
			}
			watching := cmd.Flags().Changed("watch")
			var live *report.LiveText
			if format == "text" && (tty || watching) && !a.quiet {
				live = report.NewLiveText(a.streams.Out, ropts, tty)
			}
			code := ExitFailed
			for round := 0; ; round++ {
				penalty, err := hintPenalties(eng, inst)
				if err != nil {
					return err
				}
				opts := grade.BatchOptions(grade.Options{PassPercent: sc.Pass, HintPenalty: penalty})
				if live != nil {
					live.Reset()
					opts.Progress = live.Event
				}
				res := grade.Run(ctx, runner, goals, opts)
				if res.Cancelled {
					if round > 0 {
						return withCode(code, nil)
					}
					return withCode(130, fmt.Errorf("interrupted"))
				}
				meta.Generated = time.Now().UTC()
				var buf bytes.Buffer
				code, err = report.Write(ctx, &buf, format, res, meta, ropts)
				if err != nil {
					return err
				}
				finished := !watching || res.Count(grade.StatusPassed) == len(res.Goals)
				if live != nil {
					switch {
					case watching && finished:
						fmt.Fprintf(&buf, "\nEvery goal passes (round %d at %s).\n", round+1, time.Now().Format("15:04:05"))
					case watching:
						fmt.Fprintf(&buf, "\nRound %d at %s; next in %s (Ctrl-C to stop).\n", round+1, time.Now().Format("15:04:05"), watch)
					}
					live.Replace(buf.Bytes())
				} else {
					_, _ = a.streams.Out.Write(buf.Bytes())
				}
				if err := eng.Store.AppendJSONLine(inst, "history.jsonl", historyOf(sc.Name, res)); err != nil {
					return err
				}
				if finished {
					break
				}
				select {
				case <-ctx.Done():
					return withCode(code, nil)
				case <-time.After(watch):
				}
			}
			if code != 0 {
				return withCode(code, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: "+strings.Join(report.Formats(), ", "))
	cmd.Flags().DurationVar(&watch, "watch", 3*time.Second, "re-grade every interval until all goals pass (--watch or --watch=5s)")
	cmd.Flags().Lookup("watch").NoOptDefVal = "3s"
	cmd.Flags().BoolVar(&verbose, "all", false, "also list the checks of passing goals")
	return cmd
}

func historyOf(name string, res *grade.Result) historyLine {
	h := historyLine{Time: res.Started.UTC(), Scenario: name, Score: res.Score, Max: res.MaxScore, Percent: res.Percent, Passed: res.Passed, Goals: map[string]string{}, Duration: res.Duration.Seconds()}
	for _, g := range res.Goals {
		h.Goals[g.Name] = g.Status
	}
	return h
}

func (a *app) hintCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "hint GOAL",
		Short: "Reveal the next hint of a goal (recorded; may cost points)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			eng, err := a.engine(ctx)
			if err != nil {
				return err
			}
			var sel []string
			if name != "" {
				sel = []string{name}
			}
			inst, _, ls, err := a.instanceScenario(ctx, eng, sel)
			if err != nil {
				return err
			}
			g := ls.sc.GoalByName(args[0])
			if g == nil {
				var names []string
				for _, x := range ls.sc.Goals {
					names = append(names, x.Name)
				}
				return usageErr("scenario %q has no goal %q (goals: %s)", ls.sc.Name, args[0], strings.Join(names, ", "))
			}
			if len(g.Hints) == 0 {
				a.infof("Goal %q has no hints.", g.Name)
				return nil
			}
			hints, err := readHints(eng, inst)
			if err != nil {
				return err
			}
			seen := 0
			for _, h := range hints {
				if h.Goal == g.Name {
					seen++
				}
			}
			if seen >= len(g.Hints) {
				fmt.Fprintf(a.streams.Out, "All %d hints of %q are revealed:\n", len(g.Hints), g.Name)
				for i, h := range g.Hints {
					fmt.Fprintf(a.streams.Out, "  %d. %s\n", i+1, h)
				}
				return nil
			}
			cost := ls.sc.HintCost
			if err := eng.Store.AppendJSONLine(inst, "hints.jsonl", hintRecord{Time: time.Now().UTC(), Goal: g.Name, Index: seen, Cost: cost}); err != nil {
				return err
			}
			fmt.Fprintf(a.streams.Out, "Hint %d/%d for %q: %s\n", seen+1, len(g.Hints), g.Name, g.Hints[seen])
			if cost > 0 {
				a.infof("(This hint costs %d point(s) of goal %q.)", cost, g.Name)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "instance (default: the only running instance)")
	return cmd
}

func (a *app) solveCmd() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "solve [NAME]",
		Short: "Apply the scenario's reference solution (instructors, tests)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			eng, err := a.engine(ctx)
			if err != nil {
				return err
			}
			inst, _, ls, err := a.instanceScenario(ctx, eng, args)
			if err != nil {
				return err
			}
			if len(ls.sc.Solution) == 0 {
				return usageErr("scenario %q has no reference solution", ls.sc.Name)
			}
			if !yes {
				fmt.Fprintf(a.streams.Err, "Apply the reference solution of %q to instance %s? This changes the nodes. [y/N] ", ls.sc.Name, inst)
				line, _ := bufio.NewReader(a.streams.In).ReadString('\n')
				if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
					return usageErr("not confirmed; nothing changed (use --yes to skip the question)")
				}
			}
			if err := a.runScripts(ctx, eng, inst, ls.sc.Solution, "solution"); err != nil {
				return err
			}
			a.infof("Applied the reference solution of %q to %s. Grade it with `dojo check`.", ls.sc.Name, inst)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}
