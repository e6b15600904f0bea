package integration

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/ptytest"
	"github.com/labdojo/labdojo/internal/record"
)

// ptySession is `dojo ssh` running on a pseudo-terminal, as in a real
// terminal emulator.
type ptySession struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func startPTY(t *testing.T, args ...string) *ptySession {
	t.Helper()
	ptmx, pts := ptytest.Open(t, 30, 100)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(env(), "TERM=xterm")
	cmd.Dir = t.TempDir()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pts.Close()
	s := &ptySession{t: t, cmd: cmd, ptmx: ptmx, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			s.mu.Lock()
			s.out.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); ptmx.Close() })
	return s
}

// waitFor waits until the screen output holds text.
func (s *ptySession) waitFor(text string) {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		ok := strings.Contains(s.out.String(), text)
		s.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.t.Fatalf("no %q on the terminal; it shows:\n%q", text, s.out.String())
}

// typeSlowly types like a person: key by key.
func (s *ptySession) typeSlowly(text string) {
	for _, b := range []byte(text) {
		if _, err := s.ptmx.Write([]byte{b}); err != nil {
			s.t.Fatal(err)
		}
		time.Sleep(3 * time.Millisecond)
	}
}

func (s *ptySession) wait() int {
	s.t.Helper()
	err := s.cmd.Wait()
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return 0
}

// TestEvidenceEndToEnd: a bundled scenario solved in real `dojo ssh`
// sessions (one interactive on a pseudo-terminal) leaves a valid
// asciicast with the typed commands and a command log; the signed report
// verifies and fails for a changed byte; the runbook drafted from the
// recordings replays to a pass on a fresh lab, and with a step removed it
// fails at the right goal.
func TestEvidenceEndToEnd(t *testing.T) {
	inst := "it-ev"
	mustDojo(t, "start", "static-routing", "--name", inst)
	defer func() {
		mustDojo(t, "down", inst, "--purge")
		requireGone(t, inst)
	}()

	// An interactive session on a real terminal.
	s := startPTY(t, "ssh", inst+"/router")
	s.waitFor("# ")
	s.typeSlowly("sysctl -w net.ipv4.ip_forward=1\r")
	s.waitFor("net.ipv4.ip_forward = 1")
	s.typeSlowly("echo done-$((40+2))\r")
	s.waitFor("done-42")
	s.typeSlowly("exit\r")
	if code := s.wait(); code != 0 {
		t.Fatalf("dojo ssh exited %d:\n%s", code, s.out.String())
	}
	// A command given on the command line is logged too.
	mustDojo(t, "ssh", inst+"/web", "--", "service nginx start || nginx")

	rec := filepath.Join(stateDir, "instances", inst, "recordings")
	casts, _ := filepath.Glob(filepath.Join(rec, "*-router.cast"))
	if len(casts) != 1 {
		t.Fatalf("casts: %v", casts)
	}
	for _, p := range append(casts, filepath.Join(rec, "router.commands.jsonl")) {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", p, fi.Mode(), err)
		}
	}
	f, err := os.Open(casts[0])
	if err != nil {
		t.Fatal(err)
	}
	h, events, err := record.ReadCast(f)
	f.Close()
	if err != nil {
		t.Fatalf("not valid asciicast v2: %v", err)
	}
	if h.Version != 2 || h.Width != 100 || h.Height != 30 {
		t.Errorf("header %+v", h)
	}
	var typed, shown strings.Builder
	for _, e := range events {
		switch e.Code {
		case "i":
			typed.WriteString(e.Data)
		case "o":
			shown.WriteString(e.Data)
		}
	}
	if !strings.Contains(typed.String(), "sysctl -w net.ipv4.ip_forward=1\r") || !strings.Contains(shown.String(), "done-42") {
		t.Errorf("cast lacks the session: typed %q", typed.String())
	}
	lf, err := os.Open(filepath.Join(rec, "router.commands.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := record.ReadCommands(lf)
	lf.Close()
	if err != nil || len(cmds) < 3 || cmds[0].Line != "sysctl -w net.ipv4.ip_forward=1" || cmds[1].Line != "echo done-$((40+2))" {
		t.Fatalf("command log %+v: %v", cmds, err)
	}

	if d, code := checkJSON(t, inst); code != 0 || !d.Passed {
		t.Fatalf("check after the sessions: exit %d %+v", code, d.status())
	}

	// The signed report verifies; any changed byte fails.
	dir := t.TempDir()
	html := filepath.Join(dir, "report.html")
	mustDojo(t, "report", inst, "--format", "html", "-o", html, "--learner", "IT Learner")
	r := mustDojo(t, "verify", html)
	if !strings.Contains(r.stdout, "Signature OK") || !strings.Contains(r.stdout, "learner IT Learner, scenario static-routing") {
		t.Errorf("verify: %s", r.stdout)
	}
	data, _ := os.ReadFile(html)
	if !bytes.Contains(data, []byte("sysctl -w net.ipv4.ip_forward=1")) {
		t.Error("the report lacks the procedure")
	}
	for _, pos := range []int{0, len(data) / 7, len(data) / 3, len(data) / 2, len(data) - 2} {
		bad := bytes.Clone(data)
		bad[pos] ^= 0x01
		p := filepath.Join(dir, fmt.Sprintf("bad-%d.html", pos))
		os.WriteFile(p, bad, 0o644)
		if r := dojo(t, "verify", p); r.code != 1 {
			t.Errorf("byte %d changed: verify exit %d\n%s%s", pos, r.code, r.stdout, r.stderr)
		}
	}

	// The drafted runbook replays to a pass on a fresh lab.
	rb := filepath.Join(dir, "runbook.md")
	mustDojo(t, "runbook", "draft", inst, "-o", rb)
	text, _ := os.ReadFile(rb)
	if !strings.Contains(string(text), "```sh node=router\n") || !strings.Contains(string(text), "service nginx start || nginx") {
		t.Fatalf("draft:\n%s", text)
	}
	r = dojo(t, "runbook", "replay", rb, "--name", "it-rp1")
	requireGone(t, "it-rp1")
	if r.code != 0 || !strings.Contains(r.stdout, "passes 6/6 goals") {
		t.Fatalf("replay: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// The report of the instance now states it.
	md := mustDojo(t, "report", inst, "--format", "md").stdout
	if !strings.Contains(md, "passes 6/6 goals") {
		t.Errorf("report lacks the replay:\n%s", md)
	}

	// Without the forwarding step, replay fails at that goal.
	cut := filepath.Join(dir, "cut.md")
	os.WriteFile(cut, bytes.ReplaceAll(text, []byte("sysctl -w net.ipv4.ip_forward=1\n"), nil), 0o644)
	r = dojo(t, "runbook", "replay", cut, "--name", "it-rp2")
	requireGone(t, "it-rp2")
	if r.code != 1 || !strings.Contains(r.stdout, "FAILED  forwarding") || strings.Contains(r.stdout, "passes 6/6") {
		t.Fatalf("replay without the step: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestSSHInterruptAndEscape: Ctrl-C of `dojo ssh NODE -- sleep 300`
// reaches the remote command as SIGINT (dojo exits 130 because the command
// ended that way) and leaves no remote process; `~.` disconnects an
// interactive session; a node without sshd gets a pointer to dojo console.
func TestSSHInterruptAndEscape(t *testing.T) {
	inst := "it-ssh"
	mustDojo(t, "up", "single-server", "--name", inst)
	defer func() {
		mustDojo(t, "down", inst, "--purge")
		requireGone(t, inst)
	}()
	node := inst + "/server"
	if r := dojo(t, "status", inst); !strings.Contains(r.stdout, "server") {
		t.Fatalf("status: %s %s", r.stdout, r.stderr)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "ssh", node, "--", "sleep 300")
	cmd.Env = env()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	running := func() string {
		return strings.TrimSpace(mustDojo(t, "ssh", "--no-record", node, "--", "pgrep -f 'slee[p] 300' || true").stdout)
	}
	for i := 0; running() == "" && i < 100; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if running() == "" {
		t.Fatal("the remote sleep never started")
	}
	start := time.Now()
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	ee, _ := err.(*exec.ExitError)
	if ee == nil || ee.ExitCode() != 130 {
		t.Fatalf("dojo ssh after SIGINT: %v (want exit 130)\n%s", err, errb.String())
	}
	t.Logf("dojo ssh ended %s after SIGINT", time.Since(start).Round(time.Millisecond))
	if pids := running(); pids != "" {
		t.Fatalf("remote sleep still running after Ctrl-C: %s", pids)
	}

	// A command that traps SIGINT and exits 0 makes dojo exit 0.
	cmd = exec.CommandContext(ctx, bin, "ssh", "--no-record", node, "--", "trap 'echo caught; exit 0' INT; sleep 300 & wait")
	cmd.Env = env()
	var outb bytes.Buffer
	cmd.Stdout = &outb
	cmd.Start()
	for i := 0; running() == "" && i < 100; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil || !strings.Contains(outb.String(), "caught") {
		t.Errorf("trapped SIGINT: %v, output %q", err, outb.String())
	}
	time.Sleep(200 * time.Millisecond)
	if pids := running(); pids != "" {
		t.Errorf("remote sleep still running: %s", pids)
	}

	// ~. disconnects an interactive session.
	s := startPTY(t, "ssh", "--no-record", node)
	s.waitFor("# ")
	s.typeSlowly("\r~.")
	if code := s.wait(); code != 255 {
		t.Errorf("~.: exit %d\n%s", code, s.out.String())
	}
	if !strings.Contains(s.out.String(), "Connection to server closed.") {
		t.Errorf("~.: %q", s.out.String())
	}

	// -t gives a command a terminal.
	if r := mustDojo(t, "ssh", "--no-record", "-t", node, "--", "test -t 0 && echo tty"); !strings.Contains(r.stdout, "tty") {
		t.Errorf("-t: %q", r.stdout)
	}

	// A node that stops answering (its management interface down) ends
	// the session with a message instead of hanging it.
	cmd = exec.CommandContext(ctx, bin, "ssh", "--no-record", node, "--", "sleep 300")
	cmd.Env = env()
	errb.Reset()
	cmd.Stderr = &errb
	cmd.Start()
	for i := 0; running() == "" && i < 100; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	mustDojo(t, "console", node, "--", "ip link set eth0 down")
	start = time.Now()
	err = cmd.Wait()
	took := time.Since(start)
	mustDojo(t, "console", node, "--", "ip link set eth0 up; pkill -f 'slee[p] 300'; true")
	ee, _ = err.(*exec.ExitError)
	if ee == nil || ee.ExitCode() != 3 || !strings.Contains(errb.String(), "stopped answering") || !strings.Contains(errb.String(), "dojo console "+node) || took > 15*time.Second {
		t.Errorf("node not answering: %v after %s\n%s", err, took, errb.String())
	}
	t.Logf("session ended %s after the node stopped answering", took.Round(time.Millisecond))
	for i := 0; i < 50; i++ {
		if r := dojo(t, "ssh", "--no-record", node, "--", "true"); r.code == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	// sshd stopped: a pointer to dojo console, which still works.
	mustDojo(t, "console", node, "--", "pkill -x sshd; true")
	r := dojo(t, "ssh", node, "--", "true")
	if r.code != 3 || !strings.Contains(r.stderr, "dojo console "+node) {
		t.Errorf("sshd down: exit %d: %s", r.code, r.stderr)
	}
	if r := dojo(t, "console", node, "--", "exit 7"); r.code != 7 {
		t.Errorf("console -- exit 7: exit %d %s", r.code, r.stderr)
	}
}
