package sshx

import (
	"io"
	"sync"
)

// EscapeHelp is what `~?` prints, as OpenSSH's ssh does (raw-mode line
// ends).
const EscapeHelp = "Supported escape sequences:\r\n" +
	" ~.   - terminate connection\r\n" +
	" ~?   - this message\r\n" +
	" ~~   - send the escape character by typing it twice\r\n" +
	"(Note that escapes are only recognized immediately after newline.)\r\n"

// EscapeFilter reads keystrokes for an interactive session and handles
// OpenSSH's escape sequences: `~` right after a newline (or at the start)
// followed by `.` disconnects, by `?` prints EscapeHelp to Help, by `~`
// sends one `~`; followed by anything else both characters are sent.
type EscapeFilter struct {
	r    io.Reader
	help io.Writer

	once    sync.Once
	closed  chan struct{}
	atStart bool
	tilde   bool
	pending []byte
	buf     []byte
}

// NewEscapeFilter wraps the terminal input r; help receives the `~?` text.
func NewEscapeFilter(r io.Reader, help io.Writer) *EscapeFilter {
	return &EscapeFilter{r: r, help: help, closed: make(chan struct{}), atStart: true}
}

// Disconnect is closed when `~.` was typed (for ShellIO.Disconnect).
func (f *EscapeFilter) Disconnect() <-chan struct{} { return f.closed }

// Read implements io.Reader. After `~.` it returns io.EOF.
func (f *EscapeFilter) Read(p []byte) (int, error) {
	for len(f.pending) == 0 {
		select {
		case <-f.closed:
			return 0, io.EOF
		default:
		}
		if cap(f.buf) == 0 {
			f.buf = make([]byte, 4096)
		}
		n, err := f.r.Read(f.buf[:cap(f.buf)])
		f.filter(f.buf[:n])
		if err != nil && len(f.pending) == 0 {
			return 0, err
		}
		if err != nil {
			break
		}
	}
	select {
	case <-f.closed:
		if len(f.pending) == 0 {
			return 0, io.EOF
		}
	default:
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

func (f *EscapeFilter) filter(in []byte) {
	for _, b := range in {
		if f.tilde {
			f.tilde = false
			switch b {
			case '.':
				f.once.Do(func() { close(f.closed) })
				return
			case '?':
				if f.help != nil {
					_, _ = io.WriteString(f.help, "~?\r\n"+EscapeHelp)
				}
				f.atStart = true
				continue
			case '~':
				f.pending = append(f.pending, '~')
				f.atStart = false
				continue
			default:
				f.pending = append(f.pending, '~')
			}
		} else if b == '~' && f.atStart {
			f.tilde = true
			continue
		}
		f.pending = append(f.pending, b)
		f.atStart = b == '\r' || b == '\n'
	}
}
