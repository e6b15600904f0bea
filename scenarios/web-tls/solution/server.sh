#!/bin/sh
# Reference solution: self-signed certificate, HTTPS site, redirect, HSTS.
# Idempotent.
set -eu
key=/etc/ssl/private/www.lab.internal.key
crt=/etc/ssl/certs/www.lab.internal.crt
if [ ! -s "$key" ] || [ ! -s "$crt" ]; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 825 \
		-subj /CN=www.lab.internal \
		-addext subjectAltName=DNS:www.lab.internal,IP:10.20.0.20 \
		-keyout "$key" -out "$crt" 2>/dev/null
fi
chown root:root "$key"
chmod 600 "$key"
cat >/etc/nginx/sites-available/default <<'CONF'
server {
	listen 80 default_server;
	server_name www.lab.internal;
	return 301 https://$host$request_uri;
}

server {
	listen 443 ssl default_server;
	server_name www.lab.internal;
	ssl_certificate     /etc/ssl/certs/www.lab.internal.crt;
	ssl_certificate_key /etc/ssl/private/www.lab.internal.key;
	ssl_protocols TLSv1.2 TLSv1.3;
	add_header Strict-Transport-Security "max-age=31536000" always;
	root /var/www/html;
	index index.html;
}
CONF
ln -sf /etc/nginx/sites-available/default /etc/nginx/sites-enabled/default
nginx -t 2>/dev/null
if service nginx status >/dev/null 2>&1; then
	service nginx reload
else
	service nginx start
fi
