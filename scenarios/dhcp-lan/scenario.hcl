scenario "dhcp-lan" {
  title = {
    en = "Hand out addresses with DHCP"
    ja = "DHCP でアドレスを払い出す"
  }
  lab     = "dhcp-lan"
  track   = "network"
  level   = 2
  minutes = 40
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# No DHCP server runs; pc and printer have no address.
setup "gw" { script = file("setup/gw.sh") }

goal "dhcp-server" {
  title = {
    en = "A DHCP server listens on gw's LAN interface"
    ja = "gw の LAN 側で DHCP サーバーが待ち受けている"
  }
  points = 15
  within = "5s"
  hints = {
    en = ["dnsmasq is installed (the dnsmasq-base package, no init script): it is a DHCP server as well as a DNS forwarder. port=0 turns its DNS part off.",
          "Write /etc/dnsmasq.d/lan.conf with interface=eth1, bind-interfaces and a dhcp-range, then start it: dnsmasq --conf-file=/etc/dnsmasq.d/lan.conf"]
    ja = ["dnsmasq がインストール済みです（dnsmasq-base パッケージ、init スクリプトなし）。DNS フォワーダーだけでなく DHCP サーバーにもなります。port=0 で DNS 機能を無効化できます。",
          "/etc/dnsmasq.d/lan.conf に interface=eth1、bind-interfaces、dhcp-range を書き、dnsmasq --conf-file=/etc/dnsmasq.d/lan.conf で起動します。"]
  }
  check "process" {
    on   = "gw"
    name = "dnsmasq"
  }
  check "port" {
    on       = "gw"
    port     = 67
    protocol = "udp"
  }
}

goal "pc-lease" {
  title = {
    en = "pc leased an address from the pool .100-.199"
    ja = "pc がプール (.100-.199) からアドレスをリースしている"
  }
  points = 25
  needs  = ["dhcp-server"]
  within = "10s"
  hints = {
    en = ["On pc, ask for a lease with the ISC client: dhclient -v eth1. The lease is recorded in /var/lib/dhcp/.",
          "dhcp-range=10.50.0.100,10.50.0.199,255.255.255.0,12h on gw; an address set by hand with ip addr does not count."]
    ja = ["pc で ISC DHCP クライアントを使ってリースを要求します: dhclient -v eth1。リース情報は /var/lib/dhcp/ に記録されます。",
          "gw 側は dhcp-range=10.50.0.100,10.50.0.199,255.255.255.0,12h。ip addr で手動設定したアドレスは不可です。"]
  }
  check "command" {
    on    = "pc"
    title = "eth1 holds a leased address from 10.50.0.100-199 given by 10.50.0.1"
    run   = file("checks/leased.sh")
    exit_code = 0
  }
}

goal "pc-options" {
  title = {
    en = "The lease gives pc its default gateway and DNS server"
    ja = "リースでデフォルトゲートウェイと DNS サーバーが配布される"
  }
  points = 20
  needs  = ["pc-lease"]
  within = "10s"
  hints = {
    en = ["DHCP options 3 (router) and 6 (DNS servers). Look at the lease: cat /var/lib/dhcp/dhclient*.leases on pc.",
          "dhcp-option=option:router,10.50.0.1 and dhcp-option=option:dns-server,10.50.0.1; then renew on pc (dhclient -r eth1; dhclient eth1)."]
    ja = ["DHCP オプション 3（ルーター）と 6（DNS サーバー）です。pc で cat /var/lib/dhcp/dhclient*.leases を見てリース内容を確認しましょう。",
          "dhcp-option=option:router,10.50.0.1 と dhcp-option=option:dns-server,10.50.0.1 を追加し、pc でリースを更新します（dhclient -r eth1; dhclient eth1）。"]
  }
  check "route" {
    on          = "pc"
    destination = "default"
    via         = "10.50.0.1"
  }
  check "command" {
    on    = "pc"
    title = "the lease names 10.50.0.1 as DNS server"
    run   = "grep -h 'domain-name-servers' /var/lib/dhcp/dhclient*.leases 2>/dev/null | tail -1"
    matches = "domain-name-servers 10\\.50\\.0\\.1[;,]"
  }
  check "ping" {
    on   = "pc"
    host = "10.50.0.1"
  }
}

goal "printer-reserved" {
  title = {
    en = "The printer always gets 10.50.0.50"
    ja = "プリンターに常に 10.50.0.50 が割り当たる（予約）"
  }
  points = 25
  needs  = ["dhcp-server"]
  within = "10s"
  hints = {
    en = ["A DHCP reservation ties an address to a client, by its MAC address or by the host name it sends. Outside the pool, so nobody else gets it.",
          "dhcp-host=printer,10.50.0.50 on gw (the printer sends its host name), restart dnsmasq, then on printer: dhclient -v eth1"]
    ja = ["DHCP の予約（固定割り当て）は、MAC アドレスかクライアントが送るホスト名でアドレスを紐付けます。他の端末に払い出されないようプール外のアドレスにします。",
          "gw に dhcp-host=printer,10.50.0.50 を追加（printer はホスト名を送信します）して dnsmasq を再起動し、printer で dhclient -v eth1。"]
  }
  check "command" {
    on    = "printer"
    title = "eth1 holds 10.50.0.50/24, leased from 10.50.0.1"
    run   = file("checks/reserved.sh")
    exit_code = 0
  }
}

goal "config-saved" {
  title = {
    en = "The DHCP configuration is in a file"
    ja = "DHCP の設定がファイルに保存されている"
  }
  points = 15
  needs  = ["pc-lease"]
  hints = {
    en = ["Options given on the dnsmasq command line are lost at the next restart.",
          "Keep dhcp-range, dhcp-option and dhcp-host in /etc/dnsmasq.conf or a file under /etc/dnsmasq.d/."]
    ja = ["dnsmasq のコマンドライン引数で指定した設定は、再起動で失われます。",
          "dhcp-range・dhcp-option・dhcp-host は /etc/dnsmasq.conf か /etc/dnsmasq.d/ 配下のファイルに書きましょう。"]
  }
  check "command" {
    on    = "gw"
    title = "a dnsmasq configuration file has the range and the reservation"
    run   = "cat /etc/dnsmasq.conf /etc/dnsmasq.d/* 2>/dev/null | grep -v '^[[:space:]]*#'"
    matches = "(?ms)^[[:space:]]*dhcp-range=.*^[[:space:]]*dhcp-host=|^[[:space:]]*dhcp-host=.*^[[:space:]]*dhcp-range="
  }
}

solution "gw" { script = file("solution/gw.sh") }
solution "pc" { script = file("solution/pc.sh") }
solution "printer" { script = file("solution/printer.sh") }
