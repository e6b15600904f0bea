#!/bin/sh
# Alternative: targets by address from a file_sd_configs file, the interval
# set globally only, the rule written as `< 1` with for: 30s in its own
# file named explicitly, and a full restart instead of SIGHUP.
set -eu
cat >/etc/prometheus/prometheus.yml <<'CONF'
global:
  scrape_interval: 15s
  scrape_timeout: 5s
  evaluation_interval: 10s
rule_files:
  - alerts.yml
scrape_configs:
  - job_name: node
    file_sd_configs:
      - files: ['/etc/prometheus/targets/node.json']
CONF
mkdir -p /etc/prometheus/targets
cat >/etc/prometheus/targets/node.json <<'CONF'
[{"targets": ["10.90.0.11:9100", "10.90.0.12:9100"], "labels": {"role": "web"}}]
CONF
cat >/etc/prometheus/alerts.yml <<'CONF'
groups:
- name: availability
  interval: 10s
  rules:
  - alert: InstanceDown
    expr: up{job="node"} < 1
    for: 30s
    labels: {severity: critical}
    annotations: {summary: "{{ $labels.instance }} unreachable"}
CONF
promtool check config /etc/prometheus/prometheus.yml
service prometheus restart
i=0
until curl -sf http://127.0.0.1:9090/api/v1/rules | grep -q InstanceDown; do
	i=$((i + 1)); [ "$i" -lt 60 ] || exit 1; sleep 0.5
done
