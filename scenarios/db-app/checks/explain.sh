# The brief's query, explained as shop_app from app: the plan must find the
# customer's rows through an index on customer_id.
export PGHOST=10.80.0.20 PGUSER=shop_app PGDATABASE=shop PGPASSWORD=shop-Kite-7291 PGCONNECT_TIMEOUT=5
plan=$(psql -X -w -Atq -v ON_ERROR_STOP=1 -c "EXPLAIN SELECT id, status, total, created_at FROM orders WHERE customer_id = 4711 ORDER BY created_at DESC LIMIT 20" 2>&1) || {
	echo "EXPLAIN failed: $plan"; exit 1; }
printf '%s\n' "$plan"
if printf '%s\n' "$plan" | grep -Eq 'Index (Only )?Scan|Bitmap Index Scan' &&
	printf '%s\n' "$plan" | grep -Eq 'Index Cond: \(customer_id = 4711\)'; then
	echo "the query finds customer 4711's orders through an index"
	exit 0
fi
echo "no index scan with Index Cond (customer_id = 4711): the query reads the whole table"
exit 1
