#!/bin/sh
# Accounts, and last night's auth.log: a password brute force from
# 10.20.0.66 that ended with a successful login as svc-backup.
set -eu
id alice >/dev/null 2>&1 || useradd -m -s /bin/bash alice
id svc-backup >/dev/null 2>&1 || useradd -m -s /bin/bash svc-backup
echo 'svc-backup:Winter2026!' | chpasswd
mkdir -p /var/log
{
	echo "Nov 29 02:58:10 server sshd[1980]: Accepted publickey for alice from 10.20.0.10 port 40112 ssh2: ED25519 SHA256:q1v0gJtP3n5dX8Yw2Lk9Zr4cB7mH6sF0aE1uI2oT3pQ"
	echo "Nov 29 03:01:44 server sshd[1994]: Failed password for alice from 10.20.0.10 port 40188 ssh2"
	echo "Nov 29 03:01:51 server sshd[1994]: Accepted password for alice from 10.20.0.10 port 40188 ssh2"
	p=51000
	for u in admin root oracle test ubuntu postgres backup svc-backup admin root svc-backup svc-backup; do
		p=$((p + 7))
		case $u in
		root | svc-backup | backup) echo "Nov 29 03:12:$((p % 60 / 10))$((p % 10)) server sshd[$((2100 + p % 97))]: Failed password for $u from 10.20.0.66 port $p ssh2" ;;
		*) echo "Nov 29 03:12:$((p % 60 / 10))$((p % 10)) server sshd[$((2100 + p % 97))]: Failed password for invalid user $u from 10.20.0.66 port $p ssh2" ;;
		esac
	done
	echo "Nov 29 03:14:44 server sshd[2301]: Accepted password for svc-backup from 10.20.0.66 port 51990 ssh2"
	echo "Nov 29 03:14:44 server sshd[2301]: pam_unix(sshd:session): session opened for user svc-backup(uid=1002) by (uid=0)"
	echo "Nov 29 03:21:09 server sshd[2301]: pam_unix(sshd:session): session closed for user svc-backup"
	echo "Nov 29 07:45:02 server sshd[3120]: Accepted publickey for alice from 10.20.0.10 port 41502 ssh2: ED25519 SHA256:q1v0gJtP3n5dX8Yw2Lk9Zr4cB7mH6sF0aE1uI2oT3pQ"
} >/var/log/auth.log
chmod 0640 /var/log/auth.log
nft flush ruleset 2>/dev/null || true
