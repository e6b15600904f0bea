#!/bin/sh
# Alternative: drop the ARGS line altogether (the init script then passes
# no arguments) and stop/start instead of restart.
set -eu
sed -i '/^ARGS=/d' /etc/default/prometheus-node-exporter
service prometheus-node-exporter stop || true
service prometheus-node-exporter start
i=0
until ss -Hltn 'sport = :9100' | grep -v 127.0.0.1 | grep -q 9100; do
	i=$((i + 1)); [ "$i" -lt 50 ] || exit 1; sleep 0.2
done
