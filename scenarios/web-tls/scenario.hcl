scenario "web-tls" {
  title = {
    en = "Serve the intranet over HTTPS"
    ja = "社内サイトを HTTPS 化する"
  }
  lab     = "client-server"
  track   = "server"
  level   = 2
  minutes = 40
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# nginx serves the portal over plain HTTP only.
setup "server" { script = file("setup/server.sh") }

goal "https" {
  title = {
    en = "The portal answers over HTTPS on port 443"
    ja = "443 番ポートで HTTPS によりポータルが表示される"
  }
  points = 30
  within = "10s"
  hints = {
    en = ["nginx needs a certificate and its private key, then a server block with listen 443 ssl; ssl_certificate and ssl_certificate_key.",
          "openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=www.lab.internal -addext subjectAltName=DNS:www.lab.internal -keyout /etc/ssl/private/www.key -out /etc/ssl/certs/www.crt"]
    ja = ["nginx には証明書と秘密鍵が必要です。server ブロックに listen 443 ssl; と ssl_certificate、ssl_certificate_key を書きます。",
          "openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=www.lab.internal -addext subjectAltName=DNS:www.lab.internal -keyout /etc/ssl/private/www.key -out /etc/ssl/certs/www.crt"]
  }
  check "http" {
    on       = "client"
    url      = "https://10.20.0.20/"
    status   = 200
    contains = "Intranet portal"
  }
}

goal "redirect" {
  title = {
    en = "HTTP redirects to the same URL on HTTPS"
    ja = "HTTP へのアクセスを同じ URL の HTTPS へリダイレクトする"
  }
  points = 20
  needs  = ["https"]
  within = "10s"
  hints = {
    en = ["A permanent redirect is status 301 (or 308) with a Location header. Keep the path and the query string.",
          "In the port-80 server block: return 301 https://$host$request_uri;"]
    ja = ["恒久的なリダイレクトはステータス 301（または 308）と Location ヘッダーです。パスとクエリ文字列は維持すること。",
          "80 番の server ブロックに return 301 https://$host$request_uri; と書きます。"]
  }
  check "command" {
    on    = "client"
    title = "http://10.20.0.20/docs/?q=vpn redirects to https://…/docs/?q=vpn"
    run   = "curl -sS -o /dev/null --max-time 5 -w '%%{http_code} %%{redirect_url}' 'http://10.20.0.20/docs/?q=vpn'"
    matches = "^30[178] https://(10\\.20\\.0\\.20|www\\.lab\\.internal)(:443)?/docs/\\?q=vpn$"
  }
}

goal "certificate" {
  title = {
    en = "The certificate is for www.lab.internal, valid for a year, with a strong key"
    ja = "証明書が www.lab.internal 用で、1 年有効、十分な鍵長である"
  }
  points = 25
  needs  = ["https"]
  hints = {
    en = ["Browsers match the host name against the subjectAltName, not only the CN. Look at what is served: echo | openssl s_client -connect 10.20.0.20:443 2>/dev/null | openssl x509 -noout -text",
          "Generate it with -days 365 (or more), -addext subjectAltName=DNS:www.lab.internal and an RSA key of 2048 bits or more (or EC P-256)."]
    ja = ["ブラウザーは CN だけでなく subjectAltName でホスト名を照合します。実際に配信されている証明書を確認: echo | openssl s_client -connect 10.20.0.20:443 2>/dev/null | openssl x509 -noout -text",
          "-days 365 以上、-addext subjectAltName=DNS:www.lab.internal、RSA 2048 ビット以上（または EC P-256）で作成し直しましょう。"]
  }
  check "command" {
    on    = "client"
    title = "the served certificate"
    run   = file("checks/cert.sh")
  }
}

goal "key-protected" {
  title = {
    en = "The private key is readable by root only"
    ja = "秘密鍵は root だけが読める"
  }
  points = 15
  needs  = ["https"]
  hints = {
    en = ["nginx reads its key as root before dropping privileges: nobody else needs to read it.",
          "chown root:root KEY; chmod 600 KEY (Debian keeps keys in /etc/ssl/private)."]
    ja = ["nginx は権限を落とす前に root で鍵を読み込むので、他のユーザーに読み取り権限は不要です。",
          "chown root:root 鍵ファイル; chmod 600 鍵ファイル（Debian では鍵は /etc/ssl/private に置くのが慣例）。"]
  }
  check "command" {
    on    = "server"
    title = "every ssl_certificate_key nginx uses is root's, mode 600/400 (or 640/440 with group root or ssl-cert)"
    run   = file("checks/key.sh")
  }
}

goal "hsts" {
  title = {
    en = "HTTPS responses tell browsers to stay on HTTPS (HSTS)"
    ja = "HTTPS の応答で HSTS ヘッダーを返す"
  }
  points = 10
  needs  = ["https"]
  hints = {
    en = ["The Strict-Transport-Security response header, with a max-age of at least a day.",
          "add_header Strict-Transport-Security \"max-age=31536000\" always; in the 443 server block."]
    ja = ["Strict-Transport-Security レスポンスヘッダーです。max-age は 1 日以上に。",
          "443 の server ブロックに add_header Strict-Transport-Security \"max-age=31536000\" always; を追加します。"]
  }
  check "command" {
    on    = "client"
    title = "Strict-Transport-Security on https://10.20.0.20/"
    run   = "curl -sSk -o /dev/null -D - --max-time 5 https://10.20.0.20/ | tr -d '\\r' | grep -i '^strict-transport-security:'"
    matches = "(?i)max-age=0*([1-9][0-9]{5,}|8[6-9][0-9]{3}|9[0-9]{4})"
  }
}

solution "server" { script = file("solution/server.sh") }
