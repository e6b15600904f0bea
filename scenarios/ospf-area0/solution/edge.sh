#!/bin/sh
# Reference solution for the edge routers r1 and r3: OSPF area 0 with
# BIRD 2. Router ID 1.1.1.1 on r1, 3.3.3.3 on r3; point-to-point links
# with hello 1 s / dead 4 s; the LAN (eth1: office on r1, DC on r3) is a
# stub interface. Only OSPF routes go to the kernel. Idempotent.
set -eu
case $(hostname) in
r1) rid=1.1.1.1 ;;
r3) rid=3.3.3.3 ;;
*) echo "edge.sh is for r1 and r3, not $(hostname)" >&2; exit 1 ;;
esac
cat >/etc/bird/bird.conf <<CONF
log syslog all;
router id $rid;

protocol device {
}

protocol kernel {
	ipv4 {
		export where source = RTS_OSPF;
	};
}

protocol ospf v2 area0 {
	ipv4 {
		import all;
		export none;
	};
	area 0 {
		interface "eth1" {
			stub yes;
		};
		interface "eth2", "eth3" {
			type ptp;
			hello 1;
			dead 4;
		};
	};
}
CONF
if pgrep -x bird >/dev/null; then
	birdc configure
else
	service bird start
fi
