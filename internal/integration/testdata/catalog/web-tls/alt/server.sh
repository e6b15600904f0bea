# Another correct solution: an EC key, files under /etc/nginx/tls, a
# separate site in conf.d, a 308 redirect to the host name.
mkdir -p /etc/nginx/tls
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 400 \
	-subj "/O=Lab/CN=intranet" -addext "subjectAltName=DNS:intranet.lab.internal,DNS:www.lab.internal" \
	-keyout /etc/nginx/tls/portal.key -out /etc/nginx/tls/portal.pem 2>/dev/null
chmod 400 /etc/nginx/tls/portal.key
rm -f /etc/nginx/sites-enabled/default
cat >/etc/nginx/conf.d/portal.conf <<'CONF'
server {
    listen 80;
    location / { return 308 https://www.lab.internal$request_uri; }
}
server {
    listen 443 ssl;
    ssl_certificate /etc/nginx/tls/portal.pem;
    ssl_certificate_key "/etc/nginx/tls/portal.key";
    add_header Strict-Transport-Security "max-age=86400; includeSubDomains" always;
    root /var/www/html;
}
CONF
nginx -t
service nginx reload
