#!/bin/sh
# Plausible mistake: the rule selects job "nodes" while the job is "node".
# It loads, passes promtool and never fires: only the fault shows it.
set -eu
cat >/etc/prometheus/prometheus.yml <<'CONF'
global:
  scrape_interval: 15s
  evaluation_interval: 15s
rule_files: ['/etc/prometheus/node-rules.yml']
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['web-1:9100', 'web-2:9100']
CONF
cat >/etc/prometheus/node-rules.yml <<'CONF'
groups:
  - name: node
    rules:
      - alert: InstanceDown
        expr: up{job="nodes"} == 0
        for: 1m
        labels:
          severity: critical
CONF
promtool check config /etc/prometheus/prometheus.yml
kill -HUP "$(cat /run/prometheus/prometheus.pid)"
sleep 2
