ip addr add 172.16.1.17/24 dev eth1
ip route add default via 172.16.1.254
