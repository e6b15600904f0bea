# A plausible shortcut: filter SSH on web itself (not on gw) and "close"
# the API by killing it.
iptables -A INPUT -i eth1 -p tcp --dport 22 ! -s 10.40.1.20 -j DROP
pkill -f 'http.server 8080' || true
