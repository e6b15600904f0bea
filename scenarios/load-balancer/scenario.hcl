scenario "load-balancer" {
  title = {
    en = "Put a load balancer in front of two web servers"
    ja = "2 台の Web サーバーの前段にロードバランサーを構築する"
  }
  lab     = "web-tier"
  track   = "server"
  level   = 2
  minutes = 45
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# web-1 and web-2 serve their pages; lb runs nothing.
setup "web-1" { script = file("setup/web.sh") }
setup "web-2" { script = file("setup/web.sh") }
setup "lb" { script = file("setup/lb.sh") }

goal "backends-up" {
  title = {
    en = "Keep both web servers serving"
    ja = "2 台の Web サーバーは稼働させたままにする"
  }
  guard  = true
  points = 0
  hints = {
    en = ["The web servers are fine: the work is on lb. Keep nginx running on web-1 and web-2."]
    ja = ["Web サーバーに問題はありません。作業対象は lb です。web-1 と web-2 の nginx は稼働させたままにしてください。"]
  }
  check "http" {
    on       = "lb"
    url      = "http://10.30.1.10/"
    contains = "Served by web-1"
  }
  check "http" {
    on       = "lb"
    url      = "http://10.30.1.11/"
    contains = "Served by web-2"
  }
}

goal "lb-serves" {
  title = {
    en = "The client gets the site from the load balancer"
    ja = "client からロードバランサー経由でサイトが表示できる"
  }
  points = 25
  needs  = ["backends-up"]
  within = "10s"
  hints = {
    en = ["nginx is installed on lb: an upstream block naming both web servers and a server block on port 80 that proxy_passes to it.",
          "upstream web { server 10.30.1.10; server 10.30.1.11; } server { listen 80; location / { proxy_pass http://web; } } — then nginx -t and service nginx start."]
    ja = ["lb には nginx がインストール済みです。2 台の Web サーバーを並べた upstream ブロックと、そこへ proxy_pass する 80 番の server ブロックを書きます。",
          "upstream web { server 10.30.1.10; server 10.30.1.11; } server { listen 80; location / { proxy_pass http://web; } } を書き、nginx -t の後 service nginx start。"]
  }
  check "http" {
    on       = "client"
    url      = "http://10.30.0.2/"
    status   = 200
    contains = "Served by web-"
  }
}

goal "balanced" {
  title = {
    en = "Requests are spread over both web servers"
    ja = "リクエストが 2 台の Web サーバーに振り分けられる"
  }
  points = 20
  needs  = ["lb-serves"]
  within = "10s"
  hints = {
    en = ["Request the page a few times from client and look at which server answered.",
          "Round robin is nginx's default when an upstream lists several servers; a backup or down flag keeps one idle."]
    ja = ["client から何回かページを取得し、どのサーバーが応答したか確認しましょう。",
          "upstream に複数のサーバーを並べれば、nginx のデフォルトはラウンドロビンです。backup や down を付けると片方が使われません。"]
  }
  check "command" {
    on    = "client"
    title = "six requests reach both web-1 and web-2"
    run   = "for i in 1 2 3 4 5 6; do curl -s --max-time 5 http://10.30.0.2/ | grep -o 'web-[0-9]'; done | sort -u | tr '\\n' ' '"
    matches = "web-1 web-2"
  }
}

goal "client-address" {
  title = {
    en = "The web servers learn the client's real address"
    ja = "Web サーバー側でクライアントの実 IP アドレスがわかる"
  }
  points = 15
  needs  = ["lb-serves"]
  hints = {
    en = ["Behind a proxy every request seems to come from lb. The convention is to pass the client's address in request headers.",
          "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; (and X-Real-IP $remote_addr) in lb's location block."]
    ja = ["プロキシ配下では、すべてのリクエストが lb から来たように見えます。クライアントのアドレスはリクエストヘッダーで渡すのが慣例です。",
          "lb の location ブロックに proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;（と X-Real-IP $remote_addr）を追加します。"]
  }
  check "command" {
    on    = "lb"
    title = "lb's proxy configuration sends X-Forwarded-For or X-Real-IP"
    run   = "nginx -T 2>/dev/null | sed 's/#.*//' | grep -Ei '(^|[;{[:space:]])proxy_set_header[[:space:]]+(X-Forwarded-For|X-Real-IP)[[:space:]]+\\$(proxy_add_x_forwarded_for|remote_addr)'"
  }
}

goal "survives-web1-down" {
  title = {
    en = "Users barely notice when web-1 fails"
    ja = "web-1 が停止しても利用者への影響がほぼない"
  }
  points = 40
  needs  = ["balanced"]
  within = "15s"
  hints = {
    en = ["dojo checks this goal with web-1 cut off the network. nginx waits 60 s by default before it gives up connecting to a dead server: every second user would wait that long.",
          "In the upstream: server 10.30.1.10 max_fails=1 fail_timeout=10s; and in the location: proxy_connect_timeout 1s; proxy_next_upstream error timeout;"]
    ja = ["この課題は web-1 をネットワークから切り離した状態で採点されます。nginx はデフォルトで、停止したサーバーへの接続を 60 秒待ってから諦めます。2 人に 1 人がその間待たされます。",
          "upstream に server 10.30.1.10 max_fails=1 fail_timeout=10s;、location に proxy_connect_timeout 1s; と proxy_next_upstream error timeout; を設定します。"]
  }
  fault "node_down" {
    node = "web-1"
  }
  check "command" {
    on    = "client"
    title = "four requests in a row are answered by web-2, each within 3 seconds"
    run   = "for i in 1 2 3 4; do curl -s --max-time 3 http://10.30.0.2/ | grep -o 'Served by web-[0-9]' || echo timeout; done | sort | uniq -c | tr -s ' ' | tr '\\n' ';'"
    matches = "^ ?4 Served by web-2;$"
  }
}

solution "lb" { script = file("solution/lb.sh") }
