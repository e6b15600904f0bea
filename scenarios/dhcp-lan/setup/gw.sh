#!/bin/sh
# Nothing hands out addresses yet.
set -eu
pkill -x dnsmasq 2>/dev/null || true
rm -f /var/lib/misc/dnsmasq.leases
