# Another correct solution, db side: CREATE USER / CREATE DATABASE in one
# psql run, ALTER SYSTEM for listen_addresses, a hostssl line in the
# address + netmask form, an explicit reject for the rest of the LAN, and
# pg_ctlcluster instead of service.
cd /
runuser -u postgres -- psql -X -v ON_ERROR_STOP=1 <<'SQL'
CREATE USER shop_app WITH ENCRYPTED PASSWORD 'shop-Kite-7291';
CREATE DATABASE shop WITH OWNER = shop_app ENCODING 'UTF8' TEMPLATE template0;
ALTER SYSTEM SET listen_addresses = '*';
SQL
cat >>/etc/postgresql/15/main/pg_hba.conf <<'HBA'
# order service (DB-214)
hostssl shop            shop_app        10.80.0.10      255.255.255.255 scram-sha-256
host    all             all             10.80.0.0/24                    reject
HBA
pg_ctlcluster 15 main restart
until pg_isready -q -h 10.80.0.20; do sleep 0.2; done
