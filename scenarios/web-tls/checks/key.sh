keys=$(nginx -T 2>/dev/null | sed -n -E 's/^[[:space:]]*ssl_certificate_key[[:space:]]+([^;]+);.*/\1/p' | sort -u)
[ -n "$keys" ] || { echo "nginx uses no ssl_certificate_key"; exit 1; }
rc=0
for k in $keys; do
	k=$(printf '%s' "$k" | tr -d "\"'")
	s=$(stat -L -c '%U %G %a' "$k" 2>/dev/null) || { echo "$k: missing"; rc=1; continue; }
	echo "$k: $s"
	case "$s" in
	"root root 600" | "root root 400" | "root root 640" | "root root 440" | "root ssl-cert 640" | "root ssl-cert 440") ;;
	*) rc=1 ;;
	esac
done
exit $rc
