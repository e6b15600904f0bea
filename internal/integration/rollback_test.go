package integration

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestFailedUpRollsBack(t *testing.T) {
	cases := []struct {
		name, lab, want string
	}{
		{"image-missing", `lab "broken" {}
network "lan" { subnet = "10.9.0.0/24" }
node "good" {
  interface "lan" {
    address = "10.9.0.1/24"
  }
}
node "bad" {
  image = "labdojo/does-not-exist:1"
  interface "lan" {
    address = "10.9.0.2/24"
  }
}
`, `node "bad"`},
		{"init-exits", `lab "broken" {}
network "lan" { subnet = "10.9.0.0/24" }
node "good" {
  interface "lan" {
    address = "10.9.0.1/24"
  }
}
node "bad" {
  interface "lan" {
    address = "10.9.0.2/24"
  }
  file "/usr/local/sbin/dojo-init" {
    content = "#!/bin/sh\necho broken-init-for-test >&2\nexit 3\n"
    mode    = "0755"
  }
}
`, "broken-init-for-test"},
		{"exec-fails", `lab "broken" {}
network "lan" { subnet = "10.9.0.0/24" }
node "good" {
  interface "lan" {
    address = "10.9.0.1/24"
  }
}
node "bad" {
  interface "lan" {
    address = "10.9.0.2/24"
  }
  exec = ["echo exec-output-for-test; false"]
}
`, "exec-output-for-test"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			inst := "it-fail-" + tc.name
			r := dojo(t, "up", writeLab(t, tc.lab), "--name", inst)
			if r.code != 1 || !strings.Contains(r.stderr, `node "bad"`) || !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "removed everything") {
				t.Errorf("code %d, stderr:\n%s", r.code, r.stderr)
			}
			requireGone(t, inst)
		})
	}
}

// TestInterruptFirstUp sends SIGINT to `dojo up` at several points of a
// first bring-up; each time nothing may be left behind, within 20 s.
func TestInterruptFirstUp(t *testing.T) {
	for _, delay := range []time.Duration{150 * time.Millisecond, 600 * time.Millisecond, 1200 * time.Millisecond, 2 * time.Second} {
		t.Run(delay.String(), func(t *testing.T) {
			inst := "it-int"
			cmd := exec.Command(bin, "up", "two-subnets", "--name", inst)
			cmd.Env = env()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(delay)
			sent := time.Now()
			_ = cmd.Process.Signal(syscall.SIGINT)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("dojo up did not exit within 30 s of SIGINT:\n%s", stderr.String())
			}
			if took := time.Since(sent); took > 20*time.Second {
				t.Errorf("rollback took %s", took)
			}
			if cmd.ProcessState.ExitCode() == 0 {
				// The bring-up finished before the signal arrived: fine, but
				// then it must be a complete instance; remove it.
				t.Logf("up completed before SIGINT at %s", delay)
				mustDojo(t, "down", inst, "--purge")
			}
			requireGone(t, inst)
		})
	}
}

// TestInterruptOtherCommands: Ctrl-C during status or ssh never removes
// the instance.
func TestInterruptOtherCommands(t *testing.T) {
	mustDojo(t, "up", "single-server", "--name", "it-keep")
	defer func() {
		mustDojo(t, "down", "it-keep", "--purge")
		requireGone(t, "it-keep")
	}()
	for _, args := range [][]string{
		{"ssh", "it-keep/server", "--", "sleep 30"},
		{"status", "it-keep"},
		{"up", "single-server", "--name", "it-keep"},
	} {
		cmd := exec.Command(bin, args...)
		cmd.Env = env()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(700 * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGINT)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			t.Errorf("%v did not exit after SIGINT", args)
		}
		cancel()
		c, n := labelled(t, "it-keep")
		if c != 1 || n != 2 {
			t.Fatalf("after SIGINT to %v: %d containers, %d networks", args, c, n)
		}
		st := statusJSON(t, "it-keep")
		if st.Nodes[0].State != "running" || st.Nodes[0].SSH != "ok" {
			t.Fatalf("after SIGINT to %v: %+v", args, st.Nodes[0])
		}
	}
}
