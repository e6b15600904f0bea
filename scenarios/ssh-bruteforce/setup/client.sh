#!/bin/sh
# The attacker's address lives on the client's LAN segment too.
set -eu
ip addr replace 10.20.0.66/24 dev eth1
