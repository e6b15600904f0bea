package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/runtime"
)

// checkDoc is the part of the labdojo.check/v1 document the tests read.
type checkDoc struct {
	Schema   string `json:"schema"`
	Passed   bool   `json:"passed"`
	Score    int    `json:"score"`
	MaxScore int    `json:"max_score"`
	Summary  struct {
		Total, Passed, Failed, Error, Skipped int
	} `json:"summary"`
	Goals []struct {
		Name        string `json:"name"`
		Status      string `json:"status"`
		Awarded     int    `json:"awarded"`
		HintPenalty int    `json:"hint_penalty"`
		Reason      string `json:"reason"`
		Attempts    int    `json:"attempts"`
		Checks      []struct {
			Node, Type, Status, Expected, Observed, Message string
		} `json:"checks"`
	} `json:"goals"`
}

func checkJSON(t *testing.T, args ...string) (checkDoc, int) {
	t.Helper()
	return checkJSONOn(t, mainEngine(t), args...)
}

// checkJSONOn is checkJSON on engine e.
func checkJSONOn(t *testing.T, e *engineUnderTest, args ...string) (checkDoc, int) {
	t.Helper()
	r := e.run(t, append([]string{"check", "--format", "json"}, args...)...)
	var d checkDoc
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatalf("check json (exit %d): %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if d.Schema != "labdojo.check/v1" {
		t.Errorf("schema %q", d.Schema)
	}
	return d, r.code
}

func (d checkDoc) status() map[string]string {
	m := map[string]string{}
	for _, g := range d.Goals {
		m[g.Name] = g.Status
	}
	return m
}

// TestBundledScenarios: a fresh start fails the goals it should, solve
// makes every goal pass, down cleans up.
func TestBundledScenarios(t *testing.T) {
	cases := map[string]map[string]string{
		"static-routing": {
			"forwarding": "failed", "web-serves": "failed", "client-pings-web": "skipped",
			"client-reaches-web": "skipped", "client-routes": "passed", "no-telnet": "skipped",
		},
		"first-server": {
			"deploy-user": "failed", "deploy-ssh-dir": "skipped", "ssh-hardening": "failed",
			"web": "failed", "backup-cron": "failed", "motd": "failed",
		},
	}
	for name, fresh := range cases {
		t.Run(name, func(t *testing.T) {
			inst := "it-" + name
			r := mustDojo(t, "start", name, "--name", inst)
			defer func() {
				mustDojo(t, "down", inst, "--purge")
				requireGone(t, inst)
			}()
			if !strings.Contains(r.stdout, "dojo check") {
				t.Errorf("start shows no brief:\n%s", r.stdout)
			}
			d, code := checkJSON(t, inst)
			if code != 1 || d.Passed {
				t.Errorf("fresh scenario: exit %d passed %v", code, d.Passed)
			}
			got := d.status()
			for g, want := range fresh {
				if got[g] != want {
					t.Errorf("fresh: goal %s = %s, want %s", g, got[g], want)
				}
			}
			// Starting again changes nothing and does not rerun setup.
			mustDojo(t, "start", name, "--name", inst)
			// A learner's `check --watch` ends by itself once the work is done.
			watch := exec.Command(bin, "check", inst, "--watch=1s")
			watch.Env = env()
			var wout bytes.Buffer
			watch.Stdout, watch.Stderr = &wout, &wout
			if err := watch.Start(); err != nil {
				t.Fatal(err)
			}
			mustDojo(t, "solve", inst, "--yes")
			wdone := make(chan error, 1)
			go func() { wdone <- watch.Wait() }()
			select {
			case err := <-wdone:
				if err != nil || !strings.Contains(wout.String(), "Every goal passes") {
					t.Errorf("check --watch: %v\n%s", err, wout.String())
				}
			case <-time.After(60 * time.Second):
				_ = watch.Process.Kill()
				t.Errorf("check --watch did not end after solve:\n%s", wout.String())
			}
			d, code = checkJSON(t, inst)
			if code != 0 || !d.Passed || d.Summary.Passed != len(d.Goals) {
				t.Errorf("after solve: exit %d, %+v", code, d.status())
			}
			hist, err := os.ReadFile(filepath.Join(stateDir, "instances", inst, "history.jsonl"))
			// One line per graded run: the fresh check, the --watch rounds,
			// the final check.
			lines := strings.Split(strings.TrimSpace(string(hist)), "\n")
			if err != nil || len(lines) < 3 || !strings.Contains(lines[0], `"passed":false`) || !strings.Contains(lines[len(lines)-1], `"passed":true`) {
				t.Errorf("history: %v %q", err, hist)
			}
		})
	}
}

const checkLab = `lab "checks" {}

network "lan" {
  subnet = "10.9.0.0/24"
}

node "a" {
  interface "lan" {
    address = "10.9.0.1/24"
  }
  route {
    destination = "10.99.0.0/24"
    via         = "10.9.0.2"
  }
}

node "b" {
  interface "lan" {
    address = "10.9.0.2/24"
  }
  file "/var/www/html/index.html" {
    content = "hi from b\n"
  }
}
`

const checkScenario = `scenario "checks" {
  title   = "Every check type, passing and failing"
  lab     = "lab.hcl"
  track   = "server"
  brief   = "Integration test."
  hint_cost = 2
}

setup "b" {
  script = <<-EOT
    service nginx start
    dnsmasq --port=53 --no-resolv --no-hosts --address=/app.lab/10.9.0.50 --listen-address=10.9.0.2 --bind-interfaces
    groupadd -f ops
    echo "0 3 * * * /usr/local/bin/backup.sh" | crontab -
  EOT
}

goal "command-pass" {
  hints = ["Look at echo.", "Run echo hello."]
  check "command" {
    on       = "a"
    run      = "echo hello; echo warn >&2"
    contains = "hello"
    stderr_contains = "warn"
  }
}
goal "command-fail" {
  check "command" {
    on  = "a"
    run = "false"
  }
}
goal "file-pass" {
  check "file" {
    on    = "b"
    path  = "/var/www/html/index.html"
    type  = "file"
    mode  = "0644"
    owner = "root"
    contains = "hi from b"
  }
  check "file" {
    on     = "a"
    path   = "/nonexistent"
    exists = false
  }
}
goal "file-fail" {
  check "file" {
    on   = "b"
    path = "/var/www/html/index.html"
    mode = "0600"
  }
}
goal "package-pass" {
  check "package" {
    on   = "a"
    name = "openssh-server"
  }
  check "package" {
    on        = "a"
    name      = "apache2"
    installed = false
  }
}
goal "package-fail" {
  check "package" {
    on   = "a"
    name = "apache2"
  }
}
goal "service-pass" {
  check "service" {
    on   = "b"
    name = "nginx"
  }
  check "service" {
    on      = "a"
    name    = "nginx"
    running = false
  }
}
goal "service-fail" {
  check "service" {
    on   = "a"
    name = "nginx"
  }
}
goal "process-pass" {
  check "process" {
    on   = "a"
    name = "sshd"
    user = "root"
  }
}
goal "process-fail" {
  check "process" {
    on   = "a"
    name = "apache2"
  }
}
goal "port-pass" {
  check "port" {
    on   = "b"
    port = 80
  }
  check "port" {
    on       = "b"
    port     = 53
    protocol = "udp"
    address  = "10.9.0.2"
  }
}
goal "port-fail" {
  check "port" {
    on   = "a"
    port = 80
  }
}
goal "user-pass" {
  check "user" {
    on   = "a"
    name = "root"
    uid  = 0
    home = "/root"
  }
  check "user" {
    on     = "a"
    name   = "alice"
    exists = false
  }
}
goal "user-fail" {
  check "user" {
    on   = "a"
    name = "alice"
  }
}
goal "group-pass" {
  check "group" {
    on   = "b"
    name = "ops"
  }
}
goal "group-fail" {
  check "group" {
    on      = "b"
    name    = "ops"
    members = ["nobody"]
  }
}
goal "sysctl-pass" {
  check "sysctl" {
    on    = "a"
    key   = "net.ipv4.ip_forward"
    value = "0"
  }
}
goal "sysctl-fail" {
  check "sysctl" {
    on    = "a"
    key   = "net.ipv4.ip_forward"
    value = "1"
  }
}
goal "sshd-pass" {
  check "sshd" {
    on    = "a"
    key   = "PermitRootLogin"
    value = "prohibit-password"
  }
}
goal "sshd-fail" {
  check "sshd" {
    on    = "a"
    key   = "PasswordAuthentication"
    value = "no"
  }
}
goal "http-pass" {
  check "http" {
    on       = "a"
    url      = "http://10.9.0.2/"
    contains = "hi from b"
  }
}
goal "http-fail" {
  check "http" {
    on       = "a"
    url      = "http://10.9.0.2/"
    contains = "nope"
  }
}
goal "tcp-pass" {
  check "tcp" {
    on   = "a"
    host = "10.9.0.2"
    port = 80
  }
  check "tcp" {
    on     = "a"
    host   = "10.9.0.2"
    port   = 23
    expect = "closed"
  }
}
goal "tcp-fail" {
  check "tcp" {
    on   = "a"
    host = "10.9.0.2"
    port = 23
  }
}
goal "ping-pass" {
  check "ping" {
    on   = "a"
    host = "10.9.0.2"
  }
  check "ping" {
    on     = "a"
    host   = "10.9.0.99"
    expect = "unreachable"
  }
}
goal "ping-fail" {
  check "ping" {
    on   = "a"
    host = "10.9.0.99"
  }
}
goal "dns-pass" {
  check "dns" {
    on      = "a"
    name    = "app.lab"
    address = "10.9.0.50"
    server  = "10.9.0.2"
  }
}
goal "dns-fail" {
  check "dns" {
    on      = "a"
    name    = "app.lab"
    address = "10.9.0.51"
    server  = "10.9.0.2"
  }
}
goal "route-pass" {
  check "route" {
    on          = "a"
    destination = "10.99.0.0/24"
    via         = "10.9.0.2"
    dev         = "eth1"
  }
}
goal "route-fail" {
  check "route" {
    on          = "a"
    destination = "default"
  }
}
goal "address-pass" {
  check "address" {
    on        = "a"
    interface = "eth1"
    address   = "10.9.0.1/24"
  }
}
goal "address-fail" {
  check "address" {
    on        = "a"
    interface = "eth1"
    address   = "10.9.0.1/24"
    present   = false
  }
}
goal "cron-pass" {
  check "cron" {
    on       = "b"
    contains = "backup.sh"
  }
}
goal "cron-fail" {
  check "cron" {
    on       = "b"
    contains = "nothing-here"
  }
}
goal "late-service" {
  within = "20s"
  check "process" {
    on   = "b"
    name = "python3"
  }
  check "port" {
    on   = "b"
    port = 8080
  }
}
`

// TestCheckTypes sees every check type pass and fail on real nodes,
// negative expectations included, `within` waiting for a service that
// starts after the run began, and an unreachable node turning into errors.
func TestCheckTypes(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{"lab.hcl": checkLab, "scenario.hcl": checkScenario} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mustDojo(t, "validate", dir)
	mustDojo(t, "start", dir, "--name", "it-checks")
	defer func() {
		mustDojo(t, "down", "it-checks", "--purge")
		requireGone(t, "it-checks")
	}()
	// A service whose process runs at once but which opens its port three
	// seconds later: half done, so `within` waits for it.
	mustDojo(t, "ssh", "it-checks/b", "--", `nohup python3 -c 'import os, time; time.sleep(3); os.execvp("python3", ["python3", "-m", "http.server", "8080"])' >/dev/null 2>&1 &`)
	d, code := checkJSON(t, "it-checks")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	types := map[string]bool{}
	for _, g := range d.Goals {
		want := "passed"
		if strings.HasSuffix(g.Name, "-fail") {
			want = "failed"
		}
		if g.Status != want {
			t.Errorf("goal %s: %s, want %s (%s) %+v", g.Name, g.Status, want, g.Reason, g.Checks)
		}
		for _, c := range g.Checks {
			types[c.Type] = true
		}
		if g.Name == "late-service" && g.Attempts < 2 {
			t.Errorf("late-service passed after %d attempt(s); want retries", g.Attempts)
		}
	}
	if len(types) != 17 {
		t.Errorf("saw %d check types, want 17: %v", len(types), types)
	}

	t.Run("hints-cost-points", func(t *testing.T) {
		if r := mustDojo(t, "hint", "command-pass", "--name", "it-checks"); !strings.Contains(r.stdout, "Hint 1/2") || !strings.Contains(r.stdout, "Look at echo.") {
			t.Errorf("first hint: %q", r.stdout)
		}
		if r := mustDojo(t, "hint", "command-pass", "--name", "it-checks"); !strings.Contains(r.stdout, "Hint 2/2") {
			t.Errorf("second hint: %q", r.stdout)
		}
		if r := mustDojo(t, "hint", "command-pass", "--name", "it-checks"); !strings.Contains(r.stdout, "All 2 hints") {
			t.Errorf("third hint: %q", r.stdout)
		}
		if r := dojo(t, "hint", "no-such-goal", "--name", "it-checks"); r.code != 2 || !strings.Contains(r.stderr, "command-pass") {
			t.Errorf("unknown goal: %d %s", r.code, r.stderr)
		}
		d, _ := checkJSON(t, "it-checks")
		for _, g := range d.Goals {
			if g.Name == "command-pass" && (g.HintPenalty != 4 || g.Awarded != 6) {
				t.Errorf("command-pass after two hints: penalty %d awarded %d, want 4 and 6", g.HintPenalty, g.Awarded)
			}
		}
	})

	t.Run("junit-and-tap", func(t *testing.T) {
		r := dojo(t, "check", "it-checks", "--format", "junit")
		// Well-formed here; xmllint and the JUnit XSD judge the same
		// output in node containers (internal/report, consumers_test.go).
		dec := xml.NewDecoder(strings.NewReader(r.stdout))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("junit is not well-formed XML: %v\n%s", err, r.stdout)
			}
		}
		if n := strings.Count(r.stdout, "<testcase"); n != len(d.Goals) {
			t.Errorf("junit has %d testcases, want %d", n, len(d.Goals))
		}
		tap := dojo(t, "check", "it-checks", "--format", "tap").stdout
		if !strings.HasPrefix(tap, "TAP version 13\n1..") || !strings.Contains(tap, "not ok") {
			t.Errorf("tap:\n%s", tap)
		}
	})

	t.Run("sshd-stopped-gives-errors", func(t *testing.T) {
		ctx := context.Background()
		// Stopping the listener alone leaves established connections
		// (the connection keeper's) serving, as OpenSSH's
		// ControlPersist would: end them too, as a crashed sshd would.
		res, err := rt.Exec(ctx, engine.ContainerName("it-checks", "b"), runtime.ExecSpec{Cmd: []string{"sh", "-c", "service ssh stop; pkill -x sshd; true"}})
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("stopping sshd: %v %d", err, res.ExitCode)
		}
		defer rt.Exec(ctx, engine.ContainerName("it-checks", "b"), runtime.ExecSpec{Cmd: []string{"sh", "-c", "service ssh start"}})
		d, code := checkJSON(t, "it-checks")
		if code != 1 {
			t.Errorf("exit %d", code)
		}
		st := d.status()
		for _, g := range []string{"file-fail", "service-pass", "port-pass", "cron-pass", "group-pass"} {
			if st[g] != "error" {
				t.Errorf("goal %s on the unreachable node: %s, want error", g, st[g])
			}
		}
		for _, g := range []string{"command-pass", "http-pass", "sysctl-pass"} {
			if st[g] != "passed" {
				t.Errorf("goal %s on the reachable node: %s", g, st[g])
			}
		}
		// The text format names the node, says sshd refuses, and how to
		// reach the node anyway; in Japanese too.
		r := dojo(t, "check", "it-checks")
		if r.code != 1 || !strings.Contains(r.stdout, `node "b" refused the SSH connection: its sshd is not running`) {
			t.Errorf("text check with sshd stopped: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
		r = dojo(t, "check", "it-checks", "--lang", "ja")
		if r.code != 1 || !strings.Contains(r.stdout, `ノード "b" への SSH 接続が拒否されました`) {
			t.Errorf("text check with sshd stopped: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
		}
	})
}
