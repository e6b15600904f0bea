#!/bin/sh
# Reference solution. Idempotent.
set -eu
getent group webteam >/dev/null || groupadd webteam
usermod -aG webteam alice
usermod -aG webteam bob
install -d -o root -g webteam -m 2770 /srv/webteam
chmod 2770 /srv/webteam
cat >/etc/sudoers.d/webteam <<'SUDO'
# alice is on call for the web servers: she may manage nginx, nothing else.
alice ALL=(root) NOPASSWD: /usr/sbin/service nginx *
SUDO
chmod 0440 /etc/sudoers.d/webteam
visudo -c >/dev/null
