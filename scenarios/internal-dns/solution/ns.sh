#!/bin/sh
# Reference solution: corp.internal and its reverse zone on BIND 9,
# authoritative only, queries from the LAN, no zone transfers. Idempotent.
set -eu
serial=$(date -u +%Y%m%d)01

cat >/etc/bind/named.conf.options <<'CONF'
acl lan { 10.30.0.0/24; 127.0.0.1; };

options {
	directory "/var/cache/bind";
	listen-on { 127.0.0.1; 10.30.0.53; };
	listen-on-v6 { none; };

	// Authoritative for our zones only: no internet to recurse to.
	recursion no;
	allow-query { lan; };
	// No secondary yet: nobody may copy the zones.
	allow-transfer { none; };

	dnssec-validation auto;
};
CONF

cat >/etc/bind/named.conf.local <<'CONF'
zone "corp.internal" {
	type primary;
	file "/etc/bind/db.corp.internal";
};

zone "0.30.10.in-addr.arpa" {
	type primary;
	file "/etc/bind/db.10.30.0";
};
CONF

cat >/etc/bind/db.corp.internal <<ZONE
\$TTL 3600
@	IN	SOA	ns.corp.internal. hostmaster.corp.internal. (
			$serial	; serial (YYYYMMDDnn)
			3600		; refresh
			900		; retry
			1209600		; expire
			300 )		; negative cache TTL
	IN	NS	ns.corp.internal.

ns	IN	A	10.30.0.53
web	IN	A	10.30.0.80
client	IN	A	10.30.0.100
www	IN	CNAME	web
ZONE

cat >/etc/bind/db.10.30.0 <<ZONE
\$TTL 3600
@	IN	SOA	ns.corp.internal. hostmaster.corp.internal. (
			$serial	; serial (YYYYMMDDnn)
			3600		; refresh
			900		; retry
			1209600		; expire
			300 )		; negative cache TTL
	IN	NS	ns.corp.internal.

53	IN	PTR	ns.corp.internal.
80	IN	PTR	web.corp.internal.
100	IN	PTR	client.corp.internal.
ZONE

named-checkconf -z >/dev/null
service named restart >/dev/null
