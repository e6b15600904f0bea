# A daily cron entry that runs rsync to the backup server, directly or
# through a script.
lines=$( { crontab -l 2>/dev/null; cat /etc/crontab /etc/cron.d/* 2>/dev/null; } | grep -v '^[[:space:]]*#' | grep -Ev '^[[:space:]]*[A-Za-z_]+=' )
echo "$lines" | while IFS= read -r l; do
	[ -n "$l" ] || continue
	case "$l" in
	@daily* | @midnight*) ;;
	*)
		set -f; set -- $l; set +f
		[ $# -ge 6 ] || continue
		case "$1" in *[!0-9]*) continue ;; esac
		case "$2" in *[!0-9]*) continue ;; esac
		[ "$3 $4 $5" = "* * *" ] || continue
		;;
	esac
	text="$l"
	for w in $l; do
		case "$w" in /*) [ -f "$w" ] && text="$text
$(cat "$w")" ;; esac
	done
	if printf '%s\n' "$text" | grep -q rsync && printf '%s\n' "$text" | grep -Eq '10\.60\.0\.20|backupsvc@|backup:'; then
		echo "daily: $l"
		exit 3
	fi
done
[ $? = 3 ] && exit 0
echo "no daily cron entry runs rsync to the backup server"
exit 1
