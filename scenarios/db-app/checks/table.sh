# The orders table as the brief describes it, checked as shop_app from app:
# owner, primary key, column types, and what the table accepts and refuses
# (each refused insert must fail with the right SQLSTATE). Problems are
# printed first, then what is right.
export PGHOST=10.80.0.20 PGUSER=shop_app PGDATABASE=shop PGPASSWORD=shop-Kite-7291 PGCONNECT_TIMEOUT=5
q() { psql -X -w -Atq -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
rc=0
good=
ok() { good="$good$*
"; }
bad() { echo "$*"; rc=1; }
owner=$(q "select pg_get_userbyid(relowner) from pg_class where oid = 'orders'::regclass") || {
	echo "shop_app cannot see a table orders: $owner"; exit 1; }
[ "$owner" = shop_app ] && ok "owner: shop_app" || bad "orders is owned by $owner, not shop_app"
pk=$(q "select pg_get_constraintdef(oid) from pg_constraint where conrelid = 'orders'::regclass and contype = 'p'")
[ "$pk" = "PRIMARY KEY (id)" ] && ok "primary key (id)" || bad "primary key: '${pk:-none}', want PRIMARY KEY (id)"
col() {
	got=$(q "select format_type(atttypid, atttypmod) || case when attnotnull then ' not null' else '' end from pg_attribute where attrelid = 'orders'::regclass and attname = '$1' and not attisdropped")
	if printf '%s\n' "$got" | grep -Eqx "$2"; then
		ok "$1: $got"
	else
		bad "$1: '${got:-missing}', want $3"
	fi
}
col id 'bigint not null' 'bigint'
col customer_id '(integer|bigint) not null' 'integer or bigint, not null'
col status '.* not null' 'not null'
col total 'numeric\(10,2\) not null' 'numeric(10,2) not null'
col created_at 'timestamp with time zone not null' 'timestamptz not null'
# A valid row gets its id and created_at from the database (rolled back).
valid=$(psql -X -w -Atq -v ON_ERROR_STOP=1 -c 'BEGIN' \
	-c "INSERT INTO orders (customer_id, status, total) VALUES (42, 'new', 19.90) RETURNING id IS NOT NULL AND created_at > now() - interval '1 hour'" \
	-c 'ROLLBACK' 2>&1)
[ "$valid" = t ] && ok "a valid order gets an id and created_at" || bad "inserting a valid order (customer_id, status, total): $valid"
# Refused rows (each in a transaction rolled back if it is accepted):
# SQLSTATE 23514 check_violation, 23502 not_null_violation,
# 22P02 invalid input (a status enum type).
refused() {
	got=$(psql -X -w -Atq -v VERBOSITY=sqlstate -v ON_ERROR_STOP=1 -c 'BEGIN' \
		-c "INSERT INTO orders (customer_id, status, total) VALUES ($1)" -c 'ROLLBACK' 2>&1)
	if printf '%s\n' "$got" | grep -Eq "ERROR: +($2)"; then
		ok "refused: ($1)"
	else
		bad "accepted or wrong error for ($1): ${got:-accepted}"
	fi
}
refused "42, 'lost', 10" '23514|22P02'
refused "42, 'new', -0.01" '23514'
refused "NULL, 'new', 10" '23502'
refused "42, NULL, 10" '23502'
refused "42, 'paid', NULL" '23502'
printf %s "$good"
exit $rc
