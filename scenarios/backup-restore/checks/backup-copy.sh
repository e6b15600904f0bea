d=/srv/backups/app/data
[ -d $d ] || { echo "$d does not exist"; exit 1; }
sum=$(cd $d && find . -type f | LC_ALL=C sort | xargs -r sha256sum | sha256sum | cut -c1-64)
if [ "$sum" = f1b2b87f3044ce44176139ee52017d2fc8fc130dd829b89bb9b8dd84a17057cb ]; then
	echo "the backup matches /srv/app/data ($(find $d -type f | wc -l) files)"
else
	echo "the backup differs from /srv/app/data (missing, extra or changed files, or a nested data/data directory)"
	exit 1
fi
[ "$(stat -c %U $d)" = backupsvc ] || { echo "$d is not owned by backupsvc"; exit 1; }
