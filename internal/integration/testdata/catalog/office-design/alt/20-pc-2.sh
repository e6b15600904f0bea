ip addr add 172.16.0.129/25 dev eth1
ip route add default via 172.16.0.254
