scenario "backup-restore" {
  title = {
    en = "Restore lost data, then set up nightly backups"
    ja = "消えたデータの復旧と夜間バックアップの構築"
  }
  lab     = "backup-pair"
  track   = "cloud-ops"
  level   = 2
  minutes = 50
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# app holds deterministic data and has lost /srv/app/uploads; backup holds
# last night's copy of the uploads. There is no backup account yet.
setup "app" { script = file("setup/app.sh") }
setup "backup" { script = file("setup/backup.sh") }

goal "keep-data" {
  title = {
    en = "Keep the live data unchanged"
    ja = "本番データ (/srv/app/data) は変更しない"
  }
  guard  = true
  points = 0
  hints = {
    en = ["Back up from /srv/app/data; never write into it. A reversed rsync (backup to live) or --delete in the wrong direction is how outages start."]
    ja = ["/srv/app/data はバックアップ元です。書き込まないこと。rsync の向きを逆にしたり、--delete を誤った方向で使うと障害になります。"]
  }
  check "command" {
    on    = "app"
    title = "checksums of /srv/app/data"
    run   = "cd /srv/app/data && find . -type f | LC_ALL=C sort | xargs -r sha256sum | sha256sum | cut -c1-64"
    stdout = "f1b2b87f3044ce44176139ee52017d2fc8fc130dd829b89bb9b8dd84a17057cb"
  }
}

goal "restore-uploads" {
  title = {
    en = "/srv/app/uploads is restored exactly, with its owner and modes"
    ja = "/srv/app/uploads を所有者・パーミッションまで正確に復旧する"
  }
  points = 30
  hints = {
    en = ["Last night's copy is on backup in /srv/backups/app/uploads/. rsync -a keeps times and modes; the trailing / on the source means \"the contents of\".",
          "From app: rsync -a root@10.60.0.20:/srv/backups/app/uploads/ /srv/app/uploads/ (or via backupsvc), then chown -R www-data:www-data and chmod: directories 0750, files 0640."]
    ja = ["前夜のバックアップは backup の /srv/backups/app/uploads/ にあります。rsync -a はタイムスタンプとパーミッションを保持します。コピー元末尾の / は「ディレクトリの中身」を意味します。",
          "app で rsync -a root@10.60.0.20:/srv/backups/app/uploads/ /srv/app/uploads/（または backupsvc 経由）を実行し、chown -R www-data:www-data、ディレクトリ 0750・ファイル 0640 に設定します。"]
  }
  check "command" {
    on    = "app"
    title = "checksums, owner and modes of /srv/app/uploads"
    run   = file("checks/restored.sh")
  }
}

goal "backup-account" {
  title = {
    en = "backup has a backupsvc account owning /srv/backups/app/data"
    ja = "backup にバックアップ専用ユーザー backupsvc と保存先を用意する"
  }
  points = 10
  hints = {
    en = ["A dedicated, unprivileged account receives the backups: never root.",
          "useradd -m -s /bin/sh backupsvc; install -d -o backupsvc -g backupsvc -m 0750 /srv/backups/app/data"]
    ja = ["バックアップの受け取りには root ではなく、権限を絞った専用アカウントを使います。",
          "useradd -m -s /bin/sh backupsvc; install -d -o backupsvc -g backupsvc -m 0750 /srv/backups/app/data"]
  }
  check "user" {
    on   = "backup"
    name = "backupsvc"
  }
  check "file" {
    on    = "backup"
    path  = "/srv/backups/app/data"
    type  = "directory"
    owner = "backupsvc"
  }
}

goal "ssh-key" {
  title = {
    en = "root on app logs in to backupsvc@backup with a key, non-interactively"
    ja = "app の root から backupsvc@backup へ鍵認証で非対話ログインできる"
  }
  points = 20
  needs  = ["backup-account"]
  hints = {
    en = ["cron cannot type a password or answer a host-key prompt: it needs a key without a passphrase and the server's host key in known_hosts.",
          "On app: ssh-keygen -t ed25519 -N '' -f /root/.ssh/id_ed25519; put the .pub line into /home/backupsvc/.ssh/authorized_keys on backup (0700 dir, 0600 file, owned by backupsvc); ssh-keyscan 10.60.0.20 >> /root/.ssh/known_hosts."]
    ja = ["cron はパスワード入力もホスト鍵の確認応答もできません。パスフレーズなしの鍵と、known_hosts へのホスト鍵登録が必要です。",
          "app で ssh-keygen -t ed25519 -N '' -f /root/.ssh/id_ed25519 を実行し、.pub の内容を backup の /home/backupsvc/.ssh/authorized_keys に登録（ディレクトリ 0700、ファイル 0600、所有者 backupsvc）。ssh-keyscan 10.60.0.20 >> /root/.ssh/known_hosts も忘れずに。"]
  }
  check "command" {
    on    = "app"
    title = "ssh -o BatchMode=yes backupsvc@10.60.0.20 id -un"
    run   = "ssh -o BatchMode=yes -o ConnectTimeout=5 backupsvc@10.60.0.20 id -un"
    stdout = "backupsvc"
  }
}

goal "backup-copy" {
  title = {
    en = "backup holds an exact copy of /srv/app/data"
    ja = "backup に /srv/app/data の正確なコピーがある"
  }
  points = 20
  needs  = ["ssh-key"]
  hints = {
    en = ["Run the backup once by hand now; do not wait for the night.",
          "rsync -a --delete /srv/app/data/ backupsvc@10.60.0.20:/srv/backups/app/data/ (mind the trailing slashes)"]
    ja = ["夜間実行を待たず、まず手動で 1 回バックアップを取りましょう。",
          "rsync -a --delete /srv/app/data/ backupsvc@10.60.0.20:/srv/backups/app/data/（末尾の / に注意）"]
  }
  check "command" {
    on    = "backup"
    title = "checksums of /srv/backups/app/data"
    run   = file("checks/backup-copy.sh")
  }
}

goal "nightly" {
  title = {
    en = "The backup runs every night from cron"
    ja = "バックアップを cron で毎晩実行する"
  }
  points = 20
  needs  = ["ssh-key"]
  hints = {
    en = ["A daily entry in root's crontab (crontab -e) or in /etc/cron.d/ (with a user field). Put the command in a script if it gets long.",
          "30 1 * * * rsync -a --delete /srv/app/data/ backupsvc@10.60.0.20:/srv/backups/app/data/"]
    ja = ["root の crontab（crontab -e）か /etc/cron.d/（ユーザー欄あり）に日次のエントリを追加します。コマンドが長くなるならスクリプト化しましょう。",
          "30 1 * * * rsync -a --delete /srv/app/data/ backupsvc@10.60.0.20:/srv/backups/app/data/"]
  }
  check "command" {
    on    = "app"
    title = "a daily cron entry runs rsync to backup"
    run   = file("checks/nightly.sh")
  }
}

# Order matters: backup opens a one-shot channel for app's public key (a
# learner would paste it), then app does the rest.
solution "backup" { script = file("solution/backup.sh") }
solution "app" { script = file("solution/app.sh") }
