# The configuration and every zone it loads are valid (named-checkconf -z,
# the checks of named-checkzone included), corp.internal is among them,
# and what ns serves is what is on disk: for corp.internal and the
# reverse zone of the LAN, the served SOA serial equals the file's (named
# was reloaded after the last edit) and is not 0.
out=$(named-checkconf -z 2>&1)
rc=$?
if [ $rc -ne 0 ]; then
	echo "named-checkconf -z failed (exit $rc):"
	printf '%s\n' "$out" | grep -v ': loaded serial' | head -5
	exit 1
fi
# "zone Z/IN: loaded serial N", or "zone Z/IN/VIEW: ..." with views.
zones=$(printf '%s\n' "$out" | sed -n 's#^zone \([^/]*\)/IN\(/[^:]*\)\{0,1\}: loaded serial \([0-9]*\).*#\1 \3#p')
if ! printf '%s\n' "$zones" | grep -q '^corp\.internal '; then
	echo "corp.internal is not a zone of named's configuration"
	exit 1
fi
bad=0
summary=
while read -r z s; do
	case $z in
	corp.internal | 0.30.10.in-addr.arpa | 30.10.in-addr.arpa | 10.in-addr.arpa) ;;
	*) continue ;;
	esac
	served=$(dig +time=2 +tries=1 +norec +short @10.30.0.53 "$z" SOA 2>/dev/null | awk 'NR == 1 { print $3 }')
	if [ "$s" = 0 ]; then
		echo "$z: SOA serial is 0"
		bad=1
	elif [ "$served" != "$s" ]; then
		echo "$z: the file has serial $s but ns serves ${served:-nothing} (reload named after editing)"
		bad=1
	fi
	summary="$summary $z=$s"
done <<ZONES
$zones
ZONES
[ $bad = 0 ] || exit 1
echo "valid; serials served as on disk:$summary"
