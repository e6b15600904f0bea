scenario "monitoring" {
  title = {
    en = "Monitor the web servers with Prometheus"
    ja = "Prometheus で Web サーバーを監視する"
  }
  lab     = "monitoring"
  track   = "operations"
  level   = 2
  minutes = 45
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# The node exporters on web-1 and web-2 run, but bound to 127.0.0.1 only
# (a half-finished earlier attempt). Prometheus on mon runs Debian's sample
# configuration, which scrapes a node exporter on mon itself that does not exist.
setup "web-1" { script = file("setup/web.sh") }
setup "web-2" { script = file("setup/web.sh") }

goal "web-serving" {
  title = {
    en = "Keep nginx serving on web-1 and web-2"
    ja = "web-1・web-2 の nginx は稼働させたままにする"
  }
  guard  = true
  points = 0
  hints = {
    en = ["The web servers themselves are fine: the work is monitoring them, not changing them."]
    ja = ["Web サーバー自体に問題はありません。作業は監視の設定で、Web サーバーの変更ではありません。"]
  }
  check "http" {
    on       = "mon"
    url      = "http://10.90.0.11/"
    contains = "Served by web-1"
  }
  check "http" {
    on       = "mon"
    url      = "http://10.90.0.12/"
    contains = "Served by web-2"
  }
}

goal "exporters" {
  title = {
    en = "mon can read node metrics from web-1 and web-2 on port 9100"
    ja = "mon から web-1・web-2 の 9100 番ポートでノードのメトリクスを取得できる"
  }
  points = 20
  needs  = ["web-serving"]
  within = "10s"
  hints = {
    en = ["On web-1, ss -ltnp shows where prometheus-node-exporter listens. Compare with what mon needs, and try curl http://web-1:9100/metrics from mon.",
          "Its command-line arguments are in /etc/default/prometheus-node-exporter (ARGS). It listens on 127.0.0.1 only: remove the --web.listen-address (the default is :9100) and service prometheus-node-exporter restart, on both web servers."]
    ja = ["web-1 で ss -ltnp を実行し、prometheus-node-exporter がどのアドレスで待ち受けているか確認しましょう。mon から curl http://web-1:9100/metrics も試してみてください。",
          "起動オプションは /etc/default/prometheus-node-exporter の ARGS にあります。127.0.0.1 のみで待ち受けているので、--web.listen-address を外し（デフォルトは :9100）、service prometheus-node-exporter restart を両方の Web サーバーで実行します。"]
  }
  check "http" {
    on       = "mon"
    url      = "http://10.90.0.11:9100/metrics"
    contains = "node_exporter_build_info"
  }
  check "http" {
    on       = "mon"
    url      = "http://10.90.0.12:9100/metrics"
    contains = "node_exporter_build_info"
  }
}

goal "targets-up" {
  title = {
    en = "Prometheus scrapes web-1 and web-2 as job \"node\" every 15 s, both up"
    ja = "Prometheus がジョブ \"node\" で web-1・web-2 を 15 秒間隔でスクレイプし、両方 UP になっている"
  }
  points = 25
  needs  = ["exporters"]
  within = "40s"
  hints = {
    en = ["Status > Targets in the web UI (or curl -s localhost:9090/api/v1/targets on mon) shows what Prometheus scrapes and why a target is down. The sample configuration scrapes localhost:9100, and mon has no node exporter.",
          "In /etc/prometheus/prometheus.yml, job_name: node with scrape_interval: 15s and static_configs: - targets: ['web-1:9100', 'web-2:9100']. promtool check config, then reload: service prometheus reload (SIGHUP) or restart."]
    ja = ["Web UI の Status > Targets（mon で curl -s localhost:9090/api/v1/targets でも可）で、スクレイプ対象と DOWN の理由が確認できます。サンプル設定は localhost:9100 をスクレイプしていますが、mon には node exporter がありません。",
          "/etc/prometheus/prometheus.yml に job_name: node、scrape_interval: 15s、static_configs: - targets: ['web-1:9100', 'web-2:9100'] を設定します。promtool check config で確認後、service prometheus reload（SIGHUP）または restart で反映します。"]
  }
  check "command" {
    on    = "mon"
    title = "Prometheus API: active targets of job \"node\""
    run   = join("", ["MODE=targets\n", file("checks/prom.sh")])
  }
}

goal "alert-rule" {
  title = {
    en = "Alert rule InstanceDown is loaded (for at most 1m, severity critical)"
    ja = "アラートルール InstanceDown が読み込まれている（for は 1m 以内、severity は critical）"
  }
  points = 20
  hints = {
    en = ["Alert rules live in their own YAML files, listed under rule_files in prometheus.yml; Status > Rules (or /api/v1/rules) shows what is loaded.",
          "groups: - name: node  rules: - alert: InstanceDown  expr: up{job=\"node\"} == 0  for: 1m  labels: {severity: critical}. Check it with promtool check rules FILE, add the file to rule_files, and reload Prometheus."]
    ja = ["アラートルールは別の YAML ファイルに書き、prometheus.yml の rule_files で読み込みます。読み込まれたルールは Status > Rules（/api/v1/rules）で確認できます。",
          "groups: - name: node  rules: - alert: InstanceDown  expr: up{job=\"node\"} == 0  for: 1m  labels: {severity: critical} のように書きます。promtool check rules で構文チェックし、rule_files に追加して Prometheus をリロードしてください。"]
  }
  check "command" {
    on    = "mon"
    title = "Prometheus API: rule InstanceDown"
    run   = join("", ["MODE=rule\n", file("checks/prom.sh")])
  }
}

goal "no-false-alarm" {
  title = {
    en = "No InstanceDown alert while every server is up"
    ja = "全サーバー正常時に InstanceDown アラートが出ていない"
  }
  points = 10
  needs  = ["targets-up", "alert-rule"]
  within = "45s"
  hints = {
    en = ["Alerts (or /api/v1/alerts) lists pending and firing alerts. A target that can never be scraped, such as the sample localhost:9100, keeps the alert on forever.",
          "The expression must be true only for a target that is down: up == 0 for the job of the web servers."]
    ja = ["Alerts 画面（/api/v1/alerts）に pending / firing のアラートが表示されます。サンプル設定の localhost:9100 のように絶対にスクレイプできないターゲットがあると、アラートが出続けます。",
          "条件式はダウンしたターゲットでのみ真になるようにします。Web サーバーのジョブについて up == 0 です。"]
  }
  check "command" {
    on    = "mon"
    title = "Prometheus API: InstanceDown alerts"
    run   = join("", ["MODE=quiet\n", file("checks/prom.sh")])
  }
}

goal "alert-on-down" {
  title = {
    en = "InstanceDown goes off for web-1 when web-1 fails"
    ja = "web-1 が停止すると web-1 の InstanceDown アラートが発生する"
  }
  points = 25
  needs  = ["no-false-alarm"]
  within = "75s"
  hints = {
    en = ["dojo checks this goal with web-1 cut off the network and waits up to 75 s for the alert to be pending or firing. The alert must name the server (its instance label).",
          "A scrape of a dead target fails after scrape_timeout (10 s by default), up becomes 0, and the next rule evaluation (evaluation_interval, 15 s in Debian's sample) makes the alert pending. Keep both intervals at 15 s or less, and do not aggregate the instance label away (no sum() or count() around up)."]
    ja = ["この課題は web-1 をネットワークから切り離した状態で採点され、アラートが pending または firing になるまで最大 75 秒待ちます。アラートにはどのサーバーか（instance ラベル）が含まれている必要があります。",
          "ダウンしたターゲットのスクレイプは scrape_timeout（デフォルト 10 秒）で失敗して up が 0 になり、次のルール評価（evaluation_interval、Debian のサンプルでは 15 秒）でアラートが pending になります。両方の間隔を 15 秒以内にし、sum() や count() で instance ラベルを集約しないでください。"]
  }
  fault "node_down" {
    node = "web-1"
  }
  check "command" {
    on    = "mon"
    title = "Prometheus API: InstanceDown alert for web-1 (and none for web-2)"
    run   = join("", ["MODE=down\n", file("checks/prom.sh")])
  }
}

solution "web-1" { script = file("solution/web.sh") }
solution "web-2" { script = file("solution/web.sh") }
solution "mon" { script = file("solution/mon.sh") }
