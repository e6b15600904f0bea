#!/bin/sh
# Reference solution for first-server. Idempotent.
set -eu

# 1-2. deploy with sudo, bash, home and a private ~/.ssh.
if ! id deploy >/dev/null 2>&1; then
	useradd -m -s /bin/bash -G sudo deploy
fi
usermod -s /bin/bash -a -G sudo deploy
install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh

# 3. SSH hardening: the first value sshd reads wins, so put the settings at
# the very top of sshd_config and drop conflicting lines elsewhere.
for f in /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf; do
	[ -f "$f" ] || continue
	sed -i -E '/^[[:space:]]*(PasswordAuthentication|PermitRootLogin|MaxAuthTries)[[:space:]]/Id; /^# labdojo hardening/d' "$f"
done
sed -i '1i # labdojo hardening\nPasswordAuthentication no\nPermitRootLogin prohibit-password\nMaxAuthTries 3' /etc/ssh/sshd_config
sshd -t
if [ -f /run/sshd.pid ]; then
	kill -HUP "$(cat /run/sshd.pid)"
fi

# 4. nginx with the labdojo page.
mkdir -p /var/www/html
printf '<!doctype html>\n<title>server</title>\n<h1>Built with labdojo</h1>\n' >/var/www/html/index.html
if ! service nginx status >/dev/null 2>&1; then
	service nginx start || nginx
fi

# 5. Daily backup in root's crontab.
{ crontab -l 2>/dev/null | grep -v 'backup-etc.sh' || true; echo '30 2 * * * /usr/local/bin/backup-etc.sh'; } | crontab -

# 6. Banner.
printf 'Authorized use only. Activity on this server is logged.\n' >/etc/motd
