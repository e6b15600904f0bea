#!/bin/sh
# Hand-over state of the control node: the team's Ansible key pair (a
# fixed, lab-only key published with this scenario: never use it outside
# the lab), the web servers' host keys in known_hosts, and an empty
# project directory.
set -eu
install -d -m 0700 /root/.ssh
umask 077
cat >/root/.ssh/id_ed25519 <<'KEY'
-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACC0anm3GSJt7ld+ibf6GbsuKKCY0jfh0Ts4M8ab5pB8HQAAAKBBkaKHQZGi
hwAAAAtzc2gtZWQyNTUxOQAAACC0anm3GSJt7ld+ibf6GbsuKKCY0jfh0Ts4M8ab5pB8HQ
AAAEAUyP8slsdx/SrjOr1ArpAX0zLhPdY8LhHXNObW33cw9rRqebcZIm3uV36Jt/oZuy4o
oJjSN+HROzgzxpvmkHwdAAAAG2xhYmRvam8gYW5zaWJsZS13ZWIgbGFiIGtleQEC
-----END OPENSSH PRIVATE KEY-----
KEY
printf '%s\n' 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILRqebcZIm3uV36Jt/oZuy4ooJjSN+HROzgzxpvmkHwd labdojo ansible-web lab key' >/root/.ssh/id_ed25519.pub
chmod 0644 /root/.ssh/id_ed25519.pub
umask 022
: >/root/.ssh/known_hosts.new
for h in web-1 web-2 web-3 10.70.0.11 10.70.0.12 10.70.0.13; do
	ssh-keyscan -t ed25519 -T 5 "$h" 2>/dev/null >>/root/.ssh/known_hosts.new
	grep -q "^$h " /root/.ssh/known_hosts.new || { echo "no host key from $h" >&2; exit 1; }
done
mv /root/.ssh/known_hosts.new /root/.ssh/known_hosts
chmod 0644 /root/.ssh/known_hosts
install -d -m 0755 /root/site
