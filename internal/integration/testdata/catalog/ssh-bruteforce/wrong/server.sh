# Overreaction: the whole office subnet blocked, the account deleted.
nft add table inet filter
nft add chain inet filter input '{ type filter hook input priority filter; }'
nft add rule inet filter input iifname eth1 ip saddr 10.20.0.0/24 drop
userdel -r svc-backup 2>/dev/null || true
echo "blocked 10.20.0.66 svc-backup" >/root/INC-3112.txt
