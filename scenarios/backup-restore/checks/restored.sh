d=/srv/app/uploads
[ -d $d ] || { echo "$d does not exist"; exit 1; }
sum=$(cd $d && find . -type f | LC_ALL=C sort | xargs -r sha256sum | sha256sum | cut -c1-64)
rc=0
if [ "$sum" = 6415a438cda21117f15827942ff7146fa552eafa998e3cd5293521d90d5a80d4 ]; then
	echo "contents match the backup ($(find $d -type f | wc -l) files)"
else
	echo "contents differ from last night's backup (missing, extra or changed files, or a nested directory)"; rc=1
fi
bad=$(find $d \( -type f \( ! -user www-data -o ! -group www-data -o ! -perm 0640 \) \) -o \( -type d \( ! -user www-data -o ! -group www-data -o ! -perm 0750 \) \) | head -3)
if [ -n "$bad" ]; then
	echo "wrong owner or mode (want www-data:www-data, files 0640, directories 0750):"
	for f in $bad; do stat -c '  %n %U:%G %a' "$f"; done
	rc=1
fi
exit $rc
