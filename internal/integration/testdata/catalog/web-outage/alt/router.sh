# Another correct fix: drop the bad line from the hardening file and
# keep forwarding in a file of its own that sorts after it.
sed -i '/ip_forward/d' /etc/sysctl.d/99-hardening.conf
echo 'net.ipv4.ip_forward=1' >/etc/sysctl.d/zz-router.conf
sysctl -p /etc/sysctl.d/zz-router.conf
