# How logrotate would treat /var/log/remote/*/*.log, from its debug mode
# (-d changes nothing: no rotation, no state file). -d alone gives the
# schedule and the count; -d -f shows what a rotation would do (the
# compressed names, the postrotate script or copytruncate).
p='/var/log/remote/*/*.log'
block() {
	# The pattern may end its line (when "{" is on the next one); the
	# schedule and the count follow it, on the same line or the next.
	awk -v p="$p" '/^rotating pattern: /{on = index($0 " ", p " ") > 0 || index($0, p "\t") > 0} on' "$1"
}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
if ! logrotate -d /etc/logrotate.conf >"$t/plan" 2>&1; then
	echo "logrotate -d reports errors:"; grep -i error "$t/plan" | head -3; exit 1
fi
logrotate -d -f /etc/logrotate.conf >"$t/forced" 2>&1 || true
block "$t/plan" >"$t/p"
block "$t/forced" >"$t/f"
if [ ! -s "$t/p" ]; then echo "no rule for $p"; exit 1; fi
daily=no
head -2 "$t/p" | grep -q ' after 1 days ' && daily=yes
rot=$(head -2 "$t/p" | sed -n 's/.*(\([0-9]*\) rotations).*/\1/p')
compress=no
grep -Eq '\.(gz|xz|bz2|zst|lz4)([ ,]|$)|^compressing log with' "$t/f" && compress=yes
reopen=no
grep -q '^truncating ' "$t/f" && reopen=copytruncate
if grep -q '^running postrotate script' "$t/f"; then
	sed -n '/^running script with args/,$p' "$t/f" | grep -Eq 'rsyslog|HUP' && reopen=postrotate
fi
echo "daily=$daily rotate=${rot:-?} compress=$compress reopen=$reopen"
