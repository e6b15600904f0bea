#!/bin/sh
# The portal over plain HTTP.
set -eu
mkdir -p /var/www/html
printf '<!doctype html>\n<title>Intranet</title>\n<h1>Intranet portal</h1>\n' >/var/www/html/index.html
service nginx start >/dev/null 2>&1 || nginx
