#!/bin/sh
# Reference solution, app side (after db's): as shop_app, the table, the
# import (once) and the index for the order history query. Idempotent.
set -eu
. /etc/shop/db.env
export PGHOST=$DB_HOST PGPORT=$DB_PORT PGDATABASE=$DB_NAME PGUSER=$DB_USER PGPASSWORD=$DB_PASSWORD
sql() { psql -X -w -v ON_ERROR_STOP=1 -Atq "$@"; }

sql <<'SQL'
CREATE TABLE IF NOT EXISTS orders (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id integer NOT NULL,
	status      text NOT NULL CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
	total       numeric(10,2) NOT NULL CHECK (total >= 0),
	created_at  timestamptz NOT NULL DEFAULT now()
);
SQL
if [ "$(sql -c 'select count(*) from orders')" = 0 ]; then
	sql -c "\\copy orders (customer_id, status, total, created_at) FROM '/srv/shop/orders-export.csv' WITH (FORMAT csv, HEADER)"
fi
sql -c 'CREATE INDEX IF NOT EXISTS orders_customer_created_idx ON orders (customer_id, created_at DESC)' -c 'ANALYZE orders'
