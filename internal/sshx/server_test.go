package sshx

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// testServer is a minimal in-process SSH server speaking the real protocol:
// it runs "exec" commands with sh -c, "shell" with sh, records pty-req,
// window-change and signal requests, and counts handshakes and concurrent
// sessions.
type testServer struct {
	t       *testing.T
	ln      net.Listener
	addr    string
	hostKey ssh.PublicKey
	config  *ssh.ServerConfig

	handshakes  atomic.Int64
	curSessions atomic.Int64
	maxSessions atomic.Int64

	mu    sync.Mutex
	conns []net.Conn

	ptyReqs       chan ptyRequest
	windowChanges chan [2]int // {cols, rows}
	signals       chan string
	wg            sync.WaitGroup
}

type ptyRequest struct {
	Term          string
	Cols, Rows    uint32
	Width, Height uint32
	Modes         string
}

// newTestServer starts a server on 127.0.0.1:0 accepting only userKey.
func newTestServer(t *testing.T, userKey ssh.PublicKey) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveTestServer(t, ln, userKey)
}

func serveTestServer(t *testing.T, ln net.Listener, userKey ssh.PublicKey) *testServer {
	t.Helper()
	priv, _, err := GenerateEd25519()
	if err != nil {
		t.Fatal(err)
	}
	hostSigner, err := ssh.ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return serveTestServerWithKey(t, ln, userKey, hostSigner)
}

// serveTestServerWithKey serves on ln with a given host key.
func serveTestServerWithKey(t *testing.T, ln net.Listener, userKey ssh.PublicKey, hostSigner ssh.Signer) *testServer {
	t.Helper()
	pub := hostSigner.PublicKey()
	s := &testServer{
		t:             t,
		ln:            ln,
		addr:          ln.Addr().String(),
		hostKey:       pub,
		ptyReqs:       make(chan ptyRequest, 16),
		windowChanges: make(chan [2]int, 16),
		signals:       make(chan string, 16),
	}
	s.config = &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if string(key.Marshal()) == string(userKey.Marshal()) {
				return nil, nil
			}
			return nil, errors.New("unknown key")
		},
	}
	s.config.AddHostKey(hostSigner)
	s.wg.Add(1)
	go s.acceptLoop()
	t.Cleanup(s.stop)
	return s
}

func (s *testServer) target(name string) Target {
	return Target{Name: name, Addr: s.addr, HostKey: s.hostKey}
}

func (s *testServer) stop() {
	s.ln.Close()
	s.closeConns()
	s.wg.Wait()
}

// closeConns drops every client connection, as a restarted node would.
func (s *testServer) closeConns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

func (s *testServer) acceptLoop() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, nc)
		s.mu.Unlock()
		s.wg.Add(1)
		go s.handleConn(nc)
	}
}

func (s *testServer) handleConn(nc net.Conn) {
	defer s.wg.Done()
	defer nc.Close()
	sc, chans, reqs, err := ssh.NewServerConn(nc, s.config)
	if err != nil {
		return
	}
	s.handshakes.Add(1)
	go ssh.DiscardRequests(reqs)
	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			continue
		}
		s.wg.Add(1)
		go s.handleSession(ch, creqs)
	}
	sc.Close()
}

func (s *testServer) handleSession(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer s.wg.Done()
	defer ch.Close()
	cur := s.curSessions.Add(1)
	for {
		old := s.maxSessions.Load()
		if cur <= old || s.maxSessions.CompareAndSwap(old, cur) {
			break
		}
	}
	counted := true
	uncount := func() {
		if counted {
			s.curSessions.Add(-1)
			counted = false
		}
	}
	defer uncount()

	var cmd *exec.Cmd
	exited := make(chan int, 1)
	start := func(args ...string) bool {
		cmd = exec.Command(args[0], args[1:]...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Stdout = ch
		cmd.Stderr = ch.Stderr()
		cmd.WaitDelay = time.Second
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return false
		}
		if err := cmd.Start(); err != nil {
			return false
		}
		go func() {
			_, _ = io.Copy(stdin, ch)
			stdin.Close()
		}()
		go func() {
			err := cmd.Wait()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					code = 128 + int(ws.Signal())
				}
			}
			exited <- code
		}()
		return true
	}
	kill := func() {
		if cmd != nil && cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	}

	for {
		select {
		case req, ok := <-reqs:
			if !ok { // client closed the channel
				kill()
				if cmd != nil {
					<-exited
				}
				return
			}
			switch req.Type {
			case "exec":
				var p struct{ Command string }
				if err := ssh.Unmarshal(req.Payload, &p); err != nil || cmd != nil {
					_ = req.Reply(false, nil)
					continue
				}
				_ = req.Reply(start("sh", "-c", p.Command), nil)
			case "shell":
				if cmd != nil {
					_ = req.Reply(false, nil)
					continue
				}
				_ = req.Reply(start("sh"), nil)
			case "pty-req":
				var p ptyRequest
				if err := ssh.Unmarshal(req.Payload, &p); err != nil {
					_ = req.Reply(false, nil)
					continue
				}
				s.ptyReqs <- p
				_ = req.Reply(true, nil)
			case "window-change":
				var p struct{ Cols, Rows, Width, Height uint32 }
				if err := ssh.Unmarshal(req.Payload, &p); err == nil {
					s.windowChanges <- [2]int{int(p.Cols), int(p.Rows)}
				}
				if req.WantReply {
					_ = req.Reply(true, nil)
				}
			case "signal":
				var p struct{ Signal string }
				if err := ssh.Unmarshal(req.Payload, &p); err == nil {
					s.signals <- p.Signal
					if p.Signal == string(ssh.SIGKILL) {
						kill()
					}
				}
			default:
				if req.WantReply {
					_ = req.Reply(false, nil)
				}
			}
		case code := <-exited:
			uncount()
			status := make([]byte, 4)
			binary.BigEndian.PutUint32(status, uint32(code))
			_ = ch.CloseWrite()
			_, _ = ch.SendRequest("exit-status", false, status)
			return
		}
	}
}
