#!/bin/sh
# The internal apt repository on repo: the vendor's packages acme-agent
# 1.4.1 and 1.4.2 (the security fix) and acme-tools 2.0 and 2.1 (the
# release that drops the v1 report config the servers still use), built
# with dpkg-deb and indexed by hand, served by nginx under /debian.
set -eu
www=/var/www/html/debian
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$www"
mkdir -p "$www/pool/main/a/acme-agent" "$www/pool/main/a/acme-tools" "$www/dists/bookworm/main/binary-$arch"

control() { # name version description
	cat <<CTL
Package: $1
Version: $2
Architecture: all
Maintainer: ACME Packaging <packaging@acme.example>
Section: admin
Priority: optional
Depends: python3
Description: $3
CTL
}

agent() { # version
	v=$1 d=$work/acme-agent_$v
	mkdir -p "$d/DEBIAN" "$d/usr/sbin" "$d/etc/init.d"
	control acme-agent "$v" "ACME host agent
 Reports this host to the ACME console; answers on TCP 9180." >"$d/DEBIAN/control"
	printf '/etc/acme-agent.conf\n/etc/init.d/acme-agent\n' >"$d/DEBIAN/conffiles"
	cat >"$d/DEBIAN/postinst" <<'PI'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -n "${2:-}" ]; then
	echo "acme-agent: upgraded from $2. The running agent is NOT restarted by the package;"
	echo "acme-agent: restart it in your maintenance window: service acme-agent restart"
fi
PI
	cat >"$d/DEBIAN/prerm" <<'PR'
#!/bin/sh
set -e
if [ "$1" = remove ]; then /etc/init.d/acme-agent stop || true; fi
PR
	chmod 0755 "$d/DEBIAN/postinst" "$d/DEBIAN/prerm"
	{
		echo '# /etc/acme-agent.conf: ACME host agent'
		echo 'listen_port = 9180'
		echo 'site = default'
		echo 'console = https://console.acme.example'
		if [ "$v" = 1.4.2 ]; then
			echo '# Since 1.4.2 the console certificate is always verified (ACME-SA-2026-07).'
			echo '# ca_file = /etc/ssl/certs/ca-certificates.crt'
		fi
	} >"$d/etc/acme-agent.conf"
	cat >"$d/usr/sbin/acme-agent" <<PY
#!/usr/bin/python3
"""acme-agent: the ACME host agent. Answers GET / with its version."""
import http.server, os, socket

VERSION = "$v"
conf = {"listen_port": "9180", "site": "default"}
with open("/etc/acme-agent.conf") as f:
    for line in f:
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            k, val = line.split("=", 1)
            conf[k.strip()] = val.strip()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("acme-agent version=%s site=%s host=%s pid=%d\n" % (
            VERSION, conf["site"], socket.gethostname(), os.getpid())).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("", int(conf["listen_port"])), Handler).serve_forever()
PY
	cat >"$d/etc/init.d/acme-agent" <<'INIT'
#!/bin/sh
### BEGIN INIT INFO
# Provides:          acme-agent
# Required-Start:    $network $remote_fs
# Required-Stop:     $network $remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: ACME host agent
### END INIT INFO
DAEMON=/usr/sbin/acme-agent
PIDFILE=/run/acme-agent.pid
start() {
	start-stop-daemon --start --quiet --background --make-pidfile --pidfile $PIDFILE --startas $DAEMON
}
stop() {
	start-stop-daemon --stop --quiet --pidfile $PIDFILE --retry TERM/5/KILL/2
	rm -f $PIDFILE
}
case "$1" in
start) echo "Starting acme-agent"; start ;;
stop) echo "Stopping acme-agent"; stop ;;
restart | force-reload) echo "Restarting acme-agent"; stop; start ;;
status) start-stop-daemon --status --pidfile $PIDFILE ;;
*) echo "Usage: $0 {start|stop|restart|status}" >&2; exit 2 ;;
esac
INIT
	chmod 0755 "$d/usr/sbin/acme-agent" "$d/etc/init.d/acme-agent"
	dpkg-deb --root-owner-group --build "$d" "$www/pool/main/a/acme-agent/acme-agent_${v}_all.deb" >/dev/null
}

tools() { # version
	v=$1 d=$work/acme-tools_$v
	mkdir -p "$d/DEBIAN" "$d/usr/bin"
	control acme-tools "$v" "ACME command line tools
 acme-report: the nightly inventory report for the ACME console." | sed '/^Depends:/d' >"$d/DEBIAN/control"
	if [ "$v" = 2.0 ]; then
		cat >"$d/usr/bin/acme-report" <<'SH'
#!/bin/sh
# acme-report 2.0: reads /etc/acme/report.conf (format v1).
conf=/etc/acme/report.conf
[ -r $conf ] || { echo "acme-report: $conf missing" >&2; exit 1; }
grep -q '^format = v1$' $conf || { echo "acme-report: $conf: unknown format" >&2; exit 1; }
[ "${1:-}" = --selftest ] && { echo "acme-report 2.0: $conf OK"; exit 0; }
echo "acme-report 2.0: $(hostname) $(date -u +%FT%TZ) packages=$(dpkg-query -W | wc -l)"
SH
	else
		cat >"$d/usr/bin/acme-report" <<'SH'
#!/bin/sh
# acme-report 2.1: reads /etc/acme/report.yaml (format v2) only.
echo "acme-report 2.1: /etc/acme/report.conf (format v1) is no longer supported; migrate to /etc/acme/report.yaml" >&2
exit 2
SH
	fi
	chmod 0755 "$d/usr/bin/acme-report"
	dpkg-deb --root-owner-group --build "$d" "$www/pool/main/a/acme-tools/acme-tools_${v}_all.deb" >/dev/null
}

agent 1.4.1
agent 1.4.2
tools 2.0
tools 2.1

# The index: one stanza per .deb (its control file plus where it is and
# its checksums), then a Release file over the indexes.
cd "$www"
for deb in pool/main/a/*/*.deb; do
	dpkg-deb -f "$deb"
	echo "Installed-Size: $(dpkg-deb -c "$deb" | awk '{s += $3} END {print int(s / 1024) + 1}')"
	echo "Filename: $deb"
	echo "Size: $(stat -c %s "$deb")"
	echo "MD5sum: $(md5sum "$deb" | cut -d' ' -f1)"
	echo "SHA256: $(sha256sum "$deb" | cut -d' ' -f1)"
	echo
done >"dists/bookworm/main/binary-$arch/Packages"
gzip -9nk "dists/bookworm/main/binary-$arch/Packages"
cd dists/bookworm
{
	echo "Origin: ACME internal mirror"
	echo "Label: acme-internal"
	echo "Suite: bookworm"
	echo "Codename: bookworm"
	echo "Date: $(LC_ALL=C date -u -R)"
	echo "Architectures: $arch"
	echo "Components: main"
	echo "Description: ACME vendor packages for bookworm servers"
	echo "MD5Sum:"
	for f in main/binary-$arch/Packages main/binary-$arch/Packages.gz; do
		echo " $(md5sum "$f" | cut -d' ' -f1) $(stat -c %s "$f") $f"
	done
	echo "SHA256:"
	for f in main/binary-$arch/Packages main/binary-$arch/Packages.gz; do
		echo " $(sha256sum "$f" | cut -d' ' -f1) $(stat -c %s "$f") $f"
	done
} >Release
chmod -R a+rX "$www"
