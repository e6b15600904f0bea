#!/bin/sh
# Reference solution. Idempotent.
set -eu
# The runaway job: remove the cron entry, then kill the process.
rm -f /etc/cron.d/report-gen
pkill -x report-gen 2>/dev/null || true
# The missing semicolon.
sed -i -E 's/^([[:space:]]*root[[:space:]]+[^;[:space:]]+)[[:space:]]*$/\1;/' /etc/nginx/sites-enabled/default
nginx -t
service nginx start >/dev/null 2>&1 || service nginx reload
# The return route.
ip route replace 10.10.1.0/24 via 10.10.2.1
