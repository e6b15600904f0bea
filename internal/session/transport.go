package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/shellquote"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
)

// TransportEnv is the environment variable that forces a transport
// (auto, direct or exec) when --transport is not given.
const TransportEnv = "DOJO_TRANSPORT"

// UseEngine identifies the service's engine, keys the state store by it
// (instances of different engines never share state), and sets how SSH
// reaches nodes: transport is "auto" (or ""), "direct" or "exec".
func (s *Service) UseEngine(ctx context.Context, transport string) error {
	tr, err := sshx.ParseTransport(transport)
	if err != nil {
		return &InputError{Err: err}
	}
	id, err := s.Engine.RT.Identity(ctx)
	if err != nil {
		return err
	}
	s.Engine.Identity = id
	s.Engine.Transport = tr
	s.Engine.Store.Engine = id.Key
	return nil
}

// transportFor returns how SSH reaches the given nodes, deciding it in
// auto mode by probing one of them (see sshx.Dialer).
func (s *Service) transportFor(ctx context.Context, targets map[string]sshx.Target) (sshx.Transport, error) {
	d := s.Engine.Dialer()
	if tr := d.Chosen(); tr != sshx.TransportAuto {
		return tr, nil
	}
	var t sshx.Target
	for _, x := range targets {
		if t.Name == "" || x.Name < t.Name {
			t = x
		}
	}
	if t.Name == "" {
		return sshx.TransportDirect, nil
	}
	return d.Resolve(ctx, t)
}

// proxyCommand is the OpenSSH ProxyCommand that reaches a node through
// `dojo proxy`: the executable is quoted for the shell OpenSSH runs it
// with, and % (OpenSSH's token character) is doubled.
func (s *Service) proxyCommand(instance, node string) (string, error) {
	if s.Executable == "" {
		return "", errors.New("the exec transport needs dojo's own path for ProxyCommand, and it is unknown")
	}
	cmd := strings.Join([]string{shellWord(s.Executable), "proxy", shellWord(instance), shellWord(node)}, " ")
	return strings.ReplaceAll(cmd, "%", "%%"), nil
}

// shellWord quotes s for sh only when it holds characters other than
// letters, digits and -_./:+, so plain paths stay readable.
func shellWord(s string) string {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:+", c)) {
			return shellquote.Quote(s)
		}
	}
	if s == "" {
		return shellquote.Quote(s)
	}
	return s
}

// Proxy bridges in and out to a node's sshd in inetd mode (`sshd -i`),
// started through the engine's exec API: OpenSSH's ProxyCommand for
// nodes this machine has no network path to. It returns when the node's
// side ends.
func (s *Service) Proxy(ctx context.Context, inst, node string, in io.Reader, out io.Writer) error {
	if err := state.ValidName(inst); err != nil {
		return &InputError{Err: err}
	}
	stream, err := s.Engine.RT.ExecStream(ctx, engine.ContainerName(inst, node), sshx.SSHDInetd)
	if errors.Is(err, runtime.ErrNotFound) {
		return inputf("instance %q has no node %q on this engine (%s)", inst, node, s.Engine.Identity.Endpoint)
	}
	if err != nil {
		return fmt.Errorf("node %q: %w", node, err)
	}
	defer stream.Close()
	var once sync.Once
	done := make(chan error, 2)
	go func() {
		_, err := io.Copy(stream, in)
		// The client closed its side: close sshd's stdin, keep reading.
		if cw, ok := stream.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		if err != nil {
			once.Do(func() { done <- err })
		}
	}()
	go func() {
		_, err := io.Copy(out, stream)
		once.Do(func() { done <- err })
	}()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("node %q: %w", node, err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ansibleProxy appends a ProxyCommand option to Ansible's extra SSH
// arguments, quoted for the shell-style split Ansible applies to them.
func (s *Service) ansibleProxy(extra, instance, node string) (string, error) {
	pc, err := s.proxyCommand(instance, node)
	if err != nil {
		return "", err
	}
	return extra + " -o " + shellquote.Quote("ProxyCommand="+pc), nil
}
