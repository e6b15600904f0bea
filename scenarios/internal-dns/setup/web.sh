#!/bin/sh
# The intranet page is served by IP only; nobody can use its name yet.
set -eu
printf '%s\n' '<!doctype html>' '<title>corp intranet</title>' '<h1>Corp intranet</h1>' >/var/www/html/index.html
service nginx start >/dev/null 2>&1 || nginx
