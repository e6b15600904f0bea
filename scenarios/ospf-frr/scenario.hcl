scenario "ospf-frr" {
  title = {
    en = "Dynamic routing with FRR: OSPF area 0 in vtysh"
    ja = "FRR（vtysh）で 3 台のルーターに OSPF エリア 0 を構築する"
  }
  lab     = "ospf-triangle-frr"
  track   = "network"
  level   = 3
  minutes = 60
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# The routers forward and run FRR with Debian's defaults (zebra and
# staticd; ospfd=no in /etc/frr/daemons, nothing configured); srv serves
# a page. Nothing routes between the LANs yet. The lab's routers need
# CAP_SYS_ADMIN (zebra), so the scenario runs only with
# --allow-capabilities on an engine that confines it.
setup "r1" { script = file("setup/router.sh") }
setup "r2" { script = file("setup/router.sh") }
setup "r3" { script = file("setup/router.sh") }
setup "srv" { script = file("setup/srv.sh") }

# Neighbours: every router is Full with exactly the two others, over the
# two router links, with the router IDs the ticket gives (each router's
# own ID, and the IDs its neighbours report). Broadcast links with
# default timers wait 40 s before the DR election, and a check may start
# right after the last router was configured: hence 75 s (measured: about
# 45 s). The
# "ospfd runs" checks pass as soon as ospfd has its router ID, so that a
# check right after the configuration waits for the adjacencies (grading
# retries a goal only while something in it holds or moves).
goal "neighbors" {
  title = {
    en = "Every router has a Full adjacency with the other two"
    ja = "全ルーターで他の 2 台とのネイバーが Full になる"
  }
  points = 25
  within = "75s"
  hints = {
    en = ["FRR runs zebra and staticd only: ospfd is off in /etc/frr/daemons. Set ospfd=yes there and restart FRR (service frr restart). Then configure OSPF in vtysh: configure terminal, router ospf, ospf router-id, and put the two router links into area 0.",
          "`network 10.81.12.0/30 area 0` (under router ospf) enables OSPF on every interface whose address falls in that prefix; `ip ospf area 0` under an interface does the same for one interface. Leave eth0 (management) out: no network statement that covers 172.28.0.0/14, never 0.0.0.0/0. `show ip ospf neighbor` shows the adjacencies.",
          "On r1: vtysh, then configure terminal / router ospf / ospf router-id 1.1.1.1 / network 10.81.12.0/30 area 0 / network 10.81.13.0/30 area 0. On a /30, `ip ospf network point-to-point` under the interface skips the DR election (and its 40 s wait) — on both ends."]
    ja = ["FRR は zebra と staticd だけが起動しており、/etc/frr/daemons で ospfd が無効（ospfd=no）になっています。ospfd=yes に変更して FRR を再起動（service frr restart）してから、vtysh で OSPF を設定してください。configure terminal → router ospf → ospf router-id を設定し、ルーター間リンク 2 本をエリア 0 に入れます。",
          "router ospf 配下の `network 10.81.12.0/30 area 0` は、そのプレフィックスに含まれるアドレスを持つインターフェースすべてで OSPF を有効にします。インターフェース配下の `ip ospf area 0` でも 1 本ずつ有効にできます。管理用の eth0 は含めないでください（172.28.0.0/14 を含む network 文や 0.0.0.0/0 は NG）。ネイバーの状態は `show ip ospf neighbor` で確認できます。",
          "r1 の例: vtysh → configure terminal → router ospf → ospf router-id 1.1.1.1 → network 10.81.12.0/30 area 0 → network 10.81.13.0/30 area 0。/30 のリンクではインターフェース配下で `ip ospf network point-to-point` を設定すると DR/BDR 選出（とその 40 秒の待ち）が不要になります。両端で合わせてください。"]
  }
  check "command" {
    on      = "r1"
    title   = "r1: ospfd runs with router ID 1.1.1.1"
    run     = "vtysh -c 'show ip ospf' 2>&1 | grep -o 'Router ID: [0-9.]*'"
    matches = "^Router ID: 1\\.1\\.1\\.1$"
  }
  check "command" {
    on      = "r2"
    title   = "r2: ospfd runs with router ID 2.2.2.2"
    run     = "vtysh -c 'show ip ospf' 2>&1 | grep -o 'Router ID: [0-9.]*'"
    matches = "^Router ID: 2\\.2\\.2\\.2$"
  }
  check "command" {
    on      = "r3"
    title   = "r3: ospfd runs with router ID 3.3.3.3"
    run     = "vtysh -c 'show ip ospf' 2>&1 | grep -o 'Router ID: [0-9.]*'"
    matches = "^Router ID: 3\\.3\\.3\\.3$"
  }
  check "command" {
    on      = "r1"
    title   = "r1: Full with 2.2.2.2 on eth2 and 3.3.3.3 on eth3, nothing else"
    run     = "vtysh -c 'show ip ospf neighbor' 2>&1 | awk '$3 ~ /^Full/ {sub(/:.*/, \"\", $7); print $1, $7}' | sort"
    matches = "^2\\.2\\.2\\.2 eth2\\n3\\.3\\.3\\.3 eth3$"
  }
  check "command" {
    on      = "r2"
    title   = "r2: Full with 1.1.1.1 on eth1 and 3.3.3.3 on eth2, nothing else"
    run     = "vtysh -c 'show ip ospf neighbor' 2>&1 | awk '$3 ~ /^Full/ {sub(/:.*/, \"\", $7); print $1, $7}' | sort"
    matches = "^1\\.1\\.1\\.1 eth1\\n3\\.3\\.3\\.3 eth2$"
  }
  check "command" {
    on      = "r3"
    title   = "r3: Full with 1.1.1.1 on eth3 and 2.2.2.2 on eth2, nothing else"
    run     = "vtysh -c 'show ip ospf neighbor' 2>&1 | awk '$3 ~ /^Full/ {sub(/:.*/, \"\", $7); print $1, $7}' | sort"
    matches = "^1\\.1\\.1\\.1 eth3\\n2\\.2\\.2\\.2 eth2$"
  }
}

# OSPF interfaces: the router links, and on r1 and r3 the LAN as a
# passive interface (advertised, no hellos: nothing on the LAN speaks
# OSPF). eth0 (management) is never an OSPF interface, not even passive:
# a `network 0.0.0.0/0 area 0` or one covering 172.28.0.0/14 fails here.
# `show ip ospf interface` lists OSPF interfaces only.
goal "interfaces" {
  title = {
    en = "OSPF runs on the router links, the LANs are passive, eth0 stays out"
    ja = "OSPF はルーター間リンクのみで動作し、LAN はパッシブ、eth0 は対象外"
  }
  points = 15
  needs  = ["neighbors"]
  hints = {
    en = ["The LAN behind r1 and r3 (eth1) must be in area 0, so that the others learn it, but no hellos may go out there: make eth1 a passive interface. `show ip ospf interface` lists the OSPF interfaces; a passive one says \"No Hellos (Passive interface)\".",
          "Under interface eth1: `ip ospf passive` (or `passive-interface eth1` under router ospf). The LAN needs a network statement (or `ip ospf area 0`) too. eth0 must not be listed by `show ip ospf interface`: remove any network statement that covers its address (`no network ... area 0`)."]
    ja = ["r1・r3 の背後の LAN（eth1）は他のルーターが学習できるようエリア 0 に含める必要がありますが、LAN 側に Hello を送ってはいけません。eth1 をパッシブインターフェースにしてください。`show ip ospf interface` で OSPF インターフェースの一覧を確認でき、パッシブなら \"No Hellos (Passive interface)\" と表示されます。",
          "interface eth1 配下で `ip ospf passive`（または router ospf 配下で `passive-interface eth1`）を設定します。LAN 自体も network 文（または `ip ospf area 0`）で OSPF に含めてください。eth0 は `show ip ospf interface` に出てきてはいけません。eth0 のアドレスを含む network 文があれば削除してください（`no network ... area 0`）。"]
  }
  check "command" {
    on      = "r1"
    title   = "r1: OSPF on eth1 (passive), eth2 and eth3, not on eth0"
    run     = "vtysh -c 'show ip ospf interface' 2>&1 | awk '/^[^ ].* is (up|down)/ {i = $1; o[i] = i} /Passive interface/ {o[i] = i \" passive\"} END {for (k in o) print o[k]}' | sort"
    matches = "^eth1 passive\\neth2\\neth3$"
  }
  check "command" {
    on      = "r2"
    title   = "r2: OSPF on eth1 and eth2, not on eth0"
    run     = "vtysh -c 'show ip ospf interface' 2>&1 | awk '/^[^ ].* is (up|down)/ {i = $1; o[i] = i} /Passive interface/ {o[i] = i \" passive\"} END {for (k in o) print o[k]}' | sort"
    matches = "^eth1\\neth2$"
  }
  check "command" {
    on      = "r3"
    title   = "r3: OSPF on eth1 (passive), eth2 and eth3, not on eth0"
    run     = "vtysh -c 'show ip ospf interface' 2>&1 | awk '/^[^ ].* is (up|down)/ {i = $1; o[i] = i} /Passive interface/ {o[i] = i \" passive\"} END {for (k in o) print o[k]}' | sort"
    matches = "^eth1 passive\\neth2\\neth3$"
  }
}

# Routes: the kernel reaches each remote LAN by one route, installed by
# zebra from OSPF (proto ospf). A static route, from `ip route` (a second
# line, proto boot) or from vtysh `ip route` (distance 1 wins over OSPF's
# 110: proto static), fails.
goal "ospf-routes" {
  title = {
    en = "The LANs are learnt through OSPF, with no static routes"
    ja = "各 LAN の経路を OSPF で学習している（スタティックルートなし）"
  }
  points = 25
  needs  = ["neighbors"]
  # `within` counts from the start of the run, and the adjacencies may
  # take most of their 75 s; on broadcast links they may then go down and
  # up once more while the DR/BDR settle, and the routes follow after the
  # LSA exchange and SPF (throttled; slower on a busy machine).
  within = "100s"
  hints = {
    en = ["Each LAN reaches the other routers only if it is in area 0 (a network statement or `ip ospf area 0` on eth1 of r1 and r3). zebra installs what OSPF learns in the kernel: `show ip route ospf` in vtysh, `ip route` in the shell (proto ospf).",
          "Remove every route you added by hand for a remote LAN: `ip route del ...` in the shell, `no ip route ...` in vtysh (configure terminal). A static route wins over OSPF and does not count here.",
          "Check on r1: `show ip route 10.81.3.10` says Known via \"ospf\", and `ip route show match 10.81.3.10` shows a single line, proto ospf."]
    ja = ["各 LAN がエリア 0 に含まれていなければ、他のルーターはその経路を学習できません（r1・r3 の eth1 を network 文か `ip ospf area 0` で OSPF に含める）。OSPF で学習した経路は zebra がカーネルに書き込みます。vtysh では `show ip route ospf`、シェルでは `ip route`（proto ospf）で確認できます。",
          "対向 LAN 向けに手で追加した経路はすべて削除してください。シェルなら `ip route del ...`、vtysh なら configure terminal から `no ip route ...` です。スタティックルートは OSPF より優先されるため、残っていると合格になりません。",
          "r1 での確認: `show ip route 10.81.3.10` が Known via \"ospf\" となり、`ip route show match 10.81.3.10` が proto ospf の 1 行だけであること。"]
  }
  check "command" {
    on      = "r1"
    title   = "r1: the kernel reaches 10.81.3.0/24 through OSPF only"
    run     = "ip -4 -o route show match 10.81.3.10; echo end"
    matches = "^10\\.81\\.3\\.0/24 [^\\n]*proto ospf[^\\n]*\\nend$"
  }
  check "command" {
    on      = "r3"
    title   = "r3: the kernel reaches 10.81.1.0/24 through OSPF only"
    run     = "ip -4 -o route show match 10.81.1.10; echo end"
    matches = "^10\\.81\\.1\\.0/24 [^\\n]*proto ospf[^\\n]*\\nend$"
  }
  check "command" {
    on      = "r2"
    title   = "r2: both LANs through OSPF only"
    run     = "ip -4 -o route show match 10.81.1.10; ip -4 -o route show match 10.81.3.10; echo end"
    matches = "^10\\.81\\.1\\.0/24 [^\\n]*proto ospf[^\\n]*\\n10\\.81\\.3\\.0/24 [^\\n]*proto ospf[^\\n]*\\nend$"
  }
}

goal "direct-path" {
  title = {
    en = "pc reaches srv over the direct r1-r3 link"
    ja = "pc から srv へ r1-r3 間の直結リンク経由で通信できる"
  }
  points = 15
  needs  = ["ospf-routes"]
  # Right after the adjacencies come up routes may still go through r2
  # for a while: on broadcast links the DR's network LSA and the routers'
  # new router LSAs (at most one per 5 s each) come first; `within`
  # counts from the start of the run (see ospf-routes).
  within = "120s"
  hints = {
    en = ["With equal interface costs (10 on every interface here) the direct link r1-r3 is cheaper than the way through r2, in both directions. `ip route get 10.81.3.10` on r1 shows the next hop the kernel picks.",
          "If r1 goes through r2, look at the costs (`show ip ospf interface`, `show ip ospf route`): the direct link must have the lower total cost, on r1 and on r3."]
    ja = ["インターフェースのコストが同じ（ここではすべて 10）なら、往復とも r2 経由より r1-r3 直結リンクのほうがコストが小さくなります。r1 で `ip route get 10.81.3.10` を実行すると、カーネルが選ぶネクストホップを確認できます。",
          "r2 経由になっている場合はコストを確認してください（`show ip ospf interface`、`show ip ospf route`）。r1・r3 の両方で、直結リンク側の合計コストが小さくなっている必要があります。"]
  }
  check "http" {
    on       = "pc"
    url      = "http://10.81.3.10/"
    status   = 200
    contains = "DC intranet portal"
  }
  check "command" {
    on      = "r1"
    title   = "r1 reaches 10.81.3.10 via r3 on the direct link"
    run     = "ip -4 route get 10.81.3.10"
    matches = "via 10\\.81\\.13\\.2 dev eth3 "
  }
  check "command" {
    on      = "r3"
    title   = "r3 reaches 10.81.1.10 via r1 on the direct link"
    run     = "ip -4 route get 10.81.1.10"
    matches = "via 10\\.81\\.13\\.1 dev eth3 "
  }
}

# Saved: after a restart of FRR (or of the router) the same OSPF comes
# back. ospfd is enabled in /etc/frr/daemons, /etc/frr/frr.conf holds the
# router ospf section with the router ID, and the running configuration
# is the saved one (`write memory` after the last change; the comparison
# leaves out vtysh's header, "!" separators and "end").
goal "saved" {
  title = {
    en = "The configuration is saved and survives an FRR restart"
    ja = "設定が保存されており、FRR 再起動後も維持される"
  }
  points = 20
  needs  = ["neighbors"]
  hints = {
    en = ["vtysh changes the running configuration only. `write memory` (in vtysh, outside configure mode) saves it to /etc/frr/frr.conf, which FRR reads at start. ospfd must stay enabled in /etc/frr/daemons too, or a restart brings FRR back without OSPF.",
          "Compare `show running-config` with /etc/frr/frr.conf: every change made after the last `write memory` is lost on restart. Save again after the last change, on every router."]
    ja = ["vtysh での変更はランニングコンフィグにしか反映されません。vtysh の特権モードで `write memory` を実行すると /etc/frr/frr.conf に保存され、FRR 起動時に読み込まれます。/etc/frr/daemons の ospfd=yes もそのままにしてください。無効だと再起動後に OSPF が起動しません。",
          "`show running-config` と /etc/frr/frr.conf を比べてみてください。最後の `write memory` より後の変更は再起動で失われます。全ルーターで、最後の変更の後にもう一度保存してください。"]
  }
  check "command" {
    on      = "r1"
    title   = "r1: ospfd enabled at boot, router ospf with 1.1.1.1 saved, nothing unsaved"
    run     = "grep -x 'ospfd=yes' /etc/frr/daemons; awk '/^router ospf/,/^exit/' /etc/frr/frr.conf | grep -Eo '^ *(ospf )?router-id [0-9.]+'; r=$(vtysh -c 'show running-config' | sed '1,/^Current configuration:/d' | grep -v -e '^!' -e '^end$' | md5sum); s=$(grep -v '^!' /etc/frr/frr.conf | md5sum); [ \"$r\" = \"$s\" ] && echo saved || echo unsaved changes"
    matches = "^ospfd=yes\\n *(ospf )?router-id 1\\.1\\.1\\.1\\nsaved$"
  }
  check "command" {
    on      = "r2"
    title   = "r2: ospfd enabled at boot, router ospf with 2.2.2.2 saved, nothing unsaved"
    run     = "grep -x 'ospfd=yes' /etc/frr/daemons; awk '/^router ospf/,/^exit/' /etc/frr/frr.conf | grep -Eo '^ *(ospf )?router-id [0-9.]+'; r=$(vtysh -c 'show running-config' | sed '1,/^Current configuration:/d' | grep -v -e '^!' -e '^end$' | md5sum); s=$(grep -v '^!' /etc/frr/frr.conf | md5sum); [ \"$r\" = \"$s\" ] && echo saved || echo unsaved changes"
    matches = "^ospfd=yes\\n *(ospf )?router-id 2\\.2\\.2\\.2\\nsaved$"
  }
  check "command" {
    on      = "r3"
    title   = "r3: ospfd enabled at boot, router ospf with 3.3.3.3 saved, nothing unsaved"
    run     = "grep -x 'ospfd=yes' /etc/frr/daemons; awk '/^router ospf/,/^exit/' /etc/frr/frr.conf | grep -Eo '^ *(ospf )?router-id [0-9.]+'; r=$(vtysh -c 'show running-config' | sed '1,/^Current configuration:/d' | grep -v -e '^!' -e '^end$' | md5sum); s=$(grep -v '^!' /etc/frr/frr.conf | md5sum); [ \"$r\" = \"$s\" ] && echo saved || echo unsaved changes"
    matches = "^ospfd=yes\\n *(ospf )?router-id 3\\.3\\.3\\.3\\nsaved$"
  }
}

solution "r1" { script = file("solution/router.sh") }
solution "r2" { script = file("solution/router.sh") }
solution "r3" { script = file("solution/router.sh") }
