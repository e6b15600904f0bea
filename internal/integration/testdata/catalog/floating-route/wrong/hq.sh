ip route add 10.70.1.0/24 via 10.70.100.1
