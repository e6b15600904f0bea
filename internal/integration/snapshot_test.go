package integration

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
)

const snapLab = `lab "snap" {}
network "lan" {
  subnet = "10.72.0.0/24"
}
node "n" {
  interface "lan" {
    address = "10.72.0.1/24"
  }
}
`

// snapSetup makes the node states of the agreement table: a TCP port bound
// on :: only (IPV6_V6ONLY), a UDP port on loopback, a process whose name
// is longer than the kernel's 15 bytes, a package left in dpkg's rc state,
// comment lines in /etc/passwd and /etc/group, a user with a
// supplementary group, and forwarding on.
const snapSetup = `set -e
setsid python3 -c '
import socket, time
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(("::", 8081)); s.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 5300))
time.sleep(600)' </dev/null >/dev/null 2>&1 &
cp /bin/sleep /tmp/averyverylongprocessname
setsid /tmp/averyverylongprocessname 600 </dev/null >/dev/null 2>&1 &
mkdir -p /tmp/p/DEBIAN /tmp/p/etc
printf 'Package: dojo-rc\nVersion: 1.0-1\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: test\n' >/tmp/p/DEBIAN/control
echo x >/tmp/p/etc/dojo-rc.conf
echo /etc/dojo-rc.conf >/tmp/p/DEBIAN/conffiles
dpkg-deb -b /tmp/p /tmp/p.deb >/dev/null
dpkg -i /tmp/p.deb >/dev/null
dpkg -r dojo-rc >/dev/null
sed -i '1i # local accounts, edited by hand' /etc/passwd /etc/group
groupadd ops
useradd -m -s /bin/bash -G ops alice
echo '  # an indented comment: x:0:0' >>/etc/passwd
echo 'broken:x:notanumber:0::/:/bin/sh' >>/etc/passwd
sysctl -qw net.ipv4.ip_forward=1
sleep 0.5
`

// snapTable lists checks (HCL bodies on node n) and the verdict both the
// real tools and the snapshot must give.
var snapTable = []struct {
	typ, body, want string
}{
	{"sysctl", `key = "net.ipv4.ip_forward"` + "\n" + `value = "1"`, "pass"},
	{"sysctl", `key = "net.ipv4.ip_forward"` + "\n" + `value = "0"`, "fail"},
	{"sysctl", `key = "net.ipv4.no_such_key"` + "\n" + `value = "1"`, "error"},
	{"port", `port = 8081`, "pass"},
	{"port", `port = 8081` + "\n" + `address = "::"`, "pass"},
	{"port", `port = 8081` + "\n" + `address = "127.0.0.1"`, "pass"},
	{"port", `port = 22`, "pass"},
	{"port", `port = 23` + "\n" + `listening = false`, "pass"},
	{"port", `port = 5300` + "\n" + `protocol = "udp"`, "pass"},
	{"port", `port = 5300` + "\n" + `protocol = "udp"` + "\n" + `address = "10.72.0.1"`, "fail"},
	{"port", `port = 5300`, "fail"},
	{"package", `name = "openssh-server"`, "pass"},
	{"package", `name = "openssh-server"` + "\n" + `version = "1:*"`, "pass"},
	{"package", `name = "dojo-rc"`, "fail"},
	{"package", `name = "dojo-rc"` + "\n" + `installed = false`, "pass"},
	{"package", `name = "no-such-package"` + "\n" + `installed = false`, "pass"},
	{"package", `name = "no-such-package"`, "fail"},
	{"process", `name = "averyverylongprocessname"`, "pass"},
	{"process", `name = "averyverylongpr"`, "pass"},
	{"process", `name = "averyverylongprocessname"` + "\n" + `user = "alice"`, "fail"},
	{"process", `name = "sshd"` + "\n" + `user = "root"`, "pass"},
	{"process", `name = "nosuchdaemon"` + "\n" + `running = false`, "pass"},
	{"process", `name = "nosuchdaemon"`, "fail"},
	{"user", `name = "alice"` + "\n" + `groups = ["ops"]` + "\n" + `shell = "/bin/bash"` + "\n" + `home = "/home/alice"`, "pass"},
	{"user", `name = "alice"` + "\n" + `uid = 0`, "fail"},
	{"user", `name = "root"` + "\n" + `uid = 0` + "\n" + `groups = ["root"]`, "pass"},
	{"user", `name = "broken"`, "fail"},
	{"user", `name = "nobody-here"` + "\n" + `exists = false`, "pass"},
	{"user", `name = "alice"` + "\n" + `groups = ["sudo"]`, "fail"},
	{"group", `name = "ops"` + "\n" + `members = ["alice"]`, "pass"},
	{"group", `name = "alice"` + "\n" + `members = ["alice"]`, "pass"},
	{"group", `name = "ops"` + "\n" + `members = ["bob"]`, "fail"},
	{"group", `name = "sudo"`, "pass"},
	{"group", `name = "nogroup-here"` + "\n" + `exists = false`, "pass"},
}

// TestSnapshotJudgesAgree judges every row of snapTable on a real node
// twice: with the check's own probe (sysctl, ss, dpkg-query, getent, id,
// the /proc scan) and from a snapshot of the node's files; both must give
// the table's verdict and the same observation.
func TestSnapshotJudgesAgree(t *testing.T) {
	dir := t.TempDir()
	var sc strings.Builder
	sc.WriteString("scenario \"snap\" {\n  lab = \"lab.hcl\"\n  track = \"server\"\n}\n")
	for i, row := range snapTable {
		fmt.Fprintf(&sc, "goal \"g%d\" {\n  check %q {\n    on = \"n\"\n    %s\n  }\n}\n", i, row.typ, strings.ReplaceAll(row.body, "\n", "\n    "))
	}
	for name, src := range map[string]string{"lab.hcl": snapLab, "scenario.hcl": sc.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	scen, _, diags := scenario.LoadFile(dir, scenario.Options{Checks: check.Catalog()})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	goals, err := grade.FromScenario(scen)
	if err != nil {
		t.Fatal(err)
	}
	mustDojo(t, "up", filepath.Join(dir, "lab.hcl"), "--name", "it-snap", "-q")
	defer func() {
		mustDojo(t, "down", "it-snap", "--purge", "-q")
		requireGone(t, "it-snap")
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	eng := &engine.Engine{RT: rt, Store: &state.Store{Root: stateDir}}
	targets, err := eng.Targets(ctx, "it-snap")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := eng.Signer("it-snap")
	if err != nil {
		t.Fatal(err)
	}
	pool := sshx.NewPool(signer, sshx.PoolOptions{MaxOutput: 64 << 20})
	defer pool.Close()
	run := func(script string) check.Output {
		res, err := pool.Run(ctx, targets["n"], "exec /bin/sh -s", strings.NewReader(script))
		if err != nil {
			t.Fatal(err)
		}
		return check.Output{Stdout: res.Stdout, Stderr: res.Stderr, ExitCode: res.ExitCode}
	}
	if out := run(snapSetup); out.ExitCode != 0 {
		t.Fatalf("setup exit %d: %s%s", out.ExitCode, out.Stdout, out.Stderr)
	}
	for i, row := range snapTable {
		c := goals[i].Checks[0]
		sc, ok := c.(check.SnapshotCheck)
		if !ok || len(sc.Reads()) == 0 {
			t.Errorf("row %d (%s %s): not a snapshot check", i, row.typ, row.body)
			continue
		}
		tool := c.Judge(run(c.Script()))
		script, err := check.SnapshotScript(sc.Reads())
		if err != nil {
			t.Fatal(err)
		}
		snap, decided := sc.JudgeSnapshot(check.ParseSnapshot(run(script).Stdout))
		label := fmt.Sprintf("row %d: %s {%s}", i, row.typ, strings.ReplaceAll(row.body, "\n", "; "))
		switch {
		case !decided:
			t.Errorf("%s: the snapshot could not decide", label)
		case tool.Status.String() != row.want:
			t.Errorf("%s: the real tools say %s (%s: %s), want %s", label, tool.Status, tool.Observed, tool.Message, row.want)
		case snap.Status != tool.Status || snap.Observed != tool.Observed:
			t.Errorf("%s: snapshot says %s (%s: %s), the real tools %s (%s: %s)\nsnapshot evidence: %s\n%s",
				label, snap.Status, snap.Observed, snap.Message, tool.Status, tool.Observed, tool.Message, snap.Evidence.Command, snap.Evidence.Output)
		case !strings.Contains(snap.Evidence.Command, "# judged from /"):
			t.Errorf("%s: evidence command %q does not say what it was judged from", label, snap.Evidence.Command)
		}
	}
}
