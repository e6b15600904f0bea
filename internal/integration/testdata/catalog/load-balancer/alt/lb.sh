# Another correct solution: a conf.d file, least_conn, X-Real-IP only,
# passive health checks with a 2-second connect timeout.
rm -f /etc/nginx/sites-enabled/default
cat >/etc/nginx/conf.d/shop.conf <<'CONF'
upstream shop_backend {
    least_conn;
    server 10.30.1.10:80 max_fails=2 fail_timeout=30s;
    server 10.30.1.11:80 max_fails=2 fail_timeout=30s;
}
server {
    listen 80;
    location / {
        proxy_pass http://shop_backend;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_connect_timeout 2s;
        proxy_next_upstream error timeout;
    }
}
CONF
nginx -t
service nginx start
