#!/bin/sh
# Octet-counted TCP framing, priority written as a comparison.
set -eu
cat >/etc/rsyslog.d/50-central.conf <<'CONF'
if $syslogseverity <= 6 then {
    action(type="omfwd" target="10.70.0.10" port="514" protocol="tcp"
           tcp_framing="octet-counted" action.resumeRetryCount="-1")
}
CONF
service rsyslog restart
