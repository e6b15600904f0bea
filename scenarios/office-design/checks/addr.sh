# Expects BLOCK (the segment's IPAM block) and PREFIX (the prefix length
# its host count calls for).
a=$(ip -4 -o addr show dev eth1 | awk '{print $4; exit}')
echo "eth1: ${a:-no address}"
[ -n "$a" ] || exit 1
python3 - "$a" "$BLOCK" "$PREFIX" <<'PY' || exit 1
import ipaddress, sys
a, block, prefix = ipaddress.ip_interface(sys.argv[1]), ipaddress.ip_network(sys.argv[2]), int(sys.argv[3])
ok = True
if not a.network.subnet_of(block):
    print("%s is not inside the segment's block %s" % (a.network, block)); ok = False
if a.network.prefixlen != prefix:
    print("/%d is not the smallest subnet for this segment's hosts" % a.network.prefixlen); ok = False
if a.ip in (a.network.network_address, a.network.broadcast_address):
    print("%s is not a host address" % a.ip); ok = False
sys.exit(0 if ok else 1)
PY
gw=$(ip -4 route show default | awk '{print $3; exit}')
echo "default gateway: ${gw:-none}"
[ -n "$gw" ] || exit 1
python3 -c "import ipaddress,sys; sys.exit(0 if ipaddress.ip_address('$gw') in ipaddress.ip_interface('$a').network else 1)" ||
	{ echo "the gateway is not on eth1's subnet"; exit 1; }
ping -c 1 -W 2 "$gw" >/dev/null 2>&1 || { echo "the gateway does not answer ping"; exit 1; }
