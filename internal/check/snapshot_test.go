package check

import (
	"strings"
	"testing"
)

// snapFixture is a node's files as a snapshot would read them: a port on
// :: only (IPV6_V6ONLY), UDP on loopback, a connected UDP socket (not
// listening), a package in dpkg's rc state, an update journal entry, a
// comment line in /etc/passwd, a process with a long name.
var snapFixture = map[string]string{
	"/proc/sys/net/ipv4/ip_forward": "1\n",
	"/proc/net/tcp": `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 0100480A:0016 0200480A:C350 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
`,
	"/proc/net/tcp6": `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0
`,
	"/proc/net/udp": `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  1: 0100007F:14B4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4 2 0 0
  2: 0100007F:0035 0100007F:1234 01 00000000:00000000 00:00000000 00000000     0        0 5 2 0 0
`,
	"/var/lib/dpkg/status": "Package: openssh-server\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:9.2p1-2\n\n" +
		"Package: dojo-rc\nStatus: deinstall ok config-files\nArchitecture: all\nVersion: 1.0-1\n\n" +
		"Package: late\nStatus: install ok unpacked\nArchitecture: all\nVersion: 0.9\n",
	"/var/lib/dpkg/updates/0001": "Package: late\nStatus: install ok installed\nArchitecture: all\nVersion: 1.0\n",
	"/etc/nsswitch.conf":         "passwd: files systemd\ngroup: files\n",
	"/etc/passwd":                "# edited by hand\nroot:x:0:0:root:/root:/bin/bash\n  # indented: x:0:0\nalice:x:1000:1000::/home/alice:/bin/bash\nbroken:x:nan:0::/:/bin/sh\n",
	"/etc/group":                 "# comment\nroot:x:0:\nops:x:1001:alice\nalice:x:1000:\n",
	"/proc/1/comm":               "averyverylongpr\n",
	"/proc/1/status":             "Name:\taveryverylongpr\nUid:\t0\t1000\t1000\t1000\n",
	"/proc/22/comm":              "sshd\n",
	"/proc/22/status":            "Name:\tsshd\nUid:\t0\t0\t0\t0\n",
	"/proc/23/comm":              "orphan\n",
	"/proc/23/status":            "Name:\torphan\nUid:\t4242\t4242\t4242\t4242\n",
}

func TestSnapshotJudges(t *testing.T) {
	s := NewSnapshot(snapFixture)
	cases := []struct {
		typ    string
		fields map[string]any
		want   Status
		obs    string
	}{
		{"sysctl", map[string]any{"key": "net.ipv4.ip_forward", "value": "1"}, Pass, "1"},
		{"sysctl", map[string]any{"key": "net.ipv4.nope", "value": "1"}, Error, "unknown key"},
		{"port", map[string]any{"port": 8081}, Pass, "bound on [::]:8081"},
		{"port", map[string]any{"port": 8081, "address": "10.0.0.1"}, Pass, "bound on [::]:8081"},
		{"port", map[string]any{"port": 22, "address": "10.72.0.1"}, Pass, "bound on 0.0.0.0:22"},
		{"port", map[string]any{"port": 5300, "protocol": "udp"}, Pass, "bound on 127.0.0.1:5300"},
		{"port", map[string]any{"port": 5300, "protocol": "udp", "address": "10.0.0.1"}, Fail, "bound on 127.0.0.1:5300"},
		{"port", map[string]any{"port": 53, "protocol": "udp"}, Fail, "nothing bound to udp/53"},
		{"package", map[string]any{"name": "openssh-server", "version": "1:*"}, Pass, "installed, version 1:9.2p1-2"},
		{"package", map[string]any{"name": "dojo-rc"}, Fail, "not installed"},
		{"package", map[string]any{"name": "late", "version": "1.0"}, Pass, "installed, version 1.0"},
		{"package", map[string]any{"name": "none", "installed": false}, Pass, "not installed"},
		{"user", map[string]any{"name": "alice", "groups": []any{"ops", "alice"}}, Pass, "uid 1000, groups alice,ops, shell /bin/bash, home /home/alice"},
		{"user", map[string]any{"name": "broken"}, Fail, "absent"},
		{"user", map[string]any{"name": "#"}, Fail, "absent"},
		{"group", map[string]any{"name": "alice", "members": []any{"alice"}}, Pass, "gid 1000, members alice"},
		{"group", map[string]any{"name": "ops", "members": []any{"bob"}}, Fail, "gid 1001, members alice"},
		{"process", map[string]any{"name": "averyverylongprocessname", "user": "alice"}, Pass, "1 process(es), user alice"},
		{"process", map[string]any{"name": "sshd", "user": "alice"}, Fail, "1 process(es), user root"},
		{"process", map[string]any{"name": "orphan"}, Pass, "1 process(es), user 4242"},
	}
	for _, c := range cases {
		chk, diags := Build(specOf(c.typ, "n", c.fields))
		if diags.HasErrors() {
			t.Fatalf("%s %v: %v", c.typ, c.fields, diags)
		}
		sc := chk.(SnapshotCheck)
		res, ok := sc.JudgeSnapshot(s)
		if !ok || res.Status != c.want || res.Observed != c.obs {
			t.Errorf("%s %v: decided %v, %s %q (%s), want %s %q\n%s", c.typ, c.fields, ok, res.Status, res.Observed, res.Message, c.want, c.obs, res.Evidence.Output)
		}
		if !strings.Contains(res.Evidence.Command, "# judged from /") || strings.Contains(res.Evidence.Output, "@@labdojo") {
			t.Errorf("%s: evidence %q / %q", c.typ, res.Evidence.Command, res.Evidence.Output)
		}
	}
}

func TestSnapshotDefersToNSS(t *testing.T) {
	files := map[string]string{}
	for k, v := range snapFixture {
		files[k] = v
	}
	files["/etc/nsswitch.conf"] = "passwd: files ldap\ngroup: ldap files\n"
	s := NewSnapshot(files)
	for _, c := range []struct {
		typ    string
		fields map[string]any
		ok     bool
	}{
		{"user", map[string]any{"name": "alice"}, true},      // found in files, which answer first
		{"user", map[string]any{"name": "carol"}, false},     // may be in LDAP
		{"group", map[string]any{"name": "ops"}, false},      // LDAP answers first
		{"process", map[string]any{"name": "orphan"}, false}, // uid 4242 may be an LDAP user
		{"process", map[string]any{"name": "sshd"}, true},    // root is local
		{"user", map[string]any{"name": "alice", "groups": []any{"ops"}}, false},
	} {
		chk, _ := Build(specOf(c.typ, "n", c.fields))
		if _, ok := chk.(SnapshotCheck).JudgeSnapshot(s); ok != c.ok {
			t.Errorf("%s %v: decided %v, want %v", c.typ, c.fields, ok, c.ok)
		}
	}
}

func TestSnapshotScriptAndParse(t *testing.T) {
	script, err := SnapshotScript([]string{"/etc/passwd", ProcComm, DpkgUpdates, "/proc/sys/net/ipv4/ip_forward"})
	if err != nil {
		t.Fatal(err)
	}
	if script != "exec grep -asH '' -- '/etc/passwd' /proc/[0-9]*/comm /var/lib/dpkg/updates/[0-9]* '/proc/sys/net/ipv4/ip_forward' 2>/dev/null\n" {
		t.Errorf("script %q", script)
	}
	for _, bad := range []string{"etc/passwd", "/etc/$(reboot)", "/a b", "/x:y", "/proc/../etc", "/proc/*/environ"} {
		if _, err := SnapshotScript([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	s := ParseSnapshot([]byte("/etc/passwd:root:x:0:0::/root:/bin/sh\n/etc/passwd:\n/etc/passwd:a:x:1:1::/:/bin/sh\n/proc/7/comm:x\x00y\ngarbage\n"))
	if p, _ := s.File("/etc/passwd"); p != "root:x:0:0::/root:/bin/sh\n\na:x:1:1::/:/bin/sh\n" {
		t.Errorf("passwd %q", p)
	}
	if pids := s.procFiles("comm"); len(pids) != 1 || pids[0] != "7" {
		t.Errorf("pids %v", pids)
	}
}
