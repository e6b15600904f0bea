# Another correct design: the upper half of the staff block, the router on
# the last usable address of each subnet, iptables instead of nft.
ip addr add 172.16.0.254/25 dev eth1
ip addr add 172.16.1.254/24 dev eth2
ip addr add 172.16.2.14/28 dev eth3
sysctl -w net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -o eth4 -j MASQUERADE
iptables -P FORWARD DROP
iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A FORWARD -i eth2 -o eth4 -j ACCEPT
iptables -A FORWARD -i eth1 -j ACCEPT
iptables -A FORWARD -i eth3 -j ACCEPT
iptables -A INPUT -i eth2 -p tcp -j REJECT --reject-with tcp-reset
