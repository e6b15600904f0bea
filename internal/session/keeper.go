package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/labdojo/labdojo/internal/sshx"
)

// KeeperConfig tunes the per-instance connection keeper: a `dojo keeper`
// process, started by the first command that talks to an instance's
// nodes, that keeps one authenticated SSH connection per node and lends
// it to later commands over a Unix socket (mode 0600) in the instance's
// state directory (sshx.Keeper). It holds only what the state directory
// already holds (the instance's user key) and a host key of its own,
// generated at start, whose public half it writes beside the socket.
type KeeperConfig struct {
	// Enabled turns keepers on (the CLI does, unless `--no-keep` or
	// DOJO_NO_KEEP); the zero value connects directly.
	Enabled bool
	// Idle is how long a keeper without clients lives (default 10 min).
	Idle time.Duration
	// Exe is the dojo binary started as `Exe keeper INSTANCE`
	// (default: the running executable).
	Exe string
}

// DefaultKeeperIdle is the keeper's idle time when none is configured.
const DefaultKeeperIdle = 10 * time.Minute

// Names of the keeper's files in an instance's state directory.
const (
	keeperSocket = "keeper.sock"
	keeperPub    = "keeper.pub"
	keeperLock   = "keeper.lock"
	keeperLog    = "keeper.log"
)

// maxSocketPath is the longest Unix socket path every supported kernel
// takes (sun_path is 104 bytes on BSDs, 108 on Linux).
const maxSocketPath = 100

func (s *Service) keeperFile(instance, name string) string {
	return filepath.Join(s.Store().Dir(instance), name)
}

// KeeperSocket is the path of the instance's keeper socket.
func (s *Service) KeeperSocket(instance string) string { return s.keeperFile(instance, keeperSocket) }

func (s *Service) keeperIdle() time.Duration {
	if s.Keeper.Idle > 0 {
		return s.Keeper.Idle
	}
	return DefaultKeeperIdle
}

// connect returns a pool for the instance's running nodes. When keepers
// are enabled, the pool gets its connections from the instance's keeper,
// starting one when none answers; when that fails too, it connects
// directly, so a keeper problem never becomes the user's.
func (s *Service) connect(ctx context.Context, instance string, opts sshx.PoolOptions) (*sshx.Pool, map[string]sshx.Target, error) {
	if s.Keeper.Enabled && opts.Connect == nil && len(s.KeeperSocket(instance)) <= maxSocketPath {
		if signer, err := s.Engine.Signer(instance); err == nil {
			opts.Connect = s.viaKeeper(instance, signer)
		}
	}
	return s.Engine.Connect(ctx, instance, opts)
}

// viaKeeper is a sshx.PoolOptions.Connect hook using the instance's
// keeper, started at most once per pool.
func (s *Service) viaKeeper(instance string, signer ssh.Signer) func(context.Context, sshx.Target) (*ssh.Client, error) {
	var once sync.Once
	var spawnErr error
	return func(ctx context.Context, t sshx.Target) (*ssh.Client, error) {
		cl, err := s.dialKeeper(ctx, instance, signer, t)
		var kd *sshx.KeeperDialError
		if err == nil || errors.As(err, &kd) {
			// A keeper answered: it serves the node, or it says why it
			// cannot (then the pool dials the node itself).
			return cl, err
		}
		once.Do(func() { spawnErr = s.spawnKeeper(ctx, instance, t) })
		if spawnErr != nil {
			return nil, errors.Join(spawnErr, sshx.ErrDirect)
		}
		// Wait for the new keeper to listen (it answers within tens of
		// milliseconds); keep a share of the dial timeout for a direct
		// connection if it does not.
		wait, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		for delay := 5 * time.Millisecond; ; delay = min(2*delay, 100*time.Millisecond) {
			cl, err = s.dialKeeper(wait, instance, signer, t)
			if err == nil {
				return cl, nil
			}
			select {
			case <-wait.Done():
				return nil, errors.Join(fmt.Errorf("connection keeper of %q did not answer: %w", instance, err), sshx.ErrDirect)
			case <-time.After(delay):
			}
		}
	}
}

func (s *Service) dialKeeper(ctx context.Context, instance string, signer ssh.Signer, t sshx.Target) (*ssh.Client, error) {
	key, err := s.keeperKey(instance)
	if err != nil {
		return nil, err
	}
	return sshx.DialKeeper(ctx, s.KeeperSocket(instance), signer, key, t, s.Engine.Dialer().Chosen())
}

func (s *Service) keeperKey(instance string) (ssh.PublicKey, error) {
	b, err := os.ReadFile(s.keeperFile(instance, keeperPub))
	if err != nil {
		return nil, err
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey(b)
	return k, err
}

// spawnKeeper starts `dojo keeper INSTANCE` in its own session, detached
// from the terminal, logging to keeper.log in the state directory. The
// keeper reaches nodes by the transport this process uses for t (deciding
// it first in auto mode), on the same engine.
func (s *Service) spawnKeeper(ctx context.Context, instance string, t sshx.Target) error {
	tr, err := s.Engine.Dialer().Resolve(ctx, t)
	if err != nil {
		return err
	}
	exe := s.Keeper.Exe
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	logf, err := os.OpenFile(s.keeperFile(instance, keeperLog), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(exe, "keeper", instance, "--idle", s.keeperIdle().String(),
		"--transport", string(tr), "--engine-key", s.Engine.Identity.Key)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the connection keeper: %w", err)
	}
	go func() { _ = cmd.Wait() }() // reap it if it exits while we run
	return nil
}

// StopKeeper asks the instance's keeper to exit and removes its socket.
// It is quiet when there is none.
func (s *Service) StopKeeper(ctx context.Context, instance string) {
	sock := s.KeeperSocket(instance)
	if _, err := os.Stat(sock); err != nil {
		return
	}
	if signer, err := s.Engine.Signer(instance); err == nil {
		if key, err := s.keeperKey(instance); err == nil {
			c, cancel := context.WithTimeout(ctx, time.Second)
			_, _ = sshx.KeeperRequest(c, sock, signer, key, sshx.KeeperExitRequest)
			cancel()
		}
	}
	_ = os.Remove(sock)
	_ = os.Remove(s.keeperFile(instance, keeperPub))
}

// KeeperStats asks the instance's keeper for its counters.
func (s *Service) KeeperStats(ctx context.Context, instance string) ([]byte, error) {
	signer, err := s.Engine.Signer(instance)
	if err != nil {
		return nil, err
	}
	key, err := s.keeperKey(instance)
	if err != nil {
		return nil, err
	}
	return sshx.KeeperRequest(ctx, s.KeeperSocket(instance), signer, key, sshx.KeeperStatsRequest)
}

// ServeKeeper is the body of `dojo keeper INSTANCE`: it serves the
// instance's keeper socket until idle for idle, until the instance or
// its socket is gone, until asked to exit, or until ctx ends. When
// another keeper already serves the instance it returns nil at once.
func (s *Service) ServeKeeper(ctx context.Context, instance string, idle time.Duration) error {
	closeInheritedFiles()
	if _, err := s.Store().Load(instance); err != nil {
		return fmt.Errorf("instance %q: %w", instance, err)
	}
	lock, err := os.OpenFile(s.keeperFile(instance, keeperLock), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil // a live keeper holds the lock
		}
		return err
	}
	signer, err := s.Engine.Signer(instance)
	if err != nil {
		return err
	}
	priv, pub, err := sshx.GenerateEd25519()
	if err != nil {
		return err
	}
	hostKey, err := ssh.ParsePrivateKey(priv)
	if err != nil {
		return err
	}
	sock := s.KeeperSocket(instance)
	_ = os.Remove(sock) // a dead keeper's; we hold the lock
	old := syscall.Umask(0o177)
	ln, err := net.Listen("unix", sock)
	syscall.Umask(old)
	if err != nil {
		return err
	}
	if err := os.Chmod(sock, 0o600); err != nil {
		ln.Close()
		return err
	}
	mine, err := os.Stat(sock)
	if err != nil {
		ln.Close()
		return err
	}
	pubPath := s.keeperFile(instance, keeperPub)
	tmp := pubPath + ".tmp"
	if err := os.WriteFile(tmp, ssh.MarshalAuthorizedKey(pub), 0o600); err != nil {
		ln.Close()
		return err
	}
	if err := os.Rename(tmp, pubPath); err != nil {
		ln.Close()
		return err
	}
	pool := sshx.NewPool(signer, s.Engine.PoolOptions(sshx.PoolOptions{}))
	k := &sshx.Keeper{Pool: pool, HostKey: hostKey, Authorized: signer.PublicKey(), Idle: idle,
		Transport: s.Engine.Dialer().Chosen(),
		Gone: func() bool {
			fi, err := os.Stat(sock)
			if err != nil || !os.SameFile(fi, mine) {
				return true
			}
			_, err = os.Stat(s.Store().InstanceFile(instance))
			return err != nil
		}}
	err = k.Serve(ctx, ln) // closing the listener unlinks the socket
	// We still hold the lock, so no other keeper wrote these meanwhile.
	if fi, serr := os.Stat(sock); serr == nil && os.SameFile(fi, mine) {
		_ = os.Remove(sock)
	}
	_ = os.Remove(pubPath)
	return err
}
