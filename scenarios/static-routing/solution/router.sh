#!/bin/sh
# Reference solution: turn on forwarding now and across reboots. Idempotent.
set -eu
sysctl -w net.ipv4.ip_forward=1 >/dev/null
mkdir -p /etc/sysctl.d
echo 'net.ipv4.ip_forward = 1' >/etc/sysctl.d/90-forwarding.conf
