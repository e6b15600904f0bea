#!/bin/sh
# The application's data (deterministic, so checksums are known), and the
# uploads directory a bad deploy deleted last night.
set -eu
rm -rf /srv/app
mkdir -p /srv/app/data/orders /srv/app/data/customers
for d in 1 2 3 4 5 6 7 8 9; do
	i=1
	while [ $i -le 200 ]; do
		echo "2026-11-0$d,$i,item-$((i * 7 % 13)),$((i * d))"
		i=$((i + 1))
	done >/srv/app/data/orders/2026-11-0$d.csv
done
for c in acme globex initech umbrella; do
	printf '{"customer":"%s","tier":"gold","contact":"ops@%s.example"}\n' "$c" "$c" >/srv/app/data/customers/$c.json
done
printf 'app_version=4.2.1\ndb=postgres://db.internal/app\n' >/srv/app/data/app.conf
chown -R www-data:www-data /srv/app/data
cat >>/var/log/deploy.log <<'LOG'
2026-11-29T23:41:07 deploy v4.2.1: rsync --delete build/ /srv/app/ ... done
2026-11-29T23:41:09 WARNING: /srv/app/uploads removed (not in build/)
LOG
