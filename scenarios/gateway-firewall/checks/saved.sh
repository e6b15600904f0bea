if [ -s /etc/nftables.conf ] && nft -c -f /etc/nftables.conf >/dev/null 2>&1 &&
	grep -v '^[[:space:]]*#' /etc/nftables.conf | grep -Eq '(drop|reject)' &&
	grep -v '^[[:space:]]*#' /etc/nftables.conf | grep -Eq '(dport|port)[^#]*\b22\b|\bssh\b'; then
	echo "/etc/nftables.conf"; exit 0
fi
for f in /etc/iptables/rules.v4 /etc/iptables.rules /etc/iptables/iptables.rules; do
	if [ -s "$f" ] && iptables-restore --test "$f" >/dev/null 2>&1 &&
		grep -Eq -- '(DROP|REJECT)' "$f" && grep -Eq -- '--dport (22|ssh)\b' "$f"; then
		echo "$f"; exit 0
	fi
done
echo "no saved rule set that filters port 22 (/etc/nftables.conf or /etc/iptables/rules.v4)"
exit 1
