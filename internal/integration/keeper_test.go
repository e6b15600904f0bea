package integration

import (
	"context"
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
	"github.com/labdojo/labdojo/internal/session"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
)

// keeperPID returns the pid of the process serving the keeper socket
// (from the socket's peer credentials), or 0 when nothing answers.
func keeperPID(t *testing.T, sock string) int {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		return 0
	}
	defer c.Close()
	raw, err := c.(*net.UnixConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var cred *syscall.Ucred
	_ = raw.Control(func(fd uintptr) {
		cred, err = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	})
	if err != nil {
		t.Fatal(err)
	}
	return int(cred.Pid)
}

// waitKeeper is keeperPID, waiting up to 5 s for a keeper that started
// late (the command that started it then went direct).
func waitKeeper(t *testing.T, sock string) int {
	t.Helper()
	for i := 0; i < 100; i++ {
		if pid := keeperPID(t, sock); pid != 0 {
			return pid
		}
		time.Sleep(50 * time.Millisecond)
	}
	return 0
}

func keeperStats(t *testing.T, svc *session.Service, instance string) sshx.KeeperStats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := svc.KeeperStats(ctx, instance)
	if err != nil {
		t.Fatalf("keeper stats: %v", err)
	}
	var st sshx.KeeperStats
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func gone(pid int, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		// A child of ours would stay a zombie; keepers run in their own
		// session and are reparented, so signal 0 failing means gone.
		if err := syscall.Kill(pid, 0); err != nil {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// TestKeeper runs dojo processes one after another against one instance:
// the first leaves a keeper behind, the second makes no handshake with
// the node, the socket keeps other users out, a killed keeper (its stale
// socket left behind) is replaced without the user noticing, an idle
// keeper exits, `down` stops the keeper, and --no-keep goes direct.
func TestKeeper(t *testing.T) {
	mustDojo(t, "up", writeLab(t, `lab "keep" {}
network "lan" {
  subnet = "10.73.0.0/24"
}
node "n" {
  interface "lan" {
    address = "10.73.0.1/24"
  }
}
`), "--name", "it-keep", "-q")
	downed := false
	defer func() {
		if !downed {
			mustDojo(t, "down", "it-keep", "--purge", "-q")
		}
	}()
	svc := &session.Service{Engine: &engine.Engine{RT: rt, Store: &state.Store{Root: stateDir}}}
	sock := svc.KeeperSocket("it-keep")

	mustDojo(t, "ssh", "it-keep/n", "--", "true")
	pid := waitKeeper(t, sock)
	if pid == 0 {
		log, _ := os.ReadFile(filepath.Join(filepath.Dir(sock), "keeper.log"))
		t.Fatalf("no keeper after the first command; keeper.log:\n%s", log)
	}
	// The first command may have gone direct if its keeper came up late
	// (a loaded machine); the next ones go through the keeper, and only
	// the first of them costs a handshake with the node.
	if r := mustDojo(t, "ssh", "it-keep/n", "--", "echo second"); r.stdout != "second\n" {
		t.Errorf("second run printed %q", r.stdout)
	}
	st2 := keeperStats(t, svc, "it-keep")
	if st2.Handshakes != 1 || st2.Channels < 1 {
		t.Errorf("after the second command: %+v, want 1 handshake", st2)
	}
	mustDojo(t, "ssh", "it-keep/n", "--", "true")
	if st := keeperStats(t, svc, "it-keep"); st.Handshakes != 1 || st.Channels <= st2.Channels {
		t.Errorf("after the third command: %+v (was %+v), want no new handshake and more channels", st, st2)
	}
	if p := keeperPID(t, sock); p != pid {
		t.Errorf("second command started another keeper (%d, was %d)", p, pid)
	}

	fi, err := os.Stat(sock)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want a socket with 0600", fi.Mode())
	}
	if dfi, err := os.Stat(filepath.Dir(sock)); err != nil || dfi.Mode().Perm()&0o077 != 0 {
		t.Errorf("state directory mode %v (%v): others can reach the socket", dfi.Mode(), err)
	}

	// Killed keeper: its socket and key file stay behind, stale.
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if !gone(pid, 5*time.Second) {
		t.Fatal("keeper survived SIGKILL")
	}
	if _, err := os.Stat(sock); err != nil {
		t.Fatalf("expected the stale socket to remain: %v", err)
	}
	if r := mustDojo(t, "ssh", "it-keep/n", "--", "echo after-kill"); r.stdout != "after-kill\n" || strings.Contains(r.stderr, "keeper") {
		t.Errorf("after a killed keeper: %q / %q", r.stdout, r.stderr)
	}
	pid2 := waitKeeper(t, sock)
	if pid2 == 0 || pid2 == pid {
		t.Fatalf("keeper not replaced: pid %d (was %d)", pid2, pid)
	}

	// --no-keep goes direct: no keeper call, so the stats stay.
	before := keeperStats(t, svc, "it-keep")
	mustDojo(t, "ssh", "it-keep/n", "--no-keep", "--", "true")
	if after := keeperStats(t, svc, "it-keep"); after.Channels != before.Channels {
		t.Errorf("--no-keep used the keeper: %+v -> %+v", before, after)
	}

	// Idle exit: ask the current keeper to leave, then start one with a
	// one-second idle time.
	svc.StopKeeper(context.Background(), "it-keep")
	if !gone(pid2, 5*time.Second) {
		t.Fatal("keeper did not exit when asked")
	}
	cmd := exec.Command(bin, "ssh", "it-keep/n", "--", "true")
	cmd.Env = append(env(), "DOJO_KEEP_IDLE=1s")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	pid3 := waitKeeper(t, sock)
	if pid3 == 0 {
		t.Fatal("no keeper after the idle run")
	}
	if !gone(pid3, 6*time.Second) {
		t.Error("keeper with a 1s idle time still runs after 6s")
	}

	// down stops the keeper.
	mustDojo(t, "ssh", "it-keep/n", "--", "true")
	pid4 := waitKeeper(t, sock)
	if pid4 == 0 {
		t.Fatal("no keeper before down")
	}
	mustDojo(t, "down", "it-keep", "--purge", "-q")
	downed = true
	if !gone(pid4, 3*time.Second) {
		t.Error("keeper still runs after down")
	}
}
