package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/report"
	"github.com/labdojo/labdojo/internal/session"
)

// minWatch is the shortest --watch interval: grading is read-only but not
// free for the nodes.
const minWatch = 500 * time.Millisecond

func (a *app) scenariosCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List bundled scenarios and scenarios under ./scenarios",
		Args:  cobra.NoArgs,
	}
	format := formatFlag(cmd, "text", "json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		rows, err := session.Scenarios()
		if err != nil {
			return err
		}
		if format.value == "json" {
			return a.out.json(scenariosJSON(rows))
		}
		var cells [][]string
		for _, r := range rows {
			title := r.Title
			if r.Error != "" {
				title = r.Error
			}
			cells = append(cells, []string{r.Name, r.Track, strconv.Itoa(r.Level), strconv.Itoa(r.Minutes), r.Lab, strconv.Itoa(r.Goals), title})
		}
		return a.out.table([]string{"NAME", "TRACK", "LEVEL", "MINUTES", "LAB", "GOALS", "TITLE"}, cells)
	}
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
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			var prog *progress
			req, err := a.upRequest(&f, &prog)
			if err != nil {
				return err
			}
			res, err := svc.Start(cmd.Context(), args[0], req, func() { prog.finish(); a.infof("Running the scenario's setup...") })
			prog.finish()
			if err != nil {
				return err
			}
			return a.printStart(res, f.format.value)
		},
	}
	f.register(cmd)
	return cmd
}

func (a *app) printStart(res *session.StartResult, format string) error {
	sc := res.Scenario
	if res.Changed {
		a.infof("Note: the scenario file changed since this instance started; its setup is not run again (run `dojo down %s` for a fresh start).", res.Instance)
	}
	if format == "json" {
		return a.out.json(startJSON(res))
	}
	a.printNodes(a.errOut, res.Instance, res.Up.Nodes, false)
	a.out.printf("\n")
	a.out.text(renderMarkdown(report.Sanitize(sc.Brief), func(code, s string) string { return string(a.out.paint(code, s)) }))
	a.out.printf("\n%s %d goals, %d points, pass mark %d%%, about %d minutes.\n", a.out.paint("1", "Scenario "+sc.Title+":"), len(sc.Goals), sc.TotalPoints(), sc.Pass, sc.Minutes)
	a.out.printf("Work with `dojo ssh NODE`; grade with `dojo check` (or `dojo check --watch`); stuck? `dojo hint GOAL`.\n")
	return nil
}

func (a *app) checkCmd() *cobra.Command {
	var watch time.Duration
	var all bool
	var reports []string
	var name string
	cmd := &cobra.Command{
		Use:   "check [NAME]",
		Short: "Grade the instance against its scenario's goals",
		Long: `Grade the running scenario over SSH (read-only probes) and print each goal,
what was expected and what was observed. Formats: text, json (documented in
docs/check-json.md), junit, tap. Exit status 0 when the pass mark is reached,
1 when not. --watch re-grades every interval (default 3s) until everything
passes or Ctrl-C.

--report FORMAT:FILE (repeatable) also writes the result to FILE in FORMAT,
beside what is printed (as InSpec reporters do), e.g.
  dojo check --report junit:check.xml --report json:check.json
Files are replaced atomically. An interrupted check (Ctrl-C, SIGTERM) still
writes every report, and the --format output, marked cancelled.`,
		Args: cobra.MaximumNArgs(1),
	}
	format := formatFlag(cmd, report.Formats()...)
	cmd.Flags().DurationVar(&watch, "watch", 3*time.Second, "re-grade every interval until all goals pass (--watch or --watch=5s)")
	cmd.Flags().Lookup("watch").NoOptDefVal = "3s"
	cmd.Flags().BoolVar(&all, "all", false, "also list the checks of passing goals")
	nameFlag(cmd, &name)
	cmd.Flags().StringArrayVar(&reports, "report", nil, "also write the result as FORMAT:FILE ("+strings.Join(report.Formats(), ", ")+"); repeatable")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var targets []report.Target
		for _, r := range reports {
			t, err := report.ParseTarget(r)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			if err := report.Prepare(t); err != nil {
				return withCode(ExitEnviron, err)
			}
			targets = append(targets, t)
		}
		watching := cmd.Flags().Changed("watch")
		if watching && format.value != "text" {
			return usageErr("--watch works with the text format only")
		}
		if watching && watch < minWatch {
			return usageErr("--watch %s: the interval must be at least %s", watch, minWatch)
		}
		svc, err := a.service(cmd.Context())
		if err != nil {
			return err
		}
		inst, err := instanceName(name, firstArg(args))
		if err != nil {
			return err
		}
		g, err := svc.Grader(cmd.Context(), inst)
		if err != nil {
			return err
		}
		defer g.Close()
		return a.grade(cmd.Context(), g, gradeOpts{format: format.value, all: all, watching: watching, every: watch, reports: targets})
	}
	return cmd
}

func firstArg(args []string) string {
	if len(args) > 0 {
		return args[0]
	}
	return ""
}

// gradeOpts are check's choices about rounds and output.
type gradeOpts struct {
	format        string
	all, watching bool
	every         time.Duration
	reports       []report.Target
}

// grade runs grading rounds (one, or until all pass with --watch) and
// renders each, to the screen and to the --report files. A round cut
// short by a signal is still rendered and written, marked cancelled,
// unless an earlier --watch round already was.
func (a *app) grade(ctx context.Context, g *session.Grader, o gradeOpts) error {
	format, all, watching, every := o.format, o.all, o.watching, o.every
	tty := report.IsTerminal(a.streams.Out)
	ropts := report.Options{Color: a.out.color, Unicode: true, Verbose: all || a.verbose}
	if f, ok := a.streams.Out.(*os.File); ok && tty {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			ropts.Width = w
		}
	}
	var live *report.LiveText
	if format == "text" && (tty || watching) && !a.quiet {
		live = report.NewLiveText(a.streams.Out, ropts, tty)
	}
	code := ExitFailed
	for round := 0; ; round++ {
		var progress func(grade.Event)
		if live != nil {
			live.Reset()
			progress = live.Event
		}
		res, err := g.Round(ctx, progress)
		if err != nil {
			return err
		}
		for _, w := range g.Warnings {
			a.infof("Warning: %v", w)
		}
		g.Warnings = nil
		if res.Cancelled && round > 0 {
			return withCode(code, nil)
		}
		var buf bytes.Buffer
		code, err = report.Write(ctx, &buf, format, res, g.Meta, ropts)
		if err != nil {
			return err
		}
		for _, t := range o.reports {
			if err := report.WriteFile(ctx, t, res, g.Meta); err != nil {
				return withCode(ExitEnviron, err)
			}
		}
		if res.Cancelled {
			if live != nil {
				live.Replace(buf.Bytes())
			} else {
				a.out.text(buf.String())
			}
			return withCode(130, fmt.Errorf("interrupted: %w", context.Canceled))
		}
		finished := !watching || res.Count(grade.StatusPassed) == len(res.Goals)
		if live != nil {
			switch {
			case watching && finished:
				buf.WriteString("\nEvery goal passes (round " + strconv.Itoa(round+1) + " at " + time.Now().Format("15:04:05") + ").\n")
			case watching:
				buf.WriteString("\nRound " + strconv.Itoa(round+1) + " at " + time.Now().Format("15:04:05") + "; next in " + every.String() + " (Ctrl-C to stop).\n")
			}
			live.Replace(buf.Bytes())
		} else {
			a.out.text(buf.String())
		}
		if finished {
			break
		}
		select {
		case <-ctx.Done():
			return withCode(code, nil)
		case <-time.After(every):
		}
	}
	if code != 0 {
		return withCode(code, nil)
	}
	return nil
}

func (a *app) hintCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "hint [NAME] GOAL",
		Short: "Reveal the next hint of a goal (recorded; may cost points)",
		Long: `Reveal the next hint of GOAL (the id shown by ` + "`dojo check`" + `) on the instance
NAME (or --name, $DOJO_INSTANCE, the only running instance). Hints are
recorded and may cost points.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			arg, goal := "", args[0]
			if len(args) == 2 {
				arg, goal = args[0], args[1]
			}
			inst, err := instanceName(name, arg)
			if err != nil {
				return err
			}
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			h, err := svc.Hint(cmd.Context(), inst, goal)
			if err != nil {
				return err
			}
			for _, w := range h.Warnings {
				a.infof("Warning: %v", w)
			}
			switch {
			case len(h.Hints) == 0:
				a.infof("Goal %q has no hints.", h.Goal)
			case h.AllRevealed:
				a.out.printf("All %d hints of %q are revealed:\n", len(h.Hints), h.Goal)
				for i, text := range h.Hints {
					a.out.printf("  %d. %s\n", i+1, text)
				}
			default:
				a.out.printf("Hint %d/%d for %q: %s\n", h.Index+1, len(h.Hints), h.Goal, h.Hints[h.Index])
				if h.Cost > 0 {
					a.infof("(This hint costs %d point(s) of goal %q.)", h.Cost, h.Goal)
				}
			}
			return nil
		},
	}
	nameFlag(cmd, &name)
	return cmd
}

func (a *app) solveCmd() *cobra.Command {
	var yes bool
	var name string
	cmd := &cobra.Command{
		Use:   "solve [NAME]",
		Short: "Apply the scenario's reference solution (instructors, tests)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			inst, err := instanceName(name, firstArg(args))
			if err != nil {
				return err
			}
			sol, err := svc.Solution(cmd.Context(), inst)
			if err != nil {
				return err
			}
			if !yes {
				a.errOut.printf("Apply the reference solution of %q to instance %s? This changes the nodes. [y/N] ", sol.Scenario.Name, sol.Instance)
				line, _ := bufio.NewReader(a.streams.In).ReadString('\n')
				if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
					return usageErr("not confirmed; nothing changed (use --yes to skip the question)")
				}
			}
			if err := svc.Solve(cmd.Context(), sol); err != nil {
				return err
			}
			a.infof("Applied the reference solution of %q to %s. Grade it with `dojo check`.", sol.Scenario.Name, sol.Instance)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	nameFlag(cmd, &name)
	return cmd
}
