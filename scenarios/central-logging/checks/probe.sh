# Has loghost stored a probe from host $H, sent in the last 60 s, in
# /var/log/remote/$H/dojo-probe.log? The sending check writes
# "probe $H <epoch seconds>".
f=/var/log/remote/$H/dojo-probe.log
[ -f "$f" ] || { echo "no $f"; exit 1; }
last=$(sed -n "s/.*probe $H \([0-9][0-9]*\).*/\1/p" "$f" | tail -1)
[ -n "$last" ] || { echo "no probe from $H in $f"; exit 1; }
age=$(( $(date +%s) - last ))
if [ "$age" -gt 60 ]; then echo "the last probe from $H in $f is ${age}s old"; exit 1; fi
echo "recent probe from $H in $f"
