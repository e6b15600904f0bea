#!/bin/sh
# Broken nginx config (missing ;), nginx stopped, wrong return route, and
# a runaway job restarted by cron.
set -eu
service nginx stop >/dev/null 2>&1 || true
f=/etc/nginx/sites-enabled/default
sed -i -E '0,/^[[:space:]]*root[[:space:]]+[^;]*;/s//\troot \/var\/www\/html/' "$f"
nginx -t >/dev/null 2>&1 && { echo "could not break the nginx config" >&2; exit 1; }

ip route del 10.10.1.0/24 2>/dev/null || true
ip route add 10.10.1.0/24 via 10.10.2.254

cat >/usr/local/bin/report-gen <<'JOB'
#!/bin/sh
# Nightly report generator (stuck in a loop).
while :; do :; done
JOB
chmod 0755 /usr/local/bin/report-gen
echo '*/5 * * * * www-data pgrep -x report-gen >/dev/null || /usr/local/bin/report-gen' >/etc/cron.d/report-gen
setsid nohup nice -n 19 su -s /bin/sh -c /usr/local/bin/report-gen www-data >/dev/null 2>&1 </dev/null &
sleep 0.5
