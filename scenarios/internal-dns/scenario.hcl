scenario "internal-dns" {
  title = {
    en = "An internal DNS zone with BIND 9"
    ja = "BIND 9 で社内 DNS ゾーンを構築する"
  }
  lab     = "dns-lan"
  track   = "network"
  level   = 2
  minutes = 50
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# BIND 9 runs on ns with no zone of ours; web serves the intranet page
# by address only; client has no DNS server.
setup "ns" { script = file("setup/ns.sh") }
setup "web" { script = file("setup/web.sh") }

goal "forward-zone" {
  title = {
    en = "ns answers authoritatively for corp.internal (SOA, NS, a record per host)"
    ja = "ns が corp.internal の権威サーバーとして応答する（SOA・NS・各ホストの A レコード）"
  }
  points = 25
  within = "5s"
  hints = {
    en = ["A primary zone is a zone statement in /etc/bind/named.conf.local plus a zone file. /etc/bind/db.local is a template: SOA, NS, then the A records.",
          "zone \"corp.internal\" { type primary; file \"/etc/bind/db.corp.internal\"; }; the file needs SOA (ns.corp.internal. hostmaster.corp.internal.), NS ns.corp.internal. and A records for ns, web and client. Then named-checkconf -z and service named restart (or rndc reload); test from client with dig @10.30.0.53 web.corp.internal.",
          "Mind the trailing dot: in a zone file, a name without it gets the zone name appended (ns.corp.internal becomes ns.corp.internal.corp.internal)."]
    ja = ["プライマリゾーンは /etc/bind/named.conf.local の zone ステートメントとゾーンファイルで構成します。/etc/bind/db.local をひな形に、SOA・NS・A レコードの順で書きましょう。",
          "zone \"corp.internal\" { type primary; file \"/etc/bind/db.corp.internal\"; }; を追加し、ゾーンファイルに SOA（ns.corp.internal. hostmaster.corp.internal.）、NS ns.corp.internal.、ns・web・client の A レコードを記述します。named-checkconf -z で確認後、service named restart（または rndc reload）。client から dig @10.30.0.53 web.corp.internal で確認します。",
          "末尾のドットに注意。ゾーンファイル内でドットのない名前にはゾーン名が補完されます（ns.corp.internal と書くと ns.corp.internal.corp.internal になる）。"]
  }
  check "dns" {
    on     = "client"
    title  = "SOA corp.internal @10.30.0.53"
    name   = "corp.internal"
    type   = "SOA"
    server = "10.30.0.53"
  }
  check "command" {
    on      = "client"
    title   = "the answer is authoritative (aa flag), not recursed or forwarded"
    run     = "dig +time=2 +tries=1 +norec @10.30.0.53 corp.internal SOA | grep '^;; flags:'"
    matches = "flags:[a-z ]* aa[ ;]"
  }
  check "dns" {
    on      = "client"
    name    = "corp.internal"
    type    = "NS"
    server  = "10.30.0.53"
    address = "ns.corp.internal"
  }
  check "dns" {
    on      = "client"
    name    = "ns.corp.internal"
    server  = "10.30.0.53"
    address = "10.30.0.53"
  }
  check "dns" {
    on      = "client"
    name    = "web.corp.internal"
    server  = "10.30.0.53"
    address = "10.30.0.80"
  }
  check "dns" {
    on      = "client"
    name    = "client.corp.internal"
    server  = "10.30.0.53"
    address = "10.30.0.100"
  }
}

goal "www-alias" {
  title = {
    en = "www.corp.internal is an alias (CNAME) of web"
    ja = "www.corp.internal が web の別名（CNAME）になっている"
  }
  points = 10
  needs  = ["forward-zone"]
  within = "5s"
  hints = {
    en = ["An alias is a CNAME record: the name points at another name, never at an address, so the address lives in one place.",
          "www IN CNAME web (or web.corp.internal. with the dot). Bump the serial and reload."]
    ja = ["別名は CNAME レコードです。IP アドレスではなく別のホスト名を指すので、アドレスの管理は 1 か所で済みます。",
          "www IN CNAME web（FQDN で書くなら末尾ドット付きの web.corp.internal.）。シリアルを上げてリロードしましょう。"]
  }
  check "dns" {
    on      = "client"
    name    = "www.corp.internal"
    type    = "CNAME"
    server  = "10.30.0.53"
    address = "web.corp.internal"
  }
  check "dns" {
    on      = "client"
    name    = "www.corp.internal"
    server  = "10.30.0.53"
    address = "10.30.0.80"
  }
}

goal "reverse-zone" {
  title = {
    en = "Reverse lookups of the LAN's addresses give the host names (PTR)"
    ja = "LAN のアドレスを逆引きするとホスト名が返る（PTR）"
  }
  points = 20
  within = "5s"
  hints = {
    en = ["Reverse lookups use the in-addr.arpa tree, the address's octets reversed: 10.30.0.80 is 80.0.30.10.in-addr.arpa. The /24 LAN is the zone 0.30.10.in-addr.arpa.",
          "zone \"0.30.10.in-addr.arpa\" { type primary; file \"/etc/bind/db.10.30.0\"; }; with the same SOA and NS, then 53 IN PTR ns.corp.internal. (the trailing dot!), 80 ... and 100 .... Test: dig @10.30.0.53 -x 10.30.0.80"]
    ja = ["逆引きは in-addr.arpa ドメインで、オクテットを逆順に並べます。10.30.0.80 は 80.0.30.10.in-addr.arpa。/24 の LAN なら逆引きゾーンは 0.30.10.in-addr.arpa です。",
          "zone \"0.30.10.in-addr.arpa\" { type primary; file \"/etc/bind/db.10.30.0\"; }; を追加し、同じ SOA・NS に続けて 53 IN PTR ns.corp.internal.（末尾ドット必須）、80・100 も同様に。確認: dig @10.30.0.53 -x 10.30.0.80"]
  }
  check "dns" {
    on      = "client"
    name    = "53.0.30.10.in-addr.arpa"
    type    = "PTR"
    server  = "10.30.0.53"
    address = "ns.corp.internal"
  }
  check "dns" {
    on      = "client"
    name    = "80.0.30.10.in-addr.arpa"
    type    = "PTR"
    server  = "10.30.0.53"
    address = "web.corp.internal"
  }
  check "dns" {
    on      = "client"
    name    = "100.0.30.10.in-addr.arpa"
    type    = "PTR"
    server  = "10.30.0.53"
    address = "client.corp.internal"
  }
}

goal "client-resolves" {
  title = {
    en = "client resolves through ns: short names and the intranet by name"
    ja = "client が ns で名前解決し、短縮名やホスト名でイントラにアクセスできる"
  }
  points = 20
  needs  = ["www-alias"]
  within = "10s"
  hints = {
    en = ["A host's DNS servers and search domain are in /etc/resolv.conf (no systemd-resolved here). /etc/hosts entries do not count: the other machines of the company would still not resolve.",
          "On client: printf 'search corp.internal\\nnameserver 10.30.0.53\\n' >/etc/resolv.conf, then dig www.corp.internal (no @) and getent hosts www."]
    ja = ["DNS サーバーと検索ドメインは /etc/resolv.conf で指定します（systemd-resolved はありません）。/etc/hosts への登録は不可。他の端末からは引けないままです。",
          "client で printf 'search corp.internal\\nnameserver 10.30.0.53\\n' >/etc/resolv.conf とし、dig www.corp.internal（@ なし）と getent hosts www で確認します。"]
  }
  check "dns" {
    on      = "client"
    title   = "dig www.corp.internal through client's own resolver configuration"
    name    = "www.corp.internal"
    address = "10.30.0.80"
  }
  check "command" {
    on     = "client"
    title  = "getent ahostsv4 www (the short name, through the search domain)"
    run    = "getent ahostsv4 www | awk 'NR == 1 { print $1 }'"
    stdout = "10.30.0.80"
  }
  check "http" {
    on       = "client"
    url      = "http://www.corp.internal/"
    status   = 200
    contains = "Corp intranet"
  }
}

goal "no-transfer" {
  title = {
    en = "Zone transfers are refused to clients, queries still answered"
    ja = "クライアントからのゾーン転送は拒否し、通常の問い合わせには応答する"
  }
  points = 10
  needs  = ["forward-zone"]
  within = "5s"
  hints = {
    en = ["BIND allows a zone transfer (AXFR) to anyone by default: one command hands out the whole zone. Try it from client: dig @10.30.0.53 corp.internal AXFR",
          "allow-transfer { none; }; in options (or in each zone statement; later, the secondary's address only), then reload."]
    ja = ["BIND はデフォルトで誰にでもゾーン転送（AXFR）を許可しており、コマンド 1 つでゾーンの全レコードが取得できてしまいます。client から dig @10.30.0.53 corp.internal AXFR を試してみましょう。",
          "options（または各 zone ステートメント）に allow-transfer { none; }; を追加してリロードします（セカンダリ導入時はそのアドレスのみ許可）。"]
  }
  check "dns" {
    on     = "client"
    title  = "a normal query from client is still answered"
    name   = "web.corp.internal"
    server = "10.30.0.53"
    address = "10.30.0.80"
  }
  check "command" {
    on     = "client"
    title  = "dig @10.30.0.53 corp.internal AXFR from client is refused"
    run    = file("checks/axfr.sh")
    stdout = "refused"
  }
}

goal "config-valid" {
  title = {
    en = "named-checkconf/named-checkzone pass and ns serves the zone files' serials"
    ja = "named-checkconf・named-checkzone が通り、ゾーンファイルのシリアルで応答している"
  }
  points = 15
  needs  = ["forward-zone"]
  hints = {
    en = ["named-checkconf -z checks named.conf and loads every zone in it the way named-checkzone does; it prints each zone's serial.",
          "After each edit, bump the SOA serial (we use YYYYMMDDnn) and reload (rndc reload or service named reload): compare dig @10.30.0.53 corp.internal SOA +short with the file."]
    ja = ["named-checkconf -z は named.conf の構文に加え、named-checkzone と同様に全ゾーンを読み込んでチェックし、各ゾーンのシリアルを表示します。",
          "ゾーンを編集したら SOA シリアルを上げ（当社の慣例は YYYYMMDDnn）、rndc reload か service named reload で反映します。dig @10.30.0.53 corp.internal SOA +short とファイルのシリアルを比較しましょう。"]
  }
  check "command" {
    on    = "ns"
    title = "named-checkconf -z; served SOA serials equal the files'"
    run   = file("checks/zones.sh")
  }
}

solution "ns" { script = file("solution/ns.sh") }
solution "client" { script = file("solution/client.sh") }
