#!/bin/sh
# Reference solution: resolve through ns, short names in corp.internal.
# Idempotent.
set -eu
cat >/etc/resolv.conf <<'CONF'
search corp.internal
nameserver 10.30.0.53
CONF
