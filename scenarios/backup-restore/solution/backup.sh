#!/bin/sh
# Reference solution, backup side. Idempotent.
set -eu
id backupsvc >/dev/null 2>&1 || useradd -m -s /bin/sh backupsvc
install -d -o backupsvc -g backupsvc -m 0750 /srv/backups/app/data
install -d -o backupsvc -g backupsvc -m 0700 /home/backupsvc/.ssh
# Receive app's public key once on port 9999 (stands in for pasting it).
pkill -f 'nc -l 9999' 2>/dev/null || true
setsid sh -c 'timeout 60 nc -l 9999 >/tmp/app.pub &&
	grep -q "^ssh-" /tmp/app.pub &&
	{ cat /tmp/app.pub >>/home/backupsvc/.ssh/authorized_keys; sort -u -o /home/backupsvc/.ssh/authorized_keys /home/backupsvc/.ssh/authorized_keys; } &&
	chown backupsvc:backupsvc /home/backupsvc/.ssh/authorized_keys && chmod 600 /home/backupsvc/.ssh/authorized_keys' \
	>/dev/null 2>&1 </dev/null &
for _ in 1 2 3 4 5 6 7 8 9 10; do
	ss -Hltn 'sport = :9999' | grep -q . && exit 0
	sleep 0.2
done
exit 1
