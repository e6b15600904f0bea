#!/bin/sh
# Reference solution, db side: role, database, listening on the LAN,
# pg_hba for app only. Idempotent.
set -eu
cd /
conf=/etc/postgresql/15/main
su_psql() { runuser -u postgres -- psql -X -v ON_ERROR_STOP=1 -Atq "$@"; }

[ "$(su_psql -c "select 1 from pg_roles where rolname = 'shop_app'")" = 1 ] ||
	su_psql -c "CREATE ROLE shop_app LOGIN"
su_psql -c "SET password_encryption = 'scram-sha-256'" -c "ALTER ROLE shop_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD 'shop-Kite-7291'"
[ "$(su_psql -c "select 1 from pg_database where datname = 'shop'")" = 1 ] ||
	runuser -u postgres -- createdb -O shop_app shop

echo "listen_addresses = 'localhost,10.80.0.20'" >$conf/conf.d/listen.conf
chown postgres:postgres $conf/conf.d/listen.conf

line='host    shop            shop_app        10.80.0.10/32           scram-sha-256'
grep -qxF "$line" $conf/pg_hba.conf || printf '# CHG DB-214: the order service on app\n%s\n' "$line" >>$conf/pg_hba.conf

# listen_addresses needs a restart (pg_hba alone would need a reload).
service postgresql restart >/dev/null
i=0
until pg_isready -q -h 10.80.0.20; do
	i=$((i + 1)); [ $i -lt 50 ] || { echo "PostgreSQL does not answer on 10.80.0.20" >&2; exit 1; }
	sleep 0.2
done
