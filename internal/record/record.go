// Package record records interactive terminal sessions: an asciicast v2
// file (output and keystrokes with timing, replayable by asciinema players)
// and a log of the command lines entered, with timestamps. A size cap stops
// a runaway recording with a note instead of filling the disk.
//
// Recording never disturbs the session: the wrapped streams pass every byte
// through even after the recording stopped or failed; the failure is
// reported by Close.
package record

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// NoteCapped is the Note of the command-log entry written when the size
// cap stopped the recording.
const NoteCapped = "recording stopped: size limit reached"

// DefaultMaxBytes is the cast size at which recording stops when
// Options.MaxBytes is 0.
const DefaultMaxBytes = 32 << 20

// Options describe a recording.
type Options struct {
	Width, Height int    // terminal size (default 80x24)
	Term          string // TERM of the session (default "xterm")
	Shell         string // SHELL, "" to leave out
	Title         string
	// MaxBytes caps the cast file; when the next event would pass it, a
	// note is written and recording stops. 0 means DefaultMaxBytes.
	MaxBytes int64
	// MaxLine caps one logged command line (default 4096 bytes).
	MaxLine int
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// Header is the first line of an asciicast v2 file.
type Header struct {
	Version   int               `json:"version"`
	Width     int               `json:"width"`
	Height    int               `json:"height"`
	Timestamp int64             `json:"timestamp,omitempty"`
	Title     string            `json:"title,omitempty"`
	Env       map[string]string `json:"env,omitempty"`
}

// Recorder records one session. Its methods are safe for concurrent use
// (output and input are copied by different goroutines).
type Recorder struct {
	mu      sync.Mutex
	cast    io.Writer
	now     func() time.Time
	start   time.Time
	max     int64
	written int64
	stopped bool
	capped  bool
	err     error
	pendOut []byte // incomplete UTF-8 sequence held back from an "o" event
	pendIn  []byte
	lines   *lineTracker
	cmdLog  io.Writer
	cmdErr  error
}

// New writes the asciicast header to cast and returns a recorder. Command
// lines go to cmds as JSON lines (see Command); cmds may be nil.
func New(cast, cmds io.Writer, opts Options) (*Recorder, error) {
	if opts.Width <= 0 {
		opts.Width = 80
	}
	if opts.Height <= 0 {
		opts.Height = 24
	}
	if opts.Term == "" {
		opts.Term = "xterm"
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	opts.MaxBytes = max(opts.MaxBytes, 1024) // room for the header and the note
	if opts.MaxLine <= 0 {
		opts.MaxLine = 4096
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Recorder{cast: cast, cmdLog: cmds, now: opts.Now, start: opts.Now(), max: opts.MaxBytes}
	r.lines = newLineTracker(opts.MaxLine, r.emit)
	h := Header{Version: 2, Width: opts.Width, Height: opts.Height, Timestamp: r.start.Unix(), Title: opts.Title, Env: map[string]string{"TERM": opts.Term}}
	if opts.Shell != "" {
		h.Env["SHELL"] = opts.Shell
	}
	b, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	b = append(b, '\n')
	if _, err := cast.Write(b); err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	r.written = int64(len(b))
	return r, nil
}

// stopNote is written as the last output event when the cap is reached.
func stopNote(max int64) string {
	size := fmt.Sprintf("%d KiB", max>>10)
	if max >= 1<<20 {
		size = fmt.Sprintf("%d MiB", max>>20)
	}
	return "\r\n[dojo: recording stopped: it reached its size limit of " + size + "; the session goes on unrecorded]\r\n"
}

// event appends one event; the caller holds r.mu.
func (r *Recorder) event(code string, data string) {
	if r.stopped {
		return
	}
	t := r.now().Sub(r.start).Seconds()
	line := eventLine(t, code, data)
	note := eventLine(t, "o", stopNote(r.max))
	if r.written+int64(len(line))+int64(len(note)) > r.max {
		// Stop with the note, which fits: the reserve is kept for it.
		r.write(note)
		r.stopped, r.capped = true, true
		r.lines.note(NoteCapped, r.now())
		return
	}
	r.write(line)
}

func (r *Recorder) write(line []byte) {
	if _, err := r.cast.Write(line); err != nil {
		r.err = fmt.Errorf("recording: %w", err)
		r.stopped = true
		return
	}
	r.written += int64(len(line))
}

func eventLine(t float64, code, data string) []byte {
	b := make([]byte, 0, len(data)+32)
	b = append(b, '[')
	b = strconv.AppendFloat(b, float64(int64(t*1e6))/1e6, 'f', -1, 64)
	b = append(b, `, "`...)
	b = append(b, code...)
	b = append(b, `", `...)
	q, _ := json.Marshal(data) // data is valid UTF-8: cannot fail
	b = append(b, q...)
	b = append(b, "]\n"...)
	return b
}

// utf8Chunk returns the longest valid-UTF-8 prefix of pend+p as a string
// (invalid bytes replaced) and keeps an incomplete trailing sequence.
func utf8Chunk(pend *[]byte, p []byte) string {
	buf := p
	if len(*pend) > 0 {
		buf = append(*pend, p...)
	}
	cut := len(buf)
	// Hold back at most 3 bytes of a sequence that may complete later.
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-3; i-- {
		c := buf[i]
		if c < 0x80 {
			break
		}
		if c >= 0xC0 { // start byte
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	out := buf[:cut]
	*pend = append([]byte(nil), buf[cut:]...)
	if utf8.Valid(out) {
		return string(out)
	}
	return string([]rune(string(out))) // replaces invalid bytes with U+FFFD
}

// Output returns a writer that passes everything to w and records it as
// "o" events.
func (r *Recorder) Output(w io.Writer) io.Writer { return &outWriter{r: r, w: w} }

type outWriter struct {
	r *Recorder
	w io.Writer
}

func (o *outWriter) Write(p []byte) (int, error) {
	o.r.output(p)
	return o.w.Write(p)
}

func (r *Recorder) output(p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines.output(p)
	if r.stopped {
		return
	}
	if s := utf8Chunk(&r.pendOut, p); s != "" {
		r.event("o", s)
	}
}

// Input returns a reader that passes everything read from rd and records
// it as "i" events and, through the line tracker, as command lines.
func (r *Recorder) Input(rd io.Reader) io.Reader { return &inReader{r: r, rd: rd} }

type inReader struct {
	r  *Recorder
	rd io.Reader
}

func (i *inReader) Read(p []byte) (int, error) {
	n, err := i.rd.Read(p)
	if n > 0 {
		i.r.input(p[:n])
	}
	return n, err
}

func (r *Recorder) input(p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	// Keystrokes typed at a password prompt are not recorded at all.
	hide := r.lines.atPasswordPrompt()
	r.lines.input(p, r.now())
	if r.stopped || hide {
		return
	}
	if s := utf8Chunk(&r.pendIn, p); s != "" {
		r.event("i", s)
	}
}

// Resize records a terminal size change as an "r" event ("COLSxROWS").
func (r *Recorder) Resize(width, height int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.event("r", fmt.Sprintf("%dx%d", width, height))
}

// Resizes forwards terminal sizes ({columns, rows}, as sshx.WatchResize
// sends them) from in to the returned channel, recording each as an "r"
// event. The returned channel closes when in closes; a nil in gives nil.
func (r *Recorder) Resizes(in <-chan [2]int) <-chan [2]int {
	if in == nil {
		return nil
	}
	out := make(chan [2]int, 1)
	go func() {
		defer close(out)
		for s := range in {
			r.Resize(s[0], s[1])
			out <- s
		}
	}()
	return out
}

// LogCommand adds a command that was not typed but given on the command
// line (`dojo ssh NODE -- CMD`) to the command log.
func (r *Recorder) LogCommand(line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if strings.TrimSpace(line) != "" {
		r.emit(Command{Time: r.now().UTC(), Line: line})
	}
}

// Truncated reports whether the size cap stopped the recording.
func (r *Recorder) Truncated() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.capped
}

// Close ends the recording: a line typed but not entered is dropped (it
// never ran), and the first write error of the cast or the command log is
// returned. It does not close the underlying writers.
func (r *Recorder) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	if r.err != nil {
		return r.err
	}
	return r.cmdErr
}

// emit writes a command line to the command log; called with r.mu held.
func (r *Recorder) emit(c Command) {
	if r.cmdLog == nil || r.cmdErr != nil {
		return
	}
	b, _ := json.Marshal(c)
	if _, err := r.cmdLog.Write(append(b, '\n')); err != nil {
		r.cmdErr = fmt.Errorf("command log: %w", err)
	}
}
