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
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

const sshdPath = "/usr/sbin/sshd"

// sshdServer is a real OpenSSH sshd run by a test on 127.0.0.1 only, with
// its own host keys and authorized_keys in a temporary directory.
type sshdServer struct {
	addrs   []string
	hostKey ssh.PublicKey // the pinned ed25519 key
	user    string
	log     *lockedBuffer
}

func (s *sshdServer) target(i int) Target {
	return Target{Name: fmt.Sprintf("node%d", i+1), Addr: s.addrs[i], User: s.user, HostKey: s.hostKey}
}

// lockedBuffer collects sshd's log.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func freePort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startSSHD starts sshd listening on nports loopback ports, accepting
// userKey. It skips the test when sshd is missing or cannot run here (it
// needs root and /run/sshd).
func startSSHD(t testing.TB, userKey ssh.PublicKey, nports int) *sshdServer {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not starting sshd")
	}
	if _, err := os.Stat(sshdPath); err != nil {
		t.Skipf("%s not installed (apt-get install openssh-server)", sshdPath)
	}
	if os.Geteuid() != 0 {
		t.Skip("sshd needs root for privilege separation")
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Skipf("sshd needs /run/sshd: %v", err)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

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
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rsaPath := write("ssh_host_rsa_key", pem.EncodeToMemory(rsaBlock))
	edPath := write("ssh_host_ed25519_key", edPriv)
	akPath := write("authorized_keys", ssh.MarshalAuthorizedKey(userKey))

	var cfg strings.Builder
	var addrs []string
	for range nports {
		a := freePort(t)
		addrs = append(addrs, a)
		fmt.Fprintf(&cfg, "ListenAddress %s\n", a)
	}
	fmt.Fprintf(&cfg, `HostKey %s
HostKey %s
AuthorizedKeysFile %s
PidFile none
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxSessions 16
MaxStartups 100
LogLevel ERROR
SetEnv SHLVL=1
`, rsaPath, edPath, akPath)
	// SetEnv SHLVL=1: bash started by sshd sources ~/.bashrc only at shell
	// level 1; this machine's root ~/.bashrc runs `pyenv init` (about 2 s
	// per command under load), which would measure the host's dotfiles
	// rather than this package. Lab nodes run stock Debian dotfiles.
	cfgPath := write("sshd_config", []byte(cfg.String()))

	log := &lockedBuffer{}
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", cfgPath)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sshd: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	// Wait for every port to accept TCP connections.
	deadline := time.Now().Add(5 * time.Second)
	for _, a := range addrs {
		for {
			c, err := net.DialTimeout("tcp", a, time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-exited:
				t.Skipf("sshd exited: %s", log.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				t.Fatalf("sshd not listening on %s: %s", a, log.String())
			}
		}
	}
	return &sshdServer{addrs: addrs, hostKey: edPub, user: u.Username, log: log}
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
	t.Fatalf("remote command still running: pids %q; sshd log:\n%s", pids, srv.log.String())
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func TestOpenSSHClientWithWrittenKnownHosts(t *testing.T) {
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Skip("no ssh client")
	}
	dir := t.TempDir()
	signer, err := WriteUserKey(filepath.Join(dir, "keys", "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	srv := startSSHD(t, signer.PublicKey(), 1)
	_, port, _ := net.SplitHostPort(srv.addrs[0])
	kh := filepath.Join(dir, "known_hosts")
	cfg := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`Host node1
  HostName 127.0.0.1
  Port %s
  User %s
  IdentityFile %s
  IdentitiesOnly yes
  UserKnownHostsFile %s
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR
`, port, srv.user, filepath.Join(dir, "keys", "id_ed25519"), kh)), 0o600); err != nil {
		t.Fatal(err)
	}
	runSSH := func() (string, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var stdout, stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, "ssh", "-F", cfg, "node1", "echo via-openssh")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}

	if err := WriteKnownHosts(kh, []KnownHost{{Hosts: []string{"node1", srv.addrs[0]}, Key: srv.hostKey}}); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runSSH()
	if err != nil || out != "via-openssh\n" {
		t.Fatalf("ssh with pinned key: %q %q %v", out, errOut, err)
	}

	_, wrong, _ := GenerateEd25519()
	if err := WriteKnownHosts(kh, []KnownHost{{Hosts: []string{"node1", srv.addrs[0]}, Key: wrong}}); err != nil {
		t.Fatal(err)
	}
	_, errOut, err = runSSH()
	if err == nil || !strings.Contains(errOut, "Host key verification failed") {
		t.Fatalf("ssh with wrong key: err %v stderr %q", err, errOut)
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
