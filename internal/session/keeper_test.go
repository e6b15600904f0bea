package session

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/sshx"
)

// TestKeeperInProcess serves an instance's keeper in this process (the
// fake runtime's nodes live here too) and connects through it twice; a
// keeper that never comes up (Exe is /bin/true) falls back to a direct
// connection without an error; StopKeeper ends it.
func TestKeeperInProcess(t *testing.T) {
	s, _, dir := newService(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := s.Up(ctx, filepath.Join(dir, "lab"), UpRequest{Name: "k", MgmtSubnet: "172.30.9.0/24"}); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.ServeKeeper(ctx, "k", time.Minute) }()
	sock := s.KeeperSocket("k")
	for i := 0; ; i++ {
		if _, err := os.Stat(filepath.Join(filepath.Dir(sock), keeperPub)); err == nil {
			break
		}
		if i > 200 {
			t.Fatal("keeper did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v %v", fi, err)
	}
	// A second keeper for the same instance steps aside.
	if err := s.ServeKeeper(ctx, "k", time.Minute); err != nil {
		t.Errorf("second keeper: %v", err)
	}

	client := *s
	client.Keeper = KeeperConfig{Enabled: true, Exe: "/bin/true"}
	for round := 0; round < 2; round++ {
		n, err := client.ConnectNode(ctx, "k/web", "", sshx.PoolOptions{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := n.Pool.Run(ctx, n.Target, "pwd", nil)
		if err != nil || !strings.HasSuffix(strings.TrimSpace(string(res.Stdout)), "dojo-k.web") {
			t.Fatalf("round %d: %q %v", round, res.Stdout, err)
		}
		if n.Pool.Handshakes() != 0 {
			t.Errorf("round %d: the client made %d handshakes", round, n.Pool.Handshakes())
		}
		n.Close()
	}
	b, err := s.KeeperStats(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	var st sshx.KeeperStats
	if err := json.Unmarshal(b, &st); err != nil || st.Handshakes != 1 || st.Channels != 2 {
		t.Errorf("stats %s: want 1 handshake, 2 channels", b)
	}

	s.StopKeeper(ctx, "k")
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("keeper ended with %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("keeper did not stop")
	}
	if _, err := os.Stat(sock); err == nil {
		t.Error("socket left after stop")
	}

	// No keeper answers and the one started never listens: direct.
	start := time.Now()
	n, err := client.ConnectNode(ctx, "k/web", "", sshx.PoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if _, err := n.Pool.Run(ctx, n.Target, "true", nil); err != nil {
		t.Fatalf("fallback: %v", err)
	}
	if n.Pool.Handshakes() != 1 || time.Since(start) > 4*time.Second {
		t.Errorf("fallback: %d handshakes in %v", n.Pool.Handshakes(), time.Since(start))
	}
}
