#!/bin/sh
set -eu
sed -i 's/^ARGS=.*/ARGS="--web.listen-address=:9100"/' /etc/default/prometheus-node-exporter
service prometheus-node-exporter restart
i=0
until ss -Hltn 'sport = :9100' | grep -v 127.0.0.1 | grep -q 9100; do
	i=$((i + 1)); [ "$i" -lt 50 ] || exit 1; sleep 0.2
done
