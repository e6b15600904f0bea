package integration

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/runtime"
)

// nodeExec runs a shell command in a running node through the engine.
func nodeExec(t *testing.T, instance, node, script string) (string, int) {
	t.Helper()
	ctx := context.Background()
	cs, err := rt.ListContainers(ctx, engine.InstanceLabels(instance))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Labels[runtime.LabelNode] != node {
			continue
		}
		var out bytes.Buffer
		res, err := rt.Exec(ctx, c.ID, runtime.ExecSpec{Cmd: []string{"/bin/sh", "-c", script}, Stdout: &out, Stderr: &out})
		if err != nil {
			t.Fatalf("exec on %s: %v", node, err)
		}
		return out.String(), res.ExitCode
	}
	t.Fatalf("instance %s has no node %s", instance, node)
	return "", 0
}

// TestHostKeyNeverInCommandLine checks that a node's private host key and
// its lab files reach it without passing through a command line, the
// environment or a label: no process on the host or in the node shows
// them, the key file is 0600 and unreadable for other users, the pinned
// key still works, and lab file modes keep their setuid, setgid and
// sticky bits.
func TestHostKeyNeverInCommandLine(t *testing.T) {
	const secret = "lab-file-secret-3f9a"
	p := writeLab(t, `
lab "keys" {}
network "lan" { subnet = "10.77.0.0/24" }
node "n1" {
  interface "lan" { address = "10.77.0.1/24" }
  file "/root/secret.txt" {
    content = "`+secret+`"
    mode    = "0600"
  }
  file "/usr/local/bin/suid-tool" {
    content = "#!/bin/sh\necho hi\n"
    mode    = "4755"
    owner   = "nobody"
  }
  file "/srv/drop/readme" {
    content = "x"
    mode    = "3775"
  }
}
node "n2" {
  pids   = 300
  memory = "256m"
}
`)
	mustDojo(t, "up", p, "--name", "it-keys", "-q")
	defer func() {
		mustDojo(t, "down", "it-keys", "--purge", "-q")
		requireGone(t, "it-keys")
	}()
	key, code := nodeExec(t, "it-keys", "n1", "sed -n 2p "+engine.HostKeyPath)
	key = strings.TrimSpace(key)
	if code != 0 || len(key) < 20 {
		t.Fatalf("reading the host key in the node: %d %q", code, key)
	}
	// Every process of the host (the node's init included) and the node's
	// own /proc: command lines and environments.
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range procs {
		b, err := os.ReadFile(f)
		if err == nil && (bytes.Contains(b, []byte(key)) || bytes.Contains(b, []byte(secret))) {
			t.Errorf("a host process shows the secret in %s: %.200q", f, b)
		}
	}
	out, _ := nodeExec(t, "it-keys", "n1", "cat /proc/[0-9]*/cmdline /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n'")
	if strings.Contains(out, key) || strings.Contains(out, secret) {
		t.Errorf("a node process shows the secret:\n%.2000s", out)
	}
	cs, _ := rt.ListContainers(context.Background(), engine.InstanceLabels("it-keys"))
	for _, c := range cs {
		for k, v := range c.Labels {
			if strings.Contains(v, key) || strings.Contains(v, secret) {
				t.Errorf("label %s shows the secret", k)
			}
		}
	}
	out, _ = nodeExec(t, "it-keys", "n1", "stat -c '%a %U %n' "+engine.HostKeyPath+" /root/.ssh /root/.ssh/authorized_keys /root/secret.txt /usr/local/bin/suid-tool /srv/drop/readme")
	for _, want := range []string{
		"600 root " + engine.HostKeyPath, "700 root /root/.ssh", "600 root /root/.ssh/authorized_keys",
		"600 root /root/secret.txt", "4755 nobody /usr/local/bin/suid-tool", "3775 root /srv/drop/readme",
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("modes: want %q in\n%s", want, out)
		}
	}
	if out, code := nodeExec(t, "it-keys", "n1", "su -s /bin/sh nobody -c 'cat "+engine.HostKeyPath+"'"); code == 0 {
		t.Errorf("another user read the host key: %q", out)
	}
	// The pinned host key is the one placed.
	if r := mustDojo(t, "ssh", "it-keys/n1", "--", "cat /root/secret.txt"); !strings.Contains(r.stdout, secret) {
		t.Errorf("ssh: %q", r.stdout)
	}
}

// TestNodeLimits checks the default and lab-set limits inside the nodes of
// TestHostKeyNeverInCommandLine's lab: pids, memory and CPU share, and that
// a burst of processes stops at the pids limit.
func TestNodeLimits(t *testing.T) {
	p := writeLab(t, `
lab "limits" {}
node "dflt" {}
node "set" {
  pids   = 300
  memory = "256m"
}
`)
	mustDojo(t, "up", p, "--name", "it-limits", "-q")
	defer func() {
		mustDojo(t, "down", "it-limits", "--purge", "-q")
		requireGone(t, "it-limits")
	}()
	read := `cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; ` +
		`cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; ` +
		`cat /sys/fs/cgroup/cpu/cpu.shares 2>/dev/null || cat /sys/fs/cgroup/cpu,cpuacct/cpu.shares 2>/dev/null || echo 512`
	for node, want := range map[string]string{
		"dflt": fmt.Sprintf("%d\n%d\n%d\n", engine.DefaultNodePids, engine.DefaultNodeMemory, engine.NodeCPUShares),
		"set":  fmt.Sprintf("300\n%d\n%d\n", 256<<20, engine.NodeCPUShares),
	} {
		if out, _ := nodeExec(t, "it-limits", node, read); out != want {
			t.Errorf("%s: cgroup limits %q, want %q", node, out, want)
		}
	}
	// 400 background processes in a node limited to 300: the forks stop
	// at the limit (the host's view of the node's cgroup says so) and the
	// node survives.
	// Long sleeps: on a loaded machine the loop itself can take seconds,
	// and short ones would end before the last forks.
	nodeExec(t, "it-limits", "set", "for i in $(seq 400); do sleep 120 & done 2>/dev/null")
	var id string
	cs, _ := rt.ListContainers(context.Background(), engine.InstanceLabels("it-limits"))
	for _, c := range cs {
		if c.Labels[runtime.LabelNode] == "set" {
			id = c.ID
		}
	}
	files, _ := filepath.Glob("/sys/fs/cgroup/pids/*/" + id + "*/pids.current")
	more, _ := filepath.Glob("/sys/fs/cgroup/*/*" + id + "*/pids.current")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatalf("no pids cgroup of container %s on the host", id)
	}
	b, err := os.ReadFile(files[0])
	var procs int
	fmt.Sscan(strings.TrimSpace(string(b)), &procs)
	if err != nil || procs < 250 || procs > 300 {
		t.Errorf("processes in a node limited to 300 after 400 forks: %d (%v)", procs, err)
	}
	// The node still answers once the sleeps are gone.
	nodeExec(t, "it-limits", "set", "pkill -x sleep; true")
	nodeExec(t, "it-limits", "set", "true")
}

// TestSSHNoticesSilentNode takes the management interface down from inside
// `dojo ssh N -- …`: dojo must end with a clear error instead of hanging.
func TestSSHNoticesSilentNode(t *testing.T) {
	p := writeLab(t, `
lab "silent" {}
node "n1" {}
`)
	mustDojo(t, "up", p, "--name", "it-silent", "-q")
	defer func() {
		mustDojo(t, "down", "it-silent", "--purge", "-q")
		requireGone(t, "it-silent")
	}()
	start := time.Now()
	r := dojo(t, "ssh", "it-silent/n1", "--", "ip link set eth0 down; sleep 120")
	took := time.Since(start)
	if took > 60*time.Second {
		t.Errorf("dojo ssh took %s after the node went silent", took)
	}
	if r.code == 0 || !strings.Contains(r.stderr, "stopped answering") {
		t.Errorf("dojo ssh: exit %d after %s, stderr:\n%s", r.code, took.Round(time.Second), r.stderr)
	}
}

// TestUpRecreatesLostNode removes one node's container behind dojo's back;
// the next up recreates it (a new host key pinned) and the node answers
// SSH again, while the other node keeps its state.
func TestUpRecreatesLostNode(t *testing.T) {
	p := writeLab(t, `
lab "lost" {}
node "keep" {}
node "gone" {}
`)
	mustDojo(t, "up", p, "--name", "it-lost", "-q")
	defer func() {
		mustDojo(t, "down", "it-lost", "--purge", "-q")
		requireGone(t, "it-lost")
	}()
	mustDojo(t, "ssh", "it-lost/keep", "--", "touch /root/kept")
	cs, _ := rt.ListContainers(context.Background(), engine.InstanceLabels("it-lost"))
	for _, c := range cs {
		if c.Labels[runtime.LabelNode] == "gone" {
			if err := rt.RemoveContainer(context.Background(), c.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	r := dojo(t, "up", p, "--name", "it-lost")
	if r.code != 0 {
		t.Fatalf("up after a lost node: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustDojo(t, "ssh", "it-lost/gone", "--", "true")
	mustDojo(t, "ssh", "it-lost/keep", "--", "test -e /root/kept")
}

// TestUpRecreatesLostNetwork removes a lab network behind dojo's back
// (its node stopped first: the engine refuses to remove a network in use)
// and runs up again: the network is created again with a clear message,
// the node on it is recreated and reaches its peer over the lab network
// again, and a node on another network keeps its work.
func TestUpRecreatesLostNetwork(t *testing.T) {
	p := writeLab(t, `
lab "lostnet" {}
network "lan" { subnet = "10.77.1.0/24" }
network "dmz" { subnet = "10.77.2.0/24" }
node "keep" {
  interface "lan" { address = "10.77.1.10/24" }
}
node "router" {
  interface "lan" { address = "10.77.1.1/24" }
  interface "dmz" { address = "10.77.2.1/24" }
}
node "gone" {
  interface "dmz" { address = "10.77.2.10/24" }
}
`)
	mustDojo(t, "up", p, "--name", "it-lostnet", "-q")
	defer func() {
		mustDojo(t, "down", "it-lostnet", "--purge", "-q")
		requireGone(t, "it-lostnet")
	}()
	mustDojo(t, "ssh", "it-lostnet/keep", "--", "touch /root/kept")
	for _, n := range []string{"router", "gone"} {
		if out, err := exec.Command("docker", "stop", "-t", "1", engine.ContainerName("it-lostnet", n)).CombinedOutput(); err != nil {
			t.Fatalf("docker stop: %v\n%s", err, out)
		}
	}
	dmz := engine.NetworkName("it-lostnet", "dmz")
	if out, err := exec.Command("docker", "network", "rm", dmz).CombinedOutput(); err != nil {
		t.Fatalf("docker network rm: %v\n%s", err, out)
	}
	r := dojo(t, "up", p, "--name", "it-lostnet")
	if r.code != 0 {
		t.Fatalf("up after a lost network: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"lost network(s) " + dmz, "Recreated node(s) router, gone"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("up does not say %q:\n%s", want, r.stderr)
		}
	}
	if out, err := exec.Command("docker", "network", "inspect", dmz).CombinedOutput(); err != nil {
		t.Errorf("network %s not recreated: %v\n%s", dmz, err, out)
	}
	mustDojo(t, "ssh", "it-lostnet/keep", "--", "test -e /root/kept")
	mustDojo(t, "ssh", "it-lostnet/gone", "--", "ip -4 addr show | grep -q 10.77.2.10/24 && ping -c1 -W2 10.77.2.1")
	if r := dojo(t, "up", p, "--name", "it-lostnet"); r.code != 0 || !strings.Contains(r.stderr, "unchanged") {
		t.Errorf("second up: exit %d\n%s", r.code, r.stderr)
	}
}
