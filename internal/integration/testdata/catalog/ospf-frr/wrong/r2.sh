# Wrong: OSPF runs on the router links (adjacencies Full, configuration
# saved), but the LANs are not in OSPF: static routes in vtysh carry
# them instead (a shortcut that survives no link failure).
sed -i 's/^ospfd=no/ospfd=yes/' /etc/frr/daemons
service frr restart >/dev/null
vtysh -c 'configure terminal' -c 'router ospf' -c 'ospf router-id 2.2.2.2' \
	-c 'network 10.81.12.0/30 area 0' \
	-c 'network 10.81.23.0/30 area 0' \
	-c 'exit' -c 'ip route 10.81.1.0/24 10.81.12.1' -c 'ip route 10.81.3.0/24 10.81.23.2' -c 'end' -c 'write memory'
