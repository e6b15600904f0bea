#!/bin/sh
# Shortcut: upgrade everything, take the vendor's conffile, restart.
set -eu
apt-get -q update >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get -q upgrade -y -o Dpkg::Options::=--force-confnew </dev/null
service acme-agent restart
