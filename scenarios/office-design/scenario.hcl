scenario "office-design" {
  title = {
    en = "Design and build a small office network from requirements"
    ja = "要件から小規模オフィスのネットワークを設計・構築する"
  }
  lab     = "small-office"
  track   = "design"
  level   = 3
  minutes = 90
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# srv serves the intranet page; isp serves "the Internet" and knows no
# route to the office. rt forwards nothing yet.
setup "srv" { script = file("setup/srv.sh") }
setup "isp" { script = file("setup/isp.sh") }
setup "rt" { script = file("setup/rt.sh") }

goal "provider-untouched" {
  title = {
    en = "Leave the provider's router alone"
    ja = "プロバイダーのルーター (isp) は変更しない"
  }
  guard  = true
  points = 0
  hints = {
    en = ["isp stands for the Internet: it will never learn a route to your private addresses. Traffic from the office must reach it from 203.0.113.1."]
    ja = ["isp はインターネットの代わりです。プライベートアドレスへの経路は持ちません。オフィスからの通信は 203.0.113.1 から届く必要があります。"]
  }
  check "command" {
    on    = "isp"
    title = "isp has no route to 172.16.0.0/16"
    run   = "ip -4 route show | grep -c '^172\\.16\\.' || true"
    stdout = "0"
  }
}

goal "addressing" {
  title = {
    en = "Every segment has the smallest subnet that fits, inside its block, with a gateway"
    ja = "各セグメントに、割当ブロック内で要件を満たす最小のサブネットとゲートウェイを設計する"
  }
  points = 25
  within = "5s"
  hints = {
    en = ["Count the hosts each subnet must hold, the router's interface included, and find the smallest prefix whose 2^(32-n)-2 is at least that.",
          "staff: 120 + router = 121 → /25 (126); guest: 200 + 1 → /24 (254); servers: 12 + 1 → /28 (14). Give rt the gateway address on each, and every host a default route to it."]
    ja = ["各サブネットに収容すべきホスト数（ルーターのインターフェースを含む）を数え、2^(32-n)-2 がそれ以上になる最小のプレフィックス長を求めます。",
          "staff: 120 + ルーター = 121 → /25（126）、guest: 200 + 1 → /24（254）、servers: 12 + 1 → /28（14）。rt に各セグメントのゲートウェイアドレスを、各ホストにはそこへのデフォルトルートを設定します。"]
  }
  check "command" {
    on    = "pc-1"
    title = "pc-1: a /25 inside 172.16.0.0/24, gateway on-link"
    run   = format("BLOCK=172.16.0.0/24 PREFIX=25\n%s", file("checks/addr.sh"))
  }
  check "command" {
    on    = "pc-2"
    title = "pc-2: a /25 inside 172.16.0.0/24, gateway on-link"
    run   = format("BLOCK=172.16.0.0/24 PREFIX=25\n%s", file("checks/addr.sh"))
  }
  check "command" {
    on    = "guest-1"
    title = "guest-1: a /24 inside 172.16.1.0/24, gateway on-link"
    run   = format("BLOCK=172.16.1.0/24 PREFIX=24\n%s", file("checks/addr.sh"))
  }
  check "command" {
    on    = "srv"
    title = "srv: a /28 inside 172.16.2.0/24, gateway on-link"
    run   = format("BLOCK=172.16.2.0/24 PREFIX=28\n%s", file("checks/addr.sh"))
  }
}

goal "staff-to-intranet" {
  title = {
    en = "Staff PCs load the intranet page on srv"
    ja = "スタッフ PC から srv の社内ページが表示できる"
  }
  points = 20
  needs  = ["addressing"]
  within = "10s"
  timeout = "20s"
  hints = {
    en = ["rt must forward between its segments; every host needs its default route via rt.",
          "sysctl -w net.ipv4.ip_forward=1 on rt; from pc-1: curl http://SRV-ADDRESS/"]
    ja = ["rt でセグメント間の転送を有効にし、各ホストのデフォルトルートを rt に向けます。",
          "rt で sysctl -w net.ipv4.ip_forward=1。pc-1 から curl http://srv のアドレス/ で確認します。"]
  }
  check "command" {
    on    = "pc-1"
    title = "an address in 172.16.2.0/24 serves the intranet page to pc-1"
    run   = format("NETS=172.16.2.0/24 PORTS=80 WANT='Office intranet'\n%s", file("checks/scan.sh"))
  }
  check "command" {
    on    = "pc-2"
    title = "an address in 172.16.2.0/24 serves the intranet page to pc-2"
    run   = format("NETS=172.16.2.0/24 PORTS=80 WANT='Office intranet'\n%s", file("checks/scan.sh"))
  }
}

goal "internet" {
  title = {
    en = "Staff and guests reach the Internet"
    ja = "スタッフとゲストがインターネットに接続できる"
  }
  points = 25
  needs  = ["addressing"]
  within = "10s"
  hints = {
    en = ["The provider routes only 203.0.113.1 back to you: private source addresses must be translated on the way out (NAT/masquerade).",
          "nft add table ip nat; nft add chain ip nat post '{ type nat hook postrouting priority srcnat; }'; nft add rule ip nat post oifname eth4 masquerade"]
    ja = ["プロバイダーが戻してくれるのは 203.0.113.1 宛てだけです。送信元のプライベートアドレスは出口で変換（NAT / マスカレード）する必要があります。",
          "nft add table ip nat; nft add chain ip nat post '{ type nat hook postrouting priority srcnat; }'; nft add rule ip nat post oifname eth4 masquerade"]
  }
  check "http" {
    on       = "pc-1"
    url      = "http://203.0.113.2/"
    status   = 200
    contains = "Internet"
  }
  check "http" {
    on       = "guest-1"
    url      = "http://203.0.113.2/"
    status   = 200
    contains = "Internet"
  }
}

goal "guest-isolated" {
  title = {
    en = "Guests reach nothing inside the office, the router included"
    ja = "ゲストからはオフィス内部（ルーター含む）に一切到達できない"
  }
  points = 30
  needs  = ["staff-to-intranet", "internet"]
  within = "10s"
  timeout = "30s"
  hints = {
    en = ["Traffic from the guest segment may only go out of the wan interface. It must not reach the other segments, nor rt's own services (sshd) on their addresses.",
          "forward: iifname eth2 oifname != eth4 drop (after established,related accept); input: iifname eth2 tcp dport 22 drop. dojo scans the staff and server blocks from guest-1."]
    ja = ["ゲストセグメントからの通信は wan インターフェースへの出口だけに限定します。他セグメントにも、rt 自身のサービス（sshd）にも到達できないこと。",
          "forward で established,related を accept した後に iifname eth2 oifname != eth4 drop、input で iifname eth2 tcp dport 22 drop。dojo は guest-1 から staff と servers のブロックをスキャンします。"]
  }
  check "command" {
    on    = "guest-1"
    title = "nothing in 172.16.0.0/24 or 172.16.2.0/24 answers guest-1 on 22 or 80"
    run   = format("NETS='172.16.0.0/24 172.16.2.0/24' PORTS='22 80' EXPECT=none\n%s", file("checks/scan.sh"))
  }
}

solution "rt" { script = file("solution/rt.sh") }
solution "pc-1" { script = "ip addr replace 172.16.0.10/25 dev eth1\nip route replace default via 172.16.0.1\n" }
solution "pc-2" { script = "ip addr replace 172.16.0.11/25 dev eth1\nip route replace default via 172.16.0.1\n" }
solution "guest-1" { script = "ip addr replace 172.16.1.100/24 dev eth1\nip route replace default via 172.16.1.1\n" }
solution "srv" { script = "ip addr replace 172.16.2.10/28 dev eth1\nip route replace default via 172.16.2.1\n" }
