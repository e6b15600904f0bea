#!/bin/sh
# Routers forward; FRR runs with Debian's defaults (zebra and staticd,
# ospfd off in /etc/frr/daemons, nothing configured). Routing between the
# LANs is the learner's job.
set -eu
sysctl -w net.ipv4.ip_forward=1 >/dev/null
pgrep -x zebra >/dev/null || service frr start >/dev/null
