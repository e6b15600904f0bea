# Plausible mistakes: CN only (no subjectAltName), a 30-day certificate,
# a world-readable key, a redirect that drops the path, no HSTS.
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=www.lab.internal \
	-keyout /etc/nginx/www.key -out /etc/nginx/www.crt 2>/dev/null
chmod 644 /etc/nginx/www.key
cat >/etc/nginx/sites-enabled/default <<'CONF'
server {
    listen 80 default_server;
    return 301 https://10.20.0.20/;
}
server {
    listen 443 ssl default_server;
    ssl_certificate /etc/nginx/www.crt;
    ssl_certificate_key /etc/nginx/www.key;
    root /var/www/html;
}
CONF
nginx -t
service nginx reload
