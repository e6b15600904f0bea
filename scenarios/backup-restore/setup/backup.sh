#!/bin/sh
# Last night's backup of the uploads, taken before the bad deploy.
set -eu
b=/srv/backups/app/uploads
rm -rf /srv/backups/app
mkdir -p $b/avatars $b/invoices
for u in 1 2 3 4 5 6 7 8 9 10 11 12; do
	printf 'avatar of user %s\n%s\n' "$u" "$(printf '%0*d' $((u * 10)) 0)" >$b/avatars/u$u.png
done
for n in $(seq 100 120); do
	printf 'INVOICE %s\ntotal: %s.00 EUR\n' "$n" $((n * 3)) >$b/invoices/inv-$n.pdf
done
chmod -R u=rwX,go=rX /srv/backups
