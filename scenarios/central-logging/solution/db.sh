#!/bin/sh
# Reference solution for web and db (the same script). Idempotent.
set -eu
# Everything of priority info and above, every facility (authpriv too),
# to loghost over TCP. The disk-assisted queue keeps messages while
# loghost is down or restarting; the local rules in rsyslog.conf stay.
cat >/etc/rsyslog.d/90-loghost.conf <<'CONF'
*.info action(type="omfwd" target="10.70.0.10" port="514" protocol="tcp"
              queue.type="LinkedList" queue.filename="fwd-loghost"
              queue.maxDiskSpace="64m" queue.saveOnShutdown="on"
              action.resumeRetryCount="-1" action.resumeInterval="5")
CONF
rsyslogd -N1 >/dev/null 2>&1
service rsyslog restart >/dev/null
