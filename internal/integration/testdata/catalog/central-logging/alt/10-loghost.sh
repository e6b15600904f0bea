#!/bin/sh
# A second correct loghost: legacy directives, $AllowedSender for the LAN
# only, a legacy template; logrotate with dateext and copytruncate.
set -eu
cat >/etc/rsyslog.d/remote.conf <<'CONF'
$ModLoad imtcp
$AllowedSender TCP, 127.0.0.1, 10.70.0.0/24
$InputTCPServerRun 514
$template RemoteLogs,"/var/log/remote/%hostname%/%programname%.log"
:fromhost-ip, !isequal, "127.0.0.1" ?RemoteLogs
& stop
CONF
cat >/etc/logrotate.d/remote-hosts <<'CONF'
/var/log/remote/*/*.log
{
	rotate 14
	daily
	dateext
	compress
	missingok
	copytruncate
}
CONF
service rsyslog restart
