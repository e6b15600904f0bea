#!/bin/sh
# Hand-over state of a web server: the team's Ansible key (a fixed,
# lab-only key published with this scenario) may log in as root.
set -eu
key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILRqebcZIm3uV36Jt/oZuy4ooJjSN+HROzgzxpvmkHwd labdojo ansible-web lab key'
install -d -m 0700 /root/.ssh
touch /root/.ssh/authorized_keys
grep -qxF "$key" /root/.ssh/authorized_keys || printf '%s\n' "$key" >>/root/.ssh/authorized_keys
chmod 0600 /root/.ssh/authorized_keys
