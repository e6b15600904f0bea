#!/bin/sh
set -eu
service nginx start >/dev/null 2>&1 || nginx
