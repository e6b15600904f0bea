# hq: the primary route without an explicit metric (0) and the backup one
# with any worse metric.
ip route add 10.70.1.0/24 via 10.70.100.1
ip route add 10.70.1.0/24 via 10.70.200.1 metric 1
