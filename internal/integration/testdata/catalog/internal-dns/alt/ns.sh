# Another correct solution: the zones in their own include file under
# /etc/bind/zones, $ORIGIN and relative names, a 1-day TTL, a plain
# counter as serial, one reverse zone for the whole 10.30/16 (PTR names
# "53.0"), an MX record, allow-transfer per zone, recursion left on for
# the LAN only, and rndc instead of a restart.
mkdir -p /etc/bind/zones
cat >/etc/bind/zones/corp.internal.zone <<'ZONE'
$ORIGIN corp.internal.
$TTL 1d
@ 86400 IN SOA ns hostmaster 7 1h 15m 2w 5m
@ NS ns
@ MX 10 web
ns A 10.30.0.53
web A 10.30.0.80
client A 10.30.0.100
www CNAME web.corp.internal.
ZONE
cat >/etc/bind/zones/10.30.rev <<'ZONE'
$TTL 1d
$ORIGIN 30.10.in-addr.arpa.
@ SOA ns.corp.internal. hostmaster.corp.internal. 3 1h 15m 2w 5m
  NS ns.corp.internal.
$ORIGIN 0.30.10.in-addr.arpa.
53 PTR ns.corp.internal.
80 PTR web.corp.internal.
100 PTR client.corp.internal.
ZONE
cat >/etc/bind/named.conf.corp <<'CONF'
acl office { localnets; localhost; };
zone "corp.internal" IN {
	type master;
	file "/etc/bind/zones/corp.internal.zone";
	allow-transfer { localhost; };
	allow-query { office; };
};
zone "30.10.in-addr.arpa" IN {
	type master;
	file "/etc/bind/zones/10.30.rev";
	allow-transfer { localhost; };
	allow-query { office; };
};
CONF
grep -q allow-recursion /etc/bind/named.conf.options ||
	sed -i 's#^options {#options {\n\tallow-recursion { localnets; localhost; };#' /etc/bind/named.conf.options
grep -q named.conf.corp /etc/bind/named.conf || echo 'include "/etc/bind/named.conf.corp";' >>/etc/bind/named.conf
named-checkconf
named-checkzone corp.internal /etc/bind/zones/corp.internal.zone
named-checkzone 30.10.in-addr.arpa /etc/bind/zones/10.30.rev
rndc reconfig
