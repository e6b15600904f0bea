package report

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/i18n"
)

// japaneseResult is a graded run whose goal titles and check output are
// Japanese, with a goal graded under a fault.
func japaneseResult() (*grade.Result, Meta) {
	res := &grade.Result{
		Started: time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC), Duration: 1500 * time.Millisecond,
		Score: 10, MaxScore: 30, Percent: 33.3, PassPercent: 60,
		Goals: []grade.GoalResult{
			{Name: "ospf", Title: "OSPF ネイバーが Full になる", Status: grade.StatusPassed, Points: 10, Awarded: 10},
			{Name: "redundant", Title: "r2 のリンク断でも通信できる", Status: grade.StatusFailed, Points: 20,
				Reason: "1 件のチェックが不合格", Faults: []string{"link eth2 of r2 down"},
				Checks: []grade.CheckResult{{Node: "pc1", Type: "ping", Describe: "ping 10.0.3.10",
					Result: check.Result{Status: check.Fail, Expected: "応答あり", Observed: "100% パケットロス"}}}},
			{Name: "x", Title: "free", Status: grade.StatusPassed, Points: 0, Awarded: 0},
		},
	}
	return res, Meta{Scenario: "ospf-triangle", Title: "OSPF で三角形を組む", Instance: "ospf", Track: "network", PassPercent: 60}
}

func TestJapaneseText(t *testing.T) {
	res, meta := japaneseResult()
	var buf bytes.Buffer
	if _, err := Write(context.Background(), &buf, "text", res, meta, Options{Unicode: true, Lang: i18n.Japanese}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"障害注入中: link eth2 of r2 down",
		"合格 2・不合格 1・エラー 0・スキップ 0（1.5 秒）",
		"得点 10/30（33.3%）不合格（合格ライン 60%）",
		"実測値:   100% パケットロス",
		"（pc1 で確認）",
		"インスタンス ospf · トラック network",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	// The points column ends at the same display column on every goal
	// line, Japanese or not.
	ends := map[int]bool{}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "✔ ") || strings.HasPrefix(l, "✘ ") {
			ends[i18n.Width(l)] = true
		}
	}
	if len(ends) != 1 {
		t.Errorf("goal lines end at display columns %v, want one column:\n%s", ends, out)
	}
}

func TestJapaneseTruncateByWidth(t *testing.T) {
	s := truncate(strings.Repeat("日本", 30), 11, "…")
	if w := i18n.Width(s); w > 11 || !strings.HasSuffix(s, "…") || !utf8.ValidString(s) {
		t.Errorf("truncate = %q (width %d)", s, w)
	}
	if s := truncate("abc", 11, "…"); s != "abc" {
		t.Errorf("short text changed: %q", s)
	}
}

func TestJapaneseJSONAndJUnit(t *testing.T) {
	res, meta := japaneseResult()
	var buf bytes.Buffer
	if _, err := Write(context.Background(), &buf, "json", res, meta, Options{}); err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(buf.Bytes()) || !json.Valid(buf.Bytes()) {
		t.Fatalf("invalid JSON:\n%s", buf.String())
	}
	// Japanese is written as UTF-8, not \u escapes.
	if !strings.Contains(buf.String(), `"title": "r2 のリンク断でも通信できる"`) {
		t.Errorf("title not verbatim UTF-8:\n%s", buf.String())
	}
	var doc JSONReport
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Scenario.Title != meta.Title || doc.Goals[1].Title != res.Goals[1].Title ||
		len(doc.Goals[1].Faults) != 1 || doc.Goals[1].Faults[0] != "link eth2 of r2 down" || doc.Goals[0].Faults != nil {
		t.Errorf("round trip: %+v", doc.Goals)
	}
	if doc.Goals[1].Checks[0].Observed != "100% パケットロス" {
		t.Errorf("observed: %q", doc.Goals[1].Checks[0].Observed)
	}

	buf.Reset()
	if _, err := Write(context.Background(), &buf, "junit", res, meta, Options{}); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Props []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Failure *struct {
					Body string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &suites); err != nil {
		t.Fatalf("invalid JUnit: %v\n%s", err, buf.String())
	}
	found := false
	for _, p := range suites.Suites[0].Props {
		found = found || p.Name == "title" && p.Value == meta.Title
	}
	if !found {
		t.Errorf("title property lost:\n%s", buf.String())
	}
	body := suites.Suites[0].Cases[1].Failure.Body
	for _, want := range []string{"r2 のリンク断でも通信できる: 0/20 points", "under fault: link eth2 of r2 down", "100% パケットロス"} {
		if !strings.Contains(body, want) {
			t.Errorf("JUnit failure body lacks %q:\n%s", want, body)
		}
	}
}

// TestJapaneseLiveFits: in-place redraws count rows, so every line the
// live renderer draws must fit the terminal in display columns, Japanese
// titles (two columns a character) included, with or without colour.
func TestJapaneseLiveFits(t *testing.T) {
	for _, color := range []bool{false, true} {
		var buf bytes.Buffer
		l := NewLiveText(&buf, Options{Unicode: true, Color: color, Width: 24, Lang: i18n.Japanese}, true)
		l.Event(grade.Event{Kind: grade.GoalStarted, Goal: "ospf", Title: "OSPF ネイバーが Full になる（エリア 0）"})
		l.Event(grade.Event{Kind: grade.CheckDone, Goal: "ospf"})
		raw := buf.String()
		out := stripANSI(raw[strings.LastIndex(raw, "\x1b[J")+len("\x1b[J"):])
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if len(lines) != 2 || !strings.Contains(lines[1], "採点中") {
			t.Fatalf("color=%v: lines %q", color, lines)
		}
		for _, line := range lines {
			if w := i18n.Width(line); w >= 24 {
				t.Errorf("color=%v: %q is %d columns wide on a 24-column terminal", color, line, w)
			}
		}
	}
}

// catalogResult is a graded run whose texts come from the message catalog,
// as the check judges and the grader make them.
func catalogResult() (*grade.Result, Meta) {
	exp, obs, why := i18n.M(i18n.MsgCkExit, 0), i18n.M(i18n.MsgCkExit, 1), i18n.M(i18n.MsgCkExitCodeWant, 1, 0)
	fault := i18n.M(i18n.MsgFaultLinkDown, "eth2", "r2")
	reason := i18n.M(i18n.MsgGrNeeds, "marker", i18n.M(i18n.MsgGrDepFailed))
	res := &grade.Result{
		Started: time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC), Duration: time.Second,
		MaxScore: 30, PassPercent: 60,
		Goals: []grade.GoalResult{
			{Name: "marker", Title: "目印ファイルを作成する", Status: grade.StatusFailed, Points: 20,
				Reason: "command failed", Faults: []string{fault.String()}, FaultTexts: []i18n.Localizer{fault},
				Checks: []grade.CheckResult{{Node: "web", Type: "command", Describe: `command "test -f done"`,
					Result: check.Result{Status: check.Fail, Expected: exp.String(), Observed: obs.String(), Message: why.String(),
						Text: &check.Text{Expected: exp, Observed: obs, Message: why}}}}},
			{Name: "after", Title: "目印の後の作業", Status: grade.StatusSkipped, Points: 10,
				Reason: reason.String(), ReasonText: reason},
		},
	}
	return res, Meta{Scenario: "drill", Title: "ドリル", Instance: "drill", PassPercent: 60}
}

// TestCatalogTextsInEveryFormat: the check's texts, a skipped goal's
// reason and the faults are in the report's language in every format;
// machine fields (statuses, names, types) are the same in every language.
func TestCatalogTextsInEveryFormat(t *testing.T) {
	res, meta := catalogResult()
	render := func(format, lang string) string {
		var buf bytes.Buffer
		if _, err := Write(context.Background(), &buf, format, res, meta, Options{Unicode: true, Lang: lang}); err != nil {
			t.Fatal(err)
		}
		return buf.String()
	}
	want := map[string][]string{
		"text/ja": {"期待値:   終了コード 0", "実測値:   終了コード 1", "理由:     終了コード 1（期待値 0）",
			"前提の課題 marker が不合格のため未採点", "障害注入中: r2 のリンク eth2 をダウン"},
		"text/en": {"expected: exit 0", "observed: exit 1", "why:      exit code 1, want 0",
			"needs goal marker, which failed", "under fault: link eth2 of r2 down"},
		"json/ja": {`"message": "終了コード 1（期待値 0）"`, `"reason": "前提の課題 marker が不合格のため未採点"`,
			`"r2 のリンク eth2 をダウン"`, `"status": "failed"`, `"status": "skipped"`, `"status": "fail"`, `"type": "command"`},
		"json/en": {`"message": "exit code 1, want 0"`, `"reason": "needs goal marker, which failed"`, `"link eth2 of r2 down"`},
		"junit/ja": {"実測値:     終了コード 1", "理由:       終了コード 1（期待値 0）", "目印ファイルを作成する: 0/20 点", "障害注入中: r2 のリンク eth2 をダウン",
			`<skipped message="前提の課題 marker が不合格のため未採点">`},
		"tap/ja": {"# SKIP 前提の課題 marker が不合格のため未採点", `message: "終了コード 1（期待値 0）"`, `severity: fail`, "# 得点 0/30（0.0%）不合格（合格ライン 60%）"},
		"tap/en": {"# SKIP needs goal marker, which failed", `message: "exit code 1, want 0"`},
	}
	for k, ws := range want {
		format, lang, _ := strings.Cut(k, "/")
		out := render(format, lang)
		for _, w := range ws {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q:\n%s", k, w, out)
			}
		}
		if lang == i18n.Japanese && (strings.Contains(out, "want 0") || strings.Contains(out, "needs goal")) {
			t.Errorf("%s has English check text:\n%s", k, out)
		}
	}
	// The Japanese JSON document has exactly the English one's machine fields.
	var en, ja JSONReport
	if err := json.Unmarshal([]byte(render("json", i18n.English)), &en); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(render("json", i18n.Japanese)), &ja); err != nil {
		t.Fatal(err)
	}
	for i := range en.Goals {
		e, j := en.Goals[i], ja.Goals[i]
		if e.Name != j.Name || e.Status != j.Status || e.Points != j.Points || len(e.Checks) != len(j.Checks) {
			t.Errorf("goal %d machine fields differ: %+v / %+v", i, e, j)
		}
		for c := range e.Checks {
			if e.Checks[c].Status != j.Checks[c].Status || e.Checks[c].Type != j.Checks[c].Type || e.Checks[c].Node != j.Checks[c].Node {
				t.Errorf("check machine fields differ")
			}
		}
	}
	// NewJSONReport (the exported builder) stays English.
	if doc := NewJSONReport(res, meta); doc.Goals[1].Reason != "needs goal marker, which failed" {
		t.Errorf("NewJSONReport reason %q", doc.Goals[1].Reason)
	}
}
