#!/bin/sh
# Routers forward; BIRD runs with Debian's default configuration (no
# routing protocol). Routing between the LANs is the learner's job.
set -eu
sysctl -w net.ipv4.ip_forward=1 >/dev/null
pgrep -x bird >/dev/null || service bird start >/dev/null
