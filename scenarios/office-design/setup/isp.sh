#!/bin/sh
# The provider's side: a web page standing for the Internet.
set -eu
mkdir -p /var/www/html
printf '<!doctype html>\n<title>example</title>\n<h1>Hello from the Internet</h1>\n' >/var/www/html/index.html
service nginx start >/dev/null 2>&1 || nginx
