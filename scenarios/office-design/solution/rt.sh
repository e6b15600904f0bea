#!/bin/sh
# Reference design: staff 172.16.0.0/25, guest 172.16.1.0/24, servers
# 172.16.2.0/28, rt on .1 of each; NAT to the provider; guests may only
# go out. Idempotent.
set -eu
ip addr replace 172.16.0.1/25 dev eth1
ip addr replace 172.16.1.1/24 dev eth2
ip addr replace 172.16.2.1/28 dev eth3
sysctl -w net.ipv4.ip_forward=1 >/dev/null
cat >/etc/nftables.conf <<'NFT'
#!/usr/sbin/nft -f
flush ruleset

table inet filter {
	chain input {
		type filter hook input priority filter; policy accept;
		iifname "eth2" ct state established,related accept
		iifname "eth2" icmp type echo-request accept
		iifname "eth2" drop
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "eth2" oifname "eth4" accept
		iifname { "eth1", "eth3" } accept
	}
}

table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "eth4" masquerade
	}
}
NFT
nft -f /etc/nftables.conf
