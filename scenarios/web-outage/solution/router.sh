#!/bin/sh
# Reference solution: forwarding on now and in the config. Idempotent.
set -eu
sed -i -E 's/^([[:space:]]*net\.ipv4\.ip_forward[[:space:]]*=[[:space:]]*)0/\11/' /etc/sysctl.d/99-hardening.conf
sysctl -w net.ipv4.ip_forward=1 >/dev/null
