#!/bin/sh
# Reference solution: take a lease (the server starts first). Idempotent.
set -eu
dhclient -r eth1 2>/dev/null || true
i=0
until dhclient -1 eth1 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 5 ] || exit 1; sleep 1
done
