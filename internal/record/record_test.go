package record

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)

// clock advances 10 ms per reading.
func clock() func() time.Time {
	var mu sync.Mutex
	t := t0
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(10 * time.Millisecond)
		return t
	}
}

// session plays a scripted exchange through a recorder: each step is
// output the "remote" writes, then input the "learner" types (read
// through the recorder's Input as ssh would).
type step struct{ out, in string }

func play(t *testing.T, opts Options, steps []step) (cast, cmds, screen *bytes.Buffer, rec *Recorder) {
	t.Helper()
	cast, cmds, screen = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	if opts.Now == nil {
		opts.Now = clock()
	}
	rec, err := New(cast, cmds, opts)
	if err != nil {
		t.Fatal(err)
	}
	out := rec.Output(screen)
	for _, s := range steps {
		if s.out != "" {
			if _, err := io.WriteString(out, s.out); err != nil {
				t.Fatal(err)
			}
		}
		if s.in != "" {
			in := rec.Input(strings.NewReader(s.in))
			if _, err := io.ReadAll(in); err != nil {
				t.Fatal(err)
			}
		}
	}
	return cast, cmds, screen, rec
}

const prompt = "\x1b]0;root@router: ~\x07\x1b[01;32mroot@router\x1b[00m:\x1b[01;34m~\x1b[00m# "

func TestCommandLines(t *testing.T) {
	steps := []step{
		{prompt, "ip -br addr\r"},
		{"ip -br addr\r\neth1 UP 10.10.1.1/24\r\n" + prompt, "sysctl -w net.ipv4.ip_forward=1\r"},
		{"\r\n" + prompt, "ech\x7fho hi\r"},                        // backspace
		{"\r\n" + prompt, "garbage\x15ls -l\r"},                    // Ctrl-U
		{"\r\n" + prompt, "systemctl restart ngnx\x1b[D\x1b[Di\r"}, // arrows
		{"\r\n" + prompt, "rm -rf /\x03"},                          // Ctrl-C abandons
		{"^C\r\n" + prompt, "\r"},                                  // empty line
		{"\r\n" + prompt, "systemctl res\t"},                       // Tab: uncertain
		{"tart ", "nginx\r"},
		{"\r\n" + prompt, "\x1b[A\r"}, // history recall
		{"\r\n" + prompt, "sudo -k; sudo true\r"},
		{"\r\n[sudo] password for learner: ", "hunter2\r"}, // never logged
		{"\r\n" + prompt, "vi /etc/hosts\r"},
		{"\x1b[?1049h\x1b[H\x1b[2J~\r\n~", "ddi10.0.0.1 x\x1b:wq\r"},     // full-screen: ignored
		{"\x1b[?1049l\r" + prompt, "\x1b[200~echo a\recho b\x1b[201~\r"}, // bracketed paste
		{"\r\n" + prompt, "echo \xe3\x81"},                               // UTF-8 split over reads
		{"", "\x82 done\x17\x17x\r"},                                     // Ctrl-W twice
		{"\r\n" + prompt, "cat <<EOF\r"},
		{"\r\n> ", "line one\r"},
		{"line one\r\n> ", "EOF\r"},
		{"", "\x1bOHX\x1bOF!\r"}, // SS3 Home/End
		{"", "abc\x01\x0b\x05def\x1b[3~\r"},
	}
	cast, cmds, _, rec := play(t, Options{}, steps)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cast.String(), "hunter2") {
		t.Error("the cast holds what was typed at a password prompt")
	}
	if !strings.Contains(cast.String(), "sudo true") {
		t.Error("the cast lacks the keystrokes")
	}
	got, err := ReadCommands(cmds)
	if err != nil {
		t.Fatal(err)
	}
	want := []Command{
		{Line: "ip -br addr", Prompt: "root@router:~# "},
		{Line: "sysctl -w net.ipv4.ip_forward=1"},
		{Line: "echo hi"},
		{Line: "ls -l"},
		{Line: "systemctl restart nginx"},
		{Line: "systemctl res", Uncertain: "Tab completion"},
		{Line: "ls -l", Uncertain: "history recall"}, // wait: see below
		{Line: "sudo -k; sudo true"},
		{Line: "vi /etc/hosts"},
		{Line: "echo a"},
		{Line: "echo b"},
		{Line: "echo x"}, // readline's Ctrl-W: "done", then "あ"
		{Line: "cat <<EOF"},
		{Line: "line one", Prompt: "> "},
		{Line: "EOF", Prompt: "> "},
		{Line: "X!"},
		{Line: "def"},
	}
	// The Tab line continues with what the learner typed after Tab.
	want[5].Line = "systemctl resnginx"
	// Up arrow recalls the last line dojo saw.
	want[6].Line = "systemctl resnginx"
	if len(got) != len(want) {
		for _, c := range got {
			t.Logf("%+v", c)
		}
		t.Fatalf("%d lines logged, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.Line || g.Uncertain != w.Uncertain || (w.Prompt != "" && g.Prompt != w.Prompt) {
			t.Errorf("line %d = %+v, want %+v", i, g, w)
		}
		if g.Time.IsZero() || (i > 0 && g.Time.Before(got[i-1].Time)) {
			t.Errorf("line %d: time %v", i, g.Time)
		}
		if strings.Contains(g.Line, "hunter2") || strings.Contains(g.Line, ":wq") {
			t.Errorf("line %d logged something it must not: %q", i, g.Line)
		}
	}
}

func TestCastValid(t *testing.T) {
	steps := []step{
		{prompt, "echo héllo\r"},
		{"echo h\xc3", ""}, // output split inside a UTF-8 sequence
		{"\xa9llo\r\nhéllo\r\n" + prompt, "exit\r"},
		{"\xff\xfe bad bytes\r\n", ""},
	}
	cast, _, screen, rec := play(t, Options{Width: 120, Height: 40, Term: "xterm-256color", Shell: "/bin/bash", Title: "router"}, steps)
	rec.Resize(100, 30)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(screen.Bytes(), []byte("\xff\xfe bad bytes")) {
		t.Error("output was not passed through unchanged")
	}
	h, evs, err := ReadCast(bytes.NewReader(cast.Bytes()))
	if err != nil {
		t.Fatalf("%v\n%s", err, cast)
	}
	if h.Version != 2 || h.Width != 120 || h.Height != 40 || h.Env["TERM"] != "xterm-256color" || h.Env["SHELL"] != "/bin/bash" || h.Title != "router" || h.Timestamp != t0.Add(10*time.Millisecond).Unix() {
		t.Errorf("header %+v", h)
	}
	var in, out strings.Builder
	codes := map[string]int{}
	for _, e := range evs {
		codes[e.Code]++
		switch e.Code {
		case "i":
			in.WriteString(e.Data)
		case "o":
			out.WriteString(e.Data)
		case "r":
			if e.Data != "100x30" {
				t.Errorf("resize event %q", e.Data)
			}
		}
	}
	if in.String() != "echo héllo\rexit\r" {
		t.Errorf("input events %q", in.String())
	}
	if !strings.Contains(out.String(), "echo héllo\r\nhéllo") || !strings.Contains(out.String(), "\ufffd\ufffd bad bytes") {
		t.Errorf("output events %q", out.String())
	}
	if codes["o"] < 3 || codes["i"] != 2 || codes["r"] != 1 {
		t.Errorf("event counts %v", codes)
	}
}

func TestSizeCap(t *testing.T) {
	const limit = 4096
	var steps []step
	steps = append(steps, step{prompt, "yes | head -c 1000000\r"})
	chunk := strings.Repeat("y\r\n", 300)
	for i := 0; i < 200; i++ {
		steps = append(steps, step{out: chunk})
	}
	steps = append(steps, step{prompt, "echo after\r"})
	cast, cmds, screen, rec := play(t, Options{MaxBytes: limit}, steps)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if cast.Len() > limit {
		t.Errorf("cast is %d bytes, cap %d", cast.Len(), limit)
	}
	if !rec.Truncated() {
		t.Error("Truncated() = false")
	}
	_, evs, err := ReadCast(cast)
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Code != "o" || !strings.Contains(last.Data, "recording stopped: it reached its size limit of 4 KiB") {
		t.Errorf("last event %+v, want the stop note", last)
	}
	if screen.Len() < 200*len(chunk) {
		t.Errorf("the session lost output after the cap: %d bytes", screen.Len())
	}
	got, _ := ReadCommands(cmds)
	var lines []string
	notes := 0
	for _, c := range got {
		if c.Note != "" {
			notes++
			continue
		}
		lines = append(lines, c.Line)
	}
	// The command log goes on after the cast stopped: it is small.
	if notes != 1 || strings.Join(lines, "|") != "yes | head -c 1000000|echo after" {
		t.Errorf("command log %+v", got)
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk full")
	}
	f.after--
	return len(p), nil
}

func TestWriteErrorKeepsSession(t *testing.T) {
	rec, err := New(&failWriter{after: 2}, &failWriter{after: 0}, Options{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	var screen bytes.Buffer
	out := rec.Output(&screen)
	for i := 0; i < 5; i++ {
		if _, err := io.WriteString(out, "data\n"); err != nil {
			t.Fatal(err)
		}
	}
	b, err := io.ReadAll(rec.Input(strings.NewReader("ls\r")))
	if err != nil || string(b) != "ls\r" {
		t.Fatalf("input %q %v", b, err)
	}
	if screen.String() != strings.Repeat("data\n", 5) {
		t.Errorf("screen %q", screen.String())
	}
	if err := rec.Close(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Close = %v", err)
	}
	if _, err := New(&failWriter{}, nil, Options{}); err == nil {
		t.Error("a header write error must fail New")
	}
}

func TestConcurrent(t *testing.T) {
	var cast, cmds bytes.Buffer
	rec, _ := New(&cast, &cmds, Options{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		out := rec.Output(io.Discard)
		for i := 0; i < 500; i++ {
			_, _ = out.Write([]byte("output line\r\n"))
		}
	}()
	go func() {
		defer wg.Done()
		_, _ = io.ReadAll(rec.Input(strings.NewReader(strings.Repeat("ls\r", 500))))
	}()
	wg.Wait()
	_ = rec.Close()
	_, evs, err := ReadCast(&cast)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range evs {
		n[e.Code] += len(e.Data)
	}
	if n["o"] != 500*len("output line\r\n") || n["i"] != 500*len("ls\r") {
		t.Errorf("recorded %v bytes", n)
	}
	if got, _ := ReadCommands(&cmds); len(got) != 500 {
		t.Errorf("%d commands", len(got))
	}
}

func TestReadCastRejects(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "empty"},
		{`{"version":1,"width":80,"height":24}`, "version 1"},
		{`{"version":2,"width":0,"height":24}`, "positive size"},
		{`{"version":2,"width":80,"height":24,"extra":1}`, "unknown field"},
		{"{\"version\":2,\"width\":80,\"height\":24}\n[1.0, \"o\"]", "line 2: 2 elements"},
		{"{\"version\":2,\"width\":80,\"height\":24}\n[1.0, \"x\", \"a\"]", "line 2: unknown event code"},
		{"{\"version\":2,\"width\":80,\"height\":24}\n[1.0, \"o\", \"a\"]\n[0.5, \"o\", \"b\"]", "line 3: time 0.5 goes back"},
		{"{\"version\":2,\"width\":80,\"height\":24}\n[\"1\", \"o\", \"a\"]", "line 2: time"},
		{"{\"version\":2,\"width\":80,\"height\":24}\nnot json", "line 2"},
	} {
		_, _, err := ReadCast(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadCast(%q) = %v, want %q", c.in, err, c.want)
		}
	}
	if _, err := ReadCommands(strings.NewReader("{\"line\":\"a\"}\n\n{bad\n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("ReadCommands: %v", err)
	}
}

func TestLongLineCut(t *testing.T) {
	_, cmds, _, rec := play(t, Options{MaxLine: 10}, []step{{prompt, strings.Repeat("x", 50) + "\r"}})
	_ = rec.Close()
	got, _ := ReadCommands(cmds)
	if len(got) != 1 || got[0].Line != "xxxxxxxxxx…" || !strings.Contains(got[0].Uncertain, "cut") {
		t.Errorf("%+v", got)
	}
}

func BenchmarkRecordOutput(b *testing.B) {
	rec, _ := New(io.Discard, io.Discard, Options{MaxBytes: 1 << 40})
	out := rec.Output(io.Discard)
	chunk := []byte(strings.Repeat("some output text\r\n", 200))
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		_, _ = out.Write(chunk)
	}
}

func TestResizes(t *testing.T) {
	var cast bytes.Buffer
	rec, _ := New(&cast, nil, Options{Now: clock()})
	if rec.Resizes(nil) != nil {
		t.Error("nil in: want nil out")
	}
	in := make(chan [2]int)
	out := rec.Resizes(in)
	go func() {
		in <- [2]int{100, 30}
		in <- [2]int{120, 40}
		close(in)
	}()
	var got [][2]int
	for s := range out {
		got = append(got, s)
	}
	_ = rec.Close()
	if len(got) != 2 || got[1] != [2]int{120, 40} {
		t.Errorf("forwarded %v", got)
	}
	_, evs, err := ReadCast(&cast)
	if err != nil || len(evs) != 2 || evs[0].Data != "100x30" || evs[1].Data != "120x40" {
		t.Errorf("resize events %+v %v", evs, err)
	}
}

func TestLogCommand(t *testing.T) {
	var cast, cmds bytes.Buffer
	rec, _ := New(&cast, &cmds, Options{Now: clock()})
	rec.LogCommand("systemctl status nginx")
	rec.LogCommand("  ")
	_ = rec.Close()
	got, err := ReadCommands(&cmds)
	if err != nil || len(got) != 1 || got[0].Line != "systemctl status nginx" || got[0].Time.IsZero() {
		t.Errorf("%+v %v", got, err)
	}
}

func TestStopNoteSize(t *testing.T) {
	if s := stopNote(32 << 20); !strings.Contains(s, "32 MiB") {
		t.Error(s)
	}
}
