# Another correct solution: gpasswd, chmod in two steps, a command alias
# granted to an on-call group that only alice is in.
groupadd webteam
gpasswd -a alice webteam
gpasswd -a bob webteam
mkdir -p /srv/webteam
chgrp webteam /srv/webteam
chmod 770 /srv/webteam
chmod g+s /srv/webteam
groupadd oncall
gpasswd -a alice oncall
cat >/tmp/oncall <<'SUDO'
Cmnd_Alias NGINX_CTL = /usr/sbin/service nginx restart, /usr/sbin/service nginx reload, /usr/sbin/service nginx status
%oncall ALL = (root) NOPASSWD: NGINX_CTL
SUDO
visudo -cf /tmp/oncall
install -m 0440 /tmp/oncall /etc/sudoers.d/oncall
