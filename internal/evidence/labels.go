package evidence

// labels holds every piece of text a rendering shows, in English and
// Japanese. Keep both columns filled (TestLabelsComplete).
var labels = map[string][2]string{
	"doc.title":        {"Portfolio evidence", "実務演習エビデンス"},
	"learner":          {"Learner", "受講者"},
	"result":           {"Result", "結果"},
	"passed":           {"PASSED", "合格"},
	"not_passed":       {"NOT PASSED", "不合格"},
	"score":            {"Score", "得点"},
	"pass_mark":        {"pass mark", "合格ライン"},
	"summary":          {"Summary", "概要"},
	"scenario":         {"Scenario", "シナリオ"},
	"track":            {"Track", "トラック"},
	"level":            {"Level", "レベル"},
	"lab":              {"Lab", "ラボ"},
	"instance":         {"Instance", "インスタンス"},
	"started":          {"Started", "開始"},
	"finished":         {"Last graded run", "最終採点"},
	"time_spent":       {"Time from start to last graded run", "開始から最終採点までの時間"},
	"generated":        {"Report generated", "レポート作成日時"},
	"topology":         {"Topology", "構成図"},
	"topology.note":    {"Orange boxes route between networks (two or more networks, or IP forwarding on).", "オレンジの枠はルータ(複数ネットワークに接続、または IP フォワーディング有効)です。"},
	"goals":            {"Goals", "達成目標"},
	"goal":             {"Goal", "目標"},
	"status":           {"Status", "判定"},
	"points":           {"Points", "配点"},
	"first_pass":       {"First passed after", "初回合格までの時間"},
	"hints":            {"Hints", "ヒント"},
	"never":            {"—", "—"},
	"status.passed":    {"passed", "合格"},
	"status.failed":    {"failed", "不合格"},
	"status.skipped":   {"skipped", "スキップ"},
	"status.error":     {"error", "エラー"},
	"timeline":         {"Timeline of graded runs", "採点履歴"},
	"timeline.note":    {"Only runs that changed the score are listed (%[1]d of %[2]d); the chart and the JSON data hold all of them.", "得点が変化した採点のみ表示しています(全 %[2]d 回中 %[1]d 回)。グラフと JSON データには全件を含みます。"},
	"runs":             {"graded runs", "回の採点"},
	"time":             {"Time", "日時"},
	"goals_passed":     {"Goals passed", "合格した目標"},
	"no_runs":          {"No graded runs.", "採点の記録はありません。"},
	"hints_used":       {"Hints used", "使用したヒント"},
	"no_hints":         {"No hints were used.", "ヒントは使用していません。"},
	"hint_n":           {"hint", "ヒント"},
	"cost":             {"Cost", "減点"},
	"procedure":        {"Procedure (commands entered, per node)", "作業手順(ノードごとの入力コマンド)"},
	"procedure.note":   {"Recorded from the learner's SSH sessions; values that looked like secrets are redacted.", "受講者の SSH セッションの記録から作成。パスワード等の秘密情報と思われる値はマスクしています。"},
	"no_commands":      {"No commands were recorded.", "記録されたコマンドはありません。"},
	"truncated":        {"The recording reached its size limit; later commands are missing.", "記録がサイズ上限に達したため、以降のコマンドは含まれていません。"},
	"command":          {"Command", "コマンド"},
	"replay":           {"Runbook replay", "手順書の再実行"},
	"replay.text":      {"This procedure, followed on a fresh lab, passes %d/%d goals.", "この手順書を新規ラボで実行した結果、%d/%d 個の目標に合格しました。"},
	"solved":           {"The reference solution was applied (dojo solve) %d time(s), last at %s: this result is not the learner's own work.", "模範解答が適用されています(dojo solve、%d 回、最終 %s)。この結果は受講者自身の作業によるものではありません。"},
	"after_solve":      {"after solve", "模範解答適用後"},
	"environment":      {"Environment", "実行環境"},
	"dojo_version":     {"dojo version", "dojo バージョン"},
	"image_id":         {"Node image", "ノードイメージ"},
	"lab_hash":         {"Lab file hash (SHA-256)", "ラボ定義ファイルのハッシュ (SHA-256)"},
	"scenario_hash":    {"Scenario file hash (SHA-256)", "シナリオ定義ファイルのハッシュ (SHA-256)"},
	"platform":         {"Platform", "プラットフォーム"},
	"redactions":       {"Values redacted as possible secrets", "秘密情報としてマスクした値の数"},
	"signature":        {"Signature", "電子署名"},
	"unsigned":         {"This report is not signed.", "このレポートには署名がありません。"},
	"signed_by":        {"Signed with key", "署名鍵"},
	"signer":           {"Signer", "署名者"},
	"signed_at":        {"Signed at", "署名日時"},
	"label.self-check": {"self-check (the learner's own key)", "セルフチェック(受講者自身の鍵)"},
	"label.instructor": {"instructor", "講師"},
	"verify_with":      {"Check it with", "検証方法"},
	"disclaimer": {
		"What this signature proves: the report was signed with the key whose fingerprint is shown, and not one byte of it has changed since. " +
			"It was produced by labdojo on the learner's own machine, by grading the lab over SSH. " +
			"What it cannot prove: who did the work, whether they had help, or that the machine and dojo itself were not tampered with. Anyone can create a key and sign anything, so a self-check signature only ties the report to the learner's key. " +
			"An instructor signature proves that the holder of that key signed it; trust it as far as you trust that the public key really came from the instructor. " +
			"To see the skill for yourself, have the runbook replayed on a fresh lab (dojo runbook replay) or ask the learner to repeat the work in front of you.",
		"この署名で証明できること: 表示しているフィンガープリントの鍵でこのレポートが署名され、署名後に 1 バイトも変更されていないこと。" +
			"レポートは受講者自身のマシン上で labdojo が SSH 経由でラボを採点して作成したものです。" +
			"証明できないこと: 作業者本人が誰か、支援を受けずに作業したか、マシンや dojo 自体が改ざんされていないか。鍵は誰でも作成でき何にでも署名できるため、セルフチェック署名はレポートと受講者の鍵を結び付けるだけです。" +
			"講師の署名が証明するのは、その鍵の所有者が署名したことだけです。公開鍵が確かに講師本人から受け取ったものである範囲で信頼してください。" +
			"スキルを確認するには、新しいラボで手順書を再実行する(dojo runbook replay)か、受講者に目の前で作業を再現してもらってください。",
	},
}

// label returns the text for key in lang ("ja", else English).
func label(lang, key string) string {
	l, ok := labels[key]
	if !ok {
		return key
	}
	if lang == "ja" {
		return l[1]
	}
	return l[0]
}

// Disclaimer is the statement of what a local signature can and cannot
// prove, in lang ("en" or "ja").
func Disclaimer(lang string) string { return label(lang, "disclaimer") }
