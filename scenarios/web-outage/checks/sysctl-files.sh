# The value sysctl --system would apply last: /etc/sysctl.d/*.conf in name
# order, then /etc/sysctl.conf.
v=
for f in /etc/sysctl.d/*.conf /etc/sysctl.conf; do
	[ -f "$f" ] || continue
	x=$(sed -n -E 's/^[[:space:]]*net[./]ipv4[./]ip_forward[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p' "$f" | tail -1)
	[ -n "$x" ] && v=$x
done
echo "${v:-unset}"
