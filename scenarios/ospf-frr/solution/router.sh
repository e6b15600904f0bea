#!/bin/sh
# Reference solution for r1, r2 and r3: ospfd enabled in /etc/frr/daemons,
# OSPF area 0 configured through vtysh with `network` statements, the
# router links point-to-point with hello 1 s / dead 4 s, the LAN (eth1 on
# r1 and r3) passive, eth0 (management) in no network statement, and the
# configuration saved to /etc/frr/frr.conf. Idempotent.
set -eu
case $(hostname) in
r1) rid=1.1.1.1 lan=10.81.1.0/24 links="10.81.12.0/30 10.81.13.0/30" ptp="eth2 eth3" ;;
r2) rid=2.2.2.2 lan= links="10.81.12.0/30 10.81.23.0/30" ptp="eth1 eth2" ;;
r3) rid=3.3.3.3 lan=10.81.3.0/24 links="10.81.23.0/30 10.81.13.0/30" ptp="eth2 eth3" ;;
*) echo "router.sh is for r1, r2 and r3, not $(hostname)" >&2; exit 1 ;;
esac
if ! grep -q '^ospfd=yes' /etc/frr/daemons; then
	sed -i 's/^ospfd=no/ospfd=yes/' /etc/frr/daemons
	service frr restart
fi
set -- -c 'configure terminal'
for i in $ptp; do
	set -- "$@" -c "interface $i" -c 'ip ospf network point-to-point' \
		-c 'ip ospf hello-interval 1' -c 'ip ospf dead-interval 4' -c 'exit'
done
set -- "$@" -c 'router ospf' -c "ospf router-id $rid"
for n in $links; do
	set -- "$@" -c "network $n area 0"
done
if [ -n "$lan" ]; then
	set -- "$@" -c "network $lan area 0" -c 'exit' -c 'interface eth1' -c 'ip ospf passive'
fi
vtysh "$@" -c 'end' -c 'write memory'
