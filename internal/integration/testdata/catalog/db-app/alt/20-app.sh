# Another correct solution, app side: a ~/.pgpass instead of PGPASSWORD,
# bigserial and bigint, status as an enum type, named constraints, the
# index on customer_id alone created before the import, COPY FROM STDIN,
# no ANALYZE.
umask 077
echo '10.80.0.20:5432:shop:shop_app:shop-Kite-7291' >/root/.pgpass
psql -X -h 10.80.0.20 -U shop_app -d shop -v ON_ERROR_STOP=1 <<'SQL'
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
CREATE TABLE orders (
	id          bigserial,
	customer_id bigint NOT NULL,
	status      order_status NOT NULL,
	total       numeric(10,2) NOT NULL,
	created_at  timestamp with time zone NOT NULL DEFAULT current_timestamp,
	CONSTRAINT orders_pkey PRIMARY KEY (id),
	CONSTRAINT orders_total_not_negative CHECK (total >= 0)
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
SQL
psql -X -h 10.80.0.20 -U shop_app -d shop -v ON_ERROR_STOP=1 \
	-c "COPY orders (customer_id, status, total, created_at) FROM STDIN WITH (FORMAT csv, HEADER true)" \
	</srv/shop/orders-export.csv
