#!/bin/sh
# An earlier, half-finished attempt: the node exporter runs, but listens on
# the loopback address only, so mon cannot scrape it.
set -eu
cat >/etc/default/prometheus-node-exporter <<'CONF'
# Set the command-line arguments to pass to the server.
# Due to shell escaping, to pass backslashes for regexes, you need to double
# them (\\d for \d). If running under systemd, you need to double them again
# (\\\\d to mean \d), and escape newlines too.
ARGS="--web.listen-address=127.0.0.1:9100"
CONF
# start, not restart: Debian's restart skips the step that creates
# /run/prometheus, so on a fresh node it cannot write its pidfile.
service prometheus-node-exporter start
i=0
until ss -Hltn 'sport = :9100' | grep -q 127.0.0.1; do
	i=$((i + 1))
	[ "$i" -lt 50 ] || { echo "node exporter did not start" >&2; exit 1; }
	sleep 0.2
done
