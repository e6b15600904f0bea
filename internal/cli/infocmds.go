package cli

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func (a *app) versionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print dojo's version (and with --format json, the schema versions it writes)",
		Args:  cobra.NoArgs,
	}
	format := formatFlag(cmd, "text", "json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		v := versionJSON()
		if format.value == "json" {
			return a.out.json(v)
		}
		a.out.printf("dojo %s (%s, %s)\n", v.Version, v.GoVersion, v.Platform)
		return nil
	}
	return cmd
}

func (a *app) historyCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "history [NAME]",
		Short: "List the graded runs of an instance (from its state directory)",
		Long: `List every graded run (dojo check) of the instance, oldest first: when, the
score, whether it passed, and which goals passed; every run of the
scenario's setup (dojo start) and reference solution (dojo solve), with
the nodes they ran on; and every hint revealed, with its cost. Runs
graded after a solve say so. Read-only; the records are history.jsonl
and hints.jsonl in the instance's state directory.`,
		Args: cobra.MaximumNArgs(1),
	}
	format := formatFlag(cmd, "text", "json")
	nameFlag(cmd, &name)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		inst, err := instanceName(name, firstArg(args))
		if err != nil {
			return err
		}
		svc, err := a.service(cmd.Context())
		if err != nil {
			return err
		}
		inst, recs, bad, err := svc.History(cmd.Context(), inst)
		if err != nil {
			return err
		}
		hints, badK, err := svc.HintRecords(inst)
		if err != nil {
			return err
		}
		bad = append(bad, badK...)
		if format.value == "json" {
			return a.out.json(historyJSON(inst, recs, hints, bad))
		}
		for _, b := range bad {
			a.infof("Warning: %v", b)
		}
		if len(recs) == 0 && len(hints) == 0 {
			a.infof("Instance %s has no graded runs yet (grade with `dojo check`).", inst)
			return nil
		}
		var rows [][]string
		var when []time.Time
		for _, h := range hints {
			// A revealed hint: its goal, number and cost.
			scen := h.Scenario
			if scen == "" {
				scen = "-"
			}
			rows = append(rows, []string{"-", h.Time.Local().Format(time.DateTime), scen, fmt.Sprintf("-%d", h.Cost), "-",
				fmt.Sprintf("hint %d", h.Index+1), "-", h.Goal})
			when = append(when, h.Time)
		}
		run := 0
		for _, r := range recs {
			when = append(when, r.Time)
			if !r.Graded() {
				// A solve or setup run: no score; the nodes it ran on.
				rows = append(rows, []string{"-", r.Time.Local().Format(time.DateTime), r.Scenario, "-", "-",
					r.Kind + " " + r.Result, "-", strings.Join(r.Nodes, " ")})
				continue
			}
			run++
			verdict := "failed"
			if r.Passed {
				verdict = "PASSED"
			}
			if r.AfterSolve {
				verdict += " (after solve)"
			}
			var passed []string
			for g, st := range r.Goals {
				if st == "passed" {
					passed = append(passed, g)
				}
			}
			sort.Strings(passed)
			rows = append(rows, []string{fmt.Sprint(run), r.Time.Local().Format(time.DateTime), r.Scenario,
				fmt.Sprintf("%d/%d", r.Score, r.Max), fmt.Sprintf("%.1f%%", r.Percent), verdict,
				fmt.Sprintf("%d/%d", len(passed), len(r.Goals)), strings.Join(passed, " ")})
		}
		// Oldest first, hints among the runs.
		idx := make([]int, len(rows))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return when[idx[i]].Before(when[idx[j]]) })
		sorted := make([][]string, len(rows))
		for i, k := range idx {
			sorted[i] = rows[k]
		}
		return a.out.table([]string{"RUN", "TIME", "SCENARIO", "SCORE", "PERCENT", "RESULT", "GOALS", "PASSING"}, sorted)
	}
	return cmd
}
