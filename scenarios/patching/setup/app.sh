#!/bin/sh
# An app server as the team left it: apt pointed at the internal mirror
# only (no internet), acme-agent 1.4.1 running with the team's site tag in
# its config, acme-tools 2.0 with the v1 report config and its nightly job.
set -eu
sed -i 's/^deb /# no route to the internet; packages come from the internal mirror only\n# deb /' /etc/apt/sources.list
rm -f /etc/apt/sources.list.d/debian.sources
echo 'deb [trusted=yes] http://10.65.0.10/debian bookworm main' >/etc/apt/sources.list.d/acme-internal.list
apt-get -q update >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get -q install -y acme-agent=1.4.1 acme-tools=2.0 >/dev/null </dev/null
sed -i 's/^site = default$/# OPS-2291 (2026-10-02 sato): site tag for the console\nsite = tyo-dc2/' /etc/acme-agent.conf
mkdir -p /etc/acme
printf '# acme-report settings (OPS-1187)\nformat = v1\nconsole = https://console.acme.example\n' >/etc/acme/report.conf
echo '15 3 * * * root /usr/bin/acme-report >>/var/log/acme-report.log 2>&1' >/etc/cron.d/acme-report
service acme-agent restart >/dev/null
