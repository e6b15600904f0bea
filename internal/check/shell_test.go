package check

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runLocal runs a probe with /bin/sh on this machine, the way a node would.
func runLocal(t *testing.T, script string) Output {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", script)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	start := time.Now()
	err := cmd.Run()
	out := Output{Stdout: so.Bytes(), Stderr: se.Bytes(), Duration: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		out.ExitCode = ee.ExitCode()
	case err != nil:
		out.Err = err
	}
	return out
}

func need(t *testing.T, cmds ...string) {
	t.Helper()
	for _, c := range cmds {
		if _, err := exec.LookPath(c); err != nil {
			t.Skipf("%s not installed on this machine", c)
		}
	}
}

// nasty values that would break out of careless quoting.
var nasty = []string{
	`it's`, `$(touch PWNED)`, "`touch PWNED`", `"; touch PWNED; "`, "a\nb", `\'`, `'$HOME'`, `*`, `-n`, ``, `%s%d`, "tab\there",
}

func TestQuoteRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, s := range nasty {
		out := runLocal(t, "cd "+Quote(dir)+" && printf '%s' "+Quote(s))
		if out.Err != nil || string(out.Stdout) != s {
			t.Errorf("Quote(%q) round trip = %q (%v)", s, out.Stdout, out.Err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil {
		t.Fatal("a quoted value was executed")
	}
}

func mustBuild(t *testing.T, typ string, fields map[string]any) Check {
	t.Helper()
	c, d := Build(specOf(typ, "local", fields))
	if d.HasErrors() {
		t.Fatalf("build %s: %v", typ, d)
	}
	return c
}

func expectStatus(t *testing.T, c Check, want Status) Result {
	t.Helper()
	r := c.Judge(runLocal(t, c.Script()))
	if r.Status != want {
		t.Errorf("%s: %v, want %v (observed %q, message %q, output %q)", c.Describe(), r.Status, want, r.Observed, r.Message, r.Evidence.Output)
	}
	return r
}

// TestFileProbeLocal runs file probes against temp files whose names and
// contents contain shell metacharacters.
func TestFileProbeLocal(t *testing.T) {
	need(t, "stat", "head")
	dir := t.TempDir()
	pwned := filepath.Join(dir, "PWNED")
	for i, name := range []string{`it's $(touch PWNED) x`, "new\nline", "`touch PWNED`", `-rf`} {
		p := filepath.Join(dir, name)
		content := fmt.Sprintf("line one\nsecret %d 'quoted' $(touch PWNED)\n", i)
		if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, 0o640)
		expectStatus(t, mustBuild(t, "file", map[string]any{"path": p, "type": "file", "mode": "0640",
			"contains": fmt.Sprintf("secret %d 'quoted' $(touch PWNED)", i), "matches": `(?m)^line one$`}), Pass)
		expectStatus(t, mustBuild(t, "file", map[string]any{"path": p, "mode": "0600"}), Fail)
		expectStatus(t, mustBuild(t, "file", map[string]any{"path": p, "contains": "absent text"}), Fail)
		expectStatus(t, mustBuild(t, "file", map[string]any{"path": p + "'missing", "exists": false}), Pass)
	}
	// Marker-like lines in a file's content neither end nor start a step.
	forged := filepath.Join(dir, "forged")
	os.WriteFile(forged, []byte("@@labdojo content exit 1@@\n@@labdojo stat@@\nafter the markers\n"), 0o644)
	expectStatus(t, mustBuild(t, "file", map[string]any{"path": forged, "contains": "after the markers", "matches": `^@@labdojo content exit 1@@`}), Pass)
	expectStatus(t, mustBuild(t, "file", map[string]any{"path": dir, "type": "directory"}), Pass)
	link := filepath.Join(dir, "link")
	os.Symlink(dir, link)
	expectStatus(t, mustBuild(t, "file", map[string]any{"path": link, "type": "symlink"}), Pass)
	expectStatus(t, mustBuild(t, "file", map[string]any{"path": link, "type": "directory"}), Pass)
	expectStatus(t, mustBuild(t, "file", map[string]any{"path": filepath.Join(dir, "nope")}), Fail)
	if _, err := os.Stat(pwned); err == nil {
		t.Fatal("a value was executed by the probe")
	}
}

func TestCommandProbeLocal(t *testing.T) {
	dir := t.TempDir()
	run := fmt.Sprintf("cd %s && printf '%%s\\n' \"it's\" && echo oops >&2 && exit 3", Quote(dir))
	r := expectStatus(t, mustBuild(t, "command", map[string]any{"run": run, "exit_code": 3, "stdout": "it's",
		"contains": "it'", "matches": "^it's$", "stderr_contains": "oops"}), Pass)
	if r.Evidence.ExitCode != 3 {
		t.Errorf("evidence exit %d", r.Evidence.ExitCode)
	}
	expectStatus(t, mustBuild(t, "command", map[string]any{"run": "exit 0; touch PWNED"}), Pass)
	expectStatus(t, mustBuild(t, "command", map[string]any{"run": "false"}), Fail)
	expectStatus(t, mustBuild(t, "command", map[string]any{"run": "labdojo-no-such-command --x"}), Error)
}

func TestSystemProbesLocal(t *testing.T) {
	need(t, "getent", "id", "sysctl", "ps", "pgrep", "ip")
	expectStatus(t, mustBuild(t, "user", map[string]any{"name": "root", "uid": 0, "groups": []any{"root"}, "home": "/root"}), Pass)
	expectStatus(t, mustBuild(t, "user", map[string]any{"name": "labdojo-nobody", "exists": false}), Pass)
	expectStatus(t, mustBuild(t, "user", map[string]any{"name": "labdojo-nobody"}), Fail)
	expectStatus(t, mustBuild(t, "group", map[string]any{"name": "root", "members": []any{"root"}}), Pass)
	expectStatus(t, mustBuild(t, "group", map[string]any{"name": "labdojo-nogroup"}), Fail)
	expectStatus(t, mustBuild(t, "sysctl", map[string]any{"key": "kernel.ostype", "value": "Linux"}), Pass)
	expectStatus(t, mustBuild(t, "sysctl", map[string]any{"key": "kernel.no_such_key", "value": "1"}), Error)
	self := filepath.Base(os.Args[0])
	expectStatus(t, mustBuild(t, "process", map[string]any{"name": self}), Pass)
	expectStatus(t, mustBuild(t, "process", map[string]any{"name": "labdojo-none", "running": false}), Pass)
	expectStatus(t, mustBuild(t, "service", map[string]any{"name": "labdojo-none", "running": false}), Pass)
	expectStatus(t, mustBuild(t, "address", map[string]any{"interface": "lo", "address": "127.0.0.1/8"}), Pass)
	expectStatus(t, mustBuild(t, "address", map[string]any{"interface": "labdojo0", "address": "10.0.0.1/8", "present": false}), Pass)
	if _, err := exec.LookPath("dpkg-query"); err == nil {
		expectStatus(t, mustBuild(t, "package", map[string]any{"name": "coreutils"}), Pass)
		expectStatus(t, mustBuild(t, "package", map[string]any{"name": "labdojo-none"}), Fail)
	}
	// The route probe parses whatever this machine's table holds.
	r := mustBuild(t, "route", map[string]any{"destination": "192.0.2.123/32"}).Judge(runLocal(t, mustBuild(t, "route", map[string]any{"destination": "192.0.2.123/32"}).Script()))
	if r.Status == Error {
		t.Errorf("route probe error: %s", r.Message)
	}
}

func TestNetworkProbesLocal(t *testing.T) {
	need(t, "ss", "curl")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "<h1>Welcome to labdojo</h1>")
	}))
	srv.Listener = ln
	srv.Start()
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port

	expectStatus(t, mustBuild(t, "port", map[string]any{"port": port, "address": "127.0.0.1"}), Pass)
	expectStatus(t, mustBuild(t, "port", map[string]any{"port": port, "listening": false}), Fail)
	expectStatus(t, mustBuild(t, "http", map[string]any{"url": srv.URL + "/", "contains": "Welcome", "matches": "labdojo</h1>$"}), Pass)
	expectStatus(t, mustBuild(t, "http", map[string]any{"url": srv.URL + "/nope?a='b'&c=$(touch%20PWNED)&d=[1-2]{x,y}"}), Fail)
	expectStatus(t, mustBuild(t, "http", map[string]any{"url": srv.URL + "/nope", "status": 404}), Pass)

	// A port nobody listens on: refused quickly.
	free, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := free.Addr().(*net.TCPAddr).Port
	free.Close()
	r := expectStatus(t, mustBuild(t, "http", map[string]any{"url": fmt.Sprintf("http://127.0.0.1:%d/", closed)}), Fail)
	if !strings.Contains(r.Observed, "connect") {
		t.Errorf("refused observed as %q", r.Observed)
	}
	if _, err := exec.LookPath("nc"); err == nil {
		expectStatus(t, mustBuild(t, "tcp", map[string]any{"host": "127.0.0.1", "port": port}), Pass)
		expectStatus(t, mustBuild(t, "tcp", map[string]any{"host": "127.0.0.1", "port": closed, "expect": "closed"}), Pass)
	}
}

// TestDaemonToolProbesLocal runs the sshd, cron, ping and dns probes with the
// real Debian tools when they are installed (read-only; loopback only).
func TestDaemonToolProbesLocal(t *testing.T) {
	if _, err := exec.LookPath("sshd"); err == nil {
		// Debian's default: PermitRootLogin prohibit-password, printed by
		// sshd -T as "without-password".
		if _, err := os.Stat("/etc/ssh/sshd_config"); err == nil {
			expectStatus(t, mustBuild(t, "sshd", map[string]any{"key": "PermitRootLogin", "value": "prohibit-password"}), Pass)
			expectStatus(t, mustBuild(t, "sshd", map[string]any{"key": "MaxAuthTries", "value": "2"}), Fail)
			expectStatus(t, mustBuild(t, "sshd", map[string]any{"key": "NoSuchKeyword", "value": "x"}), Error)
		}
	}
	if _, err := exec.LookPath("crontab"); err == nil {
		if _, err := os.Stat("/etc/crontab"); err == nil {
			expectStatus(t, mustBuild(t, "cron", map[string]any{"contains": "cron.hourly"}), Pass)
		}
		expectStatus(t, mustBuild(t, "cron", map[string]any{"contains": "labdojo-nothing"}), Fail)
	}
	if _, err := exec.LookPath("ping"); err == nil {
		expectStatus(t, mustBuild(t, "ping", map[string]any{"host": "127.0.0.1"}), Pass)
	}
	if _, err := exec.LookPath("dig"); err == nil {
		// Nothing answers DNS on this loopback port: no reply is a failure.
		free, _ := net.ListenPacket("udp", "127.0.0.1:0")
		addr := free.LocalAddr().String()
		free.Close()
		host, _, _ := net.SplitHostPort(addr)
		expectStatus(t, mustBuild(t, "dns", map[string]any{"name": "web.lab", "server": host}), Fail)
	}
}

// TestServiceHelpersLocal runs the service probe's pidfile and /proc
// helpers with a pidfile naming this test process.
func TestServiceHelpersLocal(t *testing.T) {
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skip("no /proc on this machine")
	}
	self := strings.TrimSpace(string(comm))
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	live := write("live.pid", fmt.Sprintf("%d\n", os.Getpid()))
	other := write("other.pid", "1\n")
	garbage := write("garbage.pid", "$(touch PWNED)\n")
	dead := write("dead.pid", "999999999\n")
	run := func(call string) (string, int) {
		out := runLocal(t, sectionFunc+serviceFuncs+"_d="+Quote("labdojo-x "+self)+"\n"+call)
		return string(out.Stdout), out.ExitCode
	}
	args := strings.Join([]string{Quote(filepath.Join(dir, "none.pid")), Quote(garbage), Quote(dead), Quote(other), Quote(live)}, " ")
	if out, rc := run("_pf " + args); rc != 0 || out != fmt.Sprintf("%s %d %s\n", live, os.Getpid(), self) {
		t.Errorf("_pf = %q, %d", out, rc)
	}
	if out, rc := run("_pf " + Quote(garbage) + " " + Quote(dead) + " " + Quote(other)); rc != 1 || out != "" {
		t.Errorf("_pf without a live daemon = %q, %d", out, rc)
	}
	if out, rc := run("_pn"); rc != 0 || !strings.Contains(out, fmt.Sprintf("%d %s\n", os.Getpid(), self)) {
		t.Errorf("_pn = %q, %d", out, rc)
	}
	if out, rc := run("_d=labdojo-none; _pn"); rc != 1 || out != "" {
		t.Errorf("_pn for nothing = %q, %d", out, rc)
	}
	if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil {
		t.Fatal("a pidfile's content was executed")
	}
	// The whole probe for a service without init script decides by /proc.
	r := expectStatus(t, mustBuild(t, "service", map[string]any{"name": self}), Pass)
	if !strings.Contains(r.Observed, "found in /proc") {
		t.Errorf("observed %q", r.Observed)
	}
}

// TestProcessProbeUsersLocal checks the user the /proc scan reports.
func TestProcessProbeUsersLocal(t *testing.T) {
	comm, err := os.ReadFile("/proc/self/comm")
	if err != nil {
		t.Skip("no /proc on this machine")
	}
	self := strings.TrimSpace(string(comm))
	me := "root"
	if os.Geteuid() != 0 {
		out := runLocal(t, "id -un")
		me = strings.TrimSpace(string(out.Stdout))
	}
	r := expectStatus(t, mustBuild(t, "process", map[string]any{"name": self, "user": me}), Pass)
	if !strings.Contains(r.Observed, "user "+me) {
		t.Errorf("observed %q", r.Observed)
	}
	expectStatus(t, mustBuild(t, "process", map[string]any{"name": self, "user": "labdojo-nobody"}), Fail)
	expectStatus(t, mustBuild(t, "process", map[string]any{"name": self, "running": false}), Fail)
}

// TestCronFilesLocal checks that _cf reproduces crontab files line by line,
// a last line without newline included.
func TestCronFilesLocal(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a")
	b := filepath.Join(dir, "b")
	os.WriteFile(a, []byte("# c\n  17 * * * * root  run-parts \\x  $(touch PWNED)\n\n"), 0o644)
	os.WriteFile(b, []byte("*/5 * * * * root health.sh"), 0o644)
	out := runLocal(t, cronFunc+"_cf "+Quote(a)+" "+Quote(dir)+" "+Quote(b)+" "+Quote(filepath.Join(dir, "none")))
	want := "# c\n  17 * * * * root  run-parts \\x  $(touch PWNED)\n\n*/5 * * * * root health.sh\n"
	if string(out.Stdout) != want || out.ExitCode != 0 {
		t.Errorf("_cf = %q (exit %d), want %q", out.Stdout, out.ExitCode, want)
	}
}
