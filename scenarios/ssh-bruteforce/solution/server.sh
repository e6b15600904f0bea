#!/bin/sh
# Reference response: block the source, lock the account, write it down.
# Idempotent.
set -eu
nft list table inet filter >/dev/null 2>&1 || nft add table inet filter
nft list chain inet filter input >/dev/null 2>&1 ||
	nft add chain inet filter input '{ type filter hook input priority filter; policy accept; }'
nft list chain inet filter input | grep -q '10.20.0.66' ||
	nft add rule inet filter input ip saddr 10.20.0.66 drop
usermod -L svc-backup
usermod -s /usr/sbin/nologin svc-backup
cat >/root/INC-3112.txt <<'NOTE'
INC-3112 first response
- Source: 10.20.0.66, password brute force on sshd (03:12), then a
  successful password login as svc-backup (03:14:44, session until 03:21:09).
- Contained: 10.20.0.66 dropped on server (nftables input); svc-backup locked.
- Next: review svc-backup's files and crontab, rotate its credentials, disable
  password logins.
NOTE
