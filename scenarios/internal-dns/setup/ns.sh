#!/bin/sh
# BIND 9 runs with Debian's default configuration: no zones of ours.
set -eu
service named status >/dev/null 2>&1 || service named start >/dev/null
