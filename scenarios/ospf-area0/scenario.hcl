scenario "ospf-area0" {
  title = {
    en = "Dynamic routing: OSPF area 0 between three routers"
    ja = "3 台のルーターで OSPF エリア 0 を構築する"
  }
  lab     = "ospf-triangle"
  track   = "network"
  level   = 3
  minutes = 60
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# The routers forward and run BIRD with Debian's default configuration
# (no OSPF); srv serves a page. Nothing routes between the LANs yet.
setup "r1" { script = file("setup/router.sh") }
setup "r2" { script = file("setup/router.sh") }
setup "r3" { script = file("setup/router.sh") }
setup "srv" { script = file("setup/srv.sh") }

# Neighbours: every router is Full with exactly the two others, over the
# two router links (not over eth0, the management network, nor a LAN),
# with the router IDs the brief gives. Broadcast links with default
# timers need the 40 s wait timer before the DR election: hence 60 s.
# The "runs OSPF" checks pass as soon as the configuration is loaded, so
# that a check right after `birdc configure` waits for the adjacencies
# (grading retries a goal only while something in it holds or moves).
goal "neighbors" {
  title = {
    en = "Every router has a Full adjacency with the other two"
    ja = "全ルーターで他の 2 台とのネイバーが Full になる"
  }
  points = 25
  within = "60s"
  hints = {
    en = ["BIRD is running with Debian's default /etc/bird/bird.conf, which has no OSPF. Add a `protocol ospf v2` with `area 0` and the two router links of each router as interfaces, set the router ID, then `birdc configure`. `birdc show ospf neighbors` shows the adjacencies.",
          "Name the interfaces (\"eth2\", \"eth3\" on r1 and r3, \"eth1\", \"eth2\" on r2): a pattern such as \"*\" also matches eth0, the management network, which must stay out of OSPF. BIRD treats a /30 link as point-to-point (`type ptp`) by default; with `type broadcast` a DR/BDR election comes first, after the wait timer (40 s by default).",
          "On r1: router id 1.1.1.1; protocol ospf v2 area0 { ipv4 { import all; export none; }; area 0 { interface \"eth2\", \"eth3\" { type ptp; }; }; } — then birdc configure (or service bird start if BIRD is not running)."]
    ja = ["BIRD は Debian 標準の /etc/bird/bird.conf で起動済みですが、OSPF の設定はありません。`protocol ospf v2` を追加して `area 0` に各ルーターのルーター間リンク 2 本を登録し、ルーター ID を設定してから `birdc configure` で反映します。ネイバーの状態は `birdc show ospf neighbors` で確認できます。",
          "インターフェースは名前で指定してください（r1・r3 は \"eth2\"、\"eth3\"、r2 は \"eth1\"、\"eth2\"）。\"*\" のようなパターンだと管理用ネットワークの eth0 にもマッチしてしまいます。eth0 は OSPF に含めないでください。BIRD は /30 のリンクをデフォルトでポイントツーポイント（`type ptp`）として扱います。`type broadcast` にすると、ウェイトタイマー（デフォルト 40 秒）経過後に DR/BDR 選出が行われてから隣接関係が確立します。",
          "r1 の例: router id 1.1.1.1; protocol ospf v2 area0 { ipv4 { import all; export none; }; area 0 { interface \"eth2\", \"eth3\" { type ptp; }; }; } を書いて birdc configure（BIRD が停止していれば service bird start）。"]
  }
  check "command" {
    on      = "r1"
    title   = "r1 runs an OSPF protocol"
    run     = "birdc show protocols | awk '$2 == \"OSPF\" {print $1, $4}'"
    matches = "(?m) up$"
  }
  check "command" {
    on      = "r2"
    title   = "r2 runs an OSPF protocol"
    run     = "birdc show protocols | awk '$2 == \"OSPF\" {print $1, $4}'"
    matches = "(?m) up$"
  }
  check "command" {
    on      = "r3"
    title   = "r3 runs an OSPF protocol"
    run     = "birdc show protocols | awk '$2 == \"OSPF\" {print $1, $4}'"
    matches = "(?m) up$"
  }
  check "command" {
    on      = "r1"
    title   = "r1: Full with 2.2.2.2 on eth2 and 3.3.3.3 on eth3, nothing else"
    run     = "birdc show ospf neighbors | awk '$3 ~ /^Full/ {print $1, $5}' | sort"
    matches = "^2\\.2\\.2\\.2 eth2\\n3\\.3\\.3\\.3 eth3$"
  }
  check "command" {
    on      = "r2"
    title   = "r2: Full with 1.1.1.1 on eth1 and 3.3.3.3 on eth2, nothing else"
    run     = "birdc show ospf neighbors | awk '$3 ~ /^Full/ {print $1, $5}' | sort"
    matches = "^1\\.1\\.1\\.1 eth1\\n3\\.3\\.3\\.3 eth2$"
  }
  check "command" {
    on      = "r3"
    title   = "r3: Full with 1.1.1.1 on eth3 and 2.2.2.2 on eth2, nothing else"
    run     = "birdc show ospf neighbors | awk '$3 ~ /^Full/ {print $1, $5}' | sort"
    matches = "^1\\.1\\.1\\.1 eth3\\n2\\.2\\.2\\.2 eth2$"
  }
}

# Routes: the best route BIRD has to each remote LAN is an OSPF one (an
# OSPF route type I/IA/E1/E2 after the star; a BIRD static route has
# none), and the kernel has no other route covering it (a static route
# added with `ip route` shows up as a second line, proto boot/static).
# OSPF speaks on the router links only: the LANs are stub interfaces (or
# stubnets, then not OSPF interfaces at all), eth0 (management) is not in
# OSPF, not even as a stub.
goal "ospf-routes" {
  title = {
    en = "The LANs are learnt through OSPF, with no static routes"
    ja = "各 LAN の経路を OSPF で学習している（スタティックルートなし）"
  }
  points = 25
  needs  = ["neighbors"]
  within = "20s"
  hints = {
    en = ["Each LAN must be part of area 0, but no OSPF hellos should go out to pc or srv: make eth1 of r1 and r3 a stub (passive) interface. BIRD's kernel protocol must export the OSPF routes to the kernel: `birdc show route` lists what BIRD knows, `ip route` what the kernel uses (proto bird).",
          "In the area: interface \"eth1\" { stub yes; }; In protocol kernel: ipv4 { export where source = RTS_OSPF; }; Remove any route you added by hand for a remote LAN (ip route del ...): static routes do not count here.",
          "Check on r1: birdc show route for 10.80.3.10 shows `[area0 ...] * I (150/20)`, and ip route show match 10.80.3.10 shows a single line, proto bird."]
    ja = ["各 LAN はエリア 0 に含める必要がありますが、pc や srv 側に Hello を送ってはいけません。r1・r3 の eth1 はスタブ（パッシブ）インターフェースにします。OSPF で学習した経路は BIRD の kernel プロトコルでカーネルに書き込みます。`birdc show route` で BIRD の RIB、`ip route` でカーネルの経路（proto bird）を確認できます。",
          "エリア内に interface \"eth1\" { stub yes; };、protocol kernel に ipv4 { export where source = RTS_OSPF; }; を設定します。対向 LAN 向けに手で追加したスタティックルートは削除してください（ip route del ...）。スタティックルートでは合格になりません。",
          "r1 での確認: birdc show route for 10.80.3.10 が `[area0 ...] * I (150/20)` となり、ip route show match 10.80.3.10 が proto bird の 1 行だけであること。"]
  }
  check "command" {
    on      = "r1"
    title   = "r1: BIRD's best route to 10.80.3.0/24 comes from OSPF"
    run     = "birdc show route for 10.80.3.10 primary"
    matches = "(?m)^10\\.80\\.3\\.0/24 +unicast \\[[^\\]]*\\] \\* (I|IA|E1|E2) \\("
  }
  check "command" {
    on      = "r1"
    title   = "r1: the kernel reaches 10.80.3.0/24 through BIRD only"
    run     = "ip -4 -o route show match 10.80.3.10; echo end"
    matches = "^10\\.80\\.3\\.0/24 [^\\n]*proto bird[^\\n]*\\nend$"
  }
  check "command" {
    on      = "r3"
    title   = "r3: BIRD's best route to 10.80.1.0/24 comes from OSPF"
    run     = "birdc show route for 10.80.1.10 primary"
    matches = "(?m)^10\\.80\\.1\\.0/24 +unicast \\[[^\\]]*\\] \\* (I|IA|E1|E2) \\("
  }
  check "command" {
    on      = "r3"
    title   = "r3: the kernel reaches 10.80.1.0/24 through BIRD only"
    run     = "ip -4 -o route show match 10.80.1.10; echo end"
    matches = "^10\\.80\\.1\\.0/24 [^\\n]*proto bird[^\\n]*\\nend$"
  }
  check "command" {
    on      = "r2"
    title   = "r2: both LANs through BIRD only"
    run     = "ip -4 -o route show match 10.80.1.10; ip -4 -o route show match 10.80.3.10; echo end"
    matches = "^10\\.80\\.1\\.0/24 [^\\n]*proto bird[^\\n]*\\n10\\.80\\.3\\.0/24 [^\\n]*proto bird[^\\n]*\\nend$"
  }
  check "command" {
    on      = "r1"
    title   = "r1: OSPF speaks on eth2 and eth3 only (the office LAN eth1 a stub at most, eth0 never)"
    run     = "birdc show ospf interface | awk '/^Interface / {i = $2} /^\\tState:/ {print ($0 ~ /\\(stub\\)/) ? i \" (stub)\" : i}' | sort -u"
    matches = "^(eth1 \\(stub\\)\\n)?eth2\\neth3$"
  }
  check "command" {
    on      = "r2"
    title   = "r2: OSPF speaks on eth1 and eth2 only (eth0 never)"
    run     = "birdc show ospf interface | awk '/^Interface / {i = $2} /^\\tState:/ {print ($0 ~ /\\(stub\\)/) ? i \" (stub)\" : i}' | sort -u"
    matches = "^eth1\\neth2$"
  }
  check "command" {
    on      = "r3"
    title   = "r3: OSPF speaks on eth2 and eth3 only (the DC LAN eth1 a stub at most, eth0 never)"
    run     = "birdc show ospf interface | awk '/^Interface / {i = $2} /^\\tState:/ {print ($0 ~ /\\(stub\\)/) ? i \" (stub)\" : i}' | sort -u"
    matches = "^(eth1 \\(stub\\)\\n)?eth2\\neth3$"
  }
}

goal "direct-path" {
  title = {
    en = "pc reaches srv over the direct r1-r3 link"
    ja = "pc から srv へ r1-r3 間の直結リンク経由で通信できる"
  }
  points = 15
  needs  = ["ospf-routes"]
  # Right after the adjacencies come up (a broadcast link waits out its
  # DR election first) routes may still go through r2 for a few seconds.
  within = "30s"
  hints = {
    en = ["With the default cost (10 per interface) the direct link r1-r3 is cheaper than the way through r2, in both directions. `ip route get 10.80.3.10` on r1 shows the next hop the kernel picks.",
          "If r1 goes through r2, look at the interface costs (`birdc show ospf interface`): the direct link must have the lower total cost, on r1 and on r3."]
    ja = ["コストがデフォルト（インターフェースごとに 10）なら、往復とも r2 経由より r1-r3 直結リンクのほうがコストが小さくなります。r1 で `ip route get 10.80.3.10` を実行すると、カーネルが選ぶネクストホップを確認できます。",
          "r2 経由になっている場合はインターフェースのコストを確認してください（`birdc show ospf interface`）。r1・r3 の両方で、直結リンク側の合計コストが小さくなっている必要があります。"]
  }
  check "http" {
    on       = "pc"
    url      = "http://10.80.3.10/"
    status   = 200
    contains = "DC intranet portal"
  }
  check "command" {
    on      = "r1"
    title   = "r1 reaches 10.80.3.10 via r3 on the direct link"
    run     = "ip -4 route get 10.80.3.10"
    matches = "via 10\\.80\\.13\\.2 dev eth3 "
  }
  check "command" {
    on      = "r3"
    title   = "r3 reaches 10.80.1.10 via r1 on the direct link"
    run     = "ip -4 route get 10.80.1.10"
    matches = "via 10\\.80\\.13\\.1 dev eth3 "
  }
}

# The direct link goes down at both ends: BIRD sees the interfaces go
# down at once (no dead interval to wait for), re-runs SPF and moves the
# routes to r2 within seconds.
goal "failover" {
  title = {
    en = "When the r1-r3 link fails, traffic goes through r2"
    ja = "r1-r3 間リンクの障害時に r2 経由へ切り替わる"
  }
  points = 35
  needs  = ["direct-path"]
  within = "20s"
  hints = {
    en = ["dojo checks this goal with the direct link down at both ends (eth3 of r1 and r3). Test it yourself: ip link set eth3 down on r1 and r3, watch `birdc show route` and `ip route get`, then ip link set eth3 up.",
          "If traffic does not move, the path through r2 is missing from OSPF: r2 must be Full with both r1 and r3, and the r1-r2 and r2-r3 links must be in area 0 on all their routers. A link that goes down is seen at once; a neighbour that stops answering only after the dead interval (40 s by default; `hello 1; dead 4;` makes it 4 s)."]
    ja = ["この課題は、直結リンクの両端（r1 と r3 の eth3）をダウンさせた状態で採点されます。手動で試すには r1・r3 で ip link set eth3 down を実行し、`birdc show route` と `ip route get` を確認してから ip link set eth3 up で戻します。",
          "切り替わらない場合は、r2 経由の経路が OSPF で学習できていません。r2 が r1・r3 の両方と Full になっていること、r1-r2・r2-r3 のリンクが両端でエリア 0 に入っていることを確認してください。リンクダウンは即座に検知されますが、応答しなくなったネイバーはデッド間隔（デフォルト 40 秒、`hello 1; dead 4;` で 4 秒）が経過するまで検知されません。"]
  }
  fault "link_down" {
    node      = "r1"
    interface = "eth3"
  }
  fault "link_down" {
    node      = "r3"
    interface = "eth3"
  }
  check "http" {
    on       = "pc"
    url      = "http://10.80.3.10/"
    status   = 200
    contains = "DC intranet portal"
  }
  check "command" {
    on      = "r1"
    title   = "r1 now reaches 10.80.3.10 via r2"
    run     = "ip -4 route get 10.80.3.10"
    matches = "via 10\\.80\\.12\\.2 dev eth2 "
  }
  check "command" {
    on      = "r3"
    title   = "r3 now reaches 10.80.1.10 via r2"
    run     = "ip -4 route get 10.80.1.10"
    matches = "via 10\\.80\\.23\\.1 dev eth2 "
  }
}

solution "r1" { script = file("solution/edge.sh") }
solution "r2" { script = file("solution/r2.sh") }
solution "r3" { script = file("solution/edge.sh") }
