# On control: /root/site holds site.yml and an inventory whose group
# webservers is exactly web-1..web-3, and Ansible reaches all three
# (ping module: it changes nothing).
# dojo runs checks with LC_ALL=C; ansible-core refuses a non-UTF-8 locale.
LC_ALL=C.UTF-8; export LC_ALL
cd /root/site 2>/dev/null || { echo "no /root/site"; exit 1; }
[ -f site.yml ] || { echo "no /root/site/site.yml"; exit 1; }
[ -e inventory ] || { echo "no /root/site/inventory"; exit 1; }
hosts=$(ansible -i inventory webservers --list-hosts 2>/dev/null | sed -n 's/^ \{4,\}//p' | sort | tr '\n' ' ')
if [ "$hosts" != "web-1 web-2 web-3 " ]; then
	echo "group webservers in /root/site/inventory holds: ${hosts:-nothing} (want web-1 web-2 web-3)"
	exit 1
fi
pong=$(ansible -i inventory webservers -m ansible.builtin.ping -o 2>&1)
ok=$(printf '%s\n' "$pong" | grep -c '^web-[123] | SUCCESS')
if [ "$ok" -ne 3 ]; then
	printf '%s\n' "$pong" | grep -v '^web-[123] | SUCCESS' | cut -c1-300
	echo "ansible -m ping: $ok of 3 web servers answer"
	exit 1
fi
echo "webservers: $hosts; ping: 3 of 3"
