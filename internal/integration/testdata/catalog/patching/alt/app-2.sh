#!/bin/sh
# Alternative: hold first, then a full routine upgrade that takes the new
# conffile, and the local site tag merged back from the saved old one.
set -eu
apt-get -q update >/dev/null
apt-mark hold acme-tools >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get -q upgrade -y -o Dpkg::Options::=--force-confnew </dev/null
site=$(sed -n 's/^site *= *//p' /etc/acme-agent.conf.dpkg-old)
sed -i "s/^site *=.*/site = $site/" /etc/acme-agent.conf
service acme-agent restart
