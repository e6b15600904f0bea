#!/bin/sh
# Scrape both web servers as job "node" every 15 s, load the InstanceDown
# rule, check everything with promtool and reload Prometheus.
set -eu
mkdir -p /etc/prometheus/rules
cat >/etc/prometheus/prometheus.yml <<'CONF'
global:
  scrape_interval: 15s
  evaluation_interval: 15s

rule_files:
  - /etc/prometheus/rules/*.yml

scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['localhost:9090']

  - job_name: node
    scrape_interval: 15s
    static_configs:
      - targets: ['web-1:9100', 'web-2:9100']
CONF
cat >/etc/prometheus/rules/node.yml <<'CONF'
groups:
  - name: node
    rules:
      - alert: InstanceDown
        expr: up{job="node"} == 0
        for: 1m
        labels:
          severity: critical
        annotations:
          summary: "{{ $labels.instance }} is down"
          description: "Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }})."
CONF
promtool check rules /etc/prometheus/rules/node.yml >/dev/null
promtool check config /etc/prometheus/prometheus.yml >/dev/null
pid=$(cat /run/prometheus/prometheus.pid 2>/dev/null || true)
if [ -n "$pid" ] && kill -HUP "$pid" 2>/dev/null; then
	:
else
	service prometheus restart
fi
# Wait until the new configuration is in effect.
i=0
until curl -sf http://127.0.0.1:9090/api/v1/rules | grep -q '"InstanceDown"'; do
	i=$((i + 1))
	[ "$i" -lt 60 ] || { echo "Prometheus did not load the rule" >&2; exit 1; }
	sleep 0.5
done
