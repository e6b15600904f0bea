scenario "first-server" {
  title = {
    en = "Build your first Linux server"
    ja = "はじめての Linux サーバー構築"
  }
  lab     = "single-server"
  track   = "server"
  level   = 1
  minutes = 45
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# Puts the server into a "fresh install" state: password logins allowed,
# nginx stopped, a backup script waiting to be scheduled.
setup "server" { script = file("setup/server.sh") }

goal "deploy-user" {
  title = {
    en = "An admin account 'deploy' exists"
    ja = "管理ユーザー deploy が存在する"
  }
  points = 15
  hints = {
    en = ["useradd has options for the home directory (-m), the shell (-s) and extra groups (-G).",
          "useradd -m -s /bin/bash -G sudo deploy"]
    ja = ["useradd にはホームディレクトリ作成（-m）、シェル（-s）、サブグループ（-G）のオプションがあります。",
          "useradd -m -s /bin/bash -G sudo deploy"]
  }
  check "user" {
    on     = "server"
    name   = "deploy"
    groups = ["sudo"]
    shell  = "/bin/bash"
    home   = "/home/deploy"
  }
  check "file" {
    on    = "server"
    path  = "/home/deploy"
    type  = "directory"
    owner = "deploy"
  }
}

goal "deploy-ssh-dir" {
  title = {
    en = "deploy has a private ~/.ssh directory"
    ja = "deploy の ~/.ssh が本人専用になっている"
  }
  points = 10
  needs  = ["deploy-user"]
  hints = {
    en = ["sshd refuses keys when ~/.ssh is writable by others: mode 0700, owned by the user.",
          "install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh"]
    ja = ["~/.ssh が他ユーザーから書き込み可能だと、sshd は鍵認証を拒否します。モード 0700、所有者は本人に。",
          "install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh"]
  }
  check "file" {
    on    = "server"
    path  = "/home/deploy/.ssh"
    type  = "directory"
    mode  = "0700"
    owner = "deploy"
  }
}

goal "ssh-hardening" {
  title = {
    en = "SSH accepts keys only and few attempts"
    ja = "SSH は鍵認証のみ・認証試行回数を制限"
  }
  points = 25
  hints = {
    en = ["Run sshd -T to see the settings sshd will really use. Files in /etc/ssh/sshd_config.d are read first, and the first value found wins.",
          "Set PasswordAuthentication no, PermitRootLogin prohibit-password and MaxAuthTries 3, check with sshd -t, then reload sshd."]
    ja = ["sshd -T で sshd が実際に使う設定を確認できます。/etc/ssh/sshd_config.d 配下のファイルが先に読まれ、最初に見つかった値が有効になります。",
          "PasswordAuthentication no、PermitRootLogin prohibit-password、MaxAuthTries 3 を設定し、sshd -t で確認してから sshd をリロードします。"]
  }
  check "sshd" {
    on    = "server"
    key   = "PasswordAuthentication"
    value = "no"
  }
  check "sshd" {
    on    = "server"
    key   = "PermitRootLogin"
    value = "prohibit-password"
  }
  check "sshd" {
    on    = "server"
    key   = "MaxAuthTries"
    value = "3"
  }
}

goal "web" {
  title = {
    en = "nginx serves the labdojo page on port 80"
    ja = "nginx が 80 番ポートで labdojo ページを返す"
  }
  points = 25
  within = "10s"
  hints = {
    en = ["There is no systemd on this server: use the service command.",
          "Put a page containing the word labdojo in /var/www/html/index.html, then: service nginx start"]
    ja = ["このサーバーに systemd はありません。service コマンドを使います。",
          "/var/www/html/index.html に labdojo という単語を含むページを置き、service nginx start を実行します。"]
  }
  check "service" {
    on   = "server"
    name = "nginx"
  }
  check "port" {
    on   = "server"
    port = 80
  }
  check "http" {
    on       = "server"
    url      = "http://127.0.0.1/"
    contains = "labdojo"
  }
}

goal "backup-cron" {
  title = {
    en = "The backup script runs every day"
    ja = "バックアップスクリプトを毎日実行する"
  }
  points = 15
  hints = {
    en = ["crontab -e edits root's crontab; the five time fields are minute hour day-of-month month day-of-week.",
          "30 2 * * * /usr/local/bin/backup-etc.sh"]
    ja = ["crontab -e で root の crontab を編集します。時刻指定の 5 フィールドは 分・時・日・月・曜日 です。",
          "30 2 * * * /usr/local/bin/backup-etc.sh"]
  }
  check "cron" {
    on       = "server"
    user     = "root"
    contains = "/usr/local/bin/backup-etc.sh"
  }
  check "command" {
    on    = "server"
    title = "the backup entry is scheduled daily"
    run   = <<-EOT
      { crontab -l 2>/dev/null; cat /etc/crontab /etc/cron.d/* 2>/dev/null; } |
        grep -v '^[[:space:]]*#' | grep 'backup-etc.sh' |
        grep -Eq '^[[:space:]]*(@daily|@midnight|[0-9]+[[:space:]]+[0-9]+[[:space:]]+\*[[:space:]]+\*[[:space:]]+\*)'
    EOT
  }
}

goal "motd" {
  title = {
    en = "Logins show a warning banner"
    ja = "ログイン時に警告バナーを表示する"
  }
  points = 10
  hints = {
    en = ["The message of the day is the file /etc/motd."]
    ja = ["ログイン時のメッセージ（MOTD）は /etc/motd ファイルです。"]
  }
  check "file" {
    on      = "server"
    path    = "/etc/motd"
    matches = "(?i)authori[sz]ed use only"
  }
}

solution "server" { script = file("solution/server.sh") }
