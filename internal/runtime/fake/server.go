package fake

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"

	"golang.org/x/crypto/ssh"
)

// server is one node's SSH server on a loopback port.
type server struct {
	ln   net.Listener
	cfg  *ssh.ServerConfig
	dir  string
	node string
	wg   sync.WaitGroup

	mu    sync.Mutex
	conns map[net.Conn]bool
	done  bool
}

func newServer(hostKey []byte, dir, node string) (*server, error) {
	signer, err := ssh.ParsePrivateKey(hostKey)
	if err != nil {
		return nil, err
	}
	cfg := &ssh.ServerConfig{
		// The fake checks the protocol, not who logs in.
		PublicKeyCallback: func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) { return nil, nil },
	}
	cfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{ln: ln, cfg: cfg, dir: dir, node: node, conns: map[net.Conn]bool{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

func (s *server) close() {
	s.mu.Lock()
	s.done = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

func (s *server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.done {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.conns[nc] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, nc)
				s.mu.Unlock()
				nc.Close()
			}()
			s.serve(nc)
		}()
	}
}

func (s *server) serve(nc net.Conn) {
	sc, chans, reqs, err := ssh.NewServerConn(nc, s.cfg)
	if err != nil {
		return
	}
	defer sc.Close()
	go func() {
		for r := range reqs {
			if r.WantReply {
				_ = r.Reply(r.Type == "keepalive@openssh.com", nil)
			}
		}
	}()
	var wg sync.WaitGroup
	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.session(ch, creqs)
		}()
	}
	wg.Wait()
}

// session serves one channel: exec and shell run /bin/sh in the node's
// directory; pty and env requests are accepted and ignored.
func (s *server) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for r := range reqs {
		switch r.Type {
		case "exec", "shell":
			var cmd string
			if r.Type == "exec" {
				if len(r.Payload) < 4 {
					_ = r.Reply(false, nil)
					continue
				}
				n := binary.BigEndian.Uint32(r.Payload)
				if int(n) > len(r.Payload)-4 {
					_ = r.Reply(false, nil)
					continue
				}
				cmd = string(r.Payload[4 : 4+n])
			}
			_ = r.Reply(true, nil)
			argv := []string{"/bin/sh"}
			if cmd != "" {
				argv = append(argv, "-c", cmd)
			}
			go func() {
				for r := range reqs {
					if r.WantReply {
						_ = r.Reply(r.Type == "signal" || r.Type == "window-change", nil)
					}
					if r.Type == "signal" {
						cancel()
					}
				}
			}()
			code, _ := runLocal(ctx, s.dir, s.node, argv, ch, ch, ch.Stderr())
			_, _ = ch.SendRequest("exit-status", false, binary.BigEndian.AppendUint32(nil, uint32(code)))
			return
		default:
			if r.WantReply {
				_ = r.Reply(r.Type == "pty-req" || r.Type == "env", nil)
			}
		}
	}
}

// runLocal runs argv in dir with a small environment and returns its exit
// status (128+signal when killed, as a shell reports it).
func runLocal(ctx context.Context, dir, node string, argv []string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + dir, "SHELL=/bin/sh", "DOJO_FAKE_NODE=" + node, "LANG=C"}
	if stdin != nil {
		// A pipe, so the command sees EOF when the client closes stdin.
		pr, pw, err := os.Pipe()
		if err != nil {
			return 0, err
		}
		go func() {
			_, _ = io.Copy(pw, stdin)
			pw.Close()
		}()
		defer pr.Close()
		cmd.Stdin = pr
	}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if st := ee.ExitCode(); st >= 0 {
			return st, nil
		}
		return 137, nil
	}
	if err != nil {
		return 0, err
	}
	return 0, nil
}
