#!/bin/sh
# Reference solution for loghost. Idempotent.
set -eu
# Receive syslog over TCP 514 into a ruleset of its own: only senders on
# the server LAN are written, one file per host and program; loghost's
# own messages stay in the default ruleset (/var/log/syslog etc.).
cat >/etc/rsyslog.d/10-remote.conf <<'CONF'
module(load="imtcp")
template(name="RemotePerHost" type="string"
         string="/var/log/remote/%HOSTNAME%/%PROGRAMNAME%.log")
ruleset(name="remote") {
    if $fromhost-ip startswith "10.70.0." then {
        action(type="omfile" dynaFile="RemotePerHost" createDirs="on")
    }
    stop
}
input(type="imtcp" port="514" ruleset="remote")
CONF
rsyslogd -N1 >/dev/null 2>&1
mkdir -p /var/log/remote
# Daily, 14 generations, compressed; rsyslog reopens its files after a
# rotation (Debian's helper sends it a HUP).
cat >/etc/logrotate.d/remote <<'CONF'
/var/log/remote/*/*.log {
    daily
    rotate 14
    compress
    delaycompress
    missingok
    notifempty
    sharedscripts
    postrotate
        /usr/lib/rsyslog/rsyslog-rotate
    endscript
}
CONF
service rsyslog restart >/dev/null
