# acme-tools stays at 2.0 and is held: apt-mark showhold lists it and a
# simulated upgrade (apt-get -s changes nothing) leaves it alone, with the
# package lists up to date (2.1 is the candidate apt knows of).
v=$(dpkg-query -W -f='${Version}' acme-tools 2>/dev/null)
[ "$v" = 2.0 ] || { echo "acme-tools is installed at version '${v:-none}', want 2.0"; exit 1; }
apt-mark showhold | grep -qx acme-tools || { echo "acme-tools is not held (apt-mark showhold does not list it)"; exit 1; }
cand=$(apt-cache policy acme-tools | sed -n 's/^ *Candidate: *//p')
[ "$cand" = 2.1 ] || [ "$cand" = 2.0 ] || { echo "apt does not know the repository's acme-tools (candidate '$cand'): run apt-get update"; exit 1; }
apt-cache policy acme-tools | grep -q ' 2\.1 ' || { echo "the package lists do not show acme-tools 2.1: run apt-get update"; exit 1; }
for op in upgrade dist-upgrade; do
	if LC_ALL=C apt-get -s -q "$op" 2>&1 | grep -q '^Inst acme-tools '; then
		echo "apt-get $op would upgrade acme-tools"
		exit 1
	fi
done
echo "acme-tools 2.0, held; apt-get -s upgrade and dist-upgrade leave it"
