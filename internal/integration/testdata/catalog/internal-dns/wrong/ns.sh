# Plausible mistakes on ns: no reverse zone, transfers left at BIND's
# default (anyone), and a last edit (a record and a serial bump) never
# loaded: named was not reloaded.
cat >/etc/bind/named.conf.local <<'CONF'
zone "corp.internal" { type master; file "/etc/bind/db.corp.internal"; };
CONF
cat >/etc/bind/db.corp.internal <<'ZONE'
$TTL 604800
@	IN	SOA	ns.corp.internal. root.corp.internal. ( 2026010101 604800 86400 2419200 604800 )
@	IN	NS	ns.corp.internal.
ns	IN	A	10.30.0.53
web	IN	A	10.30.0.80
client	IN	A	10.30.0.100
www	IN	CNAME	web.corp.internal.
ZONE
named-checkconf -z
service named restart
sleep 1
sed -i 's/2026010101/2026010102/' /etc/bind/db.corp.internal
echo 'intranet IN CNAME web' >>/etc/bind/db.corp.internal
