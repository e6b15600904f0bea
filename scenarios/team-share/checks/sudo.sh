rc=0
allowed() { sudo -n -l -U "$1" $2 >/dev/null 2>&1; }
id alice >/dev/null 2>&1 && id bob >/dev/null 2>&1 || { echo "alice or bob is missing"; exit 1; }
for c in "/usr/sbin/service nginx restart" "/usr/sbin/service nginx reload"; do
	allowed alice "$c" && echo "alice may: $c" || { echo "alice may not: $c"; rc=1; }
done
for c in "/bin/bash" "/usr/sbin/service ssh stop" "/usr/bin/passwd root" "/bin/sh -c id"; do
	allowed alice "$c" && { echo "alice may also: $c (too much)"; rc=1; }
done
allowed bob "/usr/sbin/service nginx restart" && { echo "bob may restart nginx (only alice should)"; rc=1; }
sudo -n -l -U alice 2>/dev/null | grep -q 'NOPASSWD' || { echo "alice's rule asks for a password (she has none)"; rc=1; }
[ $rc = 0 ] && echo "policy ok"
exit $rc
