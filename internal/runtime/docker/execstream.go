package docker

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"

	"github.com/labdojo/labdojo/internal/runtime"
)

// maxStreamStderr bounds the stderr an exec stream keeps for its error.
const maxStreamStderr = 4 << 10

// ExecStream implements runtime.Runtime: it creates an exec of cmd with
// stdin, stdout and stderr attached and no TTY, attaches to it, and returns
// the hijacked connection with the engine's stream multiplexing removed from
// reads (stdout passes, stderr is kept for the error). The stream also
// implements SetDeadline, SetReadDeadline, SetWriteDeadline and CloseWrite
// of the underlying connection.
func (r *Runtime) ExecStream(ctx context.Context, id string, cmd []string) (io.ReadWriteCloser, error) {
	if len(cmd) == 0 {
		return nil, fmt.Errorf("exec stream in container %q: empty command", id)
	}
	created, err := r.cli.ContainerExecCreate(ctx, id, container.ExecOptions{
		AttachStdin:  true,
		AttachStdout: true,
		AttachStderr: true,
		Cmd:          cmd,
	})
	if err != nil {
		return nil, wrapErr(err, "exec %q in container %q", cmd[0], id)
	}
	// The attach request starts the process; once hijacked, the connection
	// no longer depends on ctx.
	hijack, err := r.cli.ContainerExecAttach(ctx, created.ID, container.ExecAttachOptions{})
	if err != nil {
		return nil, wrapErr(err, "exec %q in container %q: attaching", cmd[0], id)
	}
	return &execStream{conn: hijack.Conn, r: hijack.Reader, what: fmt.Sprintf("%s in container %s", strings.Join(cmd, " "), id)}, nil
}

// execStream demultiplexes the engine's framed output stream: each frame is
// an 8-byte header (stream type, 3 zero bytes, big-endian payload length)
// followed by the payload.
type execStream struct {
	conn net.Conn
	r    *bufio.Reader
	what string

	rmu     sync.Mutex // serialises reads (frame state)
	left    int        // stdout bytes left in the current frame
	stderr  []byte
	lost    bool // stderr beyond maxStreamStderr was dropped
	readErr error

	closeOnce sync.Once
}

const (
	streamStdin  = 0
	streamStdout = 1
	streamStderr = 2
	streamSystem = 3
)

func (s *execStream) Read(p []byte) (int, error) {
	s.rmu.Lock()
	defer s.rmu.Unlock()
	if s.readErr != nil {
		return 0, s.readErr
	}
	if len(p) == 0 {
		return 0, nil
	}
	for s.left == 0 {
		var hdr [8]byte
		if _, err := io.ReadFull(s.r, hdr[:]); err != nil {
			return 0, s.fail(err)
		}
		size := int(binary.BigEndian.Uint32(hdr[4:]))
		switch hdr[0] {
		case streamStdout:
			s.left = size
		case streamStderr, streamSystem:
			if err := s.keepStderr(size); err != nil {
				return 0, s.fail(err)
			}
		case streamStdin:
			// Engines do not send it; skip it.
			if _, err := io.CopyN(io.Discard, s.r, int64(size)); err != nil {
				return 0, s.fail(err)
			}
		default:
			return 0, s.fail(fmt.Errorf("unexpected stream type %d in the engine's exec stream", hdr[0]))
		}
	}
	if len(p) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.left -= n
	if err != nil {
		if errors.Is(err, io.EOF) && s.left > 0 {
			err = io.ErrUnexpectedEOF
		}
		return n, s.fail(err)
	}
	return n, nil
}

// keepStderr reads a stderr frame of size bytes, keeping the first
// maxStreamStderr bytes of all stderr.
func (s *execStream) keepStderr(size int) error {
	room := maxStreamStderr - len(s.stderr)
	keep := min(max(room, 0), size)
	if keep > 0 {
		buf := make([]byte, keep)
		if _, err := io.ReadFull(s.r, buf); err != nil {
			return err
		}
		s.stderr = append(s.stderr, buf...)
	}
	if size > keep {
		s.lost = true
		if _, err := io.CopyN(io.Discard, s.r, int64(size-keep)); err != nil {
			return err
		}
	}
	return nil
}

// fail records the stream's end. A clean end with stderr output becomes an
// error quoting it, so that a command that could not start (sshd without
// host keys, say) explains why instead of a bare EOF.
func (s *execStream) fail(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		if msg := strings.TrimSpace(string(s.stderr)); msg != "" {
			if len(msg) > 300 {
				msg, s.lost = msg[:300], true
			}
			msg = strings.Join(strings.Fields(msg), " ")
			if s.lost {
				msg += " …"
			}
			err = &streamEnded{what: s.what, stderr: msg, cause: err}
		}
	}
	s.readErr = err
	return err
}

// streamEnded is the error of a stream whose process wrote to stderr.
type streamEnded struct {
	what, stderr string
	cause        error
}

func (e *streamEnded) Error() string {
	return fmt.Sprintf("%s ended: %s", e.what, e.stderr)
}

func (e *streamEnded) Unwrap() error { return e.cause }

func (s *execStream) Write(p []byte) (int, error) { return s.conn.Write(p) }

// Close closes the connection; the engine then closes the process's stdin.
func (s *execStream) Close() error {
	var err error
	s.closeOnce.Do(func() { err = s.conn.Close() })
	return err
}

// CloseWrite closes the process's stdin while still reading its output.
func (s *execStream) CloseWrite() error {
	if cw, ok := s.conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return s.Close()
}

func (s *execStream) SetDeadline(t time.Time) error      { return s.conn.SetDeadline(t) }
func (s *execStream) SetReadDeadline(t time.Time) error  { return s.conn.SetReadDeadline(t) }
func (s *execStream) SetWriteDeadline(t time.Time) error { return s.conn.SetWriteDeadline(t) }

// Identity implements runtime.Runtime. The platform's default local socket
// gets the empty key (state kept where it always was); any other engine is
// keyed by its ID and its endpoint (see engineKey).
func (r *Runtime) Identity(ctx context.Context) (runtime.EngineIdentity, error) {
	id := runtime.EngineIdentity{Endpoint: r.host, Local: isLocalEndpoint(r.host)}
	if r.host == client.DefaultDockerHost {
		return id, nil
	}
	info, err := r.cli.Info(ctx)
	if err != nil {
		return id, unreachable(r.host, err)
	}
	engID := info.ID
	if engID == "" {
		engID = info.Name
	}
	id.Key = engineKey(engID, r.host)
	return id, nil
}

// isLocalEndpoint reports whether host is a local socket or named pipe.
func isLocalEndpoint(host string) bool {
	return strings.HasPrefix(host, "unix://") || strings.HasPrefix(host, "npipe://")
}

// engineKey makes a short directory name of an engine ID (a UUID, or twelve
// groups of four characters joined by colons on older engines) and the
// endpoint. The ID alone is not enough: engines before Docker 23 derive it
// from /etc/docker/key.json, which every daemon on one host shares (a
// second daemon with its own data root and socket reports the first one's
// ID). The endpoint's hash tells those apart; the price is that one engine
// reached under two endpoint names keeps two separate state directories.
func engineKey(id, endpoint string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(id) {
		if b.Len() == 12 {
			break
		}
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	sum := sha256.Sum256([]byte(endpoint))
	if b.Len() > 0 {
		b.WriteByte('-')
	}
	b.WriteString(hex.EncodeToString(sum[:4]))
	return b.String()
}
