#!/bin/sh
# Three existing accounts without passwords (key logins only).
set -eu
for u in alice bob carol; do
	id "$u" >/dev/null 2>&1 || useradd -m -s /bin/bash "$u"
done
rm -rf /srv/webteam
