#!/bin/sh
# Alternative: pin the exact version, hold through dpkg's selections,
# restart with the init script directly.
set -eu
apt-get -q update >/dev/null
echo acme-tools hold | dpkg --set-selections
DEBIAN_FRONTEND=noninteractive apt-get -q install -y \
	-o Dpkg::Options::=--force-confold acme-agent=1.4.2 </dev/null
/etc/init.d/acme-agent stop
/etc/init.d/acme-agent start
