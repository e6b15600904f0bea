#!/bin/sh
set -eu
sysctl -w net.ipv4.ip_forward=0 >/dev/null
nft flush ruleset 2>/dev/null || true
