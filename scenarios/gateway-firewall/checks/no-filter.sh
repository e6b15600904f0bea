found=0
if command -v nft >/dev/null 2>&1 && nft list ruleset 2>/dev/null | grep -Eq '(^|[[:space:]])(drop|reject)([[:space:]]|$)'; then
	echo "nft ruleset has drop/reject rules"; found=1
fi
for t in iptables-nft iptables-legacy; do
	if command -v $t >/dev/null 2>&1 && $t -S 2>/dev/null | grep -Eq -- '-j (DROP|REJECT)|^-P [A-Z]+ DROP'; then
		echo "$t has DROP/REJECT rules"; found=1
	fi
done
[ $found = 0 ] && echo "no filtering rules"
exit $found
