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
			tc.SystemOut = clean(fmt.Sprintf("%s: %d/%d points", goalLabel(g), g.Awarded, g.Points) + faultLines(g, opts.Lang))
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
// what was expected, what was observed, where and how it was probed. The
// values are in lang; the labels stay English (they are field names).
func checkDetails(g *grade.GoalResult, lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d/%d points\n", goalLabel(g), g.Awarded, g.Points)
	if f := faultLines(g, lang); f != "" {
		b.WriteString(f[1:] + "\n")
	}
	for _, c := range g.Checks {
		if c.Status == check.Pass {
			continue
		}
		fmt.Fprintf(&b, "\n[%s] %s (on %s)\n", c.Status, c.DescribeIn(lang), c.Node)
		for _, kv := range [][2]string{
			{"expected", c.ExpectedIn(lang)}, {"observed", c.ObservedIn(lang)}, {"message", c.MessageIn(lang)},
			{"command", personCommand(c.Evidence.Command)},
		} {
			if kv[1] != "" {
				fmt.Fprintf(&b, "  %-9s %s\n", kv[0]+":", indentRest(kv[1], "            "))
			}
		}
		if c.Evidence.Command != "" {
			fmt.Fprintf(&b, "  %-9s %d\n", "exit:", c.Evidence.ExitCode)
		}
		if c.Evidence.Output != "" {
			fmt.Fprintf(&b, "  %-9s %s\n", "output:", indentRest(c.Evidence.Output, "            "))
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
