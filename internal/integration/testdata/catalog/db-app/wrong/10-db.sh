# The shortcut: listen everywhere and trust the whole world (first line of
# pg_hba.conf, so it wins).
cd /
runuser -u postgres -- psql -X -v ON_ERROR_STOP=1 <<'SQL'
CREATE ROLE shop_app LOGIN PASSWORD 'shop-Kite-7291';
CREATE DATABASE shop OWNER shop_app;
SQL
sed -i "s/^#listen_addresses = 'localhost'/listen_addresses = '*'/" /etc/postgresql/15/main/postgresql.conf
sed -i '1i host all all 0.0.0.0/0 trust' /etc/postgresql/15/main/pg_hba.conf
service postgresql restart
until pg_isready -q -h 10.80.0.20; do sleep 0.2; done
