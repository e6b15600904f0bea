# After the vendor's probe has had time to arrive: is a probe from vendor,
# sent in the last 60 s, stored anywhere under /var/log?
sleep 6
now=$(date +%s)
found=$(grep -rhoa 'probe vendor [0-9][0-9]*' /var/log 2>/dev/null | awk -v n="$now" '$3 + 60 >= n' | tail -1)
if [ -n "$found" ]; then
	echo "stored: $(grep -rla "$found" /var/log 2>/dev/null | head -3 | tr '\n' ' ')"; exit 1
fi
echo "nothing from vendor stored"
