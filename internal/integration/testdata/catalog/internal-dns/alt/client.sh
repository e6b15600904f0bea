# Another correct client configuration: domain instead of search, options.
cat >/etc/resolv.conf <<'CONF'
# managed by the network team (NET-305)
domain corp.internal
nameserver 10.30.0.53
options timeout:1 attempts:2
CONF
