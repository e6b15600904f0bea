package i18n

// Messages of the check judges and the grader: what a check expected,
// what it observed and why it failed, rendered at output time in the
// learner's language (see Msg). Japanese is written as an infra engineer
// writes a ticket: tool names, paths and values stay as they are.
const (
	SepList                 Key = "sep.list"
	SepProblems             Key = "sep.problems"
	MsgCkProbeNotRun        Key = "check.probe_not_run"
	MsgCkProbeNotRunWhy     Key = "check.probe_not_run_why"
	MsgCkToolFailed         Key = "check.tool_failed"
	MsgCkToolExit           Key = "check.tool_exit"
	MsgCkAbsent             Key = "check.absent"
	MsgCkNoEntry            Key = "check.no_entry"
	MsgCkKindUser           Key = "check.kind_user"
	MsgCkKindGroup          Key = "check.kind_group"
	MsgCkUnparseable        Key = "check.unparseable"
	MsgCkNoStep             Key = "check.no_step"
	MsgCkCutShort           Key = "check.cut_short"
	MsgCkStepUnfinished     Key = "check.step_unfinished"
	MsgCkStepUnfinishedOut  Key = "check.step_unfinished_out"
	MsgCkNotFound           Key = "check.not_found"
	MsgCkNotInstalled       Key = "check.not_installed"
	MsgCkCannotExec         Key = "check.cannot_exec"
	MsgCkCannotExecWhy      Key = "check.cannot_exec_why"
	MsgCkPermission         Key = "check.permission"
	MsgCkRunning            Key = "check.running"
	MsgCkNotRunning         Key = "check.not_running"
	MsgCkWant               Key = "check.want"
	MsgCkExit               Key = "check.exit"
	MsgCkStdout             Key = "check.stdout"
	MsgCkStdoutContains     Key = "check.stdout_contains"
	MsgCkStdoutMatches      Key = "check.stdout_matches"
	MsgCkStderrContains     Key = "check.stderr_contains"
	MsgCkCmdNotFound        Key = "check.cmd_not_found"
	MsgCkExitCodeWant       Key = "check.exit_code_want"
	MsgCkStdoutDiffers      Key = "check.stdout_differs"
	MsgCkStdoutLacks        Key = "check.stdout_lacks"
	MsgCkStdoutNoMatch      Key = "check.stdout_no_match"
	MsgCkStderrLacks        Key = "check.stderr_lacks"
	MsgCkExists             Key = "check.exists"
	MsgCkType               Key = "check.type"
	MsgCkMode               Key = "check.mode"
	MsgCkOwner              Key = "check.owner"
	MsgCkGroup              Key = "check.group"
	MsgCkContains           Key = "check.contains"
	MsgCkMatches            Key = "check.matches"
	MsgCkKindFile           Key = "check.kind_file"
	MsgCkKindDirectory      Key = "check.kind_directory"
	MsgCkKindSymlink        Key = "check.kind_symlink"
	MsgCkPathMissing        Key = "check.path_missing"
	MsgCkPathExists         Key = "check.path_exists"
	MsgCkFileObserved       Key = "check.file_observed"
	MsgCkTypeWant           Key = "check.type_want"
	MsgCkModeWant           Key = "check.mode_want"
	MsgCkOwnerWant          Key = "check.owner_want"
	MsgCkGroupWant          Key = "check.group_want"
	MsgCkCannotRead         Key = "check.cannot_read"
	MsgCkContentLacks       Key = "check.content_lacks"
	MsgCkContentNoMatch     Key = "check.content_no_match"
	MsgCkPidfileAlive       Key = "check.pidfile_alive"
	MsgCkServiceStatus      Key = "check.service_status"
	MsgCkNoInitScript       Key = "check.no_init_script"
	MsgCkNoServiceCmd       Key = "check.no_service_cmd"
	MsgCkInitUnknown        Key = "check.init_unknown"
	MsgCkProcFound          Key = "check.proc_found"
	MsgCkProcNone           Key = "check.proc_none"
	MsgCkProcScanFailed     Key = "check.proc_scan_failed"
	MsgCkServiceObserved    Key = "check.service_observed"
	MsgCkServiceIs          Key = "check.service_is"
	MsgCkPortListening      Key = "check.port_listening"
	MsgCkPortListeningOn    Key = "check.port_listening_on"
	MsgCkPortNotListening   Key = "check.port_not_listening"
	MsgCkPortNothing        Key = "check.port_nothing"
	MsgCkPortBound          Key = "check.port_bound"
	MsgCkOpen               Key = "check.open"
	MsgCkClosed             Key = "check.closed"
	MsgCkClosedWhy          Key = "check.closed_why"
	MsgCkClosedFiltered     Key = "check.closed_filtered"
	MsgCkCannotResolve      Key = "check.cannot_resolve"
	MsgCkTCPWant            Key = "check.tcp_want"
	MsgCkReachable          Key = "check.reachable"
	MsgCkUnreachable        Key = "check.unreachable"
	MsgCkReachableRTT       Key = "check.reachable_rtt"
	MsgCkNoReply            Key = "check.no_reply"
	MsgCkUnreachableWhy     Key = "check.unreachable_why"
	MsgCkRawSocket          Key = "check.raw_socket"
	MsgCkHostWant           Key = "check.host_want"
	MsgCkStatus             Key = "check.status"
	MsgCkBodyContains       Key = "check.body_contains"
	MsgCkBodyMatches        Key = "check.body_matches"
	MsgCkCurlResolve        Key = "check.curl_resolve"
	MsgCkCurlConnect        Key = "check.curl_connect"
	MsgCkCurlTimeout        Key = "check.curl_timeout"
	MsgCkCurlTLS            Key = "check.curl_tls"
	MsgCkCurlEmpty          Key = "check.curl_empty"
	MsgCkCurlReset          Key = "check.curl_reset"
	MsgCkNoStatusLine       Key = "check.no_status_line"
	MsgCkStatusLine         Key = "check.status_line"
	MsgCkHTTPObserved       Key = "check.http_observed"
	MsgCkHTTPObservedBody   Key = "check.http_observed_body"
	MsgCkStatusWant         Key = "check.status_want"
	MsgCkBodyLacks          Key = "check.body_lacks"
	MsgCkBodyNoMatch        Key = "check.body_no_match"
	MsgCkUID                Key = "check.uid"
	MsgCkInGroups           Key = "check.in_groups"
	MsgCkShell              Key = "check.shell"
	MsgCkHome               Key = "check.home"
	MsgCkUserObserved       Key = "check.user_observed"
	MsgCkUserObservedGroups Key = "check.user_observed_groups"
	MsgCkEntryExists        Key = "check.entry_exists"
	MsgCkUIDWant            Key = "check.uid_want"
	MsgCkNotIn              Key = "check.not_in"
	MsgCkShellWant          Key = "check.shell_want"
	MsgCkHomeWant           Key = "check.home_want"
	MsgCkGroupMembers       Key = "check.group_members"
	MsgCkGroupObserved      Key = "check.group_observed"
	MsgCkGroupNoMembers     Key = "check.group_no_members"
	MsgCkNotMembers         Key = "check.not_members"
	MsgCkNotInstalledPkg    Key = "check.pkg_not_installed"
	MsgCkInstalled          Key = "check.pkg_installed"
	MsgCkInstalledVersion   Key = "check.pkg_installed_version"
	MsgCkPackageIs          Key = "check.package_is"
	MsgCkVersionWant        Key = "check.version_want"
	MsgCkRunningAs          Key = "check.running_as"
	MsgCkNoProcess          Key = "check.no_process"
	MsgCkProcesses          Key = "check.processes"
	MsgCkUnknownKey         Key = "check.unknown_key"
	MsgCkNoSysctl           Key = "check.no_sysctl"
	MsgCkSysctlWant         Key = "check.sysctl_want"
	MsgCkAddrHas            Key = "check.addr_has"
	MsgCkAddrHasNot         Key = "check.addr_has_not"
	MsgCkNoIface            Key = "check.no_iface"
	MsgCkNodeNoIface        Key = "check.node_no_iface"
	MsgCkIfaceNoAddr        Key = "check.iface_no_addr"
	MsgCkCronEntry          Key = "check.cron_entry"
	MsgCkCronNone           Key = "check.cron_none"
	MsgCkCronEntries        Key = "check.cron_entries"
	MsgCkResolves           Key = "check.resolves"
	MsgCkNoReplyDNS         Key = "check.dns_no_reply"
	MsgCkNoDNSStatus        Key = "check.dns_no_status"
	MsgCkDNSNoRecords       Key = "check.dns_no_records"
	MsgCkNameExists         Key = "check.name_exists"
	MsgCkNoResolve          Key = "check.no_resolve"
	MsgCkNoRecord           Key = "check.no_record"
	MsgCkRouteDiffers       Key = "check.route_differs"
	MsgCkNoRoute            Key = "check.no_route"
	MsgCkNoRouteMain        Key = "check.no_route_main"
	MsgCkSSHDInvalid        Key = "check.sshd_invalid"
	MsgCkSSHDRejects        Key = "check.sshd_rejects"
	MsgCkKeyNotReported     Key = "check.key_not_reported"
	MsgCkSSHDNoKey          Key = "check.sshd_no_key"
	MsgCkValueWant          Key = "check.value_want"
	MsgGrNoResult           Key = "grade.no_result"
	MsgGrCancelledBefore    Key = "grade.cancelled_before"
	MsgGrProbeOn            Key = "grade.probe_on"
	MsgGrJudging            Key = "grade.judging"
	MsgGrCancelledProbing   Key = "grade.cancelled_probing"
	MsgGrTimedOut           Key = "grade.timed_out"
	MsgGrUnreachable        Key = "grade.unreachable"
	MsgGrSSHRefused         Key = "grade.ssh_refused"
	MsgGrNotRunning         Key = "grade.not_running"
	MsgGrCancelledWaiting   Key = "grade.cancelled_waiting"
	MsgGrNeeds              Key = "grade.needs"
	MsgGrDepFailed          Key = "grade.dep_failed"
	MsgGrDepSkipped         Key = "grade.dep_skipped"
	MsgGrDepError           Key = "grade.dep_error"
	MsgGrCancelled          Key = "grade.cancelled"
	MsgGrNoChecks           Key = "grade.no_checks"
	MsgGrDegraded           Key = "grade.degraded"
	MsgGrChecksFailed       Key = "grade.checks_failed"
	MsgGrChecksErrored      Key = "grade.checks_errored"
	MsgGrSomeChecks         Key = "grade.some_checks"
	MsgGrOneCheck           Key = "grade.one_check"
	MsgGrWhy                Key = "grade.why"
	MsgGrExpectedObserved   Key = "grade.expected_observed"
	MsgFaultLinkDown        Key = "fault.link_down"
	MsgFaultNodeDown        Key = "fault.node_down"
	MsgFaultOther           Key = "fault.other"
	MsgCkDescribe           Key = "check.describe"
	MsgCkDescribe2          Key = "check.describe2"
	MsgCkHostPort           Key = "check.host_port"
	MsgCkAt                 Key = "check.at"
	MsgCkUnparseableProbe   Key = "check.unparseable_probe"
)

func init() {
	register(map[Key]map[string]string{
		SepList:                 {English: ", ", Japanese: "、"},
		SepProblems:             {English: "; ", Japanese: "、"},
		MsgCkProbeNotRun:        {English: "probe did not run", Japanese: "プローブ未実行"},
		MsgCkProbeNotRunWhy:     {English: "probe did not run: %s", Japanese: "プローブを実行できませんでした: %s"},
		MsgCkToolFailed:         {English: "%s failed", Japanese: "%s の実行に失敗"},
		MsgCkToolExit:           {English: "%s exit %d: %s", Japanese: "%s が終了コード %d で終了: %s"},
		MsgCkAbsent:             {English: "absent", Japanese: "存在しない"},
		MsgCkNoEntry:            {English: "no %s %s", Japanese: "%s %s が存在しません"},
		MsgCkKindUser:           {English: "user", Japanese: "ユーザー"},
		MsgCkKindGroup:          {English: "group", Japanese: "グループ"},
		MsgCkUnparseable:        {English: "unparseable %s output", Japanese: "%s の出力を解析できません"},
		MsgCkNoStep:             {English: "probe output has no %q step; the shell on the node may be broken", Japanese: "プローブ出力にステップ %q がありません。ノードのシェルが壊れている可能性があります"},
		MsgCkCutShort:           {English: "probe cut short", Japanese: "プローブが途中で終了"},
		MsgCkStepUnfinished:     {English: "step %q of the probe did not finish (no end marker)", Japanese: "プローブのステップ %q が完了しませんでした（終了マーカーなし）"},
		MsgCkStepUnfinishedOut:  {English: "step %q of the probe did not finish (no end marker): %s", Japanese: "プローブのステップ %q が完了しませんでした（終了マーカーなし）: %s"},
		MsgCkNotFound:           {English: "%s: command not found", Japanese: "%s: コマンドが見つかりません"},
		MsgCkNotInstalled:       {English: "%s is not installed on the node (exit 127)", Japanese: "ノードに %s がインストールされていません（終了コード 127）"},
		MsgCkCannotExec:         {English: "%s: cannot execute", Japanese: "%s: 実行できません"},
		MsgCkCannotExecWhy:      {English: "%s could not be executed (exit 126)", Japanese: "%s を実行できませんでした（終了コード 126）"},
		MsgCkPermission:         {English: "permission denied", Japanese: "権限エラー（permission denied）"},
		MsgCkRunning:            {English: "running", Japanese: "稼働中"},
		MsgCkNotRunning:         {English: "not running", Japanese: "停止中"},
		MsgCkWant:               {English: "want %s", Japanese: "期待値: %s"},
		MsgCkExit:               {English: "exit %d", Japanese: "終了コード %d"},
		MsgCkStdout:             {English: "stdout %q", Japanese: "標準出力 %q"},
		MsgCkStdoutContains:     {English: "stdout contains %q", Japanese: "標準出力に %q を含む"},
		MsgCkStdoutMatches:      {English: "stdout matches /%s/", Japanese: "標準出力が /%s/ に一致"},
		MsgCkStderrContains:     {English: "stderr contains %q", Japanese: "標準エラー出力に %q を含む"},
		MsgCkCmdNotFound:        {English: "command not found (exit 127): %s", Japanese: "コマンドが見つかりません（終了コード 127）: %s"},
		MsgCkExitCodeWant:       {English: "exit code %d, want %d", Japanese: "終了コード %d（期待値 %d）"},
		MsgCkStdoutDiffers:      {English: "stdout differs", Japanese: "標準出力が期待値と異なる"},
		MsgCkStdoutLacks:        {English: "stdout lacks %q", Japanese: "標準出力に %q がない"},
		MsgCkStdoutNoMatch:      {English: "stdout does not match /%s/", Japanese: "標準出力が /%s/ に一致しない"},
		MsgCkStderrLacks:        {English: "stderr lacks %q", Japanese: "標準エラー出力に %q がない"},
		MsgCkExists:             {English: "exists", Japanese: "存在する"},
		MsgCkType:               {English: "type %s", Japanese: "種別 %s"},
		MsgCkMode:               {English: "mode %04o", Japanese: "パーミッション %04o"},
		MsgCkOwner:              {English: "owner %s", Japanese: "所有者 %s"},
		MsgCkGroup:              {English: "group %s", Japanese: "グループ %s"},
		MsgCkContains:           {English: "contains %q", Japanese: "%q を含む"},
		MsgCkMatches:            {English: "matches /%s/", Japanese: "/%s/ に一致"},
		MsgCkKindFile:           {English: "file", Japanese: "ファイル"},
		MsgCkKindDirectory:      {English: "directory", Japanese: "ディレクトリ"},
		MsgCkKindSymlink:        {English: "symlink", Japanese: "シンボリックリンク"},
		MsgCkPathMissing:        {English: "%s does not exist", Japanese: "%s が存在しません"},
		MsgCkPathExists:         {English: "%s exists", Japanese: "%s が存在します"},
		MsgCkFileObserved:       {English: "%s, mode %04o, owner %s, group %s", Japanese: "%s、パーミッション %04o、所有者 %s、グループ %s"},
		MsgCkTypeWant:           {English: "is a %s, not a %s", Japanese: "種別 %s（期待値 %s）"},
		MsgCkModeWant:           {English: "mode %04o, want %04o", Japanese: "パーミッション %04o（期待値 %04o）"},
		MsgCkOwnerWant:          {English: "owner %s, want %s", Japanese: "所有者 %s（期待値 %s）"},
		MsgCkGroupWant:          {English: "group %s, want %s", Japanese: "グループ %s（期待値 %s）"},
		MsgCkCannotRead:         {English: "cannot read %s: %s", Japanese: "%s を読み取れません: %s"},
		MsgCkContentLacks:       {English: "content lacks %q", Japanese: "内容に %q がない"},
		MsgCkContentNoMatch:     {English: "content does not match /%s/", Japanese: "内容が /%s/ に一致しない"},
		MsgCkPidfileAlive:       {English: "pidfile %s: pid %s (%s) alive", Japanese: "PID ファイル %s: PID %s（%s）が稼働中"},
		MsgCkServiceStatus:      {English: "service %s status: exit %d", Japanese: "service %s status: 終了コード %d"},
		MsgCkNoInitScript:       {English: "no init script", Japanese: "init スクリプトなし"},
		MsgCkNoServiceCmd:       {English: "no service command", Japanese: "service コマンドなし"},
		MsgCkInitUnknown:        {English: "init script status unknown", Japanese: "init スクリプトの状態不明"},
		MsgCkProcFound:          {English: "%s; process %s found in /proc (pid %s)", Japanese: "%s。/proc にプロセス %s あり（PID %s）"},
		MsgCkProcNone:           {English: "%s; no process %s in /proc", Japanese: "%s。/proc にプロセス %s なし"},
		MsgCkProcScanFailed:     {English: "process scan failed", Japanese: "プロセスの走査に失敗"},
		MsgCkServiceObserved:    {English: "%s (%s)", Japanese: "%s（%s）"},
		MsgCkServiceIs:          {English: "service %s is %s", Japanese: "サービス %s は%s"},
		MsgCkPortListening:      {English: "%s/%d listening", Japanese: "%s/%d で待ち受け"},
		MsgCkPortListeningOn:    {English: "%s/%d listening on %s", Japanese: "%s/%d を %s で待ち受け"},
		MsgCkPortNotListening:   {English: "%s/%d not listening", Japanese: "%s/%d で待ち受けなし"},
		MsgCkPortNothing:        {English: "nothing bound to %s/%d", Japanese: "%s/%d で待ち受けているソケットなし"},
		MsgCkPortBound:          {English: "bound on %s", Japanese: "待ち受け: %s"},
		MsgCkOpen:               {English: "open", Japanese: "接続可"},
		MsgCkClosed:             {English: "closed", Japanese: "接続不可"},
		MsgCkClosedWhy:          {English: "closed (%s)", Japanese: "接続不可（%s）"},
		MsgCkClosedFiltered:     {English: "closed or filtered (timed out)", Japanese: "接続不可またはフィルタで破棄（タイムアウト）"},
		MsgCkCannotResolve:      {English: "cannot resolve %s", Japanese: "%s を名前解決できない"},
		MsgCkTCPWant:            {English: "%s port %d is %s, want %s", Japanese: "%s のポート %d は%s（期待値 %s）"},
		MsgCkReachable:          {English: "reachable", Japanese: "到達可能"},
		MsgCkUnreachable:        {English: "unreachable", Japanese: "到達不可"},
		MsgCkReachableRTT:       {English: "reachable (rtt %s)", Japanese: "到達可能（RTT %s）"},
		MsgCkNoReply:            {English: "unreachable (no reply within 2s)", Japanese: "到達不可（2 秒以内に応答なし）"},
		MsgCkUnreachableWhy:     {English: "unreachable (%s)", Japanese: "到達不可（%s）"},
		MsgCkRawSocket:          {English: "ping may not open a raw socket: %s", Japanese: "ping が raw ソケットを開けません: %s"},
		MsgCkHostWant:           {English: "%s is %s, want %s", Japanese: "%s は%s（期待値 %s）"},
		MsgCkStatus:             {English: "status %d", Japanese: "ステータス %d"},
		MsgCkBodyContains:       {English: "body contains %q", Japanese: "本文に %q を含む"},
		MsgCkBodyMatches:        {English: "body matches /%s/", Japanese: "本文が /%s/ に一致"},
		MsgCkCurlResolve:        {English: "cannot resolve host", Japanese: "ホスト名を解決できない"},
		MsgCkCurlConnect:        {English: "cannot connect", Japanese: "接続できない"},
		MsgCkCurlTimeout:        {English: "timed out", Japanese: "タイムアウト"},
		MsgCkCurlTLS:            {English: "TLS handshake failed", Japanese: "TLS ハンドシェイク失敗"},
		MsgCkCurlEmpty:          {English: "empty reply", Japanese: "空の応答"},
		MsgCkCurlReset:          {English: "connection reset", Japanese: "接続リセット"},
		MsgCkNoStatusLine:       {English: "no status line in curl output", Japanese: "curl の出力にステータス行がない"},
		MsgCkStatusLine:         {English: "status line %q", Japanese: "ステータス行 %q"},
		MsgCkHTTPObserved:       {English: "status %d, %d bytes", Japanese: "ステータス %d、%d バイト"},
		MsgCkHTTPObservedBody:   {English: "status %d, %d bytes: %q", Japanese: "ステータス %d、%d バイト: %q"},
		MsgCkStatusWant:         {English: "status %d, want %d", Japanese: "ステータス %d（期待値 %d）"},
		MsgCkBodyLacks:          {English: "body lacks %q", Japanese: "本文に %q がない"},
		MsgCkBodyNoMatch:        {English: "body does not match /%s/", Japanese: "本文が /%s/ に一致しない"},
		MsgCkUID:                {English: "uid %d", Japanese: "UID %d"},
		MsgCkInGroups:           {English: "in groups %s", Japanese: "所属グループ %s"},
		MsgCkShell:              {English: "shell %s", Japanese: "シェル %s"},
		MsgCkHome:               {English: "home %s", Japanese: "ホーム %s"},
		MsgCkUserObserved:       {English: "uid %s, shell %s, home %s", Japanese: "UID %s、シェル %s、ホーム %s"},
		MsgCkUserObservedGroups: {English: "uid %s, groups %s, shell %s, home %s", Japanese: "UID %s、グループ %s、シェル %s、ホーム %s"},
		MsgCkEntryExists:        {English: "%s %s exists", Japanese: "%s %s が存在します"},
		MsgCkUIDWant:            {English: "uid %s, want %d", Japanese: "UID %s（期待値 %d）"},
		MsgCkNotIn:              {English: "not in %s", Japanese: "%s に所属していない"},
		MsgCkShellWant:          {English: "shell %s, want %s", Japanese: "シェル %s（期待値 %s）"},
		MsgCkHomeWant:           {English: "home %s, want %s", Japanese: "ホーム %s（期待値 %s）"},
		MsgCkGroupMembers:       {English: "exists with members %s", Japanese: "存在し、メンバーに %s を含む"},
		MsgCkGroupObserved:      {English: "gid %s, members %s", Japanese: "GID %s、メンバー %s"},
		MsgCkGroupNoMembers:     {English: "gid %s, no members", Japanese: "GID %s、メンバーなし"},
		MsgCkNotMembers:         {English: "not members: %s", Japanese: "グループに未所属: %s"},
		MsgCkNotInstalledPkg:    {English: "not installed", Japanese: "未インストール"},
		MsgCkInstalled:          {English: "installed", Japanese: "インストール済み"},
		MsgCkInstalledVersion:   {English: "installed, version %s", Japanese: "インストール済み（バージョン %s）"},
		MsgCkPackageIs:          {English: "package %s is %s", Japanese: "パッケージ %s は%s"},
		MsgCkVersionWant:        {English: "version %s, want %s", Japanese: "バージョン %s（期待値 %s）"},
		MsgCkRunningAs:          {English: "%s as %s", Japanese: "%s（ユーザー %s）"},
		MsgCkNoProcess:          {English: "no process", Japanese: "プロセスなし"},
		MsgCkProcesses:          {English: "%d process(es), user %s", Japanese: "プロセス %d 個（ユーザー %s）"},
		MsgCkUnknownKey:         {English: "unknown key", Japanese: "不明なキー"},
		MsgCkNoSysctl:           {English: "the node has no sysctl %s", Japanese: "ノードにカーネルパラメータ %s がない"},
		MsgCkSysctlWant:         {English: "%s = %s, want %s", Japanese: "%s = %s（期待値 %s）"},
		MsgCkAddrHas:            {English: "%s has %s", Japanese: "%s に %s が設定されている"},
		MsgCkAddrHasNot:         {English: "%s does not have %s", Japanese: "%s に %s が設定されていない"},
		MsgCkNoIface:            {English: "no interface %s", Japanese: "インターフェース %s なし"},
		MsgCkNodeNoIface:        {English: "the node has no interface %s", Japanese: "ノードにインターフェース %s がない"},
		MsgCkIfaceNoAddr:        {English: "%s: no address", Japanese: "%s: アドレスなし"},
		MsgCkCronEntry:          {English: "an entry containing %q", Japanese: "%q を含むエントリ"},
		MsgCkCronNone:           {English: "no cron entries", Japanese: "cron エントリなし"},
		MsgCkCronEntries:        {English: "%d entries, none contains %q", Japanese: "エントリ %d 件、%q を含むものなし"},
		MsgCkResolves:           {English: "resolves (%s)", Japanese: "名前解決できる（%s）"},
		MsgCkNoReplyDNS:         {English: "no reply from server", Japanese: "DNS サーバーから応答なし"},
		MsgCkNoDNSStatus:        {English: "no status in dig output", Japanese: "dig の出力にステータスがない"},
		MsgCkDNSNoRecords:       {English: "%s, no %s records", Japanese: "%s、%s レコードなし"},
		MsgCkNameExists:         {English: "%s exists", Japanese: "%s が存在する（NXDOMAIN ではない）"},
		MsgCkNoResolve:          {English: "%s does not resolve (%s)", Japanese: "%s を名前解決できない（%s）"},
		MsgCkNoRecord:           {English: "no %s record %s", Japanese: "%s レコード %s がない"},
		MsgCkRouteDiffers:       {English: "route differs: %s", Japanese: "経路が異なる: %s"},
		MsgCkNoRoute:            {English: "no route to %s", Japanese: "%s への経路なし"},
		MsgCkNoRouteMain:        {English: "the main table has no route for %s", Japanese: "main テーブルに %s の経路がない"},
		MsgCkSSHDInvalid:        {English: "invalid sshd configuration", Japanese: "sshd の設定が不正"},
		MsgCkSSHDRejects:        {English: "sshd -T rejects the configuration: %s", Japanese: "sshd -T が設定を受け付けない: %s"},
		MsgCkKeyNotReported:     {English: "key not reported", Japanese: "キーが出力にない"},
		MsgCkSSHDNoKey:          {English: "sshd -T does not report %q; is it an sshd_config keyword?", Japanese: "sshd -T の出力に %q がない。sshd_config のキーワードか確認してください"},
		MsgCkValueWant:          {English: "%s is %s, want %s", Japanese: "%s は %s（期待値 %s）"},
		MsgGrNoResult:           {English: "no result", Japanese: "結果なし"},
		MsgGrCancelledBefore:    {English: "grading cancelled before the probe ran on node %q: %v", Japanese: "ノード %q でプローブを実行する前に採点が中断されました: %v"},
		MsgGrProbeOn:            {English: "probe on node %q: %v", Japanese: "ノード %q のプローブ: %v"},
		MsgGrJudging:            {English: "judging the probe from node %q: %v", Japanese: "ノード %q のプローブ結果の判定でエラー: %v"},
		MsgGrCancelledProbing:   {English: "grading cancelled while probing node %q: %v", Japanese: "ノード %q のプローブ中に採点が中断されました: %v"},
		MsgGrTimedOut:           {English: "probe on node %q timed out after %s: %v", Japanese: "ノード %q のプローブが %s でタイムアウトしました: %v"},
		MsgGrUnreachable:        {English: "node %q unreachable: %v", Japanese: "ノード %q に到達できません: %v"},
		MsgGrSSHRefused: {English: "node %q refused the SSH connection: its sshd is not running. Log in through the engine with `dojo console %s`, check the configuration with `sshd -t`, then `service ssh start`",
			Japanese: "ノード %q への SSH 接続が拒否されました（sshd が停止しています）。`dojo console %s` で Docker 経由でログインし、`sshd -t` で設定を確認してから `service ssh start` で起動してください"},
		MsgGrNotRunning: {English: "node %q is not running: its container has stopped (see `dojo status`)",
			Japanese: "ノード %q は停止しています（コンテナが停止中です。`dojo status` で確認できます）"},
		MsgGrCancelledWaiting: {English: "grading cancelled while waiting for goal %s: %v", Japanese: "課題 %s の結果待ちの間に採点が中断されました: %v"},
		MsgGrNeeds:            {English: "needs goal %s, which %s", Japanese: "前提の課題 %s が%sのため未採点"},
		MsgGrDepFailed:        {English: "failed", Japanese: "不合格"},
		MsgGrDepSkipped:       {English: "was skipped", Japanese: "スキップ"},
		MsgGrDepError:         {English: "ended in error", Japanese: "エラー"},
		MsgGrCancelled:        {English: "grading cancelled: %v", Japanese: "採点が中断されました: %v"},
		MsgGrNoChecks:         {English: "goal has no checks", Japanese: "課題にチェックがありません"},
		MsgGrDegraded:         {English: "%s (the lab may still be degraded)", Japanese: "%s（障害が戻らずラボが劣化したままの可能性があります）"},
		MsgGrChecksFailed:     {English: "failed", Japanese: "不合格"},
		MsgGrChecksErrored:    {English: "could not be evaluated", Japanese: "評価できず"},
		MsgGrSomeChecks:       {English: "%d of %d checks %s; %s on %s", Japanese: "チェック %[2]d 件中 %[1]d 件が%[3]s。%[4]s（%[5]s で確認）"},
		MsgGrOneCheck:         {English: "%s on %s %s", Japanese: "%s（%s で確認）が%s"},
		MsgGrWhy:              {English: "%s: %s", Japanese: "%s: %s"},
		MsgGrExpectedObserved: {English: "expected %s, observed %s", Japanese: "期待値 %s、実測値 %s"},
		MsgFaultLinkDown:      {English: "link %s of %s down", Japanese: "%[2]s のリンク %[1]s をダウン"},
		MsgFaultNodeDown:      {English: "node %s down (cut off every lab network)", Japanese: "ノード %s をダウン（全ラボネットワークから切断）"},
		MsgFaultOther:         {English: "%s on %s", Japanese: "%[2]s に %[1]s"},
		MsgCkDescribe:         {English: "%s %s %s", Japanese: "%s %s: %s"},
		MsgCkDescribe2:        {English: "%s %s", Japanese: "%s: %s"},
		MsgCkHostPort:         {English: "%s port %d", Japanese: "%s ポート %d"},
		MsgCkAt:               {English: "%s @%s", Japanese: "%s（DNS サーバー %s）"},
		MsgCkUnparseableProbe: {English: "unparseable probe output", Japanese: "プローブの出力を解析できません"},
	})
}
