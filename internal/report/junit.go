package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/i18n"
)

type junitSuites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	// No skipped attribute: Jenkins xunit's junit-10.xsd (and other
	// consumers' schemas) allow it on testsuite only.
	Time   string       `xml:"time,attr"`
	Suites []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure"`
	Error     *junitMessage `xml:"error"`
	Skipped   *junitMessage `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",cdata"`
}

func writeJUnit(w io.Writer, res *grade.Result, meta Meta, opts Options) error {
	class := meta.Scenario
	if class == "" {
		class = "labdojo"
	}
	suite := junitSuite{
		Name:      clean(class),
		Tests:     len(res.Goals),
		Failures:  res.Count(grade.StatusFailed),
		Errors:    res.Count(grade.StatusError),
		Skipped:   res.Count(grade.StatusSkipped),
		Time:      seconds(res.Duration),
		Timestamp: res.Started.UTC().Format(time.RFC3339),
	}
	props := [][2]string{
		{"schema", JSONSchema},
		{"title", meta.Title},
		{"instance", meta.Instance},
		{"lab", meta.Lab},
		{"track", meta.Track},
		{"tool_version", meta.ToolVersion},
		{"score", fmt.Sprint(res.Score)},
		{"max_score", fmt.Sprint(res.MaxScore)},
		{"percent", fmt.Sprintf("%.1f", res.Percent)},
		{"pass_percent", fmt.Sprint(passMark(res, meta))},
		{"passed", fmt.Sprint(res.Passed)},
		{"cancelled", fmt.Sprint(res.Cancelled)},
	}
	for _, p := range props {
		if p[1] != "" {
			suite.Properties = append(suite.Properties, junitProperty{Name: p[0], Value: clean(p[1])})
		}
	}
	for i := range res.Goals {
		g := &res.Goals[i]
		tc := junitCase{Classname: clean(class), Name: clean(g.Name), Time: seconds(g.Duration)}
		msg := clean(g.ReasonIn(opts.Lang))
		if msg == "" {
			msg = g.Status
		}
		switch g.Status {
		case grade.StatusPassed:
			tc.SystemOut = clean(i18n.Format(opts.Lang, i18n.MsgJUnitPoints, goalLabel(g), g.Awarded, g.Points) + faultLines(g, opts.Lang))
		case grade.StatusFailed:
			tc.Failure = &junitMessage{Message: msg, Type: "fail", Body: checkDetails(g, opts.Lang)}
		case grade.StatusSkipped:
			tc.Skipped = &junitMessage{Message: msg}
		default:
			tc.Error = &junitMessage{Message: msg, Type: "error", Body: checkDetails(g, opts.Lang)}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	doc := junitSuites{
		Name: "labdojo", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Time: suite.Time, Suites: []junitSuite{suite},
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// shWrapped matches a probe that is one `sh -c 'CMD'`.
var shWrapped = regexp.MustCompile(`^sh -c '((?:[^']|'\\'')*)'$`)

// personCommand is the command a person would type to see what a probe
// saw (check.CommandSummary): the tools a probe script runs, never the
// framing wrapper (`_s() { … @@labdojo … }`) it runs them in.
func personCommand(script string) string {
	if script == "" {
		return ""
	}
	cmd := strings.TrimSpace(check.CommandSummary(script))
	if m := shWrapped.FindStringSubmatch(cmd); m != nil {
		// A command check's probe: `sh -c 'CMD'` is CMD as typed.
		return strings.ReplaceAll(m[1], `'\''`, "'")
	}
	if !strings.Contains(cmd, "@@labdojo") {
		return cmd
	}
	// A script whose steps the summary did not recognise: drop the
	// framing function's lines and keep the rest.
	var keep []string
	for _, l := range strings.Split(cmd, "\n") {
		if !strings.Contains(l, "@@labdojo") {
			keep = append(keep, l)
		}
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// checkDetails is a plain-text account of a goal's non-passing checks:
// what was expected, what was observed, where and how it was probed, in
// lang. Values line up after the labels by display width.
func checkDetails(g *grade.GoalResult, lang string) string {
	var b strings.Builder
	b.WriteString(i18n.Format(lang, i18n.MsgJUnitPoints, goalLabel(g), g.Awarded, g.Points) + "\n")
	if f := faultLines(g, lang); f != "" {
		b.WriteString(f[1:] + "\n")
	}
	labels := map[i18n.Key]string{}
	width := 9
	for _, k := range []i18n.Key{i18n.MsgFieldExpected, i18n.MsgFieldObserved, i18n.MsgFieldMessage, i18n.MsgFieldCommand, i18n.MsgFieldExit, i18n.MsgFieldOutput} {
		labels[k] = i18n.Format(lang, k) + ":"
		width = max(width, i18n.Width(labels[k]))
	}
	indent := strings.Repeat(" ", 2+width+1)
	field := func(k i18n.Key, v string) {
		fmt.Fprintf(&b, "  %s %s\n", i18n.PadRight(labels[k], width), indentRest(v, indent))
	}
	for _, c := range g.Checks {
		if c.Status == check.Pass {
			continue
		}
		b.WriteString("\n" + i18n.Format(lang, i18n.MsgJUnitCheck, c.Status, c.DescribeIn(lang), c.Node) + "\n")
		for _, kv := range []struct {
			k i18n.Key
			v string
		}{
			{i18n.MsgFieldExpected, c.ExpectedIn(lang)}, {i18n.MsgFieldObserved, c.ObservedIn(lang)}, {i18n.MsgFieldMessage, c.MessageIn(lang)},
			{i18n.MsgFieldCommand, personCommand(c.Evidence.Command)},
		} {
			if kv.v != "" {
				field(kv.k, kv.v)
			}
		}
		if c.Evidence.Command != "" {
			field(i18n.MsgFieldExit, fmt.Sprint(c.Evidence.ExitCode))
		}
		if c.Evidence.Output != "" {
			field(i18n.MsgFieldOutput, c.Evidence.Output)
		}
	}
	// clean keeps the text within XML's character range (probe output may
	// hold control characters) and makes escapes visible.
	return clean(b.String())
}

// faultLines names the faults a goal's checks ran under, one
// "\nunder fault: ..." line each ("" when none), in lang.
func faultLines(g *grade.GoalResult, lang string) string {
	var b strings.Builder
	for _, f := range g.FaultsIn(lang) {
		b.WriteString("\n" + i18n.Format(lang, i18n.MsgCheckFault, f))
	}
	return b.String()
}

func indentRest(s, indent string) string {
	s = strings.TrimRight(s, "\n")
	return strings.ReplaceAll(s, "\n", "\n"+indent)
}
