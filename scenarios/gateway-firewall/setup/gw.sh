#!/bin/sh
# gw already routes between the LANs; no filtering.
set -eu
sysctl -w net.ipv4.ip_forward=1 >/dev/null
mkdir -p /etc/sysctl.d
echo 'net.ipv4.ip_forward = 1' >/etc/sysctl.d/90-router.conf
nft flush ruleset 2>/dev/null || true
