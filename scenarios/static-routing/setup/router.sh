#!/bin/sh
# Forwarding starts off (a new network namespace may inherit it from the host).
set -eu
sysctl -w net.ipv4.ip_forward=0 >/dev/null
