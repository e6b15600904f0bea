#!/bin/sh
# The web site on 80 and an internal API on 8080.
set -eu
mkdir -p /var/www/html /srv/api
printf '<!doctype html>\n<title>intranet</title>\n<h1>Welcome to the intranet</h1>\n' >/var/www/html/index.html
printf '{"status":"ok","service":"inventory-api"}\n' >/srv/api/health
service nginx start >/dev/null 2>&1 || nginx
cd /srv/api
setsid nohup python3 -m http.server 8080 --bind 0.0.0.0 >/dev/null 2>&1 </dev/null &
for _ in 1 2 3 4 5 6 7 8 9 10; do
	ss -Hltn 'sport = :8080' | grep -q . && exit 0
	sleep 0.3
done
echo "the API did not start" >&2
exit 1
