package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
)

// isolated returns the command prefix that runs a program in a fresh
// network namespace holding only a loopback that is down: neither the
// nodes' management addresses nor anything else is routable from there,
// as on Docker Desktop, while the engine's unix socket (a file) still
// answers. It uses util-linux unshare (as root, or with a user namespace).
func isolated(t testing.TB) []string {
	t.Helper()
	prefix := []string{"unshare", "--net"}
	if os.Geteuid() != 0 {
		prefix = []string{"unshare", "--map-root-user", "--net"}
	}
	out, err := exec.Command(prefix[0], append(prefix[1:], "sh", "-c", "cat /proc/net/route | wc -l")...).CombinedOutput()
	if err != nil {
		// The fresh-machine contract needs only Go and Docker; a kernel or
		// sandbox without network namespaces cannot simulate Docker Desktop.
		t.Skipf("cannot create a network namespace here (%v: %s); the exec transport's namespace test needs unshare", err, out)
	}
	if n := strings.TrimSpace(string(out)); n != "0" && n != "1" { // at most the header: no routes
		t.Fatalf("the isolated namespace has routes:\n%s", out)
	}
	return prefix
}

// nsDojo runs dojo inside the isolated namespace.
func nsDojo(t *testing.T, prefix []string, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, prefix[0], append(append(prefix[1:], bin), args...)...)
	cmd.Dir = t.TempDir()
	cmd.Env = env()
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("dojo %v: %v", args, err)
	}
	return result{o.String(), e.String(), code}
}

func mustNS(t *testing.T, prefix []string, args ...string) result {
	t.Helper()
	r := nsDojo(t, prefix, "", args...)
	if r.code != 0 {
		t.Fatalf("(isolated) dojo %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// TestExecTransport runs the learner's whole path from a network namespace
// with no route to any node: start of a bundled scenario (up, setup), check,
// ssh, ssh-config with the real OpenSSH client, solve, status and down, all
// through SSH over the engine's exec stream, chosen automatically. Then a
// node's host key is swapped and both dojo and OpenSSH must refuse it.
func TestExecTransport(t *testing.T) {
	prefix := isolated(t)
	const inst = "it-exec"
	r := mustNS(t, prefix, "start", "static-routing", "--name", inst)
	defer func() {
		mustNS(t, prefix, "down", inst, "--purge")
		requireGone(t, inst)
	}()
	if !strings.Contains(r.stdout, "dojo check") {
		t.Errorf("start shows no brief:\n%s", r.stdout)
	}

	// Forcing direct from here fails, saying why.
	if r := nsDojo(t, prefix, "", "--transport", "direct", "ssh", inst+"/router", "--", "true"); r.code == 0 || !strings.Contains(r.stderr, "unreachable") {
		t.Errorf("direct from an isolated namespace: exit %d, stderr %q", r.code, r.stderr)
	}

	// Status: every node answers, over exec.
	var st struct{ Instances []engine.InstanceStatus }
	if err := json.Unmarshal([]byte(mustNS(t, prefix, "status", inst, "--format", "json").stdout), &st); err != nil || len(st.Instances) != 1 {
		t.Fatalf("status json: %v %+v", err, st)
	}
	if got := st.Instances[0]; got.Transport != "exec" || got.Engine == "" {
		t.Errorf("status: engine %q transport %q, want exec", got.Engine, got.Transport)
	}
	for _, n := range st.Instances[0].Nodes {
		if n.SSH != "ok" {
			t.Errorf("status: node %s ssh %q", n.Name, n.SSH)
		}
	}

	// Grading over exec, before and after the reference solution.
	if r := nsDojo(t, prefix, "", "check", inst, "--format", "json"); r.code != 1 || !strings.Contains(r.stdout, `"forwarding"`) {
		t.Errorf("fresh check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mustNS(t, prefix, "solve", inst, "--yes")
	if r := nsDojo(t, prefix, "", "check", inst); r.code != 0 {
		t.Errorf("check after solve: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// dojo ssh: a command, its status and stdin.
	r = nsDojo(t, prefix, "ping-from-stdin\n", "ssh", inst+"/router", "--", "cat; hostname; exit 7")
	if r.code != 7 || !strings.Contains(r.stdout, "ping-from-stdin\nrouter") {
		t.Errorf("ssh over exec: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}

	// The real OpenSSH client through the written ProxyCommand, also run
	// from the isolated namespace.
	cfg := filepath.Join(t.TempDir(), "ssh_config")
	sc := mustNS(t, prefix, "ssh-config", inst)
	if !strings.Contains(sc.stdout, "ProxyCommand "+bin+" proxy "+inst+" router") {
		t.Fatalf("ssh-config over exec has no ProxyCommand:\n%s", sc.stdout)
	}
	if err := os.WriteFile(cfg, []byte(sc.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	sshBin, sshErr := exec.LookPath("ssh")
	runSSH := func(args ...string) (string, error) {
		cmd := exec.Command(prefix[0], append(append(prefix[1:], sshBin, "-F", cfg, "-o", "BatchMode=yes"), args...)...)
		cmd.Env = env()
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if sshErr != nil {
		t.Log("no OpenSSH client on this machine: the ssh-config part is not exercised (install openssh-client)")
	} else if out, err := runSSH("router", "cat /etc/hostname"); err != nil || strings.TrimSpace(out) != "router" {
		t.Errorf("ssh -F over ProxyCommand: %v\n%s", err, out)
	}

	// Host key pinning holds on the exec path: a node presenting another
	// key (sshd -i reads its keys at every start) is refused by dojo and by
	// OpenSSH alike.
	ctx := context.Background()
	var swap bytes.Buffer
	res, err := rt.Exec(ctx, engine.ContainerName(inst, "router"), runtime.ExecSpec{
		Cmd:    []string{"sh", "-c", "rm -f /etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub && ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key"},
		Stdout: &swap, Stderr: &swap,
	})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("swapping the host key: %v %d %s", err, res.ExitCode, swap.String())
	}
	// A new connection, not the keeper's, which predates the swap and
	// serves on (as an OpenSSH ControlMaster would): the key is checked at
	// every handshake.
	r = nsDojo(t, prefix, "", "--no-keep", "ssh", inst+"/router", "--", "true")
	if r.code == 0 || !strings.Contains(r.stderr, "did not match the pinned key") {
		t.Errorf("swapped host key over exec: exit %d stderr %q", r.code, r.stderr)
	}
	if sshErr == nil {
		if out, err := runSSH("router", "true"); err == nil || !strings.Contains(out, "Host key verification failed") {
			t.Errorf("OpenSSH accepted a swapped host key over ProxyCommand: %v\n%s", err, out)
		}
	}
}

// BenchmarkTransport compares, interleaved in every iteration, the direct
// transport with the exec transport on the same 5-node lab: the first SSH
// session to a node (dial, handshake, `true`), and 100 checks on the 5
// nodes graded with a fresh pool (handshakes included).
// Run: go test ./internal/integration -run '^$' -bench Transport -benchtime 10x
func BenchmarkTransport(b *testing.B) {
	const n = 5
	dir := b.TempDir()
	var lab, goals strings.Builder
	lab.WriteString("lab \"trbench\" {}\nnetwork \"lan\" {\n  subnet = \"10.72.0.0/24\"\n}\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&lab, "node \"n%d\" {\n  interface \"lan\" {\n    address = \"10.72.0.%d/24\"\n  }\n  exec = [\"service nginx start\"]\n}\n", i, i)
		goals.WriteString(strings.ReplaceAll(checkBenchGoals(i, n), "10.70.0.", "10.72.0."))
	}
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "lab.hcl"), []byte(lab.String()), 0o644))
	must(os.WriteFile(filepath.Join(dir, "scenario.hcl"), []byte(fmt.Sprintf(checkBenchScenario, goals.String())), 0o644))
	timeCmd(b, bin, "up", filepath.Join(dir, "lab.hcl"), "--name", "ittrans", "-q")
	defer timeCmd(b, bin, "down", "ittrans", "-q", "--purge")
	scen, _, diags := scenario.LoadFile(dir, scenario.Options{Checks: check.Catalog()})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	goalsList, err := grade.FromScenario(scen)
	must(err)
	eng := &engine.Engine{RT: rt, Store: &state.Store{Root: stateDir}}
	targets, err := eng.Targets(context.Background(), "ittrans")
	must(err)
	signer, err := eng.Signer("ittrans")
	must(err)
	pool := func(tr sshx.Transport) *sshx.Pool {
		d := &sshx.Dialer{Mode: tr, Exec: sshx.ExecFunc(rt.ExecStream)}
		return sshx.NewPool(signer, sshx.PoolOptions{MaxOutput: 64 << 20, DialTarget: d.DialTarget})
	}
	first := func(tr sshx.Transport) time.Duration {
		var total time.Duration
		for _, t := range targets {
			p := pool(tr)
			start := time.Now()
			res, err := p.Run(context.Background(), t, "true", nil)
			total += time.Since(start)
			p.Close()
			if err != nil || res.ExitCode != 0 {
				b.Fatalf("%s first session: %v %d", tr, err, res.ExitCode)
			}
		}
		return total / time.Duration(len(targets))
	}
	grade100 := func(tr sshx.Transport) time.Duration {
		p := pool(tr)
		defer p.Close()
		start := time.Now()
		res := grade.Run(context.Background(), grade.NewBatcher(grade.SSHExec(p, targets)), goalsList, grade.BatchOptions(grade.Options{}))
		took := time.Since(start)
		if res.Count(grade.StatusPassed) != len(goalsList) {
			for _, g := range res.Goals {
				if g.Status != grade.StatusPassed {
					b.Fatalf("%s: goal %s: %s %+v", tr, g.Name, g.Status, g.Checks)
				}
			}
		}
		return took
	}
	var mu sync.Mutex
	times := map[string][]time.Duration{}
	add := func(k string, d time.Duration) { mu.Lock(); times[k] = append(times[k], d); mu.Unlock() }
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		order := []sshx.Transport{sshx.TransportDirect, sshx.TransportExec}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		for _, tr := range order {
			add("first-"+string(tr), first(tr))
			add("check-"+string(tr), grade100(tr))
		}
	}
	b.StopTimer()
	for _, k := range []string{"first-direct", "first-exec", "check-direct", "check-exec"} {
		b.ReportMetric(median(times[k])*1000, k+"-ms")
	}
	b.ReportMetric(median(times["first-exec"])/median(times["first-direct"]), "first-ratio")
	b.ReportMetric(median(times["check-exec"])/median(times["check-direct"]), "check-ratio")
}
