# Works today, fails with the line: no backup route.
ip route add 10.70.2.0/24 via 10.70.100.2
