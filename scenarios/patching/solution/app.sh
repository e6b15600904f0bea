#!/bin/sh
# Hold acme-tools first, then upgrade acme-agent only, keeping the local
# conffile, and restart the agent so the running process is 1.4.2.
set -eu
apt-get -q update >/dev/null
apt-mark hold acme-tools >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get -q install -y --only-upgrade \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold acme-agent </dev/null
service acme-agent restart
