scenario "floating-route" {
  title = {
    en = "A backup WAN link with floating static routes"
    ja = "フローティングスタティックルートによる WAN 回線の冗長化"
  }
  lab     = "dual-wan"
  track   = "network"
  level   = 3
  minutes = 45
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# Both routers forward; neither knows the other side's LAN. srv serves a
# page.
setup "br" { script = file("setup/router.sh") }
setup "hq" { script = file("setup/router.sh") }
setup "srv" { script = file("setup/srv.sh") }

goal "reachable" {
  title = {
    en = "The branch PC loads the HQ server's page"
    ja = "拠点 PC から本社サーバーのページが表示できる"
  }
  points = 25
  within = "10s"
  hints = {
    en = ["Each router needs a route to the other side's LAN: br to 10.70.2.0/24, hq to 10.70.1.0/24. pc and srv already point at their router.",
          "On br: ip route add 10.70.2.0/24 via 10.70.100.2; on hq: ip route add 10.70.1.0/24 via 10.70.100.1"]
    ja = ["各ルーターに相手側 LAN への経路が必要です。br には 10.70.2.0/24、hq には 10.70.1.0/24。pc と srv のデフォルトゲートウェイは設定済みです。",
          "br で ip route add 10.70.2.0/24 via 10.70.100.2、hq で ip route add 10.70.1.0/24 via 10.70.100.1"]
  }
  check "http" {
    on       = "pc"
    url      = "http://10.70.2.10/"
    status   = 200
    contains = "HQ file server"
  }
}

goal "primary-preferred" {
  title = {
    en = "Both directions use the primary line while it is up"
    ja = "主回線が正常な間は、往復とも主回線を使う"
  }
  points = 20
  needs  = ["reachable"]
  hints = {
    en = ["ip route get shows the route the kernel picks. The backup line is billed per GB: no load sharing (no multipath routes).",
          "Give the primary route a better (lower) metric than the backup route, on both routers."]
    ja = ["ip route get でカーネルが選ぶ経路を確認できます。バックアップ回線は従量課金なので、負荷分散（マルチパス経路）は不可です。",
          "両ルーターで、主回線経由の経路のメトリックをバックアップ経由より小さく（優先）します。"]
  }
  check "command" {
    on    = "br"
    title = "br reaches 10.70.2.10 via the primary line"
    run   = "ip -4 route get 10.70.2.10; ip -4 route show | grep -c nexthop || true"
    matches = "via 10\\.70\\.100\\.2 dev eth2 (?s:.*)\n0$"
  }
  check "command" {
    on    = "hq"
    title = "hq reaches 10.70.1.10 via the primary line"
    run   = "ip -4 route get 10.70.1.10; ip -4 route show | grep -c nexthop || true"
    matches = "via 10\\.70\\.100\\.1 dev eth2 (?s:.*)\n0$"
  }
}

goal "failover" {
  title = {
    en = "When the primary line fails, traffic moves to the backup line"
    ja = "主回線の障害時にバックアップ回線へ切り替わる"
  }
  points = 40
  needs  = ["primary-preferred"]
  within = "15s"
  hints = {
    en = ["dojo checks this goal with the primary line down at both ends (eth2 of br and hq). When an interface goes down, Linux removes the routes through it; a second route to the same prefix with a worse metric then takes over: a floating static route.",
          "On br: ip route add 10.70.2.0/24 via 10.70.200.2 metric 200; on hq: ip route add 10.70.1.0/24 via 10.70.200.1 metric 200. Test by hand: ip link set eth2 down on both, then up again."]
    ja = ["この課題は、主回線の両端（br と hq の eth2）をダウンさせた状態で採点されます。インターフェースがダウンすると Linux はそこを経由する経路を削除し、同じ宛先でメトリックの大きい経路が有効になります。これがフローティングスタティックルートです。",
          "br で ip route add 10.70.2.0/24 via 10.70.200.2 metric 200、hq で ip route add 10.70.1.0/24 via 10.70.200.1 metric 200。手動で試すには両ルーターで ip link set eth2 down し、終わったら up に戻します。"]
  }
  fault "link_down" {
    node      = "br"
    interface = "eth2"
  }
  fault "link_down" {
    node      = "hq"
    interface = "eth2"
  }
  check "http" {
    on       = "pc"
    url      = "http://10.70.2.10/"
    status   = 200
    contains = "HQ file server"
  }
  check "command" {
    on    = "br"
    title = "br now routes via the backup line"
    run   = "ip -4 route get 10.70.2.10"
    matches = "via 10\\.70\\.200\\.2 dev eth3 "
  }
}

goal "back-to-primary" {
  title = {
    en = "After the repair, traffic is back on the primary line"
    ja = "回線復旧後は主回線に戻る"
  }
  points = 15
  needs  = ["failover"]
  within = "10s"
  hints = {
    en = ["Checked right after the failover test, once the primary line is up again: the preferred route must come back and win."]
    ja = ["障害試験の直後、主回線が復旧した状態で確認します。優先経路が復帰し、再び選択される必要があります。"]
  }
  check "command" {
    on    = "br"
    title = "br reaches 10.70.2.10 via the primary line again"
    run   = "ip -4 route get 10.70.2.10"
    matches = "via 10\\.70\\.100\\.2 dev eth2 "
  }
  check "http" {
    on       = "pc"
    url      = "http://10.70.2.10/"
    status   = 200
    contains = "HQ file server"
  }
}

solution "br" { script = file("solution/br.sh") }
solution "hq" { script = file("solution/hq.sh") }
