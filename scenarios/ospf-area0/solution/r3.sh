#!/bin/sh
# Reference solution: OSPF area 0 with BIRD 2. Router ID 3.3.3.3; point-
# to-point links with hello 1 s / dead 4 s; the DC LAN (eth1) is a stub
# interface. Only OSPF routes go to the kernel. Idempotent.
set -eu
cat >/etc/bird/bird.conf <<'CONF'
log syslog all;
router id 3.3.3.3;

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
