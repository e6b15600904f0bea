#!/bin/sh
set -eu
mkdir -p /var/www/html
printf '<!doctype html>\n<title>DC</title>\n<h1>DC intranet portal</h1>\n' >/var/www/html/index.html
service nginx start >/dev/null 2>&1 || nginx
