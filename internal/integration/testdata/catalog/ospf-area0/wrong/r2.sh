# Shortcut: OSPF adjacencies, but static routes to both LANs in the kernel.
cat >/etc/bird/bird.conf <<'CONF'
router id 2.2.2.2;
protocol device { }
protocol kernel { ipv4 { export all; }; }
protocol ospf v2 {
	ipv4 { import all; };
	area 0 { interface "eth1", "eth2" { type ptp; hello 1; dead 4; }; };
}
CONF
birdc configure
ip route replace 10.80.1.0/24 via 10.80.12.1
ip route replace 10.80.3.0/24 via 10.80.23.2
