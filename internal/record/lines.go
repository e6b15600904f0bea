package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Command is one line of the command log: a line the learner entered.
//
// Lines are derived from the keystrokes, not from the screen: dojo keeps
// its own copy of the line being edited and applies the editing keys a
// shell's line editor (readline) understands in its default emacs mode:
// backspace, Delete, Ctrl-U, Ctrl-K, Ctrl-W, Ctrl-A/E/B/F, Home/End, the
// left and right arrows, and bracketed paste. Keys whose effect depends on
// the remote shell's state (Tab completion, the up/down arrows and Ctrl-R
// history, word movement, other control keys) cannot be followed from the
// keystrokes alone: such a line is still logged as far as it is known and
// marked Uncertain with the reason, never silently guessed. Keystrokes are
// the reliable source because the remote echo arrives asynchronously and
// interleaved with program output; the screen is used only to see the
// prompt (Prompt), to skip what is typed at a password prompt, and to
// ignore keystrokes sent to full-screen programs (vi, less, top) that run on
// the alternate screen.
type Command struct {
	Time time.Time `json:"time"`
	Line string    `json:"line"`
	// Prompt is the text on the screen before the line was typed (ANSI
	// sequences removed), e.g. "root@router:~# " or "> " in a heredoc.
	Prompt string `json:"prompt,omitempty"`
	// Uncertain says why Line may differ from what ran ("" when exact).
	Uncertain string `json:"uncertain,omitempty"`
	// Note marks an entry that is not a command (Line is then "").
	Note string `json:"note,omitempty"`
}

var passwordPrompt = regexp.MustCompile(`(?i)(password|passphrase|passcode|パスワード)[^:：]*[:：]\s*$`)

type inState int

const (
	inNormal inState = iota
	inEsc
	inCSI
	inSS3
)

type lineTracker struct {
	maxLine int
	emit    func(Command)

	// input side
	buf       []rune
	cursor    int
	started   bool
	uncertain []string
	prompt    string
	secret    bool
	state     inState
	csi       []byte
	pending   []byte // incomplete UTF-8 input
	paste     bool
	history   []string
	histPos   int

	// output side
	screen    []rune // current screen line
	col       int
	outState  inState
	outCSI    []byte
	osc       bool
	oscEsc    bool
	altScreen bool
	outPend   []byte
}

func newLineTracker(maxLine int, emit func(Command)) *lineTracker {
	return &lineTracker{maxLine: maxLine, emit: emit}
}

func (t *lineTracker) note(msg string, at time.Time) {
	t.emit(Command{Time: at.UTC(), Note: msg})
}

func (t *lineTracker) markUncertain(why string) {
	for _, u := range t.uncertain {
		if u == why {
			return
		}
	}
	t.uncertain = append(t.uncertain, why)
}

func (t *lineTracker) begin() {
	if t.started {
		return
	}
	t.started = true
	t.prompt = strings.TrimLeft(string(t.screen), " ")
	if len(t.prompt) > 200 {
		t.prompt = t.prompt[len(t.prompt)-200:]
	}
	t.secret = passwordPrompt.MatchString(t.prompt)
	t.histPos = len(t.history)
}

// atPasswordPrompt reports whether what is typed next answers a password
// prompt.
func (t *lineTracker) atPasswordPrompt() bool {
	if t.started {
		return t.secret
	}
	return !t.altScreen && passwordPrompt.MatchString(string(t.screen))
}

func (t *lineTracker) reset() {
	t.buf, t.cursor, t.started, t.uncertain, t.secret = t.buf[:0], 0, false, nil, false
}

func (t *lineTracker) enter(at time.Time) {
	if t.altScreen {
		t.reset()
		return
	}
	line := string(t.buf)
	switch {
	case t.secret:
		// Typed at a password prompt: never logged.
	case strings.TrimSpace(line) == "" && len(t.uncertain) == 0:
		// An empty line runs nothing.
	default:
		c := Command{Time: at.UTC(), Line: line, Prompt: t.prompt, Uncertain: strings.Join(t.uncertain, ", ")}
		if len(c.Line) > t.maxLine {
			c.Line = strings.ToValidUTF8(c.Line[:t.maxLine], "") + "…"
			c.Uncertain = strings.TrimPrefix(c.Uncertain+", line cut at the size limit", ", ")
		}
		t.emit(c)
		if strings.TrimSpace(line) != "" {
			t.history = append(t.history, line)
		}
	}
	t.reset()
}

func (t *lineTracker) insert(r rune) {
	if len(t.buf) >= t.maxLine+1 { // keep one more than the cap to know it was cut
		return
	}
	t.buf = append(t.buf, 0)
	copy(t.buf[t.cursor+1:], t.buf[t.cursor:])
	t.buf[t.cursor] = r
	t.cursor++
}

func (t *lineTracker) input(p []byte, at time.Time) {
	data := append(t.pending, p...)
	t.pending = nil
	for i := 0; i < len(data); {
		c := data[i]
		if c >= 0x80 && t.state == inNormal {
			if !utf8.FullRune(data[i:]) {
				t.pending = append([]byte(nil), data[i:]...)
				return
			}
			r, n := utf8.DecodeRune(data[i:])
			i += n
			t.begin()
			t.insert(r)
			continue
		}
		i++
		t.key(c, at)
	}
}

func (t *lineTracker) key(c byte, at time.Time) {
	switch t.state {
	case inEsc:
		switch c {
		case '[':
			t.state, t.csi = inCSI, t.csi[:0]
		case 'O':
			t.state = inSS3
		default:
			t.state = inNormal
			t.begin()
			t.markUncertain("Alt/Esc key")
		}
		return
	case inSS3:
		t.state = inNormal
		t.cursorKey(c)
		return
	case inCSI:
		if c >= 0x40 && c <= 0x7e {
			t.state = inNormal
			t.csiKey(string(t.csi), c)
			return
		}
		if len(t.csi) < 16 {
			t.csi = append(t.csi, c)
		}
		return
	}
	if t.paste {
		switch c {
		case 0x1b:
			t.state = inEsc
		case '\r', '\n':
			t.enter(at)
		default:
			if c >= 0x20 || c == '\t' {
				t.begin()
				t.insert(rune(c))
			}
		}
		return
	}
	switch c {
	case '\r', '\n':
		t.enter(at)
	case 0x7f, 0x08: // backspace
		if t.cursor > 0 {
			t.buf = append(t.buf[:t.cursor-1], t.buf[t.cursor:]...)
			t.cursor--
		}
	case 0x15: // Ctrl-U: kill to the start of the line
		t.buf = append(t.buf[:0], t.buf[t.cursor:]...)
		t.cursor = 0
	case 0x0b: // Ctrl-K: kill to the end
		t.buf = t.buf[:t.cursor]
	case 0x17: // Ctrl-W: kill the previous whitespace-delimited word
		i := t.cursor
		for i > 0 && t.buf[i-1] == ' ' {
			i--
		}
		for i > 0 && t.buf[i-1] != ' ' {
			i--
		}
		t.buf = append(t.buf[:i], t.buf[t.cursor:]...)
		t.cursor = i
	case 0x01: // Ctrl-A
		t.cursor = 0
	case 0x05: // Ctrl-E
		t.cursor = len(t.buf)
	case 0x02: // Ctrl-B
		t.cursor = max(0, t.cursor-1)
	case 0x06: // Ctrl-F
		t.cursor = min(len(t.buf), t.cursor+1)
	case 0x04: // Ctrl-D: delete under the cursor, or end of input
		if len(t.buf) == 0 {
			t.reset()
		} else if t.cursor < len(t.buf) {
			t.buf = append(t.buf[:t.cursor], t.buf[t.cursor+1:]...)
		}
	case 0x03: // Ctrl-C: the line is abandoned
		t.reset()
	case 0x0c: // Ctrl-L: clear screen
	case 0x09:
		t.begin()
		t.markUncertain("Tab completion")
	case 0x12, 0x10, 0x0e:
		t.begin()
		t.markUncertain("history recall")
	case 0x1b:
		t.state = inEsc
	default:
		if c < 0x20 {
			t.begin()
			t.markUncertain(fmt.Sprintf("Ctrl-%c", c+'@'))
			return
		}
		t.begin()
		t.insert(rune(c))
	}
}

// cursorKey handles the final byte of ESC [ X or ESC O X.
func (t *lineTracker) cursorKey(c byte) {
	switch c {
	case 'C':
		t.cursor = min(len(t.buf), t.cursor+1)
	case 'D':
		t.cursor = max(0, t.cursor-1)
	case 'H':
		t.cursor = 0
	case 'F':
		t.cursor = len(t.buf)
	case 'A', 'B':
		t.begin()
		t.markUncertain("history recall")
		// Best effort: walk dojo's own list of this session's lines.
		if c == 'A' && t.histPos > 0 {
			t.histPos--
		} else if c == 'B' && t.histPos < len(t.history) {
			t.histPos++
		}
		t.buf = t.buf[:0]
		if t.histPos < len(t.history) {
			t.buf = append(t.buf, []rune(t.history[t.histPos])...)
		}
		t.cursor = len(t.buf)
	default:
		t.begin()
		t.markUncertain("unknown key")
	}
}

func (t *lineTracker) csiKey(params string, final byte) {
	if final == '~' {
		switch params {
		case "200":
			t.paste = true
			t.begin()
		case "201":
			t.paste = false
		case "3": // Delete
			if t.cursor < len(t.buf) {
				t.buf = append(t.buf[:t.cursor], t.buf[t.cursor+1:]...)
			}
		case "1", "7":
			t.cursor = 0
		case "4", "8":
			t.cursor = len(t.buf)
		default:
			t.begin()
			t.markUncertain("unknown key")
		}
		return
	}
	if params == "" || params == "1" {
		t.cursorKey(final)
		return
	}
	t.begin()
	t.markUncertain("modified cursor key")
}

// output follows the screen enough to know the current line (for the
// prompt) and whether a full-screen program runs on the alternate screen.
func (t *lineTracker) output(p []byte) {
	data := p
	if len(t.outPend) > 0 {
		data = append(t.outPend, p...)
		t.outPend = nil
	}
	// Fast path for bulk output: without escape sequences in play, only
	// the text after the last newline can matter.
	if t.outState == inNormal && !t.osc && bytes.IndexByte(data, 0x1b) < 0 {
		if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
			t.screen, t.col = t.screen[:0], 0
			data = data[i+1:]
		}
	}
	for i := 0; i < len(data); {
		c := data[i]
		if t.osc { // OSC ... BEL or ESC \
			i++
			if c == 0x07 || (t.oscEsc && c == '\\') {
				t.osc, t.oscEsc = false, false
			} else {
				t.oscEsc = c == 0x1b
			}
			continue
		}
		switch t.outState {
		case inEsc:
			i++
			switch c {
			case '[':
				t.outState, t.outCSI = inCSI, t.outCSI[:0]
			case ']':
				t.outState, t.osc = inNormal, true
			default:
				t.outState = inNormal
			}
			continue
		case inCSI:
			i++
			if c >= 0x40 && c <= 0x7e {
				t.outState = inNormal
				t.screenCSI(string(t.outCSI), c)
			} else if len(t.outCSI) < 32 {
				t.outCSI = append(t.outCSI, c)
			}
			continue
		}
		if c >= 0x80 {
			if !utf8.FullRune(data[i:]) {
				t.outPend = append([]byte(nil), data[i:]...)
				return
			}
			r, n := utf8.DecodeRune(data[i:])
			i += n
			t.put(r)
			continue
		}
		i++
		switch c {
		case 0x1b:
			t.outState = inEsc
		case '\r':
			t.col = 0
		case '\n':
			t.screen, t.col = t.screen[:0], 0
		case 0x08:
			t.col = max(0, t.col-1)
		default:
			if c >= 0x20 {
				t.put(rune(c))
			}
		}
	}
}

func (t *lineTracker) put(r rune) {
	if t.col < len(t.screen) {
		t.screen[t.col] = r
	} else if len(t.screen) < 512 {
		t.screen = append(t.screen, r)
	}
	t.col = min(t.col+1, len(t.screen))
}

func (t *lineTracker) screenCSI(params string, final byte) {
	switch final {
	case 'K': // erase in line
		switch params {
		case "", "0":
			t.screen = t.screen[:min(t.col, len(t.screen))]
		case "2":
			t.screen = t.screen[:0]
		}
	case 'h', 'l':
		switch params {
		case "?1049", "?1047", "?47":
			t.altScreen = final == 'h'
			t.reset()
		}
	case 'G': // cursor to column
		n := 1
		fmt.Sscanf(params, "%d", &n)
		t.col = min(max(0, n-1), len(t.screen))
	case 'C':
		n := 1
		fmt.Sscanf(params, "%d", &n)
		t.col = min(t.col+max(1, n), len(t.screen))
	case 'D':
		n := 1
		fmt.Sscanf(params, "%d", &n)
		t.col = max(0, t.col-max(1, n))
	case 'J':
		if params == "2" {
			t.screen, t.col = t.screen[:0], 0
		}
	}
}

// ReadCommands reads a command log. A line that is not a Command is an
// error naming its line number.
func ReadCommands(r io.Reader) ([]Command, error) {
	var out []Command
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var c Command
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return out, fmt.Errorf("command log line %d: %w", n, err)
		}
		out = append(out, c)
	}
	return out, sc.Err()
}
