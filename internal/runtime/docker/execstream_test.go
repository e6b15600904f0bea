package docker

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
)

func frame(stream byte, payload string) []byte {
	hdr := make([]byte, 8, 8+len(payload))
	hdr[0] = stream
	binary.BigEndian.PutUint32(hdr[4:], uint32(len(payload)))
	return append(hdr, payload...)
}

func testStream(t *testing.T, frames ...[]byte) *execStream {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return &execStream{conn: a, r: bufio.NewReader(bytes.NewReader(bytes.Join(frames, nil))), what: "/usr/sbin/sshd -i in container web"}
}

func TestExecStreamDemultiplexes(t *testing.T) {
	s := testStream(t, frame(1, "SSH-2.0-"), frame(2, "note\n"), frame(1, "OpenSSH_9.2\r\n"), frame(1, ""))
	// Small reads cross frame boundaries correctly.
	var got bytes.Buffer
	buf := make([]byte, 3)
	for {
		n, err := s.Read(buf)
		got.Write(buf[:n])
		if err != nil {
			// stderr was written, so the end quotes it.
			if !errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "sshd -i in container web ended: note") {
				t.Fatalf("end: %v", err)
			}
			break
		}
	}
	if got.String() != "SSH-2.0-OpenSSH_9.2\r\n" {
		t.Fatalf("stdout = %q", got.String())
	}
}

func TestExecStreamCleanEOFAndTruncatedFrame(t *testing.T) {
	s := testStream(t, frame(1, "hello"))
	if b, err := io.ReadAll(s); err != nil || string(b) != "hello" {
		t.Fatalf("clean: %q %v", b, err)
	}
	cut := frame(1, "hello")
	s = testStream(t, cut[:10])
	if _, err := io.ReadAll(s); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated: %v", err)
	}
	s = testStream(t, frame(9, "x"))
	if _, err := io.ReadAll(s); err == nil || !strings.Contains(err.Error(), "unexpected stream type 9") {
		t.Fatalf("bad type: %v", err)
	}
}

func TestExecStreamBoundsStderr(t *testing.T) {
	big := strings.Repeat("e", 3*maxStreamStderr)
	s := testStream(t, frame(2, big), frame(1, "ok"))
	b, err := io.ReadAll(s)
	if string(b) != "ok" || !errors.Is(err, io.EOF) || len(err.Error()) > 400 || !strings.HasSuffix(err.Error(), "eee …") {
		t.Fatalf("read %q %v", b, err)
	}
	if len(s.stderr) != maxStreamStderr || !s.lost {
		t.Fatalf("kept %d stderr bytes, lost=%v", len(s.stderr), s.lost)
	}
}

func TestEngineKey(t *testing.T) {
	old := "ABCD:EFGH:IJKL:MNOP:QRST:UVWX:YZ01:2345:6789:ABCD:EFGH:IJKL"
	a := engineKey(old, "unix:///run/user/1000/docker.sock")
	b := engineKey(old, "unix:///tmp/second/docker.sock")
	if !strings.HasPrefix(a, "abcdefghijkl-") || len(a) != 21 || a == b {
		t.Errorf("same ID, two daemons: %q %q", a, b)
	}
	if a != engineKey(old, "unix:///run/user/1000/docker.sock") {
		t.Error("key not stable")
	}
	if k := engineKey("5d3c2c8e-4b8a-4c1e-9f0e-2a7f1b6c9d00", "ssh://lab"); !strings.HasPrefix(k, "5d3c2c8e4b8a-") {
		t.Errorf("uuid: %q", k)
	}
	for _, id := range []string{"../../etc", "", "/"} {
		if k := engineKey(id, "x"); strings.ContainsAny(k, "./") || k == "" {
			t.Errorf("engineKey(%q) = %q", id, k)
		}
	}
}
