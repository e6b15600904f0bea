#!/bin/sh
# Careful upgrade (hold, keep the conffile) but no restart: the old agent
# keeps running.
set -eu
apt-get -q update >/dev/null
apt-mark hold acme-tools >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get -q install -y --only-upgrade \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold acme-agent </dev/null
