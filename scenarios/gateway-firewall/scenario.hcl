scenario "gateway-firewall" {
  title = {
    en = "Filter traffic on the gateway"
    ja = "ゲートウェイでパケットフィルタリングを設定する"
  }
  lab     = "gateway-fw"
  track   = "network"
  level   = 2
  minutes = 45
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# gw forwards; web serves HTTP on 80 and an internal API on 8080; client
# runs sshd. Nothing is filtered.
setup "gw" { script = file("setup/gw.sh") }
setup "web" { script = file("setup/web.sh") }

goal "web-open" {
  title = {
    en = "Keep the office's access to the web site (HTTP)"
    ja = "事務所から Web サイト (HTTP) への通信を維持する"
  }
  guard  = true
  points = 0
  within = "10s"
  hints = {
    en = ["This already works: whatever you filter, allow new HTTP connections from the office to web, and the replies.",
          "With a default-drop forward policy, accept ct state established,related first, then tcp dport 80 from 10.40.1.0/24 to 10.40.2.10."]
    ja = ["最初から疎通できています。フィルターを入れても、事務所から web への HTTP の新規接続とその戻りパケットは許可すること。",
          "FORWARD チェインのポリシーを drop にするなら、まず ct state established,related を accept し、次に 10.40.1.0/24 から 10.40.2.10 への tcp dport 80 を許可します。"]
  }
  check "http" {
    on       = "client"
    url      = "http://10.40.2.10/"
    status   = 200
    contains = "Welcome"
  }
  check "http" {
    on       = "admin"
    url      = "http://10.40.2.10/"
    status   = 200
    contains = "Welcome"
  }
}

goal "ping-open" {
  title = {
    en = "Keep ping from the office to web (monitoring)"
    ja = "事務所から web への ping（監視）を維持する"
  }
  guard  = true
  points = 0
  within = "10s"
  hints = {
    en = ["Monitoring pings web from the office: ICMP echo requests from 10.40.1.0/24 and their replies must pass.",
          "nft: ip saddr 10.40.1.0/24 icmp type echo-request accept (replies are established traffic)."]
    ja = ["監視サーバーが事務所から web に ping を打っています。10.40.1.0/24 からの ICMP echo request と、その応答は通すこと。",
          "nft なら ip saddr 10.40.1.0/24 icmp type echo-request accept（応答は established として通ります）。"]
  }
  check "ping" {
    on   = "client"
    host = "10.40.2.10"
  }
}

goal "ssh-admin-only" {
  title = {
    en = "SSH to web only from the admin workstation"
    ja = "web への SSH は管理端末からのみ許可"
  }
  points = 30
  needs  = ["web-open"]
  within = "10s"
  hints = {
    en = ["Filter on gw's FORWARD path (the traffic passes through gw; it is not addressed to it). Test with nc -zv 10.40.2.10 22 from client and from admin.",
          "Allow tcp dport 22 from 10.40.1.20 to 10.40.2.10 and drop (or reject) other new connections to port 22. Stopping sshd on web is not the answer: admin must still get in."]
    ja = ["フィルタリングするのは gw の FORWARD（gw 宛てではなく、gw を通過する通信）です。client と admin の両方から nc -zv 10.40.2.10 22 で確認しましょう。",
          "10.40.1.20 から 10.40.2.10 への tcp dport 22 を許可し、それ以外の 22 番宛て新規接続は drop（または reject）。web の sshd を止めるのは不可です（admin はログインできる必要があります）。"]
  }
  check "tcp" {
    on     = "admin"
    host   = "10.40.2.10"
    port   = 22
    expect = "open"
  }
  check "tcp" {
    on     = "client"
    host   = "10.40.2.10"
    port   = 22
    expect = "closed"
  }
  check "port" {
    on   = "web"
    port = 22
  }
}

goal "api-blocked" {
  title = {
    en = "The internal API (8080) is not reachable from the office"
    ja = "内部 API (8080) へは事務所から到達できない"
  }
  points = 25
  needs  = ["web-open"]
  within = "10s"
  hints = {
    en = ["Allow what is needed, drop the rest: a default-drop policy for traffic forwarded from the office to the servers covers ports you have not thought of.",
          "The API must keep running on web (port 8080 listening): the firewall hides it, nothing else."]
    ja = ["必要な通信だけを許可し、それ以外は破棄（ホワイトリスト方式）。事務所からサーバー LAN への転送をデフォルト drop にすれば、想定外のポートも塞げます。",
          "API 自体は web で動かしたまま（8080 番で LISTEN）にすること。隠すのはファイアウォールの役目です。"]
  }
  check "tcp" {
    on     = "client"
    host   = "10.40.2.10"
    port   = 8080
    expect = "closed"
  }
  check "tcp" {
    on     = "admin"
    host   = "10.40.2.10"
    port   = 8080
    expect = "closed"
  }
  check "port" {
    on   = "web"
    port = 8080
  }
}

goal "no-inbound-to-office" {
  title = {
    en = "Servers cannot open connections into the office"
    ja = "サーバー LAN から事務所 LAN への新規接続を遮断"
  }
  points = 20
  needs  = ["web-open"]
  within = "10s"
  hints = {
    en = ["A stateful firewall tells new connections from replies: replies to the office's own connections must still pass.",
          "In the forward chain: ct state established,related accept; then drop new connections from 10.40.2.0/24 to 10.40.1.0/24."]
    ja = ["ステートフルファイアウォールは新規接続と応答パケットを区別できます。事務所から開始した通信の戻りは通す必要があります。",
          "forward チェインで ct state established,related を accept し、10.40.2.0/24 から 10.40.1.0/24 への新規接続を drop します。"]
  }
  check "tcp" {
    on     = "web"
    host   = "10.40.1.10"
    port   = 22
    expect = "closed"
  }
  check "port" {
    on   = "client"
    port = 22
  }
}

goal "filter-on-gw" {
  title = {
    en = "The filtering is done on gw, not on the hosts"
    ja = "フィルタリングはホストではなく gw で行う"
  }
  points = 10
  needs  = ["ssh-admin-only"]
  hints = {
    en = ["web and client belong to other teams: leave their packet filters empty.",
          "Check with nft list ruleset and iptables -S on web and client; move any rule you added there to gw."]
    ja = ["web と client は他チームの管理です。これらのパケットフィルターは空のままにしてください。",
          "web と client で nft list ruleset と iptables -S を確認し、追加したルールがあれば gw に移しましょう。"]
  }
  check "command" {
    on    = "web"
    title = "web has no drop or reject rules"
    run   = file("checks/no-filter.sh")
  }
  check "command" {
    on    = "client"
    title = "client has no drop or reject rules"
    run   = file("checks/no-filter.sh")
  }
}

goal "rules-saved" {
  title = {
    en = "The rule set is saved for the next boot"
    ja = "ルールセットを保存し、再起動後も有効にする"
  }
  points = 15
  needs  = ["ssh-admin-only"]
  hints = {
    en = ["Rules typed at the prompt are gone after a reboot. nftables reads /etc/nftables.conf at boot; iptables-persistent reads /etc/iptables/rules.v4.",
          "nft list ruleset > /etc/nftables.conf (add flush ruleset at the top), or iptables-save > /etc/iptables/rules.v4. Test it: nft -c -f /etc/nftables.conf."]
    ja = ["コマンドで入れたルールは再起動で消えます。nftables は起動時に /etc/nftables.conf を、iptables-persistent は /etc/iptables/rules.v4 を読み込みます。",
          "nft list ruleset > /etc/nftables.conf（先頭に flush ruleset）か iptables-save > /etc/iptables/rules.v4。nft -c -f /etc/nftables.conf で構文チェックしましょう。"]
  }
  check "command" {
    on    = "gw"
    title = "a saved rule set filters port 22 and loads without errors"
    run   = file("checks/saved.sh")
  }
}

solution "gw" { script = file("solution/gw.sh") }
