#!/bin/sh
# Fresh-install state for the first-server scenario. Root's key login (used
# by labdojo) is left untouched.
set -eu

# A cloud-image style drop-in that allows password logins.
mkdir -p /etc/ssh/sshd_config.d
printf '# Added by the image build\nPasswordAuthentication yes\n' >/etc/ssh/sshd_config.d/50-cloud-init.conf
if ! grep -Eqi '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config.d/' /etc/ssh/sshd_config; then
	sed -i '1i Include /etc/ssh/sshd_config.d/*.conf' /etc/ssh/sshd_config
fi
if [ -f /run/sshd.pid ] && sshd -t; then
	kill -HUP "$(cat /run/sshd.pid)"
fi

# nginx installed but stopped, with the distribution's default page.
service nginx stop >/dev/null 2>&1 || true
rm -f /var/www/html/index.html

# The backup script the learner schedules.
cat >/usr/local/bin/backup-etc.sh <<'SCRIPT'
#!/bin/sh
# Archive /etc into /var/backups, keeping seven days.
set -eu
mkdir -p /var/backups
tar -czf "/var/backups/etc-$(date +%Y%m%d).tar.gz" -C / etc 2>/dev/null
find /var/backups -name 'etc-*.tar.gz' -mtime +7 -delete
SCRIPT
chmod 0755 /usr/local/bin/backup-etc.sh

: >/etc/motd
