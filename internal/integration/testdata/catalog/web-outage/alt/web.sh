# Another correct fix: a rewritten site file, a default route instead of
# a specific one, the cron entry commented out, the job killed by pid.
cat >/etc/nginx/sites-enabled/default <<'CONF'
server {
    listen 80 default_server;
    root /var/www/html;
    index index.html;
}
CONF
nginx -t
service nginx start
ip route del 10.10.1.0/24
ip route add default via 10.10.2.1
sed -i 's/^[^#]/#&/' /etc/cron.d/report-gen
kill $(pgrep -x report-gen)
sleep 0.3
