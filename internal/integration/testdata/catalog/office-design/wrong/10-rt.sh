# Addressing and NAT right, but the guest segment is routed like staff.
ip addr add 172.16.0.1/25 dev eth1
ip addr add 172.16.1.1/24 dev eth2
ip addr add 172.16.2.1/28 dev eth3
sysctl -w net.ipv4.ip_forward=1
nft add table ip nat
nft add chain ip nat post '{ type nat hook postrouting priority srcnat; }'
nft add rule ip nat post oifname eth4 masquerade
