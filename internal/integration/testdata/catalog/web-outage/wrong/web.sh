# Fixes nginx and the route, kills the job but leaves cron to restart it.
sed -i -E 's/^([[:space:]]*root[[:space:]]+[^;[:space:]]+)[[:space:]]*$/\1;/' /etc/nginx/sites-enabled/default
service nginx start
ip route replace 10.10.1.0/24 via 10.10.2.1
pkill -x report-gen
sleep 0.3
