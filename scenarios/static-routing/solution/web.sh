#!/bin/sh
# Reference solution: start nginx (no systemd on lab nodes). Idempotent.
set -eu
if ! service nginx status >/dev/null 2>&1; then
	service nginx start || nginx
fi
