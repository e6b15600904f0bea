rc=0
id carol >/dev/null 2>&1 || { echo "carol does not exist"; exit 1; }
for u in alice bob; do
	if su -s /bin/sh "$u" -c 'test -d /srv/webteam -a -w /srv/webteam -a -x /srv/webteam -a -r /srv/webteam' 2>/dev/null; then
		echo "$u: can write"
	else
		echo "$u: cannot write in /srv/webteam"; rc=1
	fi
done
if su -s /bin/sh carol -c 'ls /srv/webteam' >/dev/null 2>&1; then
	echo "carol: can list /srv/webteam"; rc=1
else
	echo "carol: denied"
fi
exit $rc
