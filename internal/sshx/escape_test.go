package sshx

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// oneByte reads one byte at a time, so escapes split across reads are
// exercised.
type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) { return o.r.Read(p[:1]) }

func TestEscapeFilter(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		help    bool
		closed  bool
	}{
		{in: "ls\r", out: "ls\r"},
		{in: "a~b\r", out: "a~b\r"}, // not after a newline
		{in: "~~\r", out: "~\r"},    // doubled: one sent
		{in: "~x", out: "~x"},       // unknown: both sent
		{in: "ls\r~?pwd\r", out: "ls\rpwd\r", help: true},
		{in: "ls\r~.echo no\r", out: "ls\r", closed: true},
		{in: "~.", out: "", closed: true},
		{in: "x\n~.", out: "x\n", closed: true},
	} {
		for _, split := range []bool{false, true} {
			var src io.Reader = strings.NewReader(tc.in)
			if split {
				src = oneByte{src}
			}
			var help bytes.Buffer
			f := NewEscapeFilter(src, &help)
			got, err := io.ReadAll(f)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.out {
				t.Errorf("%q (split %v): sent %q, want %q", tc.in, split, got, tc.out)
			}
			if (help.Len() > 0) != tc.help || (tc.help && !strings.Contains(help.String(), "terminate connection")) {
				t.Errorf("%q: help %q", tc.in, help.String())
			}
			select {
			case <-f.Disconnect():
				if !tc.closed {
					t.Errorf("%q: disconnected", tc.in)
				}
			default:
				if tc.closed {
					t.Errorf("%q: not disconnected", tc.in)
				}
			}
		}
	}
}
