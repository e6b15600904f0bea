# The shortcuts: a world-writable share and full sudo for alice.
groupadd webteam
usermod -aG webteam alice
usermod -aG webteam bob
mkdir -p /srv/webteam
chmod 777 /srv/webteam
echo 'alice ALL=(ALL) NOPASSWD: ALL' >>/etc/sudoers
