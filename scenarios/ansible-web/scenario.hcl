scenario "ansible-web" {
  title = {
    en = "Configure three web servers with Ansible"
    ja = "Ansible で Web サーバー 3 台を構築する"
  }
  lab     = "ansible-fleet"
  track   = "automation"
  level   = 2
  minutes = 60
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# The team's Ansible key is authorized on the web servers (setup runs in
# this order: the webs first, then control, which records their host keys).
setup "web-1" { script = file("setup/web.sh") }
setup "web-2" { script = file("setup/web.sh") }
setup "web-3" { script = file("setup/web.sh") }
setup "control" { script = file("setup/control.sh") }

goal "inventory" {
  title = {
    en = "The inventory and playbook are in /root/site, and Ansible reaches every web server"
    ja = "/root/site にインベントリと Playbook があり、Ansible で全 Web サーバーに接続できる"
  }
  points  = 10
  timeout = "60s"
  hints = {
    en = ["An INI inventory is enough: a [webservers] section listing web-1, web-2 and web-3 (the names resolve through /etc/hosts). Try it with: cd /root/site && ansible -i inventory webservers -m ping",
          "The team's key is already in /root/.ssh on control and authorized for root on the webs: set ansible_user=root (in [webservers:vars] or group_vars). The playbook must exist too: /root/site/site.yml."]
    ja = ["インベントリは INI 形式で十分です。[webservers] セクションに web-1、web-2、web-3 を並べます（名前は /etc/hosts で引けます）。cd /root/site && ansible -i inventory webservers -m ping で疎通確認しましょう。",
          "チームの鍵は control の /root/.ssh に配置済みで、Web サーバーの root に登録されています。ansible_user=root を [webservers:vars] か group_vars で指定します。Playbook（/root/site/site.yml）も必要です。"]
  }
  check "file" {
    on    = "control"
    path  = "/root/site/site.yml"
    type  = "file"
  }
  check "command" {
    on    = "control"
    title = "group webservers is web-1, web-2, web-3 and answers ansible -m ping"
    run   = file("checks/inventory.sh")
  }
}

goal "deploy-account" {
  title = {
    en = "Every web server has the deploy user in group webops"
    ja = "全 Web サーバーに webops グループ所属の deploy ユーザーがある"
  }
  points = 15
  hints = {
    en = ["Two modules: ansible.builtin.group for webops, then ansible.builtin.user for deploy.",
          "user: name=deploy groups=webops append=true shell=/bin/bash create_home=true. Check on a web: id deploy; getent passwd deploy"]
    ja = ["モジュールは 2 つです。webops は ansible.builtin.group、deploy は ansible.builtin.user で作成します。",
          "user: name=deploy groups=webops append=true shell=/bin/bash create_home=true。Web サーバー上で id deploy、getent passwd deploy で確認できます。"]
  }
  check "command" {
    on    = "web-1"
    title = "deploy on web-1"
    run   = file("checks/deploy.sh")
  }
  check "command" {
    on    = "web-2"
    title = "deploy on web-2"
    run   = file("checks/deploy.sh")
  }
  check "command" {
    on    = "web-3"
    title = "deploy on web-3"
    run   = file("checks/deploy.sh")
  }
}

goal "site-page" {
  title = {
    en = "Each web server serves its own page from /srv/www/site"
    ja = "各 Web サーバーが /srv/www/site から自分のホスト名入りのページを返す"
  }
  points = 25
  # Probes on one node run in one batch, and a batch answers when its
  # slowest probe ends: the HTTP checks on control share theirs with
  # ansible -m ping (inventory), server-tokens with the check-mode run.
  timeout = "60s"
  hints = {
    en = ["One template for all three: <h1>{{ inventory_hostname }}</h1> renders web-1 on web-1. A copied static file shows the same name everywhere.",
          "A server block with root /srv/www/site (in sites-available/, linked into sites-enabled/), the default site removed, the page deploy:webops 0644, then nginx started: ansible.builtin.service name=nginx state=started enabled=true. Test from control: curl -s http://web-2/"]
    ja = ["テンプレートは 1 つで済みます。<h1>{{ inventory_hostname }}</h1> と書けば web-1 では web-1 と展開されます。静的ファイルをコピーすると全台同じ名前になります。",
          "root /srv/www/site の server ブロックを sites-available/ に置いて sites-enabled/ にリンクし、default サイトを外します。ページは deploy:webops 0644。最後に ansible.builtin.service で name=nginx state=started enabled=true。control から curl -s http://web-2/ で確認しましょう。"]
  }
  check "http" {
    on      = "control"
    url     = "http://web-1/"
    status  = 200
    matches = "<h1>\\s*web-1\\s*</h1>[\\s\\S]*Managed by Ansible"
  }
  check "http" {
    on      = "control"
    url     = "http://web-2/"
    status  = 200
    matches = "<h1>\\s*web-2\\s*</h1>[\\s\\S]*Managed by Ansible"
  }
  check "http" {
    on      = "control"
    url     = "http://web-3/"
    status  = 200
    matches = "<h1>\\s*web-3\\s*</h1>[\\s\\S]*Managed by Ansible"
  }
  check "command" {
    on    = "web-1"
    title = "page owner and mode on web-1"
    run   = file("checks/page.sh")
  }
  check "command" {
    on    = "web-2"
    title = "page owner and mode on web-2"
    run   = file("checks/page.sh")
  }
  check "command" {
    on    = "web-3"
    title = "page owner and mode on web-3"
    run   = file("checks/page.sh")
  }
}

goal "server-tokens" {
  title = {
    en = "nginx does not reveal its version"
    ja = "nginx がバージョン情報を返さない"
  }
  points  = 10
  needs   = ["site-page"]
  timeout = "180s"
  hints = {
    en = ["Look at the response headers from control: curl -sI http://web-1/ | grep -i server",
          "server_tokens off; in the server block of your template (or in the http block of nginx.conf with lineinfile), and a handler that reloads nginx when the file changes."]
    ja = ["control からレスポンスヘッダーを確認しましょう: curl -sI http://web-1/ | grep -i server",
          "テンプレートの server ブロック（または lineinfile で nginx.conf の http ブロック）に server_tokens off; を入れ、ファイル変更時に nginx を reload するハンドラーを用意します。"]
  }
  check "command" {
    on      = "control"
    title   = "the Server header of web-1, web-2 and web-3 is plain nginx"
    run     = "for h in web-1 web-2 web-3; do printf '%s ' $h; curl -sI --max-time 5 http://$h/ | tr -d '\\r' | grep -i '^server:' || echo none; done"
    matches = "^web-1 Server: nginx\\nweb-2 Server: nginx\\nweb-3 Server: nginx$"
  }
}

goal "idempotent" {
  title = {
    en = "A second run of the playbook changes nothing (--check --diff)"
    ja = "Playbook を再実行しても何も変更されない（--check --diff）"
  }
  points  = 40
  needs   = ["inventory", "deploy-account", "site-page"]
  timeout = "180s"
  hints = {
    en = ["dojo runs cd /root/site && ansible-playbook -i inventory site.yml --check --diff and wants changed=0 and failed=0 for every host in the PLAY RECAP. Run it yourself and read which tasks report changed.",
          "shell/command tasks report changed on every run: use the module that describes the state (template, lineinfile, user, file) or give the task creates:/changed_when:. The playbook itself must manage deploy, the page and nginx on every web server.",
          "In check mode nothing runs on the servers: a task whose result depends on an earlier task (a register, a handler) may need check_mode: false or a when: guard. Run the real playbook twice and compare the recaps."]
    ja = ["dojo は cd /root/site && ansible-playbook -i inventory site.yml --check --diff を実行し、PLAY RECAP の全ホストが changed=0、failed=0 であることを確認します。自分でも実行して、どのタスクが changed になるか確認しましょう。",
          "shell や command のタスクは毎回 changed になります。状態を記述するモジュール（template、lineinfile、user、file）を使うか、creates: や changed_when: を付けます。deploy、ページ、nginx は Playbook 自体で全 Web サーバーに対して管理してください。",
          "チェックモードではサーバー上で何も実行されません。前のタスクの結果（register やハンドラー）に依存するタスクには check_mode: false や when: が必要な場合があります。Playbook を実際に 2 回流して RECAP を比べてみましょう。"]
  }
  check "command" {
    on    = "control"
    title = "ansible-playbook --check --diff: changed=0 failed=0 on every host, and it manages deploy, the page and nginx"
    run   = file("checks/converged.sh")
  }
}

solution "control" { script = file("solution/control.sh") }
