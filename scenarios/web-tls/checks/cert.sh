pem=$(echo | openssl s_client -connect 10.20.0.20:443 -servername www.lab.internal 2>/dev/null | openssl x509 2>/dev/null)
[ -n "$pem" ] || { echo "no certificate served on 10.20.0.20:443"; exit 1; }
text=$(printf '%s\n' "$pem" | openssl x509 -noout -text)
rc=0
printf '%s\n' "$text" | grep -A1 'Subject Alternative Name' | grep -q 'DNS:www\.lab\.internal' &&
	echo "subjectAltName has www.lab.internal" || { echo "subjectAltName lacks DNS:www.lab.internal"; rc=1; }
printf '%s\n' "$pem" | openssl x509 -noout -checkend $((300 * 86400)) >/dev/null &&
	echo "valid for 300 days or more" || { echo "expires within 300 days"; rc=1; }
bits=$(printf '%s\n' "$text" | sed -n -E 's/.*Public-Key: \(([0-9]+) bit\).*/\1/p' | head -1)
case "$text" in *id-ecPublicKey*) min=256 ;; *) min=2048 ;; esac
[ "${bits:-0}" -ge $min ] && echo "key ${bits} bits" || { echo "key ${bits:-?} bits, want at least $min"; rc=1; }
exit $rc
