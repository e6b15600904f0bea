# On a web server: group webops, user deploy in it with /bin/bash and an
# existing home /home/deploy that deploy owns.
rc=0
getent group webops >/dev/null || { echo "no group webops"; rc=1; }
if ! ent=$(getent passwd deploy); then
	echo "no user deploy"
	exit 1
fi
shell=${ent##*:}
home=$(printf '%s' "$ent" | cut -d: -f6)
[ "$shell" = /bin/bash ] || { echo "deploy's shell is $shell, want /bin/bash"; rc=1; }
[ "$home" = /home/deploy ] || { echo "deploy's home is $home, want /home/deploy"; rc=1; }
[ -d /home/deploy ] && [ "$(stat -c %U /home/deploy)" = deploy ] || { echo "/home/deploy is missing or not deploy's"; rc=1; }
id -nG deploy | tr ' ' '\n' | grep -qx webops || { echo "deploy is not in webops (groups: $(id -nG deploy))"; rc=1; }
[ $rc -eq 0 ] && echo "deploy: webops, /bin/bash, /home/deploy"
exit $rc
