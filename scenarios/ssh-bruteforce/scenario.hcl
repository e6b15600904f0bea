scenario "ssh-bruteforce" {
  title = {
    en = "First response to an SSH brute-force login"
    ja = "SSH ブルートフォース侵入への初動対応"
  }
  lab     = "client-server"
  track   = "operations"
  level   = 1
  minutes = 30
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# server's auth.log records a brute force from 10.20.0.66 ending in a
# login as svc-backup; client also holds 10.20.0.66.
setup "server" { script = file("setup/server.sh") }
setup "client" { script = file("setup/client.sh") }

goal "users-keep-access" {
  title = {
    en = "Keep SSH open for legitimate users"
    ja = "正規の利用者の SSH 接続は維持する"
  }
  guard  = true
  points = 0
  hints = {
    en = ["Contain the attacker, not the service: sshd keeps running and 10.20.0.10 can still connect. Do not block the whole subnet."]
    ja = ["止めるのは攻撃元で、サービスではありません。sshd は稼働させたまま、10.20.0.10 からは接続できる状態を維持すること。サブネットごとのブロックは不可です。"]
  }
  check "command" {
    on    = "client"
    title = "from 10.20.0.10, port 22 of server is open"
    run   = "nc -z -w 2 -s 10.20.0.10 10.20.0.20 22"
  }
}

goal "attacker-blocked" {
  title = {
    en = "The attacking address can no longer reach server"
    ja = "攻撃元アドレスから server へ到達できない"
  }
  points = 35
  needs  = ["users-keep-access"]
  within = "5s"
  hints = {
    en = ["Read /var/log/auth.log on server: which address has many Failed password lines? grep 'Failed password' /var/log/auth.log | awk '{print $(NF-3)}' | sort | uniq -c",
          "Drop it on server's input path: nft add table inet filter; nft add chain inet filter input '{ type filter hook input priority filter; }'; nft add rule inet filter input ip saddr 10.20.0.66 drop (or iptables -I INPUT -s 10.20.0.66 -j DROP)."]
    ja = ["server の /var/log/auth.log を確認します。Failed password が多発している送信元は？ grep 'Failed password' /var/log/auth.log | awk '{print $(NF-3)}' | sort | uniq -c",
          "server の INPUT で破棄します: nft add table inet filter; nft add chain inet filter input '{ type filter hook input priority filter; }'; nft add rule inet filter input ip saddr 10.20.0.66 drop（または iptables -I INPUT -s 10.20.0.66 -j DROP）。"]
  }
  check "command" {
    on    = "client"
    title = "from 10.20.0.66, port 22 of server is closed"
    run   = "if nc -z -w 2 -s 10.20.0.66 10.20.0.20 22; then echo open; exit 1; fi; echo closed"
  }
  check "port" {
    on   = "server"
    port = 22
  }
}

goal "account-locked" {
  title = {
    en = "The compromised account cannot log in"
    ja = "侵害されたアカウントをログイン不可にする"
  }
  points = 35
  hints = {
    en = ["After the failures comes an Accepted password line: that account is compromised. Which one?",
          "usermod -L svc-backup locks its password (passwd -S shows L); also set its shell to /usr/sbin/nologin or expire it (usermod -e 1)."]
    ja = ["失敗の後に Accepted password の行があります。そのアカウントは侵害されています。どのアカウントでしょう？",
          "usermod -L svc-backup でパスワードをロック（passwd -S で L と表示）。シェルを /usr/sbin/nologin にするか、usermod -e 1 で失効させるのも有効です。"]
  }
  check "command" {
    on    = "server"
    title = "svc-backup still exists, its password is locked"
    run   = "passwd -S svc-backup"
    matches = "^svc-backup L "
  }
  check "user" {
    on    = "server"
    title = "alice (not compromised) keeps her login shell"
    name  = "alice"
    shell = "/bin/bash"
  }
}

goal "incident-note" {
  title = {
    en = "The incident note names the source and the account"
    ja = "インシデントメモに攻撃元と侵害アカウントを記載する"
  }
  points = 30
  needs  = ["attacker-blocked", "account-locked"]
  hints = {
    en = ["The next shift needs the facts: where from, which account, when, what you did.",
          "Write them to /root/INC-3112.txt: 10.20.0.66, svc-backup, the time of the successful login, the containment."]
    ja = ["次の当番に事実を引き継ぎます。どこから、どのアカウントに、いつ、何をしたか。",
          "/root/INC-3112.txt に記載: 10.20.0.66、svc-backup、ログイン成功の時刻、実施した封じ込め策。"]
  }
  check "file" {
    on      = "server"
    path    = "/root/INC-3112.txt"
    matches = "(?s)(10\\.20\\.0\\.66.*svc-backup|svc-backup.*10\\.20\\.0\\.66)"
  }
}

solution "server" { script = file("solution/server.sh") }
