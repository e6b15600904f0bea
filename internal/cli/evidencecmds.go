package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/evidence"
	"github.com/labdojo/labdojo/internal/graph"
	route "github.com/labdojo/labdojo/internal/progress"
	"github.com/labdojo/labdojo/internal/report"
	"github.com/labdojo/labdojo/internal/runbook"
	"github.com/labdojo/labdojo/internal/session"
	"github.com/labdojo/labdojo/internal/state"
)

// The portfolio commands of issue 11: graph, report, verify, runbook,
// progress. graph, report and progress only read (the lab, the state
// directory, the engine's container list); none of them changes a lab.

func (a *app) evidenceCmds() []*cobra.Command {
	return []*cobra.Command{a.graphCmd(), a.reportCmd(), a.verifyCmd(), a.runbookCmd(), a.progressCmd()}
}

// writeOut writes data to file atomically (mode 0644: a document to
// share), or to stdout when file is "" or "-".
func (a *app) writeOut(file string, data []byte) error {
	if file == "" || file == "-" {
		_, err := a.streams.Out.Write(data)
		return err
	}
	if err := state.WriteFileAtomic(file, data, 0o644); err != nil {
		return withCode(ExitFailed, fmt.Errorf("write %s: %w", file, err))
	}
	return nil
}

func (a *app) graphCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "graph [LAB|INSTANCE]",
		Short: "Draw a lab's topology: Mermaid, Graphviz DOT or SVG",
		Long: `Print the topology of a lab (a file, directory, ./labs name or bundled lab)
or of an instance (running or removed with ` + "`dojo down`" + `): networks,
nodes, addresses and which nodes route. Without an argument, the only
running instance. --format svg draws the picture itself (no Graphviz
needed); mermaid renders on GitHub. Changes nothing.`,
		Args: cobra.MaximumNArgs(1),
	}
	format := formatFlag(cmd, graph.Formats()...)
	format.value = "mermaid"
	out := cmd.Flags().StringP("output", "o", "", "write to FILE instead of standard output")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		l := a.lang
		g, err := a.graphOf(cmd.Context(), firstArg(args), l)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := graph.Write(&b, g, format.value); err != nil {
			return err
		}
		return a.writeOut(*out, b.Bytes())
	}
	return cmd
}

// graphOf needs the engine only to find "the only running instance": a
// lab, or an instance with a state record, is drawn without it.
func (a *app) graphOf(ctx context.Context, ref, lang string) (*graph.Graph, error) {
	if ref != "" {
		st, err := state.OpenEnv(a.opts.Getenv)
		if err != nil || state.ValidName(ref) != nil || !exists(st.InstanceFile(ref)) {
			return session.LabGraph(ctx, ref, lang)
		}
		svc := &session.Service{Engine: &engine.Engine{Store: st}}
		return svc.GraphOf(ctx, ref, lang)
	}
	svc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	return svc.GraphOf(ctx, ref, lang)
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

func (a *app) reportCmd() *cobra.Command {
	var learner, keyFile, outFile string
	cmd := &cobra.Command{
		Use:   "report [INSTANCE]",
		Short: "Write a signed portfolio report of a scenario run (html, md, json)",
		Long: `Write the portfolio evidence of an instance's scenario: who and when, the
scenario, the topology picture, every goal with points and time to first
pass, the score, the timeline of graded runs, hints used, the commands
entered per node (from ` + "`dojo ssh`" + ` recordings, secrets redacted) and the
environment. The report is signed (ed25519): by default with your own key,
made once in the state directory and labelled self-check; with --key an
instructor's OpenSSH ed25519 key. ` + "`dojo verify FILE`" + ` checks it.

html is one self-contained file that prints to A4; md renders on GitHub;
json is the data (schema labdojo.report/v1, docs/report-json.md). Works
after ` + "`dojo down`" + ` (not --purge). Never grades again, never changes a lab.`,
		Args: cobra.MaximumNArgs(1),
	}
	format := formatFlag(cmd, evidence.Formats()...)
	format.value = "html"
	cmd.Flags().StringVarP(&outFile, "output", "o", "", "write to FILE (default: standard output; INSTANCE-report.FORMAT when that is a terminal)")
	cmd.Flags().StringVar(&learner, "learner", "", "the learner's name shown in the report (default: $DOJO_LEARNER, then $USER)")
	cmd.Flags().StringVar(&keyFile, "key", "", "sign with this OpenSSH ed25519 private key (instructor) instead of your own")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		l := a.lang
		svc, err := a.service(cmd.Context())
		if err != nil {
			return err
		}
		if learner == "" {
			learner = firstNonEmpty(a.opts.Getenv("DOJO_LEARNER"), a.opts.Getenv("USER"))
		}
		now := time.Now()
		rep, err := svc.Report(cmd.Context(), session.ReportRequest{Instance: firstArg(args), Learner: learner, Lang: l, Now: now})
		if err != nil {
			return err
		}
		for _, w := range rep.Warnings {
			a.errOut.printf("warning: %v\n", w)
		}
		key, err := svc.SigningKey(keyFile, a.askPassphrase(keyFile))
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := evidence.Write(&b, &evidence.Document{Evidence: *rep.Evidence}, format.value, key, now); err != nil {
			return err
		}
		if outFile == "" && report.IsTerminal(a.streams.Out) {
			outFile = rep.Evidence.Instance + "-report." + format.value
		}
		if err := a.writeOut(outFile, b.Bytes()); err != nil {
			return err
		}
		if outFile != "" && outFile != "-" {
			a.infof("Wrote %s (%s, signed by %s key %s). Check it with `dojo verify %s`.", outFile, format.value, key.Label, keyFingerprint(key), outFile)
		}
		return nil
	}
	return cmd
}

func keyFingerprint(k *evidence.Signer) string { return ssh.FingerprintSHA256(k.Public()) }

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// askPassphrase reads an encrypted key's passphrase from the terminal.
func (a *app) askPassphrase(keyFile string) func() ([]byte, error) {
	f, ok := a.streams.In.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func() ([]byte, error) {
		a.errOut.printf("Passphrase for %s: ", keyFile)
		pw, err := term.ReadPassword(int(f.Fd()))
		a.errOut.printf("\n")
		return pw, err
	}
}

func (a *app) verifyCmd() *cobra.Command {
	var pubFile string
	cmd := &cobra.Command{
		Use:   "verify FILE",
		Short: "Check a report's signature and that not one byte changed",
		Long: `Check a report written by ` + "`dojo report`" + ` (html, md or json): the ed25519
signature over its data, the data's digest, and that the whole file is
exactly the rendering of the signed data. Prints who signed it (key
fingerprint) and what it states. With --key PUBKEY (an ssh-ed25519 public
key file), only that key is accepted. Exit status 1 on any change.`,
		Args: cobra.ExactArgs(1),
	}
	cmd.Flags().StringVar(&pubFile, "key", "", "accept only this public key (.pub or authorized_keys line)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		l := a.lang
		v, err := session.VerifyReport(args[0], pubFile)
		if err != nil {
			var ie *session.InputError
			if errors.As(err, &ie) {
				return err
			}
			return withCode(ExitFailed, err)
		}
		a.out.printf("%s", v.Summary(l))
		return nil
	}
	return cmd
}

func (a *app) runbookCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runbook",
		Short: "Draft a runbook from your recorded commands, or replay one on a fresh lab",
	}
	cmd.AddCommand(a.runbookDraftCmd(), a.runbookReplayCmd())
	for _, c := range cmd.Commands() {
		args := c.Args
		c.Args = func(cmd *cobra.Command, as []string) error {
			if err := args(cmd, as); err != nil {
				return withCode(ExitUsage, err)
			}
			return nil
		}
	}
	return cmd
}

func (a *app) runbookDraftCmd() *cobra.Command {
	var outFile string
	cmd := &cobra.Command{
		Use:   "draft [INSTANCE]",
		Short: "Write a Markdown runbook from the commands entered in `dojo ssh` sessions",
		Long: `Write a Markdown runbook from an instance's recorded ` + "`dojo ssh`" + ` sessions:
a section per node with the commands in order in ` + "```sh node=NAME" + ` blocks.
Edit the prose; keep the blocks runnable: ` + "`dojo runbook replay FILE`" + `
follows them on a fresh lab and grades the result.`,
		Args: cobra.MaximumNArgs(1),
	}
	cmd.Flags().StringVarP(&outFile, "output", "o", "", "write to FILE instead of standard output")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		l := a.lang
		svc, err := a.service(cmd.Context())
		if err != nil {
			return err
		}
		in, warn, err := svc.RunbookDraft(cmd.Context(), session.DraftRequest{Instance: firstArg(args), Lang: l, Now: time.Now()})
		if err != nil {
			return err
		}
		for _, w := range warn {
			a.errOut.printf("warning: %v\n", w)
		}
		if len(in.Logs) == 0 {
			a.infof("No recorded commands for %s yet: work on it with `dojo ssh NODE` (recording is on by default).", in.Instance)
		}
		var b bytes.Buffer
		if err := runbook.Draft(&b, *in); err != nil {
			return err
		}
		if err := a.writeOut(outFile, b.Bytes()); err != nil {
			return err
		}
		if outFile != "" && outFile != "-" {
			a.infof("Wrote %s. Edit it, then `dojo runbook replay %s`.", outFile, outFile)
		}
		return nil
	}
	return cmd
}

func (a *app) runbookReplayCmd() *cobra.Command {
	var f upFlags
	var scenarioRef string
	var keep bool
	cmd := &cobra.Command{
		Use:   "replay FILE",
		Short: "Follow a runbook on a fresh lab, grade it, remove the lab",
		Long: `Bring up a fresh instance of the runbook's scenario, run its ` + "```sh node=NAME" + `
blocks on their nodes in order (each stops at its first failing command),
grade the result and remove the instance. Prints "this procedure, followed
on a fresh lab, passes N/M goals"; a failing step is named by file line,
node and command. Exit status 0 when the procedure passes.`,
		Args: cobra.ExactArgs(1),
	}
	f.register(cmd)
	cmd.Flags().Lookup("name").Hidden = true
	cmd.Flags().StringVar(&scenarioRef, "scenario", "", "scenario to replay on (default: the one the runbook names)")
	cmd.Flags().BoolVar(&keep, "keep", false, "leave the fresh instance running for inspection")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		svc, err := a.service(cmd.Context())
		if err != nil {
			return err
		}
		var prog *progress
		up, err := a.upRequest(&f, &prog)
		if err != nil {
			return err
		}
		res, err := svc.Replay(cmd.Context(), session.ReplayRequest{File: args[0], Scenario: scenarioRef, Up: up, Keep: keep,
			Progress: func(e session.ReplayEvent) {
				prog.finish()
				switch e.Kind {
				case "step":
					sec := ""
					if e.Step.Section != "" {
						sec = " (" + e.Step.Section + ")"
					}
					a.infof("Step %d/%d on %s%s, %s:%d", e.Index, e.Steps, e.Step.Node, sec, args[0], e.Step.Fence)
				case "grade":
					a.infof("Grading...")
				case "remove":
					a.infof("Removing the fresh instance...")
				}
			}})
		prog.finish()
		if err != nil {
			return err
		}
		return a.printReplay(res, f.format.value)
	}
	return cmd
}

func (a *app) printReplay(res *session.ReplayResult, format string) error {
	if format == "json" {
		out := map[string]any{"schema": "labdojo.replay/v1", "runbook": res.File, "scenario": res.Scenario, "instance": res.Instance,
			"steps": res.Steps, "steps_ran": res.Ran, "goals": res.Replay.Goals, "goals_passed": res.Replay.GoalsPassed,
			"score": res.Result.Score, "max_score": res.Result.MaxScore, "passed": res.Replay.Passed, "kept": res.Kept, "failed_step": nil}
		if res.Failed != nil {
			out["failed_step"] = map[string]any{"line": res.Failed.Line, "node": res.Failed.Node, "section": res.Failed.Section,
				"command": res.Failed.Command, "exit_code": res.Failed.Exit, "message": res.Failed.Error()}
		}
		goals := []map[string]any{}
		for _, g := range res.Result.Goals {
			goals = append(goals, map[string]any{"name": g.Name, "status": g.Status, "reason": g.Reason})
		}
		out["goal_results"] = goals
		if err := a.out.json(out); err != nil {
			return err
		}
	} else {
		if res.Failed != nil {
			a.out.printf("%s %v\n", a.out.paint("31;1", "Step failed:"), res.Failed)
			a.out.printf("Ran %d of %d steps; the lab was graded as the procedure left it.\n", res.Ran, res.Steps)
		} else {
			a.out.printf("Ran all %d steps.\n", res.Steps)
		}
		for _, g := range res.Result.Goals {
			mark := a.out.paint("32", "PASS")
			if g.Status != "passed" {
				mark = a.out.paint("31", strings.ToUpper(g.Status))
			}
			line := fmt.Sprintf("  %s  %s", mark, g.Name)
			if g.Reason != "" && g.Status != "passed" {
				line += ": " + report.SanitizeLine(g.Reason)
			}
			a.out.printf("%s\n", styled(line))
		}
		a.out.printf("%s\n", res.Summary())
		if res.Kept {
			a.infof("The instance %s was kept: `dojo down --purge %s` removes it.", res.Instance, res.Instance)
		}
	}
	if !res.Replay.Passed {
		return withCode(ExitFailed, nil)
	}
	return nil
}

func (a *app) progressCmd() *cobra.Command {
	var outFile string
	cmd := &cobra.Command{
		Use:   "progress",
		Short: "Your record across scenarios: the route from operations to build to design",
		Long: `Show, per track and level, the scenarios passed and attempted, the best
score and the time spent, from the grading history of every instance this
state directory has a record of (running or removed with ` + "`dojo down`" + `),
ordered as the route: operations, then build (server, network, cloud-ops,
automation, database), then design. Reads only; needs no container engine.`,
		Args: cobra.NoArgs,
	}
	format := formatFlag(cmd, route.Formats()...)
	cmd.Flags().StringVarP(&outFile, "output", "o", "", "write to FILE instead of standard output")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		l := a.lang
		st, err := state.OpenEnv(a.opts.Getenv)
		if err != nil {
			return withCode(ExitEnviron, err)
		}
		p, warn, err := session.ProgressOf(cmd.Context(), st, l, time.Now())
		if err != nil {
			return err
		}
		for _, w := range warn {
			a.errOut.printf("warning: %v\n", w)
		}
		var b bytes.Buffer
		if err := route.Write(&b, p, format.value); err != nil {
			return err
		}
		if format.value == "text" && (outFile == "" || outFile == "-") {
			a.out.printf("%s", b.String())
			return nil
		}
		return a.writeOut(outFile, b.Bytes())
	}
	return cmd
}
