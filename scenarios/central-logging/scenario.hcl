scenario "central-logging" {
  title = {
    en = "Central logging with rsyslog, plus log rotation"
    ja = "rsyslog によるログ集約とログローテーション"
  }
  lab     = "log-center"
  track   = "operations"
  level   = 2
  minutes = 45
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# No setup: the lab starts with rsyslog running on loghost, web and db,
# each logging only locally. Grading is by real traffic: web and db emit a
# probe ("probe HOST <epoch>", tag dojo-probe) through their own rsyslog,
# and loghost must have stored a recent one in the right file; vendor
# sends one over TCP to loghost's vendor leg, which must not be stored.
# lan-only and rotation need db-forwarding: the first needs the LAN path it
# guards, the second stored files for logrotate -d -f to consider.

goal "loghost-tcp" {
  title = {
    en = "loghost receives syslog on TCP port 514"
    ja = "loghost が TCP 514 番で syslog を受信する"
  }
  points = 15
  hints = {
    en = ["rsyslog needs the imtcp input module and an input on port 514. Put your configuration in a file under /etc/rsyslog.d/ and check it with rsyslogd -N1.",
          "module(load=\"imtcp\") and input(type=\"imtcp\" port=\"514\"), then service rsyslog restart; ss -ltnp | grep 514 shows the listener."]
    ja = ["rsyslog で TCP 受信するには imtcp モジュールと 514 番の input 定義が必要です。設定は /etc/rsyslog.d/ 配下のファイルに書き、rsyslogd -N1 で構文チェックしましょう。",
          "module(load=\"imtcp\") と input(type=\"imtcp\" port=\"514\") を追加して service rsyslog restart。ss -ltnp | grep 514 で待ち受けを確認できます。"]
  }
  check "port" {
    on       = "loghost"
    port     = 514
    protocol = "tcp"
  }
  check "command" {
    on    = "web"
    title = "from web, TCP 514 of loghost is open"
    run   = "nc -z -w 2 10.70.0.10 514"
  }
}

goal "web-forwarding" {
  title = {
    en = "web's messages are stored on loghost, per host and program"
    ja = "web のログが loghost にホスト別・プログラム別で保存される"
  }
  points = 20
  needs  = ["loghost-tcp"]
  within = "30s"
  hints = {
    en = ["On web, forward *.info to 10.70.0.10 over TCP. On loghost, a dynamic file name built from the message's host name and program name does the per-host files.",
          "web: *.info action(type=\"omfwd\" target=\"10.70.0.10\" port=\"514\" protocol=\"tcp\") (legacy form: *.info @@10.70.0.10:514 — a single @ is UDP). loghost: template(name=\"PerHost\" type=\"string\" string=\"/var/log/remote/%HOSTNAME%/%PROGRAMNAME%.log\") and action(type=\"omfile\" dynaFile=\"PerHost\") in the ruleset of the TCP input.",
          "Test with logger -t test hello on web, then ls /var/log/remote/web/ on loghost. A client whose loghost was down retries later: give it a few seconds, or restart rsyslog on web."]
    ja = ["web では *.info を TCP で 10.70.0.10 へ転送します。loghost では、メッセージのホスト名とプログラム名からファイル名を組み立てる動的ファイル（テンプレート）でホスト別に保存できます。",
          "web: *.info action(type=\"omfwd\" target=\"10.70.0.10\" port=\"514\" protocol=\"tcp\")（旧書式なら *.info @@10.70.0.10:514。@ が 1 つだと UDP になります）。loghost: template(name=\"PerHost\" type=\"string\" string=\"/var/log/remote/%HOSTNAME%/%PROGRAMNAME%.log\") を定義し、TCP input の ruleset 内で action(type=\"omfile\" dynaFile=\"PerHost\") を指定します。",
          "web で logger -t test hello を実行し、loghost の /var/log/remote/web/ を確認しましょう。loghost が停止中だった場合、クライアントは少し時間をおいて再送します。数秒待つか、web の rsyslog を再起動してください。"]
  }
  check "command" {
    on    = "web"
    title = "web logs a probe (user.info, tag dojo-probe)"
    run   = "logger -p user.info -t dojo-probe \"probe web $(date +%s)\""
  }
  check "command" {
    on    = "loghost"
    title = "the probe from web is in /var/log/remote/web/dojo-probe.log"
    run   = format("H=web\n%s", file("checks/probe.sh"))
  }
  check "command" {
    on    = "web"
    title = "web forwards over TCP: a connection to 10.70.0.10:514 is established"
    run   = "ss -Htn state established '( dport = :514 )' dst 10.70.0.10 | grep ."
  }
}

goal "db-forwarding" {
  title = {
    en = "db forwards every facility, authpriv included"
    ja = "db が authpriv を含む全ファシリティを転送する"
  }
  points = 20
  needs  = ["loghost-tcp"]
  within = "30s"
  hints = {
    en = ["db needs the same forwarding as web. Watch the selector: a copy of Debian's *.*;auth,authpriv.none line leaves out exactly the login records.",
          "*.info covers every facility at priority info and above, authpriv included. Test with logger -p authpriv.info -t test hello on db."]
    ja = ["db にも web と同じ転送設定が必要です。セレクタに注意: Debian 標準の *.*;auth,authpriv.none をそのまま流用すると、肝心のログイン記録が転送されません。",
          "*.info なら全ファシリティのプライオリティ info 以上（authpriv を含む）が対象です。db で logger -p authpriv.info -t test hello を実行して確認しましょう。"]
  }
  check "command" {
    on    = "db"
    title = "db logs a probe (authpriv.info, tag dojo-probe)"
    run   = "logger -p authpriv.info -t dojo-probe \"probe db $(date +%s)\""
  }
  check "command" {
    on    = "loghost"
    title = "the probe from db is in /var/log/remote/db/dojo-probe.log"
    run   = format("H=db\n%s", file("checks/probe.sh"))
  }
  check "command" {
    on    = "db"
    title = "db forwards over TCP: a connection to 10.70.0.10:514 is established"
    run   = "ss -Htn state established '( dport = :514 )' dst 10.70.0.10 | grep ."
  }
}

goal "lan-only" {
  title = {
    en = "Nothing from the vendor network is stored"
    ja = "ベンダー用ネットワークからのログは記録しない"
  }
  points = 20
  needs  = ["db-forwarding"]
  hints = {
    en = ["loghost listens on every address, so vendor (10.70.9.50) can send too. Restrict who may send, in rsyslog or in front of it; rsyslog keeps listening for the LAN.",
          "Any one of: filter on the sender in the TCP ruleset (if $fromhost-ip startswith \"10.70.0.\" then ...), $AllowedSender TCP, 10.70.0.0/24, an imtcp input bound to 10.70.0.10 only (address=\"10.70.0.10\"), or a firewall rule on loghost for tcp dport 514. Test from vendor: logger -T -n 10.70.9.10 -P 514 hello."]
    ja = ["loghost は全アドレスで待ち受けているため、vendor（10.70.9.50）からも送信できてしまいます。rsyslog 側、またはその手前で送信元を制限しましょう。LAN 向けの待ち受けは維持すること。",
          "方法はいずれでも可: TCP 用 ruleset で送信元を判定（if $fromhost-ip startswith \"10.70.0.\" then ...）、$AllowedSender TCP, 10.70.0.0/24、imtcp の待ち受けを 10.70.0.10 に限定（address=\"10.70.0.10\"）、loghost のファイアウォールで tcp dport 514 を制限。vendor から logger -T -n 10.70.9.10 -P 514 hello で確認できます。"]
  }
  check "command" {
    on    = "vendor"
    title = "vendor sends a probe to 10.70.9.10:514 over TCP"
    run   = "logger -T -n 10.70.9.10 -P 514 -t dojo-probe \"probe vendor $(date +%s)\" 2>&1 || true"
  }
  check "command" {
    on    = "loghost"
    title = "no probe from vendor is stored under /var/log"
    run   = file("checks/vendor.sh")
  }
  check "port" {
    on       = "loghost"
    title    = "rsyslog still listens on TCP 514"
    port     = 514
    protocol = "tcp"
  }
}

goal "rotation" {
  title = {
    en = "The stored logs are rotated daily, 14 kept, compressed"
    ja = "集約ログを日次・14 世代・圧縮でローテーションする"
  }
  points = 25
  needs  = ["db-forwarding"]
  hints = {
    en = ["Add a file under /etc/logrotate.d/ for /var/log/remote/*/*.log. logrotate -d /etc/logrotate.conf shows how it reads it, without rotating anything.",
          "daily, rotate 14, compress (delaycompress is fine), missingok, and a postrotate that makes rsyslog reopen its files: /usr/lib/rsyslog/rsyslog-rotate (as in /etc/logrotate.d/rsyslog), or copytruncate."]
    ja = ["/etc/logrotate.d/ 配下に /var/log/remote/*/*.log 用の設定ファイルを追加します。logrotate -d /etc/logrotate.conf で、実際にはローテーションせずに設定の解釈結果を確認できます。",
          "daily、rotate 14、compress（delaycompress 併用も可）、missingok に加え、rsyslog にファイルを開き直させる postrotate（/etc/logrotate.d/rsyslog と同じく /usr/lib/rsyslog/rsyslog-rotate）か copytruncate を指定します。"]
  }
  check "command" {
    on      = "loghost"
    title   = "logrotate -d: daily, 14 generations, compressed, rsyslog reopens (postrotate) or copytruncate"
    run     = file("checks/rotation.sh")
    matches = "^daily=yes rotate=14 compress=yes reopen=(postrotate|copytruncate)$"
  }
}

solution "loghost" { script = file("solution/loghost.sh") }
solution "web" { script = file("solution/web.sh") }
solution "db" { script = file("solution/db.sh") }
