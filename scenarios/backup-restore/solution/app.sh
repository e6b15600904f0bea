#!/bin/sh
# Reference solution, app side (after backup's). Idempotent.
set -eu
install -d -m 0700 /root/.ssh
[ -f /root/.ssh/id_ed25519 ] || ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519
nc -N 10.60.0.20 9999 </root/.ssh/id_ed25519.pub
ssh-keygen -R 10.60.0.20 >/dev/null 2>&1 || true
ssh-keyscan -T 5 10.60.0.20 2>/dev/null >>/root/.ssh/known_hosts
i=0
until ssh -o BatchMode=yes -o ConnectTimeout=5 backupsvc@10.60.0.20 true 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 20 ] || { echo "key login to backupsvc failed" >&2; exit 1; }
	sleep 0.3
done

# Restore the uploads from last night's backup.
rsync -a backupsvc@10.60.0.20:/srv/backups/app/uploads/ /srv/app/uploads/
chown -R www-data:www-data /srv/app/uploads
find /srv/app/uploads -type d -exec chmod 0750 {} +
find /srv/app/uploads -type f -exec chmod 0640 {} +

# Back up now, and every night at 01:30.
cat >/usr/local/sbin/backup-app.sh <<'SH'
#!/bin/sh
# Nightly backup of /srv/app/data to the backup server.
set -eu
exec rsync -a --delete /srv/app/data/ backupsvc@10.60.0.20:/srv/backups/app/data/
SH
chmod 0755 /usr/local/sbin/backup-app.sh
/usr/local/sbin/backup-app.sh
echo '30 1 * * * root /usr/local/sbin/backup-app.sh' >/etc/cron.d/backup-app
