scenario "team-share" {
  title = {
    en = "A shared team directory and limited sudo"
    ja = "チーム共有ディレクトリと sudo 権限の最小化"
  }
  lab     = "single-server"
  track   = "server"
  level   = 1
  minutes = 35
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# alice, bob and carol have accounts; nothing else is set up.
setup "server" { script = file("setup/server.sh") }

goal "group" {
  title = {
    en = "Group webteam holds alice and bob, not carol"
    ja = "webteam グループに alice と bob が所属（carol は対象外）"
  }
  points = 15
  hints = {
    en = ["groupadd creates a group; usermod -aG adds a user to a supplementary group (without -a it replaces them all).",
          "groupadd webteam; usermod -aG webteam alice; usermod -aG webteam bob"]
    ja = ["グループは groupadd で作成し、usermod -aG でサブグループに追加します（-a を付けないと既存のサブグループが置き換わります）。",
          "groupadd webteam; usermod -aG webteam alice; usermod -aG webteam bob"]
  }
  check "group" {
    on      = "server"
    name    = "webteam"
    members = ["alice", "bob"]
  }
  check "command" {
    on    = "server"
    title = "carol exists and is not in webteam"
    run   = "id -nG carol >/dev/null && { id -nG carol | tr ' ' '\\n' | grep -cx webteam || true; }"
    stdout = "0"
  }
}

goal "share-mode" {
  title = {
    en = "/srv/webteam: group webteam, setgid, no access for others"
    ja = "/srv/webteam: グループ webteam、setgid、その他ユーザーはアクセス不可"
  }
  points = 25
  needs  = ["group"]
  hints = {
    en = ["The setgid bit on a directory makes new files inherit the directory's group. ls -ld shows it as an s in the group's x position.",
          "install -d -o root -g webteam -m 2770 /srv/webteam (or chgrp webteam; chmod 2770)."]
    ja = ["ディレクトリに setgid ビットを付けると、作成されたファイルがディレクトリのグループを継承します。ls -ld ではグループの x の位置に s と表示されます。",
          "install -d -o root -g webteam -m 2770 /srv/webteam（または chgrp webteam と chmod 2770）。"]
  }
  check "file" {
    on    = "server"
    path  = "/srv/webteam"
    type  = "directory"
    owner = "root"
    group = "webteam"
  }
  check "command" {
    on    = "server"
    title = "mode 2770 (setgid, rwx for owner and group, nothing for others)"
    run   = "stat -c %a /srv/webteam"
    matches = "^[23]770$"
  }
}

goal "share-access" {
  title = {
    en = "alice and bob can work in the share; carol cannot even list it"
    ja = "alice と bob は共有ディレクトリで作業でき、carol は一覧すらできない"
  }
  points = 20
  needs  = ["share-mode"]
  hints = {
    en = ["Test as the users themselves: su -s /bin/sh alice -c 'touch /srv/webteam/x' and su -s /bin/sh carol -c 'ls /srv/webteam'.",
          "Group membership is read at login: a shell opened before usermod does not have the new group yet."]
    ja = ["実際のユーザーで確認しましょう: su -s /bin/sh alice -c 'touch /srv/webteam/x'、su -s /bin/sh carol -c 'ls /srv/webteam'。",
          "グループ所属はログイン時に読み込まれます。usermod より前に開いたシェルには新しいグループが反映されていません。"]
  }
  check "command" {
    on    = "server"
    title = "alice and bob may write, carol may not enter"
    run   = file("checks/access.sh")
  }
}

goal "sudo-alice" {
  title = {
    en = "alice may restart nginx with sudo, and nothing else"
    ja = "alice は sudo で nginx の再起動だけ実行できる"
  }
  points = 25
  hints = {
    en = ["sudo -l -U alice lists what alice may run. Adding her to the sudo group gives her everything: too much.",
          "In /etc/sudoers.d/webteam (edit with visudo -f): alice ALL=(root) NOPASSWD: /usr/sbin/service nginx *"]
    ja = ["sudo -l -U alice で alice が実行できるコマンドを確認できます。sudo グループに入れると全権限になるので過剰です。",
          "/etc/sudoers.d/webteam（visudo -f で編集）に alice ALL=(root) NOPASSWD: /usr/sbin/service nginx * と書きます。"]
  }
  check "command" {
    on    = "server"
    title = "sudo policy for alice and bob"
    run   = file("checks/sudo.sh")
  }
}

goal "sudoers-clean" {
  title = {
    en = "The rule is in its own sudoers.d file, and sudoers parses"
    ja = "ルールは sudoers.d の個別ファイルに記述し、構文エラーがない"
  }
  points = 15
  needs  = ["sudo-alice"]
  hints = {
    en = ["Leave /etc/sudoers to the package: local rules go to a file in /etc/sudoers.d, mode 0440. visudo -c checks everything.",
          "visudo -cf /etc/sudoers.d/webteam; chmod 0440 /etc/sudoers.d/webteam"]
    ja = ["/etc/sudoers はパッケージ管理に任せ、独自ルールは /etc/sudoers.d 配下のファイル（モード 0440）に書きます。visudo -c で全体を構文チェックできます。",
          "visudo -cf /etc/sudoers.d/webteam; chmod 0440 /etc/sudoers.d/webteam"]
  }
  check "command" {
    on    = "server"
    title = "visudo -c"
    run   = "visudo -c"
  }
  check "command" {
    on    = "server"
    title = "a file in /etc/sudoers.d with mode 0440 grants the nginx rule"
    run   = "for f in /etc/sudoers.d/*; do [ -f \"$f\" ] && grep -q 'service' \"$f\" && stat -c '%n %a %U' \"$f\"; done"
    matches = "(?m)^/etc/sudoers\\.d/[^ ]+ 440 root$"
  }
}

solution "server" { script = file("solution/server.sh") }
