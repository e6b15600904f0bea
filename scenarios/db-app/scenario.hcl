scenario "db-app" {
  title = {
    en = "PostgreSQL for the order service"
    ja = "注文サービス用の PostgreSQL を構築する"
  }
  lab     = "app-db"
  track   = "database"
  level   = 2
  minutes = 50
  pass    = 70
  brief   = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}

# db runs PostgreSQL 15 as Debian installs it (localhost only, no shop
# database); app holds the service's connection settings and the old
# system's export. office has the client tools too.
setup "app" { script = file("setup/app.sh") }

goal "listen" {
  title = {
    en = "PostgreSQL accepts connections on the LAN"
    ja = "PostgreSQL が LAN 側で接続を受け付ける"
  }
  points = 10
  within = "10s"
  hints = {
    en = ["Debian's PostgreSQL listens on localhost only. From app: pg_isready -h 10.80.0.20. On db: ss -ltn shows what it listens on.",
          "listen_addresses = 'localhost,10.80.0.20' (in /etc/postgresql/15/main/postgresql.conf or a file in conf.d/), then a restart, not a reload: service postgresql restart."]
    ja = ["Debian の PostgreSQL は初期状態では localhost でしか LISTEN していません。app から pg_isready -h 10.80.0.20、db で ss -ltn を確認しましょう。",
          "/etc/postgresql/15/main/postgresql.conf（または conf.d/ 配下のファイル）に listen_addresses = 'localhost,10.80.0.20' を設定し、reload ではなく再起動（service postgresql restart）が必要です。"]
  }
  check "tcp" {
    on     = "app"
    host   = "10.80.0.20"
    port   = 5432
    expect = "open"
  }
}

goal "app-login" {
  title = {
    en = "app logs in to shop as shop_app, the owner of shop"
    ja = "app から shop_app で shop に接続（所有者 shop_app）"
  }
  points = 20
  needs  = ["listen"]
  within = "10s"
  hints = {
    en = ["Use the values in /etc/shop/db.env on app as they are. On db, sudo -u postgres psql: a login role with a password (no SUPERUSER, CREATEDB or CREATEROLE: the defaults), then a database owned by it. Then allow it in pg_hba.conf (a reload is enough for pg_hba).",
          "CREATE ROLE shop_app LOGIN PASSWORD '…'; CREATE DATABASE shop OWNER shop_app; in pg_hba.conf: host shop shop_app 10.80.0.10/32 scram-sha-256; then service postgresql reload. Test from app: PGPASSWORD=… psql -h 10.80.0.20 -U shop_app -d shop -c 'select current_user'"]
    ja = ["app の /etc/shop/db.env の値をそのまま使います。db で sudo -u postgres psql を実行し、パスワード付きのログインロール（SUPERUSER・CREATEDB・CREATEROLE は付けない。いずれもデフォルトで付かない）と、そのロールが所有するデータベースを作成。続いて pg_hba.conf で接続を許可します（pg_hba の変更は reload で反映）。",
          "CREATE ROLE shop_app LOGIN PASSWORD '…'; CREATE DATABASE shop OWNER shop_app; pg_hba.conf に host shop shop_app 10.80.0.10/32 scram-sha-256 を追加して service postgresql reload。app から PGPASSWORD=… psql -h 10.80.0.20 -U shop_app -d shop -c 'select current_user' で確認。"]
  }
  check "command" {
    on     = "app"
    title  = "psql -h 10.80.0.20 -U shop_app -d shop from app: current_user, current_database, owner"
    run    = "PGCONNECT_TIMEOUT=5 PGPASSWORD=shop-Kite-7291 psql -X -w -h 10.80.0.20 -U shop_app -d shop -Atc \"select current_user, current_database(), pg_get_userbyid(datdba) from pg_database where datname = current_database()\""
    stdout = "shop_app|shop|shop_app"
  }
  check "command" {
    on     = "app"
    title  = "shop_app is no superuser and cannot create databases or roles (rolsuper, rolcreatedb, rolcreaterole)"
    run    = "PGCONNECT_TIMEOUT=5 PGPASSWORD=shop-Kite-7291 psql -X -w -h 10.80.0.20 -U shop_app -d shop -Atc \"select rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = current_user\""
    stdout = "f|f|f"
  }
}

goal "scram" {
  title = {
    en = "app uses scram-sha-256; a wrong password is refused"
    ja = "app の認証は scram-sha-256、誤ったパスワードは拒否"
  }
  points = 15
  needs  = ["app-login"]
  hints = {
    en = ["trust lets anyone in without a password, and md5 or password are legacy. Try a wrong password from app: it must fail with \"password authentication failed\".",
          "The pg_hba.conf line for app ends in scram-sha-256, and the password is stored as a SCRAM verifier (password_encryption = scram-sha-256, the default in 15; set the password again after changing it). Check: sudo -u postgres psql -c \"select rolpassword from pg_authid where rolname = 'shop_app'\""]
    ja = ["trust はパスワードなしで誰でも接続できてしまいます。md5 や password は旧方式です。app から誤ったパスワードで接続し、\"password authentication failed\" で拒否されることを確認しましょう。",
          "app 向けの pg_hba.conf の行の認証方式を scram-sha-256 にし、パスワードを SCRAM 形式で保存します（password_encryption = scram-sha-256 は 15 の既定値。変更した場合はパスワードを再設定）。確認: sudo -u postgres psql -c \"select rolpassword from pg_authid where rolname = 'shop_app'\""]
  }
  check "command" {
    on              = "app"
    title           = "a wrong password from app is refused"
    run             = "PGCONNECT_TIMEOUT=5 PGPASSWORD=not-the-password psql -X -w -h 10.80.0.20 -U shop_app -d shop -Atc 'select 1'"
    exit_code       = 2
    stderr_contains = "password authentication failed for user \"shop_app\""
  }
  check "command" {
    on      = "app"
    title   = "the server asks app for SCRAM-SHA-256"
    run     = file("checks/auth-method.sh")
    matches = "^sasl: .*SCRAM-SHA-256"
  }
}

goal "office-refused" {
  title = {
    en = "office is refused by pg_hba, even with the password"
    ja = "office は pg_hba で拒否（パスワードを知っていても不可）"
  }
  points = 20
  needs  = ["app-login"]
  hints = {
    en = ["pg_hba.conf is read top down and the first line that matches the connection type, database, user and client address decides. A line for the whole LAN (10.80.0.0/24, samenet, 0.0.0.0/0, all) lets office in as well.",
          "Allow exactly app: host shop shop_app 10.80.0.10/32 scram-sha-256 — no wider host line above it. From office, psql -h 10.80.0.20 -U shop_app -d shop must fail with \"no pg_hba.conf entry\" (or \"pg_hba.conf rejects connection\"). Firewalls are not the answer here: the brief asks for it in PostgreSQL."]
    ja = ["pg_hba.conf は上から順に評価され、接続タイプ・データベース・ユーザー・クライアントアドレスが最初に一致した行で決まります。LAN 全体（10.80.0.0/24、samenet、0.0.0.0/0、all）を許可する行があると office からも接続できてしまいます。",
          "app だけを許可: host shop shop_app 10.80.0.10/32 scram-sha-256。その上により広い host 行を置かないこと。office から psql -h 10.80.0.20 -U shop_app -d shop が \"no pg_hba.conf entry\"（または \"pg_hba.conf rejects connection\"）で失敗すれば OK。今回はファイアウォールではなく PostgreSQL 側で制御するのが要件です。"]
  }
  check "command" {
    on     = "app"
    title  = "app still logs in as shop_app"
    run    = "PGCONNECT_TIMEOUT=5 PGPASSWORD=shop-Kite-7291 psql -X -w -h 10.80.0.20 -U shop_app -d shop -Atc 'select current_user'"
    stdout = "shop_app"
  }
  check "command" {
    on              = "office"
    title           = "office, with shop_app's password, is refused by pg_hba"
    run             = "PGCONNECT_TIMEOUT=5 PGPASSWORD=shop-Kite-7291 psql -X -w -h 10.80.0.20 -U shop_app -d shop -Atc 'select current_user'"
    exit_code       = 2
    stderr_contains = "pg_hba.conf"
  }
  check "command" {
    on              = "office"
    title           = "office, as postgres, is refused by pg_hba"
    run             = "PGCONNECT_TIMEOUT=5 psql -X -w -h 10.80.0.20 -U postgres -d postgres -Atc 'select current_user'"
    exit_code       = 2
    stderr_contains = "pg_hba.conf"
  }
}

goal "table" {
  title = {
    en = "The orders table as specified, owned by shop_app"
    ja = "orders テーブルを仕様どおりに作成（所有者 shop_app）"
  }
  points = 15
  needs  = ["app-login"]
  hints = {
    en = ["Connect from app as shop_app (not as postgres, or the table belongs to postgres) and write the CREATE TABLE from the brief's table: types, NOT NULL, a primary key, CHECK constraints and a default.",
          "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id integer NOT NULL, status text NOT NULL CHECK (status IN ('new','paid','shipped','cancelled')), total numeric(10,2) NOT NULL CHECK (total >= 0), created_at timestamptz NOT NULL DEFAULT now(). Check with \\d orders."]
    ja = ["app から shop_app で接続して作成します（postgres で作ると所有者が postgres になります）。チケットの表に従い、型・NOT NULL・主キー・CHECK 制約・デフォルト値を指定した CREATE TABLE を書きましょう。",
          "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id integer NOT NULL, status text NOT NULL CHECK (status IN ('new','paid','shipped','cancelled')), total numeric(10,2) NOT NULL CHECK (total >= 0), created_at timestamptz NOT NULL DEFAULT now()。\\d orders で確認。"]
  }
  check "command" {
    on    = "app"
    title = "owner, primary key, column types; valid and invalid inserts (rolled back)"
    run   = file("checks/table.sh")
  }
}

goal "data" {
  title = {
    en = "The old system's 20,000 orders are imported, once"
    ja = "旧システムの注文 20,000 件を重複なく取り込む"
  }
  points = 5
  needs  = ["table"]
  hints = {
    en = ["The file is on app, not on db: psql's \\copy reads a client-side file (COPY FROM 'file' would read it on the server, as the server's user). The file has a header line and no id column.",
          "psql -h 10.80.0.20 -U shop_app -d shop -c \"\\copy orders (customer_id, status, total, created_at) FROM '/srv/shop/orders-export.csv' WITH (FORMAT csv, HEADER)\" — run it once; if it ran twice, TRUNCATE orders and import again."]
    ja = ["ファイルは db ではなく app にあります。psql の \\copy はクライアント側のファイルを読みます（COPY FROM 'ファイル' はサーバー側でサーバーのユーザー権限で読む）。ファイルはヘッダー行付きで、id 列はありません。",
          "psql -h 10.80.0.20 -U shop_app -d shop -c \"\\copy orders (customer_id, status, total, created_at) FROM '/srv/shop/orders-export.csv' WITH (FORMAT csv, HEADER)\"。実行は 1 回だけ。二重に取り込んだ場合は TRUNCATE orders してからやり直し。"]
  }
  check "command" {
    on     = "app"
    title  = "rows, sum of totals, customers, cancelled orders, first and last created_at (epoch)"
    run    = "PGCONNECT_TIMEOUT=5 PGPASSWORD=shop-Kite-7291 psql -X -w -h 10.80.0.20 -U shop_app -d shop -Atc \"select count(*), sum(total), count(distinct customer_id), count(*) filter (where status = 'cancelled'), extract(epoch from min(created_at))::bigint, extract(epoch from max(created_at))::bigint from orders\""
    stdout = "20000|9099600.00|5000|2000|1764547200|1793345760"
  }
}

goal "index" {
  title = {
    en = "The order history query uses an index on customer_id"
    ja = "注文履歴のクエリが customer_id のインデックスを使う"
  }
  points = 15
  needs  = ["data"]
  hints = {
    en = ["Look at the plan from app: EXPLAIN SELECT id, status, total, created_at FROM orders WHERE customer_id = 4711 ORDER BY created_at DESC LIMIT 20; a Seq Scan reads all 20,000 rows for four. The index must start with the column the WHERE clause filters on.",
          "CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC); (an index on customer_id alone works too; one on created_at alone does not), then ANALYZE orders; and EXPLAIN again: Index Scan … Index Cond: (customer_id = 4711)."]
    ja = ["app から実行計画を確認: EXPLAIN SELECT id, status, total, created_at FROM orders WHERE customer_id = 4711 ORDER BY created_at DESC LIMIT 20; Seq Scan だと 4 件のために 20,000 件すべてを読んでいます。インデックスの先頭列は WHERE 句で絞り込む列にすること。",
          "CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC);（customer_id 単独のインデックスでも可。created_at 単独では不可）の後、ANALYZE orders; を実行して再度 EXPLAIN。Index Scan … Index Cond: (customer_id = 4711) となれば OK。"]
  }
  check "command" {
    on    = "app"
    title = "EXPLAIN of the order history query (customer 4711), as shop_app"
    run   = file("checks/explain.sh")
  }
}

# db first (role, database, listening, pg_hba), then app (table, import,
# index) as shop_app.
solution "db" { script = file("solution/db.sh") }
solution "app" { script = file("solution/app.sh") }
