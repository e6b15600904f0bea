# Another correct solution, the way a CCNA learner types it: ospfd
# enabled by frrinit.sh, vtysh fed a session on standard input, OSPF
# enabled per interface (ip ospf area 0) instead of network statements,
# every interface passive by default and the router links made active
# again, default broadcast links (DR/BDR election after the 40 s wait)
# and default timers, the router ID set with "router-id", saved with
# "write" (short for write memory).
sed -i 's/^ospfd=.*/ospfd=yes/' /etc/frr/daemons
/usr/lib/frr/frrinit.sh restart >/dev/null
vtysh <<'VTY'
configure terminal
router ospf
 router-id 3.3.3.3
 passive-interface default
 no passive-interface eth2
 no passive-interface eth3
 exit
interface eth1
 ip ospf area 0.0.0.0
 exit
interface eth2
 ip ospf area 0.0.0.0
 exit
interface eth3
 ip ospf area 0.0.0.0
 exit
end
write
VTY
