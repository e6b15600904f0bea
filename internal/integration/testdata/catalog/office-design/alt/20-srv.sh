ip addr add 172.16.2.1/28 dev eth1
ip route add default via 172.16.2.14
