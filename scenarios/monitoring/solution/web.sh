#!/bin/sh
# Let the node exporter listen on every address (its default, :9100).
set -eu
f=/etc/default/prometheus-node-exporter
if grep -q '^ARGS=.*listen-address' "$f"; then
	sed -i 's/^ARGS=.*/ARGS=""/' "$f"
fi
service prometheus-node-exporter stop
service prometheus-node-exporter start
i=0
until ss -Hltn 'sport = :9100' | grep -Eq '(\*|0\.0\.0\.0|\[::\]):9100'; do
	i=$((i + 1))
	[ "$i" -lt 50 ] || { echo "node exporter does not listen on all addresses" >&2; exit 1; }
	sleep 0.2
done
