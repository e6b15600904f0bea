# On a web server: the page file is deploy's, group webops, mode 0644.
f=/srv/www/site/index.html
[ -f $f ] || { echo "no $f"; exit 1; }
got=$(stat -c '%U:%G %a' $f)
[ "$got" = "deploy:webops 644" ] || { echo "$f is $got, want deploy:webops 644"; exit 1; }
echo "$f: $got"
