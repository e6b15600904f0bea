#!/bin/sh
# Reference solution: primary route, floating backup route. Idempotent.
set -eu
ip route replace 10.70.1.0/24 via 10.70.100.1 dev eth2 metric 10
ip route replace 10.70.1.0/24 via 10.70.200.1 dev eth3 metric 200
