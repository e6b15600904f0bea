scenario "web-outage" {
  title = {
    en = "Incident: the intranet is down"
    ja = "障害対応: 社内 Web サイトが見えない"
  }
  lab     = "two-subnets"
  track   = "operations"
  level   = 2
  minutes = 45
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# Real faults: forwarding turned off (and written to sysctl.d) on router;
# on web a broken nginx config with nginx stopped, a wrong route back to the
# office, and a runaway report job that cron restarts.
setup "router" { script = file("setup/router.sh") }
setup "web" { script = file("setup/web.sh") }

goal "keep-page" {
  title = {
    en = "Keep the page content as it is"
    ja = "ページの内容は変更しない"
  }
  guard  = true
  points = 0
  hints = {
    en = ["The content is fine: fix the service, not the page."]
    ja = ["コンテンツに問題はありません。直すのはサービスで、ページではありません。"]
  }
  check "file" {
    on       = "web"
    path     = "/var/www/html/index.html"
    contains = "Welcome"
  }
}

goal "nginx-config" {
  title = {
    en = "nginx's configuration is valid again"
    ja = "nginx の設定ファイルの構文エラーを解消する"
  }
  points = 15
  hints = {
    en = ["nginx -t tests the configuration and names the file and line of the first error.",
          "A directive is missing its ; in /etc/nginx/sites-enabled/default. Fix it and run nginx -t again."]
    ja = ["nginx -t で設定の構文チェックができ、最初のエラーのファイル名と行番号が表示されます。",
          "/etc/nginx/sites-enabled/default でディレクティブ末尾の ; が抜けています。修正して再度 nginx -t を実行しましょう。"]
  }
  check "command" {
    on    = "web"
    title = "nginx -t"
    run   = "nginx -t 2>&1"
    contains = "test is successful"
  }
}

goal "nginx-running" {
  title = {
    en = "nginx runs and listens on port 80"
    ja = "nginx が起動し、80 番ポートで待ち受けている"
  }
  points = 10
  needs  = ["nginx-config"]
  within = "10s"
  hints = {
    en = ["There is no systemd: service nginx status / start."]
    ja = ["systemd はありません。service nginx status / start を使います。"]
  }
  check "service" {
    on   = "web"
    name = "nginx"
  }
  check "port" {
    on   = "web"
    port = 80
  }
}

goal "return-route" {
  title = {
    en = "web's route back to the office is correct"
    ja = "web から事務所 LAN への戻りの経路を修正する"
  }
  points = 15
  hints = {
    en = ["Replies need a route too. On web: ip route get 10.10.1.10 — which next hop does it pick, and does that host exist?",
          "The router's address on the server LAN is 10.10.2.1: ip route replace 10.10.1.0/24 via 10.10.2.1"]
    ja = ["戻りの通信にも経路が必要です。web で ip route get 10.10.1.10 を実行し、どのネクストホップが選ばれているか、そのホストが実在するかを確認しましょう。",
          "サーバー LAN 側のルーターのアドレスは 10.10.2.1 です: ip route replace 10.10.1.0/24 via 10.10.2.1"]
  }
  check "command" {
    on    = "web"
    title = "the route to the office goes through the router (10.10.2.1)"
    run   = "ip -4 route get 10.10.1.10"
    matches = "via 10\\.10\\.2\\.1 "
  }
}

goal "forwarding" {
  title = {
    en = "The router forwards again, also after a reboot"
    ja = "ルーターの IP 転送を有効にし、再起動後も維持する"
  }
  points = 15
  hints = {
    en = ["sysctl net.ipv4.ip_forward shows the running value; something set it to 0. grep -r ip_forward /etc/sysctl.conf /etc/sysctl.d/",
          "sysctl -w net.ipv4.ip_forward=1 now, and fix the file under /etc/sysctl.d/ that turns it off (the last file read wins)."]
    ja = ["sysctl net.ipv4.ip_forward で現在値を確認できます。何かが 0 に設定しています: grep -r ip_forward /etc/sysctl.conf /etc/sysctl.d/",
          "sysctl -w net.ipv4.ip_forward=1 で即時反映し、/etc/sysctl.d/ 配下で 0 にしているファイルを修正します（最後に読まれた値が有効）。"]
  }
  check "sysctl" {
    on    = "router"
    key   = "net.ipv4.ip_forward"
    value = "1"
  }
  check "command" {
    on    = "router"
    title = "the configuration files end up with ip_forward = 1"
    run   = file("checks/sysctl-files.sh")
    stdout = "1"
  }
}

goal "service-restored" {
  title = {
    en = "The office loads the intranet page through the router"
    ja = "事務所からルーター経由で社内ページが表示できる"
  }
  points = 30
  needs  = ["nginx-running", "return-route", "forwarding"]
  within = "15s"
  hints = {
    en = ["From client: curl -v http://10.10.2.10/. If it hangs, follow the packets: tcpdump -ni any port 80 on router, then on web."]
    ja = ["client から curl -v http://10.10.2.10/。応答がなければ、router と web で tcpdump -ni any port 80 を実行してパケットを追いましょう。"]
  }
  check "http" {
    on       = "client"
    url      = "http://10.10.2.10/"
    status   = 200
    contains = "Welcome"
  }
  check "command" {
    on    = "client"
    title = "client still reaches web through the router"
    run   = "ip -4 route get 10.10.2.10"
    matches = "via 10\\.10\\.1\\.1 "
  }
}

goal "runaway-job" {
  title = {
    en = "The runaway job is stopped and stays stopped"
    ja = "暴走しているジョブを停止し、再発しないようにする"
  }
  points = 15
  hints = {
    en = ["Which process eats the CPU? top, or ps -eo pid,user,pcpu,comm --sort=-pcpu | head.",
          "Killing it is not enough if something restarts it: look for it in /etc/cron.d/ and the crontabs, and disable that entry too."]
    ja = ["CPU を食っているプロセスは？ top か ps -eo pid,user,pcpu,comm --sort=-pcpu | head で確認します。",
          "kill しても何かが再起動させていれば再発します。/etc/cron.d/ や crontab を確認し、そのエントリも無効化しましょう。"]
  }
  check "process" {
    on      = "web"
    name    = "report-gen"
    running = false
  }
  check "command" {
    on    = "web"
    title = "no cron entry starts report-gen"
    run   = "cat /etc/crontab /etc/cron.d/* /var/spool/cron/crontabs/* 2>/dev/null | grep -v '^[[:space:]]*#' | grep -c report-gen || true"
    stdout = "0"
  }
}

solution "router" { script = file("solution/router.sh") }
solution "web" { script = file("solution/web.sh") }
