package sshx

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/labdojo/labdojo/internal/image/imagetest"
)

// sshdServer is a real OpenSSH sshd in a container from the labdojo node
// image, on an internal test network the host reaches, with its own host
// keys and authorized_keys. A fresh machine (Go and Docker only) runs it.
type sshdServer struct {
	addrs   []string
	hostKey ssh.PublicKey // the pinned ed25519 key
	user    string
	node    *imagetest.Node
	network string
	img     string
}

func (s *sshdServer) target(i int) Target {
	return Target{Name: fmt.Sprintf("node%d", i+1), Addr: s.addrs[i], User: s.user, HostKey: s.hostKey}
}

// logs returns the end of sshd's log.
func (s *sshdServer) logs() string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := s.node.RT.Logs(ctx, s.node.ID, 50)
	if err != nil {
		return err.Error()
	}
	return out
}

// startSSHD starts sshd in a node container listening on nports ports,
// accepting userKey for root. Without a Docker engine the test fails
// (skipped with -short).
func startSSHD(t testing.TB, userKey ssh.PublicKey, nports int) *sshdServer {
	t.Helper()
	rt := imagetest.Runtime(t)
	img := imagetest.Image(t, rt)
	network := imagetest.Network(t, rt)

	edPriv, edPub, err := GenerateEd25519()
	if err != nil {
		t.Fatal(err)
	}
	// A second, RSA host key listed first, as images built with the
	// openssh-server package have: the client must still get the pinned one.
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaBlock, err := ssh.MarshalPrivateKey(rsaKey, "")
	if err != nil {
		t.Fatal(err)
	}
	var cfg strings.Builder
	var ports []int
	for i := range nports {
		ports = append(ports, 22+i*1000)
		fmt.Fprintf(&cfg, "Port %d\n", ports[i])
	}
	cfg.WriteString(`HostKey /etc/ssh/test_rsa_key
HostKey /etc/ssh/test_ed25519_key
AuthorizedKeysFile /etc/ssh/test_authorized_keys
PidFile none
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxSessions 16
MaxStartups 100
LogLevel ERROR
`)
	files := []imagetest.File{
		{Path: "/etc/ssh/test_rsa_key", Data: pem.EncodeToMemory(rsaBlock), Mode: 0o600},
		{Path: "/etc/ssh/test_ed25519_key", Data: edPriv, Mode: 0o600},
		{Path: "/etc/ssh/test_authorized_keys", Data: ssh.MarshalAuthorizedKey(userKey), Mode: 0o644},
		{Path: "/etc/ssh/test_sshd_config", Data: []byte(cfg.String()), Mode: 0o644},
	}
	node := imagetest.Start(t, rt, img, network, files,
		[]string{"/bin/sh", "-c", "mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e -f /etc/ssh/test_sshd_config"})
	srv := &sshdServer{hostKey: edPub, user: "root", node: node, network: network, img: img}
	for _, p := range ports {
		srv.addrs = append(srv.addrs, net.JoinHostPort(node.Addr.String(), fmt.Sprint(p)))
	}
	// Wait for every port to accept TCP connections.
	deadline := time.Now().Add(20 * time.Second)
	for _, a := range srv.addrs {
		for {
			c, err := net.DialTimeout("tcp", a, time.Second)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("sshd not listening on %s: %v; log:\n%s", a, err, srv.logs())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return srv
}

func TestOpenSSHRunAndPinnedHostKey(t *testing.T) {
	signer := newSigner(t)
	srv := startSSHD(t, signer.PublicKey(), 1)
	p := newPool(t, signer, PoolOptions{})
	ctx := testCtx(t)
	tgt := srv.target(0)

	if err := p.WaitReady(ctx, tgt); err != nil {
		t.Fatal(err)
	}
	res, err := p.Run(ctx, tgt, "echo out; echo err >&2; exit 4", nil)
	if err != nil || string(res.Stdout) != "out\n" || string(res.Stderr) != "err\n" || res.ExitCode != 4 {
		t.Fatalf("run: %q %q %d %v", res.Stdout, res.Stderr, res.ExitCode, err)
	}
	res, err = p.Run(ctx, tgt, "cat", strings.NewReader("via stdin"))
	if err != nil || string(res.Stdout) != "via stdin" {
		t.Fatalf("stdin: %q %v", res.Stdout, err)
	}

	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := p.Run(ctx, tgt, fmt.Sprintf("echo %d", i), nil)
			if err != nil || string(res.Stdout) != fmt.Sprintf("%d\n", i) {
				t.Errorf("run %d: %q %v", i, res.Stdout, err)
			}
		}()
	}
	wg.Wait()
	if p.Handshakes() != 1 {
		t.Fatalf("handshakes = %d, want 1", p.Handshakes())
	}

	// Another key than the pinned one is refused, even though sshd also
	// holds an RSA host key.
	wrong := tgt
	_, wrong.HostKey, _ = GenerateEd25519()
	_, err = p.Run(ctx, wrong, "true", nil)
	var mismatch *HostKeyMismatchError
	if !errors.As(err, &mismatch) || !bytes.Equal(mismatch.Got.Marshal(), srv.hostKey.Marshal()) {
		t.Fatalf("wrong pinned key: %v", err)
	}
}

func TestOpenSSHCancelKillsCommand(t *testing.T) {
	signer := newSigner(t)
	srv := startSSHD(t, signer.PublicKey(), 1)
	p := newPool(t, signer, PoolOptions{})
	tgt := srv.target(0)
	if err := p.WaitReady(testCtx(t), tgt); err != nil {
		t.Fatal(err)
	}
	// Cancel once the command has certainly started (it printed).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var begin time.Time
	out := writerFunc(func(b []byte) (int, error) {
		if begin.IsZero() {
			begin = time.Now()
			cancel()
		}
		return len(b), nil
	})
	_, err := p.Shell(ctx, tgt, ShellIO{Stdout: out, Stderr: out, Command: "echo started; exec sleep 31.7"})
	if !errors.Is(err, context.Canceled) || time.Since(begin) > time.Second {
		t.Fatalf("err %v after %s", err, time.Since(begin))
	}
	t.Logf("Shell returned %s after cancel", time.Since(begin))
	if _, err := p.Run(testCtx(t), tgt, "true", nil); err != nil || p.Handshakes() != 1 {
		t.Fatalf("connection lost after cancel: %v, %d handshakes", err, p.Handshakes())
	}

	// Run cancelled by deadline (possibly before the command even started),
	// with a shell loop that keeps forking.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	begin2 := time.Now()
	if _, err := p.Run(ctx2, tgt, "while :; do sleep 31.8; done", nil); !errors.Is(err, context.DeadlineExceeded) || time.Since(begin2) > time.Second {
		t.Fatalf("Run: err %v after %s", err, time.Since(begin2))
	}

	// The remote commands are gone: sshd refuses "signal" for root, so this
	// is the marker reaper's work.
	var pids string
	for range 100 {
		res, err := p.Run(testCtx(t), tgt, "pgrep -f 'slee[p] 31.[78]' || true", nil)
		if err != nil {
			t.Fatal(err)
		}
		pids = string(res.Stdout)
		if pids == "" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("remote command still running: pids %q; sshd log:\n%s", pids, srv.logs())
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// TestOpenSSHClientWithWrittenKnownHosts checks that OpenSSH's own client
// (run in a second node container) accepts the known_hosts file dojo
// writes, and refuses a wrong pinned key.
func TestOpenSSHClientWithWrittenKnownHosts(t *testing.T) {
	dir := t.TempDir()
	signer, err := WriteUserKey(filepath.Join(dir, "keys", "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	srv := startSSHD(t, signer.PublicKey(), 1)
	host, port, _ := net.SplitHostPort(srv.addrs[0])
	keyData, err := os.ReadFile(filepath.Join(dir, "keys", "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`Host node1
  HostName %s
  Port %s
  User %s
  IdentityFile /root/dojo/id
  IdentitiesOnly yes
  UserKnownHostsFile /root/dojo/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 10
  LogLevel ERROR
`, host, port, srv.user)
	client := imagetest.Start(t, srv.node.RT, srv.img, srv.network, []imagetest.File{
		{Path: "/root/dojo/id", Data: keyData, Mode: 0o600},
		{Path: "/root/dojo/ssh_config", Data: []byte(cfg), Mode: 0o644},
	}, []string{"sleep", "infinity"})
	kh := filepath.Join(dir, "known_hosts")
	runSSH := func() (string, string, int) {
		data, err := os.ReadFile(kh)
		if err != nil {
			t.Fatal(err)
		}
		if _, e, code := client.Exec(t, data, "sh", "-c", "cat > /root/dojo/known_hosts"); code != 0 {
			t.Fatalf("writing known_hosts: %s", e)
		}
		return client.Exec(t, nil, "ssh", "-F", "/root/dojo/ssh_config", "node1", "echo via-openssh")
	}

	if err := WriteKnownHosts(kh, []KnownHost{{Hosts: []string{"node1", srv.addrs[0]}, Key: srv.hostKey}}); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runSSH()
	if code != 0 || out != "via-openssh\n" {
		t.Fatalf("ssh with pinned key: %q %q exit %d", out, errOut, code)
	}

	_, wrong, _ := GenerateEd25519()
	if err := WriteKnownHosts(kh, []KnownHost{{Hosts: []string{"node1", srv.addrs[0]}, Key: wrong}}); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runSSH()
	if code == 0 || !strings.Contains(errOut, "Host key verification failed") {
		t.Fatalf("ssh with wrong key: exit %d stderr %q", code, errOut)
	}
}

var benchProbes = []string{
	"stat -c %a /etc/passwd",
	"getent passwd root",
	"cat /proc/sys/net/ipv4/ip_forward",
	"test -d /etc && echo yes",
	"id -u",
}

func run100(b *testing.B, p *Pool, srv *sshdServer) {
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := p.Run(ctx, srv.target(i%5), benchProbes[i/5%len(benchProbes)], nil)
			if err != nil || res.ExitCode != 0 {
				b.Errorf("probe %d: exit %d %v", i, res.ExitCode, err)
			}
		}()
	}
	wg.Wait()
}

// BenchmarkRun100 runs 100 short probes over 5 targets (5 listen addresses
// of one real sshd, so 5 connections) with 8 concurrent sessions each, on
// warm connections.
func BenchmarkRun100(b *testing.B) {
	priv, _, _ := GenerateEd25519()
	signer, _ := ssh.ParsePrivateKey(priv)
	srv := startSSHD(b, signer.PublicKey(), 5)
	p := NewPool(signer, PoolOptions{MaxSessions: 8})
	defer p.Close()
	for i := range 5 {
		if err := p.WaitReady(context.Background(), srv.target(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		run100(b, p, srv)
	}
	b.StopTimer()
	if p.Handshakes() != 5 {
		b.Fatalf("handshakes = %d, want 5 (one per node)", p.Handshakes())
	}
}

// BenchmarkRun100Cold is BenchmarkRun100 with a new pool each time, so the
// 5 handshakes are included.
func BenchmarkRun100Cold(b *testing.B) {
	priv, _, _ := GenerateEd25519()
	signer, _ := ssh.ParsePrivateKey(priv)
	srv := startSSHD(b, signer.PublicKey(), 5)
	for b.Loop() {
		p := NewPool(signer, PoolOptions{MaxSessions: 8})
		run100(b, p, srv)
		if p.Handshakes() != 5 {
			b.Fatalf("handshakes = %d, want 5 (one per node)", p.Handshakes())
		}
		p.Close()
	}
}
