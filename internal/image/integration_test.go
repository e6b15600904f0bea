package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/runtime/docker"
)

// newRuntime connects to the real engine: a missing engine fails the test
// unless -short is given.
func newRuntime(t *testing.T) *docker.Runtime {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the Docker engine (skipped with -short)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rt, err := docker.New(ctx)
	if err != nil {
		t.Fatalf("Docker engine required: %v", err)
	}
	t.Cleanup(func() { _ = rt.Close() })
	return rt
}

type keyPair struct {
	privPEM []byte
	authLn  []byte // authorized_keys / known_hosts form
}

func newKey(t *testing.T) keyPair {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return keyPair{privPEM: pem.EncodeToMemory(block), authLn: ssh.MarshalAuthorizedKey(sp)}
}

type tarEntry struct {
	name string
	mode int64
	data []byte // nil: directory
}

func tarOf(t *testing.T, entries ...tarEntry) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.data)), Typeflag: tar.TypeReg, ModTime: time.Now()}
		if e.data == nil {
			hdr.Typeflag = tar.TypeDir
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf
}

func execOut(ctx context.Context, t *testing.T, rt *docker.Runtime, id string, cmd ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	res, err := rt.Exec(ctx, id, runtime.ExecSpec{Cmd: cmd, Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatalf("exec %v: %v", cmd, err)
	}
	return out.String(), res.ExitCode
}

// waitFor retries probe every 100 ms until it returns true or d passes.
func waitFor(ctx context.Context, d time.Duration, probe func() bool) bool {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if probe() {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

func TestNodeImageIntegration(t *testing.T) {
	rt := newRuntime(t)
	bctx, bcancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer bcancel()
	start := time.Now()
	ref, err := image.Ensure(bctx, rt, image.Options{Offline: true, Progress: func(line string) {
		if !strings.HasPrefix(line, "I: ") { // mmdebstrap's info chatter
			t.Log(line)
		}
	}})
	if err != nil {
		if errors.Is(err, image.ErrUnavailable) {
			t.Fatalf("%v (the native builder needs the Debian mirror)", err)
		}
		t.Fatal(err)
	}
	t.Logf("Ensure(%s) took %s", ref, time.Since(start).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if ref != image.DefaultRef() {
		t.Fatalf("ref = %s, want %s", ref, image.DefaultRef())
	}

	host, client := newKey(t), newKey(t)
	var suffix [4]byte
	_, _ = rand.Read(suffix[:])
	name := "dojotest-img-" + hex.EncodeToString(suffix[:])
	id, err := rt.CreateContainer(ctx, runtime.ContainerSpec{
		Name: name, Hostname: "node1", Image: ref, Init: true,
		Labels: map[string]string{runtime.LabelTool: "labdojo-test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := rt.RemoveContainer(context.Background(), id); err != nil {
			t.Errorf("cleanup: %v", err)
		}
	})
	hostPub := strings.TrimSpace(string(host.authLn))
	if err := rt.CopyTo(ctx, id, "/", tarOf(t,
		tarEntry{"etc/ssh/ssh_host_ed25519_key", 0o600, host.privPEM},
		tarEntry{"etc/ssh/ssh_host_ed25519_key.pub", 0o644, host.authLn},
		tarEntry{"root/.ssh/authorized_keys", 0o600, client.authLn},
		tarEntry{"root/client_key", 0o600, client.privPEM},
		tarEntry{"root/known_hosts", 0o644, []byte("127.0.0.1 " + hostPub + "\n")},
	)); err != nil {
		t.Fatal(err)
	}
	if err := rt.StartContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	listening := func() bool {
		out, _ := execOut(ctx, t, rt, id, "ss", "-Hltn", "sport = :22")
		return strings.Contains(out, ":22")
	}
	t0 := time.Now()
	if !waitFor(ctx, 10*time.Second, listening) {
		logs, _ := rt.Logs(ctx, id, 50)
		t.Fatalf("sshd not listening on 22 after 10s; logs:\n%s", logs)
	}
	t.Logf("sshd listening %s after start", time.Since(t0).Round(time.Millisecond))

	sshLogin := []string{"ssh", "-i", "/root/client_key", "-o", "UserKnownHostsFile=/root/known_hosts",
		"-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "root@127.0.0.1", "echo logged-in-as-$(id -un)"}
	if out, code := execOut(ctx, t, rt, id, sshLogin...); code != 0 || !strings.Contains(out, "logged-in-as-root") {
		t.Fatalf("key login with pinned host key: exit %d: %s", code, out)
	}

	// The image as shipped: nothing blocks services, no baked-in keys.
	checks := map[string]string{
		"no policy-rc.d":          "test ! -e /usr/sbin/policy-rc.d",
		"real start-stop-daemon":  "test ! -e /sbin/start-stop-daemon.REAL && head -c4 /sbin/start-stop-daemon | grep -q ELF",
		"only the given host key": `test "$(ls /etc/ssh/ssh_host_*)" = "$(printf '/etc/ssh/ssh_host_ed25519_key\n/etc/ssh/ssh_host_ed25519_key.pub')"`,
		"root .ssh 0700":          `test "$(stat -c %a /root/.ssh)" = 700`,
		"empty machine-id":        "test ! -s /etc/machine-id",
		"sshd settings":           `sshd -T | grep -qx 'permitrootlogin without-password' && ! grep -q . /etc/ssh/sshd_config.d/*.conf 2>/dev/null`,
		"cron running":            "pgrep -x cron",
		"tools present":           "command -v ip ping iptables nft curl dig nc ps nginx dnsmasq tcpdump rsync python3 traceroute sudo service",
	}
	for what, script := range checks {
		if out, code := execOut(ctx, t, rt, id, "sh", "-c", script); code != 0 {
			t.Errorf("%s: exit %d: %s", what, code, out)
		}
	}

	// Restarting sshd the Debian way keeps the container running.
	if out, code := execOut(ctx, t, rt, id, "service", "ssh", "restart"); code != 0 {
		t.Fatalf("service ssh restart: exit %d: %s", code, out)
	}
	if !waitFor(ctx, 10*time.Second, listening) {
		t.Fatal("sshd not listening after service ssh restart")
	}
	if out, code := execOut(ctx, t, rt, id, "service", "ssh", "stop"); code != 0 {
		t.Fatalf("service ssh stop: exit %d: %s", code, out)
	}
	info, err := rt.InspectContainer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Running {
		t.Fatalf("container stopped with sshd (state %s)", info.State)
	}
	if out, code := execOut(ctx, t, rt, id, "service", "ssh", "start"); code != 0 {
		t.Fatalf("service ssh start: exit %d: %s", code, out)
	}

	// An orphan becomes PID 1's child; when it exits it must be reaped.
	if out, code := execOut(ctx, t, rt, id, "sh", "-c", "(sleep 0.3 &); exit 0"); code != 0 {
		t.Fatalf("orphan: exit %d: %s", code, out)
	}
	noZombies := func() bool {
		out, _ := execOut(ctx, t, rt, id, "ps", "-eo", "stat=,comm=")
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), "Z") {
				return false
			}
		}
		return true
	}
	time.Sleep(400 * time.Millisecond)
	if !waitFor(ctx, 3*time.Second, noZombies) {
		out, _ := execOut(ctx, t, rt, id, "ps", "-eo", "pid,ppid,stat,comm")
		t.Fatalf("zombie not reaped:\n%s", out)
	}

	if sz, err := exec.CommandContext(ctx, "docker", "image", "inspect", "-f", "{{.Size}}", ref).Output(); err == nil {
		t.Logf("image %s size: %s bytes", ref, strings.TrimSpace(string(sz)))
	}
}
