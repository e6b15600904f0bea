# Active/standby instead of load balancing, and no client address.
cat >/etc/nginx/sites-enabled/default <<'CONF'
upstream shop {
    server 10.30.1.10;
    server 10.30.1.11 backup;
}
server {
    listen 80 default_server;
    location / { proxy_pass http://shop; }
}
CONF
nginx -t
service nginx start
