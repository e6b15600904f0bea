package check

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// commandType is the "command" check type: the fields of its block and its builder.
var commandType = Type{
	Name:   "command",
	Fields: []scenario.Field{req("run", cty.String), opt("exit_code", cty.Number), opt("stdout", cty.String), opt("contains", cty.String), opt("matches", cty.String), opt("stderr_contains", cty.String)},
	build:  buildCommand,
}

// Command runs a shell command and judges its exit code and output. stdout
// and matches compare stdout without its trailing newlines.
type Command struct {
	base
	Run            string
	ExitCode       int
	Stdout         *string
	Contains       string
	Matches        *regexp.Regexp
	StderrContains string
}

func buildCommand(f *fields, b base) Check {
	c := &Command{base: b, Run: f.reqStr("run"), ExitCode: f.integer("exit_code", 0, 0, 255),
		Contains: f.str("contains", ""), Matches: f.regexp("matches"), StderrContains: f.str("stderr_contains", "")}
	if f.has("stdout") {
		s := f.str("stdout", "")
		c.Stdout = &s
	}
	return c
}

// Describe returns the title or `command "RUN"`.
func (c *Command) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Command) DescribeText() i18n.Localizer {
	return c.describeText(raw(fmt.Sprintf("command %q", short(c.Run))))
}

// Script runs the command in its own sh so that `exit` in it ends only it.
func (c *Command) Script() string { return "sh -c " + Quote(c.Run) + "\n" }

// Judge compares the exit code and outputs with the expectations.
func (c *Command) Judge(out Output) Result {
	exp := []i18n.Localizer{m(i18n.MsgCkExit, c.ExitCode)}
	if c.Stdout != nil {
		exp = append(exp, m(i18n.MsgCkStdout, short(*c.Stdout)))
	}
	if c.Contains != "" {
		exp = append(exp, m(i18n.MsgCkStdoutContains, c.Contains))
	}
	if c.Matches != nil {
		exp = append(exp, m(i18n.MsgCkStdoutMatches, c.Matches.String()))
	}
	if c.StderrContains != "" {
		exp = append(exp, m(i18n.MsgCkStderrContains, c.StderrContains))
	}
	j := newJudge(c, i18n.Join(i18n.SepList, exp...), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	stdout := string(out.Stdout)
	trimmed := strings.TrimRight(stdout, "\n")
	obsParts := []i18n.Localizer{m(i18n.MsgCkExit, out.ExitCode)}
	if s := short(stdout); s != "" {
		obsParts = append(obsParts, m(i18n.MsgCkStdout, s))
	}
	obs := i18n.Join(i18n.SepList, obsParts...)
	if out.ExitCode == 127 && c.ExitCode != 127 {
		return j.error(obs, m(i18n.MsgCkCmdNotFound, short(string(out.Stderr))))
	}
	var bad []i18n.Localizer
	if out.ExitCode != c.ExitCode {
		bad = append(bad, m(i18n.MsgCkExitCodeWant, out.ExitCode, c.ExitCode))
	}
	if c.Stdout != nil && trimmed != strings.TrimRight(*c.Stdout, "\n") {
		bad = append(bad, m(i18n.MsgCkStdoutDiffers))
	}
	if c.Contains != "" && !strings.Contains(stdout, c.Contains) {
		bad = append(bad, m(i18n.MsgCkStdoutLacks, c.Contains))
	}
	if c.Matches != nil && !c.Matches.MatchString(trimmed) {
		bad = append(bad, m(i18n.MsgCkStdoutNoMatch, c.Matches.String()))
	}
	if c.StderrContains != "" && !strings.Contains(string(out.Stderr), c.StderrContains) {
		bad = append(bad, m(i18n.MsgCkStderrLacks, c.StderrContains))
	}
	return j.verdict(obs, bad)
}
