scenario "patching" {
  title = {
    en = "Apply a security update from the internal mirror, hold what must not move"
    ja = "社内ミラーからのセキュリティパッチ適用とパッケージの保留"
  }
  lab     = "patch-lan"
  track   = "cloud-ops"
  level   = 2
  minutes = 40
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# repo builds the vendor's packages with dpkg-deb and serves them as an
# apt repository (unsigned, [trusted=yes]); the app servers point at it
# only, run acme-agent 1.4.1 with a local site tag in its conffile, and
# use acme-tools 2.0, whose 2.1 drops the report config they still use.
# acme-agent's package never restarts the running agent: the version a
# running agent reports proves the restart.
setup "repo" { script = file("setup/repo.sh") }
setup "app-1" { script = file("setup/app.sh") }
setup "app-2" { script = file("setup/app.sh") }

goal "report-works" {
  title = {
    en = "Keep acme-report (the nightly job) working"
    ja = "夜間ジョブの acme-report を動作させたままにする"
  }
  guard  = true
  points = 0
  hints = {
    en = ["acme-report 2.1 no longer reads /etc/acme/report.conf, which these servers still use. Check what an upgrade would install before you run it: apt-get -s upgrade (simulation, changes nothing)."]
    ja = ["acme-report 2.1 は、このサーバーで使っている /etc/acme/report.conf（v1 形式）を読めません。apt-get -s upgrade（シミュレーションのみで何も変更しない）で、適用前に更新対象を確認しましょう。"]
  }
  check "command" {
    on    = "app-1"
    title = "acme-report --selftest on app-1"
    run   = "acme-report --selftest"
  }
  check "command" {
    on    = "app-2"
    title = "acme-report --selftest on app-2"
    run   = "acme-report --selftest"
  }
}

goal "agent-installed" {
  title = {
    en = "acme-agent 1.4.2 is installed on app-1 and app-2"
    ja = "app-1・app-2 に acme-agent 1.4.2 を適用する"
  }
  points = 25
  hints = {
    en = ["The servers get packages from the internal mirror (see /etc/apt/sources.list.d/). Refresh the package lists first, then look at what is offered: apt-cache policy acme-agent.",
          "apt-get update, then upgrade only this package: apt-get install --only-upgrade acme-agent (or apt-get install acme-agent=1.4.2). Read the questions dpkg asks before you answer them."]
    ja = ["パッケージは社内ミラーから取得します（/etc/apt/sources.list.d/ を参照）。まずパッケージリストを更新し、apt-cache policy acme-agent で提供されているバージョンを確認しましょう。",
          "apt-get update の後、対象パッケージだけを更新します: apt-get install --only-upgrade acme-agent（または apt-get install acme-agent=1.4.2）。dpkg の問い合わせは内容を読んでから回答すること。"]
  }
  check "package" {
    on      = "app-1"
    name    = "acme-agent"
    version = "1.4.2"
  }
  check "package" {
    on      = "app-2"
    name    = "acme-agent"
    version = "1.4.2"
  }
}

goal "agent-running-new" {
  title = {
    en = "The running agents are 1.4.2 (restarted)"
    ja = "稼働中のエージェントが 1.4.2 になっている（再起動済み）"
  }
  points = 25
  needs  = ["agent-installed"]
  # The init script returns before the agent listens (start-stop-daemon
  # --background): a check right after a restart gets a few seconds.
  within = "10s"
  hints = {
    en = ["Installing a package replaces the files on disk; a process started before keeps running the old code. Read what the package said at the end of the upgrade.",
          "service acme-agent restart, then curl -s http://127.0.0.1:9180/ shows the version the running agent was started from."]
    ja = ["パッケージを更新しても置き換わるのはディスク上のファイルだけで、更新前に起動したプロセスは旧バージョンのまま動き続けます。更新時にパッケージが出力したメッセージを確認しましょう。",
          "service acme-agent restart で再起動し、curl -s http://127.0.0.1:9180/ で稼働中エージェントのバージョンを確認できます。"]
  }
  check "http" {
    on       = "repo"
    title    = "app-1's agent (10.65.0.21:9180) answers version=1.4.2"
    url      = "http://10.65.0.21:9180/"
    contains = "version=1.4.2 "
  }
  check "http" {
    on       = "repo"
    title    = "app-2's agent (10.65.0.22:9180) answers version=1.4.2"
    url      = "http://10.65.0.22:9180/"
    contains = "version=1.4.2 "
  }
}

goal "config-kept" {
  title = {
    en = "The local site tag in /etc/acme-agent.conf is kept and in use"
    ja = "/etc/acme-agent.conf のローカル設定（site）を維持し、反映されている"
  }
  points = 25
  needs  = ["agent-installed"]
  within = "10s" # the agent may still be starting (see agent-running-new)
  hints = {
    en = ["1.4.2 ships a new default /etc/acme-agent.conf, and yours was changed locally (site = tyo-dc2), so dpkg asks which one to keep. The package's default tags the host as site=default in the console.",
          "Keep your version (answer N, or -o Dpkg::Options::=--force-confold); or take the new file and put site = tyo-dc2 back (the old one is saved as .dpkg-old). The agent reads its config at start."]
    ja = ["1.4.2 では /etc/acme-agent.conf のデフォルトが変更されており、ローカルでも変更済み（site = tyo-dc2）のため、dpkg がどちらを残すか問い合わせてきます。パッケージ標準の設定だとコンソール上で site=default 扱いになります。",
          "現行の設定を維持する（N と回答、または -o Dpkg::Options::=--force-confold）か、新しい設定を採用して site = tyo-dc2 を戻します（旧ファイルは .dpkg-old として残ります）。エージェントは起動時に設定を読み込みます。"]
  }
  check "file" {
    on      = "app-1"
    path    = "/etc/acme-agent.conf"
    matches = "(?m)^site *= *tyo-dc2 *$"
  }
  check "file" {
    on      = "app-2"
    path    = "/etc/acme-agent.conf"
    matches = "(?m)^site *= *tyo-dc2 *$"
  }
  check "http" {
    on       = "repo"
    title    = "app-1's agent reports site=tyo-dc2"
    url      = "http://10.65.0.21:9180/"
    contains = "site=tyo-dc2 "
  }
  check "http" {
    on       = "repo"
    title    = "app-2's agent reports site=tyo-dc2"
    url      = "http://10.65.0.22:9180/"
    contains = "site=tyo-dc2 "
  }
}

goal "tools-held" {
  title = {
    en = "acme-tools stays at 2.0 and is held"
    ja = "acme-tools を 2.0 のまま保留（hold）する"
  }
  points = 25
  needs  = ["agent-installed"]
  hints = {
    en = ["A held package is left alone by apt-get upgrade and dist-upgrade, so the next routine patch run cannot take 2.1 by accident, and the team's audit (apt-mark showhold) sees it.",
          "apt-mark hold acme-tools (or echo acme-tools hold | dpkg --set-selections); check with apt-mark showhold and apt-get -s upgrade."]
    ja = ["hold したパッケージは apt-get upgrade / dist-upgrade の対象外になるため、次回の定例パッチ適用で 2.1 が誤って入ることを防げます。チームの棚卸し（apt-mark showhold）にも表示されます。",
          "apt-mark hold acme-tools（または echo acme-tools hold | dpkg --set-selections）を実行し、apt-mark showhold と apt-get -s upgrade で確認しましょう。"]
  }
  check "command" {
    on    = "app-1"
    title = "app-1: acme-tools 2.0, held, left alone by a simulated upgrade"
    run   = file("checks/held.sh")
  }
  check "command" {
    on    = "app-2"
    title = "app-2: acme-tools 2.0, held, left alone by a simulated upgrade"
    run   = file("checks/held.sh")
  }
}

solution "app-1" { script = file("solution/app.sh") }
solution "app-2" { script = file("solution/app.sh") }
