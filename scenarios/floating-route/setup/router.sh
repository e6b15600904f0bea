#!/bin/sh
# Routers forward; routes between the sites are the learner's job.
set -eu
sysctl -w net.ipv4.ip_forward=1 >/dev/null
