// Package runbook drafts Markdown runbooks from recorded command logs and
// parses runbooks back into ordered steps, each a shell script for one
// node, with the file lines they came from for error messages.
//
// A runnable step is a fenced code block whose info string is a shell
// language (sh, bash or shell) and names its node:
//
//	```sh node=router
//	sysctl -w net.ipv4.ip_forward=1
//	```
//
// `node=web-1,web-2` runs the same block on each node in turn. A shell block
// marked `norun` is an illustration and is skipped; any other shell block
// without a node is an error, so a replay never silently drops a step.
// Blocks in other languages (text, ini, ...) are prose.
package runbook

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/record"
)

// Step is one runnable block for one node.
type Step struct {
	Node   string
	Script string // the block's content, ending in a newline
	// Line is the file line of the block's first content line, so line
	// n of Script is file line Line+n-1. Fence is the line of the opening
	// fence.
	Line, Fence int
	// Section is the nearest heading above the block ("" if none).
	Section string
}

// Error is a problem in a runbook, at a file line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

var (
	fenceRE   = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})(.*)$")
	headingRE = regexp.MustCompile(`^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$`)
	nodeRE    = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)
	shellLang = map[string]bool{"sh": true, "bash": true, "shell": true, "console": false}
)

// Runbook is a parsed runbook.
type Runbook struct {
	// Scenario and Lab come from a `<!-- dojo: scenario=NAME lab=NAME -->`
	// line (Draft writes one); "" when absent.
	Scenario, Lab string
	Steps         []Step
}

var metaRE = regexp.MustCompile(`^\s*<!--\s*dojo:\s*(.*?)\s*-->\s*$`)

// Parse reads a runbook; file names it in errors. Steps come in file
// order; a block for several nodes yields one step per node.
func Parse(r io.Reader, file string) (*Runbook, error) {
	rb := &Runbook{}
	var steps []Step
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	section := ""
	var (
		inFence   bool
		fenceMark string
		run       bool
		nodes     []string
		start     int
		body      strings.Builder
	)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if inFence {
			if closes(line, fenceMark) {
				inFence = false
				if run {
					if strings.TrimSpace(body.String()) == "" {
						return nil, &Error{file, start, "empty code block for node " + strings.Join(nodes, ",")}
					}
					for _, nd := range nodes {
						steps = append(steps, Step{Node: nd, Script: body.String(), Line: start + 1, Fence: start, Section: section})
					}
				}
				continue
			}
			if run {
				body.WriteString(line)
				body.WriteByte('\n')
			}
			continue
		}
		if m := fenceRE.FindStringSubmatch(line); m != nil {
			if m[1][0] == '`' && strings.Contains(m[2], "`") {
				continue // not a fence: inline code
			}
			inFence, fenceMark, start = true, m[1], n
			body.Reset()
			var err error
			run, nodes, err = info(m[2])
			if err != nil {
				return nil, &Error{file, n, err.Error()}
			}
			continue
		}
		if m := headingRE.FindStringSubmatch(line); m != nil {
			section = m[1]
		}
		if m := metaRE.FindStringSubmatch(line); m != nil {
			for _, f := range strings.Fields(m[1]) {
				k, v, _ := strings.Cut(f, "=")
				switch k {
				case "scenario":
					rb.Scenario = v
				case "lab":
					rb.Lab = v
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if inFence {
		return nil, &Error{file, start, "code block is not closed (a line of " + fenceMark + " is missing)"}
	}
	rb.Steps = steps
	return rb, nil
}

// closes reports whether line closes a block opened with mark: up to three
// spaces, at least as many of the same fence character, nothing else.
func closes(line, mark string) bool {
	rest := strings.TrimLeft(line, " ")
	if len(line)-len(rest) > 3 {
		return false
	}
	run := len(rest) - len(strings.TrimLeft(rest, mark[:1]))
	return run >= len(mark) && strings.TrimSpace(rest[run:]) == ""
}

// info reads a fence's info string: language, then key=value attributes.
func info(s string) (run bool, nodes []string, err error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return false, nil, nil
	}
	lang := strings.ToLower(strings.Trim(fields[0], "{}."))
	if !shellLang[lang] {
		return false, nil, nil
	}
	norun := false
	for _, f := range fields[1:] {
		f = strings.Trim(f, "{}")
		switch {
		case f == "norun":
			norun = true
		case strings.HasPrefix(f, "node="):
			v := strings.Trim(strings.TrimPrefix(f, "node="), `"'`)
			for _, nd := range strings.Split(v, ",") {
				if !nodeRE.MatchString(nd) {
					return false, nil, fmt.Errorf("invalid node name %q in %q", nd, s)
				}
				nodes = append(nodes, nd)
			}
		}
	}
	if norun {
		return false, nil, nil
	}
	if len(nodes) == 0 {
		return false, nil, fmt.Errorf("shell code block without a node: write ```%s node=NAME (or ```%s norun for an example that is not run)", lang, lang)
	}
	return true, nodes, nil
}

// CheckNodes reports the first step whose node is not one of nodes.
func CheckNodes(steps []Step, file string, nodes []string) error {
	known := map[string]bool{}
	for _, n := range nodes {
		known[n] = true
	}
	for _, s := range steps {
		if !known[s.Node] {
			sorted := append([]string(nil), nodes...)
			sort.Strings(sorted)
			return &Error{file, s.Fence, fmt.Sprintf("node %q is not in the lab (nodes: %s)", s.Node, strings.Join(sorted, ", "))}
		}
	}
	return nil
}

// NodeLog is the command log of one node.
type NodeLog struct {
	Node     string
	Commands []record.Command
}

// DraftInput is what Draft writes a runbook from.
type DraftInput struct {
	Title    string // scenario title
	Scenario string
	Lab      string
	Instance string
	Lang     string // "en" or "ja"
	Logs     []NodeLog
	// Generated is the drafting time (shown in a comment).
	Generated time.Time
}

var (
	// Interactive programs a replay cannot drive: their lines are kept
	// as comments for the learner to replace.
	interactiveRE = regexp.MustCompile(`^\s*(sudo\s+(-u\s+\S+\s+)?)?(vi|vim|nvim|nano|emacs|ed|mcedit|less|more|most|top|htop|man|watch|tmux|screen|mysql|psql|sqlite3|python3?|ssh|telnet|ftp|sftp)\s*($|\s)`)
	noiseRE       = regexp.MustCompile(`^\s*(exit|logout|clear|history|(sudo\s+)?(su|sudo\s+-[is]|bash|sh)\s*(-|-l)?)\s*$`)
	// Interactive database shells are fine with a query on the command line.
	queryArgRE = regexp.MustCompile(`\s(-e|-c|--execute|--command)\b`)
)

var draftText = map[string][2]string{
	"title":         {"Runbook", "手順書"},
	"intro":         {"Drafted by dojo from the commands entered on each node. Edit the prose; keep each ```sh node=NAME block runnable: `dojo runbook replay FILE` runs the blocks in order on a fresh lab and grades the result.", "dojo が各ノードで入力されたコマンドから作成した下書きです。説明文は自由に編集してください。```sh node=ノード名 のブロックは実行可能なまま残してください。`dojo runbook replay FILE` が新規ラボ上でブロックを順に実行し、結果を採点します。"},
	"purpose":       {"Purpose", "目的"},
	"purpose.text":  {"_Describe what this procedure achieves and when to use it._", "_この手順で何を実現するか、どのような場面で使うかを記述してください。_"},
	"pre":           {"Prerequisites", "前提条件"},
	"pre.text":      {"_State what must be true before you start (lab, access, packages)._", "_作業開始前に満たすべき条件(ラボ、アクセス権、パッケージ等)を記述してください。_"},
	"steps":         {"Procedure", "作業手順"},
	"step.text":     {"_Explain what this step does and how to confirm it worked._", "_この手順の目的と、成功したことの確認方法を記述してください。_"},
	"verify":        {"Verification", "確認"},
	"verify.text":   {"_Describe how to check the result, e.g. `dojo check`._", "_結果の確認方法を記述してください(例: `dojo check`)。_"},
	"rollback":      {"Rollback", "切り戻し"},
	"rollback.text": {"_Describe how to undo the change if it goes wrong._", "_問題が発生した場合の切り戻し方法を記述してください。_"},
	"none":          {"No commands were recorded. Work on the lab with `dojo ssh NODE` first.", "記録されたコマンドがありません。先に `dojo ssh ノード名` でラボを操作してください。"},
	"uncertain":     {"dojo: check this line, it was typed with %s", "dojo: この行を確認してください(%s を使用して入力)"},
	"typed_into":    {"dojo: typed into a program at the prompt %q, not run by the shell: %s", "dojo: シェルではなくプログラムのプロンプト %q で入力: %s"},
	"interactive":   {"dojo: an interactive program cannot be replayed; replace it with commands (e.g. a heredoc that writes the file)", "dojo: 対話型プログラムは再実行できません。コマンドに置き換えてください(例: ヒアドキュメントでファイルを書き込む)"},
}

func dt(lang, k string) string {
	if lang == "ja" {
		return draftText[k][1]
	}
	return draftText[k][0]
}

// Draft writes a Markdown runbook: a section per node (in the order the
// nodes were first worked on), each with the node's commands in order in a
// ```sh node=NAME block. Lines that cannot be replayed as they are
// (interactive programs, lines typed with Tab completion or history) are
// kept as comments with a note; exit, logout, clear and su lines are left
// out. Parse reads the result back.
func Draft(w io.Writer, in DraftInput) error {
	lang := in.Lang
	var b strings.Builder
	title := in.Title
	if title == "" {
		title = in.Scenario
	}
	fmt.Fprintf(&b, "# %s: %s\n\n", dt(lang, "title"), title)
	fmt.Fprintf(&b, "<!-- %s -->\n<!-- dojo:", dt(lang, "intro"))
	if in.Scenario != "" {
		fmt.Fprintf(&b, " scenario=%s", in.Scenario)
	}
	if in.Lab != "" {
		fmt.Fprintf(&b, " lab=%s", in.Lab)
	}
	if in.Instance != "" {
		fmt.Fprintf(&b, " instance=%s", in.Instance)
	}
	if !in.Generated.IsZero() {
		fmt.Fprintf(&b, " drafted=%s", in.Generated.UTC().Format(time.RFC3339))
	}
	b.WriteString(" -->\n\n")
	fmt.Fprintf(&b, "## %s\n\n%s\n\n## %s\n\n%s\n\n## %s\n", dt(lang, "purpose"), dt(lang, "purpose.text"), dt(lang, "pre"), dt(lang, "pre.text"), dt(lang, "steps"))

	logs := make([]NodeLog, 0, len(in.Logs))
	for _, l := range in.Logs {
		if first(l).IsZero() {
			continue
		}
		logs = append(logs, l)
	}
	sort.SliceStable(logs, func(i, j int) bool { return first(logs[i]).Before(first(logs[j])) })
	if len(logs) == 0 {
		fmt.Fprintf(&b, "\n%s\n", dt(lang, "none"))
	}
	step := 0
	for _, l := range logs {
		var body strings.Builder
		for _, c := range l.Commands {
			if c.Note != "" || strings.TrimSpace(c.Line) == "" {
				continue
			}
			line := c.Line
			kind := promptKind(c.Prompt)
			switch {
			case kind == promptProgram:
				fmt.Fprintf(&body, "# %s\n", fmt.Sprintf(dt(lang, "typed_into"), strings.TrimSpace(c.Prompt), line))
			case kind == promptContinuation && c.Uncertain == "":
				body.WriteString(line + "\n") // heredoc or continued line: verbatim
			case noiseRE.MatchString(line):
				continue
			case interactiveRE.MatchString(line) && !queryArgRE.MatchString(line):
				fmt.Fprintf(&body, "# %s\n# %s\n", dt(lang, "interactive"), line)
			case c.Uncertain != "":
				fmt.Fprintf(&body, "# "+dt(lang, "uncertain")+"\n%s\n", c.Uncertain, line)
			default:
				body.WriteString(line + "\n")
			}
		}
		if body.Len() == 0 {
			continue
		}
		step++
		fmt.Fprintf(&b, "\n### %d. %s\n\n%s\n\n", step, l.Node, dt(lang, "step.text"))
		f := fence(body.String())
		fmt.Fprintf(&b, "%ssh node=%s\n%s%s\n", f, l.Node, body.String(), f)
	}
	fmt.Fprintf(&b, "\n## %s\n\n%s\n\n## %s\n\n%s\n", dt(lang, "verify"), dt(lang, "verify.text"), dt(lang, "rollback"), dt(lang, "rollback.text"))
	_, err := io.WriteString(w, b.String())
	return err
}

type promptType int

const (
	promptShell promptType = iota // also: unknown
	promptContinuation
	promptProgram
)

// shellPromptRE: a shell prompt ends in #, $ or % with no = or > before
// (psql's "db=# " and mysql's "mysql> " are programs, not shells).
var shellPromptRE = regexp.MustCompile(`^[^=>]*[#$%]\s*$`)

func promptKind(p string) promptType {
	t := strings.TrimSpace(p)
	switch {
	case t == "" || shellPromptRE.MatchString(t):
		return promptShell
	case t == ">":
		return promptContinuation
	}
	return promptProgram
}

func first(l NodeLog) time.Time {
	for _, c := range l.Commands {
		if c.Note == "" && strings.TrimSpace(c.Line) != "" {
			return c.Time
		}
	}
	return time.Time{}
}

// fence returns a backtick fence longer than any backtick run in s.
func fence(s string) string {
	longest, run := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}
