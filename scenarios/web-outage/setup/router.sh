#!/bin/sh
# A "hardening" file someone dropped in turns forwarding off.
set -eu
mkdir -p /etc/sysctl.d
printf '# CIS hardening baseline\nnet.ipv4.ip_forward = 0\nnet.ipv4.conf.all.send_redirects = 0\n' >/etc/sysctl.d/99-hardening.conf
sysctl -w net.ipv4.ip_forward=0 >/dev/null
