#!/bin/sh
set -eu
sed -i 's/^ARGS=.*/ARGS="--web.listen-address=:9100"/' /etc/default/prometheus-node-exporter
service prometheus-node-exporter restart
sleep 1
