# Another correct response: iptables REJECT, the account expired and its
# password locked with passwd, a note in other words.
iptables -I INPUT -s 10.20.0.66/32 -j REJECT
passwd -l svc-backup
chage -E 0 svc-backup
printf 'svc-backup was logged into from 10.20.0.66 at 03:14:44 after a brute force; source rejected, account locked.\n' >/root/INC-3112.txt
