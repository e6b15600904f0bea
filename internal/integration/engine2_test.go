package integration

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/engine"
)

// secondEngineOptions shape a second engine.
type secondEngineOptions struct {
	// usernsRemap starts it with --userns-remap=default (dockerd creates
	// the dockremap user and its /etc/subuid range): a container's root
	// is an unprivileged user of the host, so SYS_ADMIN is confined.
	usernsRemap bool
}

// secondEngine starts a second dockerd with its own data root, exec root,
// socket, cgroup parent and network namespace (so its bridges can use the
// same subnets as the main engine's without touching the host's routes),
// no iptables rules and no default bridge. It returns the DOCKER_HOST.
func secondEngine(t *testing.T, o secondEngineOptions) string {
	t.Helper()
	dockerd, err := exec.LookPath("dockerd")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("a second engine needs root and dockerd on this machine (the first engine may be remote or in a VM)")
	}
	dir, err := os.MkdirTemp("", "dojo-2e-") // short: a socket path is limited
	if err != nil {
		t.Fatal(err)
	}
	args := []string{
		"--config-file", filepath.Join(dir, "daemon.json"), "--data-root", filepath.Join(dir, "root"),
		"--exec-root", filepath.Join(dir, "exec"), "--pidfile", filepath.Join(dir, "pid"),
		"-H", "unix://" + filepath.Join(dir, "sock"), "--iptables=false", "--ip-masq=false", "--bridge=none",
		"--storage-driver=vfs", "--cgroup-parent=dojo-it-2e"}
	if o.usernsRemap {
		// The remapped root must traverse the data root's parents
		// (MkdirTemp makes 0700; the temporary directory is 1777).
		if err := os.Chmod(dir, 0o711); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--userns-remap=default")
	}
	if err := os.WriteFile(filepath.Join(dir, "daemon.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock")
	script := `mount -t tmpfs none /run && exec "$0" "$@"`
	cmd := exec.Command("unshare", append([]string{"--net", "--mount", "--propagation", "private", "sh", "-c", script, dockerd}, args...)...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		_ = os.RemoveAll(dir)
	})
	for deadline := time.Now().Add(30 * time.Second); ; {
		if c, err := net.Dial("unix", sock); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			t.Fatalf("the second dockerd did not start:\n%s", log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return "unix://" + sock
}

// TestSecondEngine runs an instance with the same name on the main engine
// and on a second engine reachable only through its socket: status tells
// them apart, each keeps its own state, `ssh` reaches each one's node (the
// second's over the exec transport), and `down` on one leaves the other.
//
// It needs root and dockerd on this machine (it skips otherwise: the first
// engine may be remote or in a VM) and takes about 70 s here, most of it
// the node image built into the second engine's vfs storage from the
// native builder's package cache. DOJO_IT_SECOND_ENGINE=0 leaves it out.
func TestSecondEngine(t *testing.T) {
	if os.Getenv("DOJO_IT_SECOND_ENGINE") == "0" {
		t.Skip("DOJO_IT_SECOND_ENGINE=0")
	}
	host2 := secondEngine(t, secondEngineOptions{})
	on2 := func(args ...string) result {
		t.Helper()
		r := dojoOn(t, host2, args...)
		if r.code != 0 {
			t.Fatalf("(second engine) dojo %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		return r
	}
	on2("image", "build", "--offline", "-q")
	lab := writeLab(t, `lab "twin" {}
network "lan" {
  subnet = "10.73.0.0/24"
}
node "n1" {
  interface "lan" {
    address = "10.73.0.1/24"
  }
}
`)
	const inst = "it-twin"
	mustDojo(t, "up", lab, "--name", inst, "-q")
	defer func() {
		dojo(t, "down", inst, "--purge", "-q")
		requireGone(t, inst)
	}()
	on2("up", lab, "--name", inst, "-q")

	status := func(r result) engine.InstanceStatus {
		t.Helper()
		var st struct{ Instances []engine.InstanceStatus }
		if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || len(st.Instances) != 1 {
			t.Fatalf("status: %v\n%s", err, r.stdout)
		}
		return st.Instances[0]
	}
	s1 := status(mustDojo(t, "status", inst, "--format", "json"))
	s2 := status(on2("status", inst, "--format", "json"))
	if s1.Engine == s2.Engine || s2.Engine != host2 || s1.Transport != "direct" || s2.Transport != "exec" {
		t.Errorf("status does not tell the engines apart: %s/%s and %s/%s", s1.Engine, s1.Transport, s2.Engine, s2.Transport)
	}
	for _, s := range []engine.InstanceStatus{s1, s2} {
		if len(s.Nodes) != 1 || s.Nodes[0].SSH != "ok" {
			t.Errorf("%s: nodes %+v", s.Engine, s.Nodes)
		}
	}
	keys, _ := filepath.Glob(filepath.Join(stateDir, "engines", "*", "instances", inst, "id_ed25519"))
	if len(keys) != 1 {
		t.Errorf("second engine's state: %v", keys)
	}
	if _, err := os.Stat(filepath.Join(stateDir, "instances", inst, "id_ed25519")); err != nil {
		t.Errorf("main engine's state: %v", err)
	}
	// Each engine's node, each with its own keys.
	mustDojo(t, "ssh", inst+"/n1", "--", "touch /root/on-main")
	if r := on2("ssh", inst+"/n1", "--", "test ! -e /root/on-main && echo second"); !strings.Contains(r.stdout, "second") {
		t.Errorf("second engine's node: %q", r.stdout)
	}
	on2("down", inst, "--purge", "-q")
	if s := status(mustDojo(t, "status", inst, "--format", "json")); len(s.Nodes) != 1 || s.Nodes[0].SSH != "ok" {
		t.Errorf("down on the second engine touched the first: %+v", s)
	}
}
