#!/bin/sh
# Reference solution: a stateful nftables forward filter, saved. Idempotent.
set -eu
cat >/etc/nftables.conf <<'NFT'
#!/usr/sbin/nft -f
flush ruleset

table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		# office -> web: HTTP for everyone, SSH for the admin workstation only
		ip saddr 10.40.1.0/24 ip daddr 10.40.2.10 tcp dport 80 accept
		ip saddr 10.40.1.20 ip daddr 10.40.2.10 tcp dport 22 accept
		ip saddr 10.40.1.0/24 ip daddr 10.40.2.0/24 icmp type echo-request accept
		# servers -> office: nothing new
	}
}
NFT
nft -f /etc/nftables.conf
