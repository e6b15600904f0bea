#!/bin/sh
# nginx starts stopped.
set -eu
service nginx stop >/dev/null 2>&1 || true
