#!/bin/sh
# Plausible but wrong loghost: TCP and UDP accepted from anywhere (the
# vendor leg too), per-host files; logrotate without compress and without
# making rsyslog reopen its files.
set -eu
cat >/etc/rsyslog.d/remote.conf <<'CONF'
module(load="imtcp")
module(load="imudp")
input(type="imtcp" port="514" ruleset="remote")
input(type="imudp" port="514" ruleset="remote")
template(name="PerHost" type="string" string="/var/log/remote/%HOSTNAME%/%PROGRAMNAME%.log")
ruleset(name="remote") { action(type="omfile" dynaFile="PerHost") }
CONF
cat >/etc/logrotate.d/remote <<'CONF'
/var/log/remote/*/*.log {
    daily
    rotate 14
    missingok
}
CONF
service rsyslog restart
