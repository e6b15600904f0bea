package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/image/imagetest"
	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var (
	t0   = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	meta = Meta{
		Scenario: "static-routing", Title: "Join two subnets with a Linux router",
		Instance: "practice", Lab: "two-subnets", Track: "network", PassPercent: 70,
		Generated: t0.Add(5 * time.Second), ToolVersion: "0.1.0-test",
	}
)

func cr(node, typ, desc string, st check.Status, exp, obs, msg, cmd string, attempts int) grade.CheckResult {
	return grade.CheckResult{Node: node, Type: typ, Describe: desc, Attempts: attempts, Result: check.Result{
		Status: st, Expected: exp, Observed: obs, Message: msg,
		Evidence: check.Evidence{Command: cmd, ExitCode: map[check.Status]int{check.Pass: 0, check.Fail: 1, check.Error: -1}[st], Output: obs},
	}}
}

// fixture is a fixed result covering every status, hint penalties,
// retries, multi-line output and characters that need escaping.
func fixture() *grade.Result {
	return &grade.Result{
		Started:     t0,
		Duration:    1234 * time.Millisecond,
		PassPercent: 70,
		Goals: []grade.GoalResult{
			{Name: "forwarding", Title: "The router forwards IPv4", Status: "passed", Points: 10, Awarded: 10, Attempts: 1,
				Duration: 40 * time.Millisecond, Checks: []grade.CheckResult{
					cr("router", "sysctl", "sysctl net.ipv4.ip_forward = 1", check.Pass, "1", "1", "", "sysctl -n net.ipv4.ip_forward", 1),
				}},
			{Name: "client-reaches-web", Title: "The client reaches the web server", Status: "failed", Points: 20, Attempts: 5,
				Reason:   "1 of 2 checks failed; http http://10.10.2.10/ status 200 on client: connection refused",
				Duration: 2500 * time.Millisecond, Checks: []grade.CheckResult{
					cr("client", "http", "http http://10.10.2.10/ status 200", check.Fail, "status 200 & body contains \"Welcome\"",
						"curl: (7) Failed to connect to 10.10.2.10 port 80\n<html>&amp; \x1b[31mred\x1b[0m ]]> </html>", "connection refused",
						"curl -sS -o /dev/null -w '%{http_code}' http://10.10.2.10/\necho done", 5),
					cr("client", "tcp", "tcp 10.10.2.10:23 closed", check.Pass, "closed", "closed", "", "nc -z -w2 10.10.2.10 23", 1),
				}},
			{Name: "dns", Title: "Names resolve # via dnsmasq", Status: "skipped", Points: 10,
				Reason: "needs goal client-reaches-web, which failed"},
			{Name: "monitoring", Title: "", Status: "error", Points: 10, Attempts: 1,
				Reason:   "port 9100/tcp listening on mon could not be evaluated: node \"mon\" unreachable: dial tcp 172.30.0.7:22: connect: connection refused",
				Duration: 3 * time.Millisecond, Checks: []grade.CheckResult{
					cr("mon", "port", "port 9100/tcp listening", check.Error, "", "no result",
						"node \"mon\" unreachable: dial tcp 172.30.0.7:22: connect: connection refused", "ss -Hltn 'sport = :9100'", 1),
				}},
			{Name: "hardening", Title: "SSH refuses root logins", Status: "passed", Points: 10, Awarded: 8, HintPenalty: 2, Attempts: 1,
				Duration: 12 * time.Millisecond, Checks: []grade.CheckResult{
					cr("web-1", "sshd", "sshd permitrootlogin = no", check.Pass, "no", "no", "", "sshd -T | grep -i '^permitrootlogin '", 1),
				}},
		},
		Score: 18, MaxScore: 60, Percent: 30, Passed: false,
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (go test -update to accept):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func render(t *testing.T, format string, res *grade.Result, opts Options) ([]byte, int) {
	t.Helper()
	var b bytes.Buffer
	code, err := Write(context.Background(), &b, format, res, meta, opts)
	if err != nil {
		t.Fatalf("Write %s: %v", format, err)
	}
	return b.Bytes(), code
}

func TestGolden(t *testing.T) {
	cases := []struct {
		file, format string
		opts         Options
	}{
		{"text.golden", "text", Options{Unicode: true}},
		{"text-ascii.golden", "text", Options{}},
		{"text-color.golden", "text", Options{Unicode: true, Color: true}},
		{"text-verbose.golden", "text", Options{Unicode: true, Verbose: true}},
		{"check.json.golden", "json", Options{}},
		{"junit.xml.golden", "junit", Options{}},
		{"tap.golden", "tap", Options{}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			out, code := render(t, c.format, fixture(), c.opts)
			if code != ExitFailed {
				t.Errorf("exit code %d, want %d", code, ExitFailed)
			}
			golden(t, c.file, out)
		})
	}
}

func TestExitCodesAndFormats(t *testing.T) {
	res := fixture()
	res.Passed = true
	for _, f := range Formats() {
		if _, code := render(t, f, res, Options{}); code != ExitPassed {
			t.Errorf("%s: exit %d for a passed run", f, code)
		}
	}
	if got := strings.Join(Formats(), ","); got != "json,junit,tap,text" {
		t.Errorf("Formats() = %s", got)
	}
	code, err := Write(context.Background(), &bytes.Buffer{}, "yaml", res, meta, Options{})
	if err == nil || code != ExitUsage || !strings.Contains(err.Error(), "json, junit, tap, text") {
		t.Errorf("unknown format: code %d err %v", code, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cres := fixture()
	cres.Cancelled = true
	for _, f := range Formats() {
		var b bytes.Buffer
		code, err := Write(ctx, &b, f, cres, meta, Options{})
		if err != nil || code != ExitFailed {
			t.Errorf("%s, cancelled ctx: code %d err %v", f, code, err)
		}
		if mark := map[string]string{"json": `"cancelled": true`, "junit": `name="cancelled" value="true"`,
			"tap": "# cancelled", "text": "interrupted"}[f]; !strings.Contains(b.String(), mark) {
			t.Errorf("%s report of a cancelled run lacks %q:\n%s", f, mark, b.String())
		}
	}
	if code, err := Write(context.Background(), failWriter{}, "json", res, meta, Options{}); err == nil || code != ExitFailed {
		t.Errorf("write error: code %d err %v", code, err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTextContent(t *testing.T) {
	out, _ := render(t, "text", fixture(), Options{})
	s := string(out)
	for _, want := range []string{
		"Score 18/60 (30.0%) - FAILED (pass mark 70%)",
		"expected: status 200",
		"observed: curl: (7) Failed to connect",
		`\x1b[31mred`,
		"command:  curl -sS -o /dev/null -w '%{http_code}' http://10.10.2.10/ ... (+1 lines)",
		"(on client)",
		"needs goal client-reaches-web, which failed",
		"8/10  (hints -2)",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("text output lacks %q", want)
		}
	}
	if strings.ContainsRune(s, 0x1b) {
		t.Error("text output without colour contains a raw ESC (probe output must be escaped)")
	}
	if strings.Contains(s, "tcp 10.10.2.10:23 closed") {
		t.Error("passing check listed without Verbose")
	}
	for _, r := range s {
		if r > 0x7e {
			t.Fatalf("ASCII text output contains %q", r)
		}
	}
}

// validate checks v against the subset of JSON Schema used by
// docs/check-json.schema.json: type, const, enum, required, properties,
// additionalProperties=false, items, minimum, maximum, format=date-time.
func validate(schema map[string]any, v any, path string) []string {
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, path+": "+fmt.Sprintf(format, a...)) }
	for key := range schema {
		switch key {
		case "$schema", "$id", "title", "description", "type", "const", "enum", "required", "properties",
			"additionalProperties", "items", "minimum", "maximum", "format":
		default:
			bad("validator does not support schema keyword %q", key)
		}
	}
	if typ, ok := schema["type"].(string); ok {
		okType := false
		switch typ {
		case "object":
			_, okType = v.(map[string]any)
		case "array":
			_, okType = v.([]any)
		case "string":
			_, okType = v.(string)
		case "boolean":
			_, okType = v.(bool)
		case "number":
			_, okType = v.(float64)
		case "integer":
			f, isNum := v.(float64)
			okType = isNum && f == math.Trunc(f)
		}
		if !okType {
			bad("want %s, got %T (%v)", typ, v, v)
			return errs
		}
	}
	if c, ok := schema["const"]; ok && c != v {
		bad("want %v, got %v", c, v)
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == v
		}
		if !found {
			bad("%v not in %v", v, enum)
		}
	}
	if f, ok := v.(float64); ok {
		if m, ok := schema["minimum"].(float64); ok && f < m {
			bad("%v < minimum %v", f, m)
		}
		if m, ok := schema["maximum"].(float64); ok && f > m {
			bad("%v > maximum %v", f, m)
		}
	}
	if schema["format"] == "date-time" {
		if _, err := time.Parse(time.RFC3339Nano, v.(string)); err != nil {
			bad("not a date-time: %v", err)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := schema["properties"].(map[string]any)
		for _, r := range schema["required"].([]any) {
			if _, ok := obj[r.(string)]; !ok {
				bad("missing required %q", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub, ok := props[k].(map[string]any)
			if !ok {
				if schema["additionalProperties"] == false {
					bad("undocumented property %q", k)
				}
				continue
			}
			errs = append(errs, validate(sub, obj[k], path+"."+k)...)
		}
	}
	if arr, ok := v.([]any); ok {
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range arr {
				errs = append(errs, validate(items, e, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func loadSchema(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "check-json.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatalf("schema: %v", err)
	}
	return schema
}

func TestJSONMatchesSchema(t *testing.T) {
	schema := loadSchema(t)
	for _, res := range []*grade.Result{fixture(), {Started: t0, PassPercent: 100, Passed: true, Percent: 100}} {
		out, _ := render(t, "json", res, Options{})
		var doc any
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		if errs := validate(schema, doc, "$"); len(errs) > 0 {
			t.Errorf("output does not match docs/check-json.schema.json:\n%s", strings.Join(errs, "\n"))
		}
	}
	// The validator itself catches drift.
	out, _ := render(t, "json", fixture(), Options{})
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "score")
	doc["goals"].([]any)[0].(map[string]any)["extra"] = 1
	doc["goals"].([]any)[1].(map[string]any)["status"] = "weird"
	errs := strings.Join(validate(schema, doc, "$"), "\n")
	for _, want := range []string{`missing required "score"`, `undocumented property "extra"`, "weird not in"} {
		if !strings.Contains(errs, want) {
			t.Errorf("validator missed %q in:\n%s", want, errs)
		}
	}
	// Every documented top-level and goal field is described in check-json.md.
	md, err := os.ReadFile(filepath.Join("..", "..", "docs", "check-json.md"))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(s map[string]any)
	walk = func(s map[string]any) {
		props, _ := s["properties"].(map[string]any)
		for k, sub := range props {
			if !strings.Contains(string(md), "`"+k+"`") {
				t.Errorf("docs/check-json.md does not document field %q", k)
			}
			m := sub.(map[string]any)
			walk(m)
			if items, ok := m["items"].(map[string]any); ok {
				walk(items)
			}
		}
	}
	walk(schema)
}

func TestJUnitIsValidXML(t *testing.T) {
	out, _ := render(t, "junit", fixture(), Options{})
	var doc junitSuites
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("parse back: %v", err)
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d suites, want 1", len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Tests != 5 || s.Failures != 1 || s.Errors != 1 || s.Skipped != 1 || len(s.Cases) != 5 {
		t.Errorf("suite counts %+v", s)
	}
	c := s.Cases[1]
	if c.Classname != "static-routing" || c.Name != "client-reaches-web" || c.Time != "2.500" || c.Failure == nil {
		t.Errorf("case %+v", c)
	}
	if !strings.Contains(c.Failure.Body, "expected: status 200") || !strings.Contains(c.Failure.Body, "<html>&amp;") {
		t.Errorf("failure body %q", c.Failure.Body)
	}
	if s.Cases[2].Skipped == nil || s.Cases[3].Error == nil || s.Cases[0].Failure != nil {
		t.Errorf("skipped/error mapping wrong: %+v", s.Cases)
	}
}

// TestJUnitXmllint checks the JUnit output with libxml2's xmllint, run in a
// node image variant (packages = ["libxml2-utils"]): a fresh machine has no
// xmllint, only Docker.
func TestJUnitXmllint(t *testing.T) {
	rt := imagetest.Runtime(t)
	img := imagetest.Image(t, rt, "libxml2-utils")
	node := imagetest.Start(t, rt, img, imagetest.Network(t, rt), nil, []string{"sleep", "infinity"})
	out, _ := render(t, "junit", fixture(), Options{})
	if _, msg, code := node.Exec(t, out, "xmllint", "--noout", "-"); code != 0 {
		t.Errorf("xmllint refused the JUnit output (exit %d):\n%s", code, msg)
	}
	// The check is real: xmllint refuses a broken document.
	broken := append(append([]byte(nil), out[:len(out)/2]...), []byte("<unclosed>")...)
	if _, _, code := node.Exec(t, broken, "xmllint", "--noout", "-"); code == 0 {
		t.Error("xmllint accepted a truncated document")
	}
}

func TestTAPStructure(t *testing.T) {
	out, _ := render(t, "tap", fixture(), Options{})
	lines := strings.Split(string(out), "\n")
	if lines[0] != "TAP version 13" || lines[1] != "1..5" {
		t.Fatalf("header %q", lines[:2])
	}
	var tests []string
	var diag []string
	inDiag := false
	var diags [][]string
	for _, l := range lines[2:] {
		switch {
		case l == "  ---":
			inDiag, diag = true, nil
		case l == "  ...":
			inDiag = false
			diags = append(diags, diag)
		case inDiag:
			diag = append(diag, strings.TrimPrefix(l, "  "))
		case strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "not ok "):
			tests = append(tests, l)
		}
	}
	want := []string{"ok 1 ", "not ok 2 ", "ok 3 ", "not ok 4 ", "ok 5 "}
	for i, w := range want {
		if !strings.HasPrefix(tests[i], w) {
			t.Errorf("test line %d = %q, want prefix %q", i+1, tests[i], w)
		}
	}
	if !strings.Contains(tests[2], `Names resolve \# via dnsmasq # SKIP needs goal`) {
		t.Errorf("skip line %q", tests[2])
	}
	if len(diags) != 2 {
		t.Fatalf("%d diagnostic blocks, want 2", len(diags))
	}
	var d struct {
		Severity string
		Checks   []struct{ Observed, Command string }
	}
	if err := yaml.Unmarshal([]byte(strings.Join(diags[0], "\n")), &d); err != nil {
		t.Fatalf("diagnostic is not YAML: %v", err)
	}
	if d.Severity != "fail" || len(d.Checks) != 1 || !strings.Contains(d.Checks[0].Observed, "\x1b[31mred") {
		t.Errorf("diag %+v", d)
	}
}

func TestLiveText(t *testing.T) {
	gr := fixture().Goals
	events := []grade.Event{
		{Kind: grade.GoalStarted, Goal: "forwarding", Title: "The router forwards IPv4"},
		{Kind: grade.GoalStarted, Goal: "client-reaches-web", Title: "The client reaches the web server"},
		{Kind: grade.CheckDone, Goal: "forwarding", Check: &gr[0].Checks[0]},
		{Kind: grade.GoalDone, Goal: "forwarding", Result: &gr[0]},
		{Kind: grade.CheckRetry, Goal: "client-reaches-web", Check: &gr[1].Checks[0]},
		{Kind: grade.GoalDone, Goal: "client-reaches-web", Result: &gr[1]},
	}

	var b bytes.Buffer
	l := NewLiveText(&b, Options{Unicode: true}, false)
	for _, e := range events {
		l.Event(e)
	}
	if l.Err() != nil {
		t.Fatal(l.Err())
	}
	want := "✔ forwarding  The router forwards IPv4    10/10\n✘ client-reaches-web  The client reaches the web server     0/20  (5 attempts)\n"
	if b.String() != want {
		t.Errorf("append mode:\n%q\nwant\n%q", b.String(), want)
	}

	b.Reset()
	l = NewLiveText(&b, Options{Width: 64}, true)
	var frames []string
	for _, e := range events[:3] {
		b.Reset()
		l.Event(e)
		frames = append(frames, b.String())
	}
	if !strings.HasPrefix(frames[0], "\r\x1b[J...  The router forwards IPv4  (0 checks done, 0 retries)\n") {
		t.Errorf("first frame %q", frames[0])
	}
	// Second frame: cursor up over the 2 lines drawn (goal + footer), clear, 3 lines.
	if !strings.HasPrefix(frames[1], "\x1b[2A\r\x1b[J") || strings.Count(frames[1], "\n") != 3 {
		t.Errorf("second frame %q", frames[1])
	}
	for _, line := range strings.Split(frames[2], "\n") {
		if n := len([]rune(line)); n > 64+len("\x1b[3A\r\x1b[J") {
			t.Errorf("line longer than width: %q", line)
		}
	}
	if !strings.Contains(frames[2], "(1 checks done, 0 retries)") {
		t.Errorf("third frame %q", frames[2])
	}
	// A retry names the goal being waited for and how long at most.
	b.Reset()
	l.Event(grade.Event{Kind: grade.CheckRetry, Goal: "client-reaches-web", Check: &gr[1].Checks[0], Left: 19750 * time.Millisecond})
	if !strings.Contains(b.String(), "The client reaches the web server  (waiting for it: up") {
		t.Errorf("waiting frame %q", b.String())
	}
	var wide bytes.Buffer
	lw := NewLiveText(&wide, Options{Width: 200}, true)
	lw.Event(grade.Event{Kind: grade.CheckRetry, Goal: "g", Title: "G", Check: &gr[1].Checks[0], Left: 19750 * time.Millisecond})
	if !strings.Contains(wide.String(), "G  (waiting for it: up to 19.8s left, 1 retries)") {
		t.Errorf("wide waiting frame %q", wide.String())
	}
	// Replace erases the 3-line frame and remembers the new text's height.
	b.Reset()
	l.Replace([]byte("line1\nline2"))
	if b.String() != "\x1b[3A\r\x1b[Jline1\nline2\n" {
		t.Errorf("replace %q", b.String())
	}
	l.Reset()
	b.Reset()
	l.Event(events[0])
	if !strings.HasPrefix(b.String(), "\x1b[2A\r\x1b[J") || strings.Count(b.String(), "\n") != 2 {
		t.Errorf("after reset %q", b.String())
	}
	// Write errors stop output and are reported.
	l = NewLiveText(failWriter{}, Options{}, true)
	l.Event(events[0])
	l.Event(events[1])
	if l.Err() == nil {
		t.Error("write error not reported")
	}
}

func TestCleanAndTruncate(t *testing.T) {
	if got := clean("a\x1b[2Jb\tc\nd\x7f\xff"); got != `a\x1b[2Jb`+"\tc\nd"+`\x7f`+"\uFFFD" {
		t.Errorf("clean = %q", got)
	}
	if got := truncate("abcdef", 4, "..."); got != "a..." {
		t.Errorf("truncate = %q", got)
	}
	if got := firstLine("  one\ntwo\nthree\n", 80, "…"); got != "one … (+2 lines)" {
		t.Errorf("firstLine = %q", got)
	}
}

// TestTAPSanitizesTitles: escape sequences in goal names and titles (from
// scenario files) do not reach the terminal through TAP.
func TestTAPSanitizesTitles(t *testing.T) {
	res := &grade.Result{Goals: []grade.GoalResult{{Name: "g", Title: "evil \x1b]0;pwned\x07 \x1b[2J title", Status: grade.StatusPassed}}, Passed: true}
	var b strings.Builder
	if _, err := Write(context.Background(), &b, "tap", res, Meta{Scenario: "s\x1b[31m", Title: "t"}, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(b.String(), 0x1b) || strings.ContainsRune(b.String(), 0x07) {
		t.Errorf("escape sequence in TAP output: %q", b.String())
	}
	if !strings.Contains(b.String(), `\x1b[2J title`) {
		t.Errorf("title not shown escaped: %q", b.String())
	}
}

func TestSanitizeLine(t *testing.T) {
	if got := SanitizeLine("a\x1b[31mb\nc\td"); got != `a\x1b[31mb c d` {
		t.Errorf("got %q", got)
	}
}

func TestUseColor(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	var b strings.Builder
	if UseColor(&b, env(nil)) {
		t.Error("colour on a buffer")
	}
	f, err := os.Open("/dev/null")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if UseColor(f, env(nil)) {
		t.Error("/dev/null is not a terminal")
	}
}
