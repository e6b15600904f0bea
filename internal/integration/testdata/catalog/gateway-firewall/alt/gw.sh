# A second correct solution: iptables (nft backend), saved in rules.v4.
iptables -F FORWARD
iptables -P FORWARD DROP
iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A FORWARD -s 10.40.1.0/24 -d 10.40.2.10 -p tcp --dport 80 -j ACCEPT
iptables -A FORWARD -s 10.40.1.20 -d 10.40.2.10 -p tcp --dport 22 -j ACCEPT
iptables -A FORWARD -s 10.40.1.0/24 -p icmp --icmp-type echo-request -j ACCEPT
iptables -A FORWARD -s 10.40.2.0/24 -d 10.40.1.0/24 -j REJECT
mkdir -p /etc/iptables
iptables-save >/etc/iptables/rules.v4
