package i18n

// More messages printed by start, check and up, kept apart from the
// first catalog (messages.go) so that each file's alignment stays its own.
const (
	MsgReportMoreLines Key = "report.more_lines" // lines left out of a long value
	MsgUpProgress      Key = "up.progress"       // networks, nodes started, total, SSH ready, total
	MsgUpRollback      Key = "up.rollback"       // (no args)
	MsgNodesHeader     Key = "nodes.header"      // column titles, tab separated
	MsgNodesHeaderSSH  Key = "nodes.header_ssh"  // column titles with SSH, tab separated
	MsgNodesNoAddress  Key = "nodes.no_address"  // an interface without an address
	MsgUpStarting      Key = "up.starting"       // instance, lab, node count, network count (Count)
	MsgCountNode       Key = "count.node"        // n (one)
	MsgCountNodes      Key = "count.nodes"       // n (several)
	MsgCountNetwork    Key = "count.network"     // n (one)
	MsgCountNetworks   Key = "count.networks"    // n (several)
	MsgWarning         Key = "warning"           // the warning's text
	MsgScenarioChanged Key = "scenario.changed"  // scenario, instance (check's warning)
	MsgJUnitPoints     Key = "junit.points"      // goal, awarded, points
	MsgJUnitCheck      Key = "junit.check"       // status (pass/fail/error), check, node
	MsgFieldMessage    Key = "field.message"     // field labels of a check in JUnit
	MsgFieldExit       Key = "field.exit"        //
	MsgFieldOutput     Key = "field.output"      //
	// MsgAfterSolve: instance (check's warning after dojo solve).
	MsgAfterSolve Key = "scenario.after_solve"
	// MsgUpRecreatedNetworks: networks (comma separated), instance.
	MsgUpRecreatedNetworks Key = "up.recreated_networks"
	// MsgUpRecreatedNodes: nodes (comma separated), instance.
	MsgUpRecreatedNodes Key = "up.recreated_nodes"
	// MsgImageBuilding: image reference (the default node image is missing).
	MsgImageBuilding Key = "image.building"
	// MsgImageBuilt: image reference, duration.
	MsgImageBuilt Key = "image.built"
)

// Count is n with the word one of key1 (n == 1) and keyN: English has
// plurals, Japanese counters do not.
func Count(n int, key1, keyN Key) Msg {
	if n == 1 {
		return M(key1, n)
	}
	return M(keyN, n)
}

func init() {
	register(map[Key]map[string]string{
		MsgReportMoreLines: {English: "(+%d lines)", Japanese: "（他 %d 行）"},
		MsgUpProgress: {
			English:  "networks %d  nodes started %d/%d  SSH ready %d/%d",
			Japanese: "ネットワーク %d  ノード起動 %d/%d  SSH 接続可 %d/%d",
		},
		MsgUpRollback: {
			English:  "rolling back: removing what was created...",
			Japanese: "ロールバック中: 作成したものを削除しています...",
		},
		MsgNodesHeader: {
			English:  "NODE\tSTATE\tMANAGEMENT\tINTERFACES\tCONNECT",
			Japanese: "ノード\t状態\t管理アドレス\tインターフェース\t接続方法",
		},
		MsgNodesHeaderSSH: {
			English:  "NODE\tSTATE\tSSH\tMANAGEMENT\tINTERFACES\tCONNECT",
			Japanese: "ノード\t状態\tSSH\t管理アドレス\tインターフェース\t接続方法",
		},
		MsgNodesNoAddress: {English: "(none)", Japanese: "（なし）"},
		MsgUpStarting: {
			English:  "Starting %s (lab %s, %s, %s)...",
			Japanese: "%s を起動しています（ラボ %s、%s、%s）...",
		},
		MsgCountNode:     {English: "%d node", Japanese: "ノード %d 台"},
		MsgCountNodes:    {English: "%d nodes", Japanese: "ノード %d 台"},
		MsgCountNetwork:  {English: "%d network", Japanese: "ネットワーク %d 個"},
		MsgCountNetworks: {English: "%d networks", Japanese: "ネットワーク %d 個"},
		MsgWarning:       {English: "Warning: %s", Japanese: "警告: %s"},
		MsgJUnitPoints:   {English: "%s: %d/%d points", Japanese: "%s: %d/%d 点"},
		MsgJUnitCheck:    {English: "[%s] %s (on %s)", Japanese: "[%s] %s（%s で確認）"},
		MsgFieldMessage:  {English: "message", Japanese: "理由"},
		MsgFieldExit:     {English: "exit", Japanese: "終了コード"},
		MsgFieldOutput:   {English: "output", Japanese: "出力"},
		MsgAfterSolve: {
			English: "the reference solution was applied to instance %q (dojo solve): runs are graded as usual and marked after_solve" +
				" in the history; they do not count as your pass",
			Japanese: "インスタンス %q には模範解答が適用されています（dojo solve）。採点は通常どおり行いますが、" +
				"履歴には after_solve として記録され、あなた自身の合格にはなりません",
		},
		MsgImageBuilding: {
			English:  "Node image %s is missing: building it (first use only; about half a minute, longer behind a slow link)...",
			Japanese: "ノードイメージ %s が見つからないため、ビルドします（初回のみ。30 秒ほどかかります。回線が遅い環境ではさらにかかります）...",
		},
		MsgImageBuilt: {
			English:  "Built %s in %s.",
			Japanese: "%s をビルドしました（所要時間 %s）。",
		},
		MsgUpRecreatedNetworks: {
			English:  "The engine had lost network(s) %s of instance %s: created them again.",
			Japanese: "エンジン側でインスタンス %[2]s のネットワーク %[1]s が失われていたため、再作成しました。",
		},
		MsgUpRecreatedNodes: {
			English: "Recreated node(s) %s of instance %s (lost by the engine, or attached to a lost network):" +
				" work done inside them is gone; new host keys are pinned.",
			Japanese: "インスタンス %[2]s のノード %[1]s を再作成しました（エンジン側で失われたか、失われたネットワークに接続されていたため）。" +
				"ノード内で行った作業は失われています。新しいホスト鍵を登録済みです。",
		},
		MsgScenarioChanged: {
			English: "scenario %q changed since instance %q was started from it: runs are graded against the file as it is now" +
				" and marked as such in the history (start a fresh instance to grade the exercise as published)",
			Japanese: "シナリオ %q はインスタンス %q の起動後に変更されています。採点は現在のファイルに対して行い、" +
				"履歴にもその旨を記録します（公開どおりの課題として採点するには新しいインスタンスで開始してください）",
		},
	})
}
