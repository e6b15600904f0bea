package i18n

import "fmt"

// Key names one learner-facing message of the catalog.
type Key string

// Messages printed by start, check, hint and solve. Formats use fmt verbs;
// a translation may reorder arguments with explicit indexes (%[2]d).
const (
	MsgStartSummary   Key = "start.summary"     // title, goals, points, pass %, minutes
	MsgStartHowTo     Key = "start.howto"       // (no args)
	MsgStartChanged   Key = "start.changed"     // instance
	MsgCheckAllPass   Key = "check.allpass"     // round, clock
	MsgCheckNextRound Key = "check.nextround"   // round, clock, interval
	MsgCheckSummary   Key = "check.summary"     // passed, failed, errors, skipped, seconds
	MsgCheckScore     Key = "check.score"       // score, max, percent, verdict, pass %
	MsgCheckPassed    Key = "check.passed"      // (no args) verdict word
	MsgCheckFailed    Key = "check.failed"      // (no args) verdict word
	MsgCheckCancelled Key = "check.cancelled"   // (no args)
	MsgCheckFault     Key = "check.fault"       // fault description
	MsgHintNone       Key = "hint.none"         // goal
	MsgHintAll        Key = "hint.all"          // count, goal
	MsgHintNext       Key = "hint.next"         // n, count, goal, hint
	MsgHintCost       Key = "hint.cost"         // points
	MsgSolveConfirm   Key = "solve.confirm"     // scenario, instance
	MsgSolveDone      Key = "solve.done"        // scenario, instance
	MsgStatusPassed   Key = "status.passed"     // goal status words
	MsgStatusFailed   Key = "status.failed"     //
	MsgStatusError    Key = "status.error"      //
	MsgStatusSkipped  Key = "status.skipped"    //
	MsgListHeader     Key = "scenarios.header"  // column titles, tab separated
	MsgListPassed     Key = "scenarios.passed"  // column title: passed in some graded run
	MsgListSummary    Key = "scenarios.summary" // passed, listed
	// Words of the text report (check); English keeps the report's own.
	MsgReportInstance Key = "report.instance" // header label
	MsgReportLab      Key = "report.lab"      //
	MsgReportTrack    Key = "report.track"    //
	MsgReportOn       Key = "report.on"       // node
	MsgReportHints    Key = "report.hints"    // points taken by hints
	MsgReportAttempts Key = "report.attempts" // attempts
	MsgFieldExpected  Key = "report.expected" // field labels of a check
	MsgFieldObserved  Key = "report.observed" //
	MsgFieldWhy       Key = "report.why"      //
	MsgFieldError     Key = "report.error"    //
	MsgFieldCommand   Key = "report.command"  //
	MsgLiveGoal       Key = "live.goal"       // checks done, retries (goal being graded)
	MsgLiveWaiting    Key = "live.waiting"    // time left (string), retries (goal waited for)
	MsgLiveProgress   Key = "live.progress"   // goals done, running
	MsgStartSetup     Key = "start.setup"     // (no args) progress note
)

// catalog holds every message in every supported language.
var catalog = map[Key]map[string]string{
	MsgStartSummary: {
		English:  "Scenario %s: %d goals, %d points, pass mark %d%%, about %d minutes.",
		Japanese: "シナリオ「%s」: 課題 %d 件、配点 %d 点、合格ライン %d%%、目安 %d 分。",
	},
	MsgStartHowTo: {
		English:  "Work with `dojo ssh NODE`; grade with `dojo check` (or `dojo check --watch`); stuck? `dojo hint GOAL`.",
		Japanese: "作業は `dojo ssh ノード名` で。採点は `dojo check`（常時監視は `dojo check --watch`）。詰まったら `dojo hint 課題名`。",
	},
	MsgStartChanged: {
		English:  "Note: the scenario file changed since this instance started; its setup is not run again (run `dojo down %s` for a fresh start).",
		Japanese: "注意: このインスタンスの起動後にシナリオファイルが変更されています。セットアップは再実行しません（最初からやり直すには `dojo down %s`）。",
	},
	MsgCheckAllPass: {
		English:  "Every goal passes (round %d at %s).",
		Japanese: "全課題クリア（%d 回目、%s）。",
	},
	MsgCheckNextRound: {
		English:  "Round %d at %s; next in %s (Ctrl-C to stop).",
		Japanese: "%d 回目（%s）。次回は %s 後（Ctrl-C で終了）。",
	},
	MsgCheckSummary: {
		English:  "%d passed, %d failed, %d errors, %d skipped in %.1fs",
		Japanese: "合格 %d・不合格 %d・エラー %d・スキップ %d（%.1f 秒）",
	},
	MsgCheckScore: {
		English:  "Score %d/%d (%.1f%%) %s (pass mark %d%%)",
		Japanese: "得点 %d/%d（%.1f%%）%s（合格ライン %d%%）",
	},
	MsgCheckPassed: {English: "PASSED", Japanese: "合格"},
	MsgCheckFailed: {English: "FAILED", Japanese: "不合格"},
	MsgCheckCancelled: {
		English:  "Grading was interrupted: the result is incomplete.",
		Japanese: "採点が中断されました。結果は不完全です。",
	},
	MsgCheckFault: {
		English:  "under fault: %s",
		Japanese: "障害注入中: %s",
	},
	MsgHintNone: {
		English:  "Goal %q has no hints.",
		Japanese: "課題 %q にヒントはありません。",
	},
	MsgHintAll: {
		English:  "All %d hints of %q are revealed:",
		Japanese: "%[2]q のヒントは %[1]d 件すべて表示済みです:",
	},
	MsgHintNext: {
		English:  "Hint %d/%d for %q: %s",
		Japanese: "%[3]q のヒント %[1]d/%[2]d: %[4]s",
	},
	MsgHintCost: {
		English:  "Each hint costs %d points.",
		Japanese: "ヒント 1 件ごとに %d 点減点されます。",
	},
	MsgSolveConfirm: {
		English:  "Apply the reference solution of %q to instance %s? This changes the nodes. [y/N] ",
		Japanese: "%q の模範解答をインスタンス %s に適用しますか？ノードの設定が変更されます。[y/N] ",
	},
	MsgSolveDone: {
		English:  "Applied the reference solution of %q to %s. Grade it with `dojo check`.",
		Japanese: "%q の模範解答を %s に適用しました。`dojo check` で採点してください。",
	},
	MsgStatusPassed:  {English: "passed", Japanese: "合格"},
	MsgStatusFailed:  {English: "failed", Japanese: "不合格"},
	MsgStatusError:   {English: "error", Japanese: "エラー"},
	MsgStatusSkipped: {English: "skipped", Japanese: "スキップ"},
	MsgListHeader: {
		English:  "NAME\tTRACK\tLEVEL\tMINUTES\tLAB\tGOALS\tTITLE",
		Japanese: "名前\tトラック\tレベル\t目安(分)\tラボ\t課題数\tタイトル",
	},
	MsgListPassed:     {English: "PASSED", Japanese: "合格済"},
	MsgReportInstance: {English: "instance", Japanese: "インスタンス"},
	MsgReportLab:      {English: "lab", Japanese: "ラボ"},
	MsgReportTrack:    {English: "track", Japanese: "トラック"},
	MsgReportOn:       {English: "(on %s)", Japanese: "（%s で確認）"},
	MsgReportHints:    {English: "hints -%d", Japanese: "ヒント -%d 点"},
	MsgReportAttempts: {English: "%d attempts", Japanese: "試行 %d 回"},
	MsgFieldExpected:  {English: "expected", Japanese: "期待値"},
	MsgFieldObserved:  {English: "observed", Japanese: "実測値"},
	MsgFieldWhy:       {English: "why", Japanese: "理由"},
	MsgFieldError:     {English: "error", Japanese: "エラー"},
	MsgFieldCommand:   {English: "command", Japanese: "コマンド"},
	MsgLiveGoal:       {English: "(%d checks done, %d retries)", Japanese: "（チェック完了 %d・リトライ %d）"},
	MsgLiveWaiting:    {English: "(waiting for it: up to %s left, %d retries)", Japanese: "（反映待ち: 残り最大 %s・リトライ %d）"},
	MsgLiveProgress:   {English: "grading: %d done, %d running", Japanese: "採点中: 完了 %d・実行中 %d"},
	MsgStartSetup:     {English: "Running the scenario's setup...", Japanese: "シナリオの初期設定（セットアップ）を実行しています..."},
	MsgListSummary: {
		English:  "%d of %d scenarios passed (from the grading history).",
		Japanese: "%[2]d 件中 %[1]d 件のシナリオに合格済み（採点履歴より）。",
	},
}

// register adds messages to the catalog; a key defined twice is a
// programming error.
func register(msgs map[Key]map[string]string) {
	for k, v := range msgs {
		if _, dup := catalog[k]; dup {
			panic("i18n: message " + string(k) + " defined twice")
		}
		catalog[k] = v
	}
}

// Keys returns every message key of the catalog.
func Keys() []Key {
	out := make([]Key, 0, len(catalog))
	for k := range catalog {
		out = append(out, k)
	}
	return out
}

// Format returns the message key in lang (English when lang lacks it),
// formatted with args. An unknown key returns the key itself, so a
// missing message is visible rather than silent.
func Format(lang string, key Key, args ...any) string {
	m, ok := catalog[key]
	if !ok {
		return string(key)
	}
	f, ok := m[lang]
	if !ok || f == "" {
		f = m[English]
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, localizeArgs(lang, args)...)
}

// Printer formats catalog messages in one language.
type Printer struct{ Lang string }

// NewPrinter returns a Printer for lang (English when unsupported).
func NewPrinter(lang string) Printer {
	if !Supported(lang) {
		lang = English
	}
	return Printer{Lang: lang}
}

// Sprintf formats key in the printer's language.
func (p Printer) Sprintf(key Key, args ...any) string { return Format(p.Lang, key, args...) }
