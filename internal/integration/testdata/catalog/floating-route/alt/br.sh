# Another correct solution on br: two default routes with different
# metrics instead of routes to the HQ prefix.
ip route add default via 10.70.100.2 metric 5
ip route add default via 10.70.200.2 metric 50
