#!/bin/sh
# The service's connection settings (deployed by the app team) and the
# export of the old system's orders (deterministic, so the grader knows
# its sums).
set -eu
install -d -m 0755 /etc/shop
cat >/etc/shop/db.env <<'ENV'
# Order service: PostgreSQL connection (deployed by the app team, CHG-2231)
DB_HOST=10.80.0.20
DB_PORT=5432
DB_NAME=shop
DB_USER=shop_app
DB_PASSWORD=shop-Kite-7291
ENV
chmod 0640 /etc/shop/db.env
install -d -m 0755 /srv/shop
python3 - <<'PY'
import datetime
base = datetime.datetime(2025, 12, 1, tzinfo=datetime.timezone.utc)
statuses = ["shipped"] * 10 + ["paid"] * 5 + ["new"] * 3 + ["cancelled"] * 2
with open("/srv/shop/orders-export.csv", "w") as f:
    f.write("customer_id,status,total,created_at\n")
    for i in range(20000):
        cid = (i * 7919) % 5000 + 1
        total = ((i * 7727) % 90000 + 500) / 100
        ts = base + datetime.timedelta(minutes=24 * i)
        f.write("%d,%s,%.2f,%s\n" % (cid, statuses[i % 20], total, ts.strftime("%Y-%m-%dT%H:%M:%SZ")))
PY
chmod 0644 /srv/shop/orders-export.csv
