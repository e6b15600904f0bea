scenario "static-routing" {
  title = {
    en = "Join two subnets with a Linux router"
    ja = "Linux ルーターで 2 つのサブネットを接続する"
  }
  lab     = "two-subnets"
  track   = "network"
  level   = 1
  minutes = 30
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# The router starts with forwarding off and the web server stopped.
setup "router" { script = file("setup/router.sh") }
setup "web" { script = file("setup/web.sh") }

goal "forwarding" {
  title = {
    en = "The router forwards IPv4"
    ja = "ルーターで IPv4 転送を有効にする"
  }
  points = 20
  hints = {
    en = ["Which kernel parameter decides whether Linux passes packets between interfaces?",
          "sysctl -w net.ipv4.ip_forward=1 (and write it to /etc/sysctl.d/ to keep it across reboots)"]
    ja = ["Linux がインターフェース間でパケットを転送するかどうかを決めるカーネルパラメーターは？",
          "sysctl -w net.ipv4.ip_forward=1（再起動後も有効にするには /etc/sysctl.d/ に記述）"]
  }
  check "sysctl" {
    on    = "router"
    key   = "net.ipv4.ip_forward"
    value = "1"
  }
}

goal "web-serves" {
  title = {
    en = "The web server answers on port 80"
    ja = "Web サーバーが 80 番ポートで応答する"
  }
  points = 20
  within = "10s"
  hints = {
    en = ["nginx is installed on web but not running; there is no systemd.",
          "service nginx start"]
    ja = ["web には nginx がインストール済みですが停止しています。systemd はありません。",
          "service nginx start"]
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

# The routes are in place from the start: a guard, worth no points, that
# the goals needing it depend on.
goal "client-routes" {
  title = {
    en = "Keep the routes through the router on client and web"
    ja = "client と web のルーター経由の経路を維持する"
  }
  guard  = true
  points = 0
  hints = {
    en = ["ip route show on client and on web.",
          "ip route add 10.10.2.0/24 via 10.10.1.1 (on client); ip route add 10.10.1.0/24 via 10.10.2.1 (on web)"]
    ja = ["client と web で ip route show を確認しましょう。",
          "client で ip route add 10.10.2.0/24 via 10.10.1.1、web で ip route add 10.10.1.0/24 via 10.10.2.1"]
  }
  check "route" {
    on          = "client"
    destination = "10.10.2.0/24"
    via         = "10.10.1.1"
    dev         = "eth1"
  }
  check "route" {
    on          = "web"
    destination = "10.10.1.0/24"
    via         = "10.10.2.1"
  }
}

goal "client-pings-web" {
  title = {
    en = "client reaches web with ping"
    ja = "client から web へ ping が通る"
  }
  points = 20
  needs  = ["forwarding", "client-routes"]
  within = "10s"
  hints = {
    en = ["If ping fails, run tcpdump -ni any icmp on the router and see where the packets stop."]
    ja = ["ping が通らなければ、ルーターで tcpdump -ni any icmp を実行し、パケットがどこで止まっているか確認しましょう。"]
  }
  check "ping" {
    on   = "client"
    host = "10.10.2.10"
  }
}

goal "client-reaches-web" {
  title = {
    en = "client loads the web page through the router"
    ja = "client からルーター経由で Web ページが表示できる"
  }
  points = 30
  needs  = ["forwarding", "web-serves", "client-routes"]
  within = "20s"
  hints = {
    en = ["curl -v http://10.10.2.10/ from client shows where it stops."]
    ja = ["client で curl -v http://10.10.2.10/ を実行すると、どこで止まっているかわかります。"]
  }
  check "http" {
    on       = "client"
    url      = "http://10.10.2.10/"
    status   = 200
    contains = "Welcome"
  }
  check "command" {
    on      = "client"
    title   = "the path to web goes through the router"
    run     = "ip -4 route get 10.10.2.10"
    matches = "via 10\\.10\\.1\\.1 dev eth1 "
  }
}

# A negative goal needs the positive path it guards: "port 23 closed"
# means nothing while web cannot be reached at all.
goal "no-telnet" {
  title = {
    en = "No telnet service is reachable on web"
    ja = "web の telnet (23 番) に到達できない"
  }
  points = 10
  needs  = ["client-reaches-web"]
  hints = {
    en = ["Only the services you need should listen: nothing on port 23.",
          "ss -ltnp on web shows what listens on 23; stop it."]
    ja = ["必要なサービスだけを待ち受けること。23 番ポートは不要です。",
          "web で ss -ltnp を実行すると 23 番で待ち受けているプロセスがわかります。停止しましょう。"]
  }
  check "tcp" {
    on     = "client"
    host   = "10.10.2.10"
    port   = 23
    expect = "closed"
  }
}

solution "router" { script = file("solution/router.sh") }
solution "web" { script = file("solution/web.sh") }
