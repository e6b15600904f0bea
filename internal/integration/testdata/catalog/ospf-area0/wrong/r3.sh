# Shortcut: OSPF adjacencies on the router links, but the LANs are not
# advertised; the remote LAN comes from a BIRD static route instead (the
# kernel shows it as proto bird too).
cat >/etc/bird/bird.conf <<'CONF'
router id 3.3.3.3;
protocol device { }
protocol kernel { ipv4 { export all; }; }
protocol static {
	ipv4;
	route 10.80.1.0/24 via 10.80.13.1;
}
protocol ospf v2 {
	ipv4 { import all; };
	area 0 { interface "eth2", "eth3" { type ptp; hello 1; dead 4; }; };
}
CONF
birdc configure
