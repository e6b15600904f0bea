# Another correct solution, the way a CCNA learner types it: ospfd
# enabled by frrinit.sh, vtysh fed a session on standard input, OSPF
# enabled per interface (ip ospf area 0) instead of network statements,
# every interface passive by default and the router links made active
# again, default broadcast links (DR/BDR election after the 40 s wait)
# and default timers, the router ID set with "router-id", saved with
# "write" (short for write memory). r1 and r3 share this file (r3.sh is
# a link to it); the router ID follows the host name.
case $(hostname) in
r1) rid=1.1.1.1 ;;
r3) rid=3.3.3.3 ;;
*) echo "r1.sh is for r1 and r3, not $(hostname)" >&2; exit 1 ;;
esac
sed -i 's/^ospfd=.*/ospfd=yes/' /etc/frr/daemons
/usr/lib/frr/frrinit.sh restart >/dev/null
vtysh <<VTY
configure terminal
router ospf
 router-id $rid
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
