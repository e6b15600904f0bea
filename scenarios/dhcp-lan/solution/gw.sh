#!/bin/sh
# Reference solution: dnsmasq as DHCP server only. Idempotent.
set -eu
mkdir -p /etc/dnsmasq.d
cat >/etc/dnsmasq.d/lan.conf <<'CONF'
# DHCP for the office LAN 10.50.0.0/24 (DNS part off).
port=0
interface=eth1
bind-interfaces
dhcp-authoritative
dhcp-range=10.50.0.100,10.50.0.199,255.255.255.0,12h
dhcp-option=option:router,10.50.0.1
dhcp-option=option:dns-server,10.50.0.1
dhcp-host=printer,10.50.0.50
CONF
pkill -x dnsmasq 2>/dev/null || true
sleep 0.2
dnsmasq --conf-file=/etc/dnsmasq.d/lan.conf
