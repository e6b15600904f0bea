#!/bin/sh
# Reference solution: nginx reverse proxy, round robin, fast failover.
# Idempotent.
set -eu
cat >/etc/nginx/sites-available/default <<'CONF'
upstream web {
	server 10.30.1.10 max_fails=1 fail_timeout=10s;
	server 10.30.1.11 max_fails=1 fail_timeout=10s;
}

server {
	listen 80 default_server;
	location / {
		proxy_pass http://web;
		proxy_set_header Host $host;
		proxy_set_header X-Real-IP $remote_addr;
		proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
		proxy_connect_timeout 1s;
		proxy_next_upstream error timeout http_502 http_503;
	}
}
CONF
ln -sf /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default
nginx -t 2>/dev/null
if service nginx status >/dev/null 2>&1; then
	service nginx reload
else
	service nginx start
fi
