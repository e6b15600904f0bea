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
	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/report"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/session"
	"github.com/labdojo/labdojo/internal/state"
)

// minWatch is the shortest --watch interval: grading is read-only but not
// free for the nodes.
const minWatch = 500 * time.Millisecond

func (a *app) scenariosCmd() *cobra.Command {
	var track string
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List bundled scenarios and scenarios under ./scenarios, by track and level",
		Long: `List the bundled scenarios and those under ./scenarios, grouped by track
and level, with the ones you have passed (from the grading history in the
state directory) marked. --track shows one track.`,
		Args: cobra.NoArgs,
	}
	format := formatFlag(cmd, "text", "json")
	cmd.Flags().StringVar(&track, "track", "", "show one track: "+strings.Join(scenario.Tracks, ", "))
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		rows, err := session.ScenariosIn(cmd.Context(), a.lang)
		if err != nil {
			return err
		}
		if cmd.Flags().Changed("track") {
			if rows, err = session.FilterTrack(rows, track); err != nil {
				return err
			}
		}
		if st, err := state.OpenEnv(a.opts.Getenv); err != nil {
			a.infof("Warning: cannot tell which scenarios you passed: %v", err)
		} else if warnings, err := session.MarkPassed(st, rows); err != nil {
			a.infof("Warning: cannot tell which scenarios you passed: %v", err)
		} else {
			for _, w := range warnings {
				a.warn(w)
			}
		}
		if format.value == "json" {
			return a.out.json(scenariosJSON(rows))
		}
		return a.scenarioTable(rows)
	}
	return cmd
}

// scenarioTable prints the catalog grouped by track (a blank line between
// tracks, the track named on its first row) and level (named when it
// changes), with a mark on the scenarios passed.
func (a *app) scenarioTable(rows []session.ScenarioEntry) error {
	h := strings.Split(a.msg(i18n.MsgListHeader), "\t") // NAME TRACK LEVEL MINUTES LAB GOALS TITLE
	header := []string{h[1], h[2], h[0], h[3], h[4], h[5], a.msg(i18n.MsgListPassed), h[6]}
	var cells [][]string
	passed := 0
	for i, r := range rows {
		title := r.Title
		if r.Error != "" {
			title = r.Error
		}
		tr, lv := r.Track, strconv.Itoa(r.Level)
		if i > 0 && rows[i-1].Track == r.Track {
			tr = ""
			if rows[i-1].Level == r.Level {
				lv = ""
			}
		} else if i > 0 {
			cells = append(cells, nil)
		}
		mark := ""
		if r.Passed {
			mark, passed = "✔", passed+1
		}
		cells = append(cells, []string{tr, lv, r.Name, strconv.Itoa(r.Minutes), r.Lab, strconv.Itoa(r.Goals), mark, title})
	}
	if err := a.out.table(header, cells); err != nil {
		return err
	}
	a.out.printf("\n%s\n", a.msg(i18n.MsgListSummary, passed, len(rows)))
	return nil
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
			res, err := svc.Start(cmd.Context(), args[0], req, func() { prog.finish(); a.infof("%s", a.msg(i18n.MsgStartSetup)) })
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
	sc := res.Scenario.Localize(a.lang)
	if res.Changed {
		a.infof("%s", a.msg(i18n.MsgStartChanged, res.Instance))
	}
	if format == "json" {
		return a.out.json(startJSON(res, sc))
	}
	a.printNodes(a.errOut, res.Instance, res.Up.Nodes, false)
	a.out.printf("\n")
	a.out.text(renderMarkdown(report.Sanitize(sc.Brief), func(code, s string) string { return string(a.out.paint(code, s)) }))
	a.out.printf("\n%s\n", a.out.paint("1", a.msg(i18n.MsgStartSummary, sc.Title, len(sc.Goals), sc.TotalPoints(), sc.Pass, sc.Minutes)))
	a.out.printf("%s\n", a.msg(i18n.MsgStartHowTo))
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
			t.Lang = a.lang
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
	ropts := report.Options{Color: a.out.color, Unicode: true, Verbose: all || a.verbose, Lang: a.lang}
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
			a.warn(w)
		}
		g.Warnings = nil
		if res.Cancelled && round > 0 {
			return withCode(code, nil)
		}
		var buf bytes.Buffer
		// An interrupted first round still shows what is known so far
		// (finished goals, the rest as errors), then exits 130.
		code, err = report.Write(context.WithoutCancel(ctx), &buf, format, res, g.Meta, ropts)
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
				buf.WriteString("\n" + a.msg(i18n.MsgCheckAllPass, round+1, time.Now().Format("15:04:05")) + "\n")
			case watching:
				buf.WriteString("\n" + a.msg(i18n.MsgCheckNextRound, round+1, time.Now().Format("15:04:05"), every.String()) + "\n")
			}
			live.Replace(buf.Bytes())
		} else {
			a.out.text(buf.String())
		}
		if res.Cancelled {
			return withCode(130, fmt.Errorf("interrupted: %w", context.Canceled))
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
				a.warn(w)
			}
			switch {
			case len(h.Hints) == 0:
				a.infof("%s", a.msg(i18n.MsgHintNone, h.Goal))
			case h.AllRevealed:
				a.out.printf("%s\n", a.msg(i18n.MsgHintAll, len(h.Hints), h.Goal))
				for i, text := range h.Hints {
					a.out.printf("  %d. %s\n", i+1, text)
				}
			default:
				a.out.printf("%s\n", a.msg(i18n.MsgHintNext, h.Index+1, len(h.Hints), h.Goal, h.Hints[h.Index]))
				if h.Cost > 0 {
					a.infof("(%s)", a.msg(i18n.MsgHintCost, h.Cost))
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
				a.errOut.printf("%s", a.msg(i18n.MsgSolveConfirm, sol.Scenario.Name, sol.Instance))
				line, _ := bufio.NewReader(a.streams.In).ReadString('\n')
				if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
					return usageErr("not confirmed; nothing changed (use --yes to skip the question)")
				}
			}
			if err := svc.Solve(cmd.Context(), sol); err != nil {
				return err
			}
			a.infof("%s", a.msg(i18n.MsgSolveDone, sol.Scenario.Name, sol.Instance))
			return nil
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	nameFlag(cmd, &name)
	return cmd
}
