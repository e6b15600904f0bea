a=$(ip -4 -o addr show dev eth1 | awk '{print $4; exit}')
echo "eth1: ${a:-no address}"
ip=${a%/*}
case "$a" in 10.50.0.*/24) ;; *) exit 1 ;; esac
last=${ip##*.}
if [ "$last" -lt 100 ] || [ "$last" -gt 199 ]; then echo "$ip is outside the pool"; exit 1; fi
if grep -h -A15 "fixed-address $ip;" /var/lib/dhcp/dhclient*.leases 2>/dev/null | grep -q 'dhcp-server-identifier 10\.50\.0\.1;'; then
	echo "leased from 10.50.0.1"
else
	echo "no DHCP lease for $ip from 10.50.0.1 in /var/lib/dhcp (set by hand?)"
	exit 1
fi
