# Another correct solution: broadcast links (DR/BDR election) with
# hello 2 s / dead 8 s, the LAN as a stubnet (eth1 not an OSPF
# interface), an explicit cost, the OSPF part in its own file, a kernel
# export filter written out.
cat >/etc/bird/ospf.conf <<'CONF'
protocol ospf {
	ipv4 { import all; };
	area 0.0.0.0 {
		stubnet 10.80.3.0/24;
		interface "eth2" { type broadcast; hello 2; dead 8; cost 10; };
		interface "eth3" { type broadcast; hello 2; dead 8; cost 5; };
	};
}
CONF
cat >/etc/bird/bird.conf <<'CONF'
router id 3.3.3.3;
protocol device { scan time 10; }
protocol kernel {
	ipv4 {
		export filter {
			if source = RTS_OSPF then accept;
			reject;
		};
	};
}
include "/etc/bird/ospf.conf";
CONF
birdc configure
