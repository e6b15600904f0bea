package integration

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/runtime"
)

// The tests here feed dojo's output to the real programs people use with
// it, run inside a container (the host may have none of them): prove on
// TAP, xmllint with Jenkins xunit's junit-10.xsd on JUnit, OpenSSH with
// `ssh -F` and Ansible with `dojo inventory`, from a state directory whose
// path has spaces and non-ASCII characters. JSON documents are checked
// against their JSON Schema with a validator library.

// consumerPackages are installed into the consumer image on top of the
// node image (which already has perl's prove, xmllint and ssh).
var consumerPackages = []string{"perl", "libxml2-utils", "openssh-client", "ansible-core"}

// consumerImage builds (once per node image) an image FROM the node image
// with the consumers installed by an engine build (apt-get from Debian's
// mirror, as image builds do).
func consumerImage(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	sum := sha256.Sum256([]byte(image.DefaultRef() + strings.Join(consumerPackages, " ")))
	ref := "labdojo/it-consumers:" + hex.EncodeToString(sum[:])[:12]
	if ok, err := rt.ImageExists(ctx, ref); err != nil {
		t.Fatal(err)
	} else if ok {
		return ref
	}
	dockerfile := fmt.Sprintf("FROM %s\nARG DEBIAN_FRONTEND=noninteractive\nRUN apt-get update && apt-get install -y --no-install-recommends %s && apt-get clean\nCMD [\"sleep\", \"infinity\"]\n",
		image.DefaultRef(), strings.Join(consumerPackages, " "))
	var bc bytes.Buffer
	tw := tar.NewWriter(&bc)
	_ = tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(dockerfile))})
	_, _ = tw.Write([]byte(dockerfile))
	_ = tw.Close()
	var progress bytes.Buffer
	bctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	if err := rt.BuildImage(bctx, &bc, ref, map[string]string{"io.labdojo.test": "consumers"}, &progress); err != nil {
		t.Fatalf("building %s: %v\n%s", ref, err, progress.String())
	}
	return ref
}

// consumer is a running container of the consumer image in the host's
// network namespace (it reaches the nodes exactly as a program on this
// machine does; lab nodes do not talk to each other over management),
// with dir bind-mounted at the same path.
type consumer struct {
	t  *testing.T
	id string
}

func newConsumer(t *testing.T, dir string) *consumer {
	t.Helper()
	ctx := context.Background()
	ref := consumerImage(t)
	name := fmt.Sprintf("labdojo-it-consumer-%d", time.Now().UnixNano())
	id, err := rt.CreateContainer(ctx, runtime.ContainerSpec{
		Name: name, Image: ref, Cmd: []string{"sleep", "infinity"}, Init: true,
		NetworkModeHost: true,
		Binds:           []string{dir + ":" + dir},
		Labels:          map[string]string{"io.labdojo.test": "consumer"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.RemoveContainer(context.Background(), id) })
	if err := rt.StartContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	return &consumer{t: t, id: id}
}

// run runs argv in the container and returns its combined output and
// exit status.
func (c *consumer) run(argv ...string) (string, int) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	res, err := rt.Exec(ctx, c.id, runtime.ExecSpec{Cmd: argv, Stdout: &out, Stderr: &out,
		Env: []string{"HOME=/root", "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0", "LC_ALL=C.UTF-8"}})
	if err != nil {
		c.t.Fatalf("%v: %v", argv, err)
	}
	return out.String(), res.ExitCode
}

// dojoIn runs dojo with DOJO_STATE_DIR=state (and extra environment).
func dojoIn(t *testing.T, state string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "DOJO_STATE_DIR="+state, "NO_COLOR=1")
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

const consumerLab = `lab "it-consumers" {
  title = "web servers and a database"
}

network "web" {
  subnet = "10.77.1.0/24"
}

network "db" {
  subnet = "10.77.2.0/24"
}

node "web" {
  count = 2
  interface "web" {
    address = "10.77.1.${10 + count.index}/24"
  }
}

node "lb" {
  interface "web" {
    address = "10.77.1.2/24"
  }
  interface "db" {
    address = "10.77.2.2/24"
  }
}
`

const consumerScenario = `scenario "consumers" {
  title   = "Feed the consumers"
  lab     = "../lab"
  track   = "server"
  level   = 1
  minutes = 5
  pass    = 100
  brief   = "Make everything pass."
}

goal "reachable" {
  title  = "The web server answers"
  points = 10
  check "command" {
    on  = "web-1"
    run = "true"
  }
}

goal "marker" {
  title  = "A marker: file exists"
  points = 10
  check "command" {
    on  = "web-1"
    run = "test -f /root/marker"
  }
}

goal "tool" {
  points = 10
  check "command" {
    on  = "lb"
    run = "dojo-it-tool --version"
  }
}

goal "slow" {
  points = 10
  check "command" {
    on  = "web-2"
    run = "if test -f /root/slow; then sleep 60; fi"
  }
}
`

// consumerSetup starts the scenario with a state directory whose path has
// spaces and non-ASCII characters; it returns that directory and a
// directory for reports under the same awkward parent.
func consumerSetup(t *testing.T, instance string) (state, reports string) {
	t.Helper()
	base := filepath.Join(t.TempDir(), "état dojo 状態 x")
	state = filepath.Join(base, "state dir")
	reports = filepath.Join(base, "reports")
	for _, d := range []string{filepath.Join(base, "lab"), filepath.Join(base, "scenario"), reports} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(base, "lab", "lab.hcl"), []byte(consumerLab), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "scenario", "scenario.hcl"), []byte(consumerScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	r := dojoIn(t, state, "start", filepath.Join(base, "scenario"), "--name", instance)
	t.Cleanup(func() { dojoIn(t, state, "down", instance, "--purge") })
	if r.code != 0 {
		t.Fatalf("start: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	return state, reports
}

func validateCheckJSON(t *testing.T, doc []byte) map[string]any {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(filepath.Join(repoRoot, "docs", "check-json.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, doc)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("check JSON does not match docs/check-json.schema.json: %v\n%s", err, doc)
	}
	var m map[string]any
	_ = json.Unmarshal(doc, &m)
	return m
}

// tapVerifier is run by perl in the consumer: it parses a TAP file with
// TAP::Parser (what prove uses) and prints every parse error and, per
// failing test, whether its YAML diagnostic was read as a hash.
const tapVerifier = `use strict; use TAP::Parser;
my $p = TAP::Parser->new({ source => $ARGV[0] });
my ($last, %yaml);
while (my $r = $p->next) {
  if ($r->is_test) { $last = $r }
  elsif ($r->is_yaml && $last) {
    my $d = $r->data;
    print "yaml ", $last->number, " ", (ref $d eq 'HASH' ? "severity=$d->{severity} command=" . ($d->{checks}[0]{command} // '') : "not-a-hash"), "\n";
  }
}
print "parse_error $_\n" for $p->parse_errors;
print "failed ", join(",", $p->failed), "\n";
print "passed ", join(",", $p->passed), "\n";
`

// TestConsumersReports grades pass, fail and error goals and feeds every
// report to its consumer: prove (TAP::Parser), xmllint --schema
// junit-10.xsd, a JSON Schema validator; then an interrupted check.
func TestConsumersReports(t *testing.T) {
	const inst = "it-consumers"
	state, reports := consumerSetup(t, inst)
	c := newConsumer(t, filepath.Dir(state))
	xsd := filepath.Join(filepath.Dir(state), "junit-10.xsd")
	data, err := os.ReadFile(filepath.Join(repoRoot, "internal", "report", "testdata", "xsd", "junit-10.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(xsd, data, 0o644); err != nil {
		t.Fatal(err)
	}
	verifier := filepath.Join(filepath.Dir(state), "verify-tap.pl")
	if err := os.WriteFile(verifier, []byte(tapVerifier), 0o644); err != nil {
		t.Fatal(err)
	}

	grade := func(run string, wantCode int) {
		t.Helper()
		dir := filepath.Join(reports, run)
		r := dojoIn(t, state, "check", inst, "--format", "tap",
			"--report", "junit:"+filepath.Join(dir, "check.xml"),
			"--report", "json:"+filepath.Join(dir, "check.json"),
			"--report", "tap:"+filepath.Join(dir, "check.tap"))
		if r.code != wantCode {
			t.Fatalf("%s: check exit %d, want %d\n%s\n%s", run, r.code, wantCode, r.stdout, r.stderr)
		}
		tap, _ := os.ReadFile(filepath.Join(dir, "check.tap"))
		if string(tap) != r.stdout {
			t.Errorf("%s: --report tap differs from --format tap", run)
		}
		for _, f := range []string{"check.xml", "check.tap"} {
			b, _ := os.ReadFile(filepath.Join(dir, f))
			if bytes.Contains(b, []byte("@@labdojo")) || bytes.Contains(b, []byte("_s()")) {
				t.Errorf("%s/%s shows the probe wrapper:\n%s", run, f, b)
			}
		}
		out, code := c.run("xmllint", "--noout", "--schema", xsd, filepath.Join(dir, "check.xml"))
		if code != 0 {
			x, _ := os.ReadFile(filepath.Join(dir, "check.xml"))
			t.Errorf("%s: JUnit not valid against junit-10.xsd (exit %d):\n%s\n%s", run, code, out, x)
		}
		js, _ := os.ReadFile(filepath.Join(dir, "check.json"))
		validateCheckJSON(t, js)
	}

	// Run 1: passed, failed, error (command not found), passed.
	grade("mixed", 1)
	tapFile := filepath.Join(reports, "mixed", "check.tap")
	out, code := c.run("prove", "-v", "-e", "cat", tapFile)
	if code == 0 || strings.Contains(out, "Parse errors") || !strings.Contains(out, "Failed tests:  2-3") {
		t.Errorf("prove on a failing run (exit %d):\n%s", code, out)
	}
	out, _ = c.run("perl", verifier, tapFile)
	for _, want := range []string{"yaml 2 severity=fail command=test -f /root/marker", "yaml 3 severity=error command=dojo-it-tool --version",
		"failed 2,3\n", "passed 1,4\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("TAP::Parser on the failing run lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "parse_error") {
		t.Errorf("TAP::Parser parse errors:\n%s", out)
	}
	x, _ := os.ReadFile(filepath.Join(reports, "mixed", "check.xml"))
	for _, want := range []string{`<failure message=`, `<error message=`, `command:  test -f /root/marker`} {
		if !strings.Contains(string(x), want) {
			t.Errorf("JUnit lacks %q:\n%s", want, x)
		}
	}

	// Run 2: fix both through dojo exec (real sshd); everything passes.
	r := dojoIn(t, state, "exec", "--name", inst, "web-1,lb", "--",
		"touch /root/marker && printf '#!/bin/sh\\necho 1.0\\n' > /usr/local/bin/dojo-it-tool && chmod +x /usr/local/bin/dojo-it-tool && echo fixed")
	if r.code != 0 || !strings.Contains(r.stdout, "web-1 | fixed") || !strings.Contains(r.stdout, "lb | fixed") {
		t.Fatalf("exec: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = dojoIn(t, state, "exec", "--name", inst, "--all", "--", "test $(hostname) = lb && exit 3; exit 0")
	if r.code != 3 {
		t.Errorf("exec worst status: exit %d, want 3\n%s", r.code, r.stderr)
	}
	grade("passing", 0)
	out, code = c.run("prove", "-e", "cat", filepath.Join(reports, "passing", "check.tap"))
	if code != 0 || !strings.Contains(out, "Result: PASS") {
		t.Errorf("prove on a passing run (exit %d):\n%s", code, out)
	}

	// Run 3: SIGTERM in the middle of a round (goal "slow" sleeps).
	dojoIn(t, state, "exec", "--name", inst, "web-2", "--", "touch /root/slow")
	dir := filepath.Join(reports, "cancelled")
	cmd := exec.Command(bin, "check", inst, "--format", "junit", "--report", "json:"+filepath.Join(dir, "check.json"),
		"--report", "tap:"+filepath.Join(dir, "check.tap"))
	cmd.Env = append(os.Environ(), "DOJO_STATE_DIR="+state, "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(4 * time.Second) // connected and probing; "slow" runs for 60s
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("check did not stop within 30s of SIGTERM")
	}
	if code := cmd.ProcessState.ExitCode(); code != 143 {
		t.Errorf("interrupted check: exit %d, want 143\n%s", code, stderr.String())
	}
	junit := filepath.Join(dir, "stdout.xml")
	if err := os.WriteFile(junit, stdout.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := c.run("xmllint", "--noout", "--schema", xsd, junit); code != 0 {
		t.Errorf("interrupted check's JUnit (stdout) not valid (exit %d):\n%s\n%s", code, out, stdout.String())
	}
	if !strings.Contains(stdout.String(), `name="cancelled" value="true"`) {
		t.Errorf("interrupted JUnit not marked cancelled:\n%s", stdout.String())
	}
	js, _ := os.ReadFile(filepath.Join(dir, "check.json"))
	if doc := validateCheckJSON(t, js); doc["cancelled"] != true {
		t.Errorf("interrupted JSON report not cancelled: %s", js)
	}
	out, _ = c.run("perl", verifier, filepath.Join(dir, "check.tap"))
	if strings.Contains(out, "parse_error") || !strings.Contains(out, "failed 4\n") {
		t.Errorf("interrupted TAP:\n%s", out)
	}
}

// TestConsumersSSHAndAnsible: `ssh -F` with dojo's ssh-config and
// ansible-inventory/ansible with its inventory, from a state directory
// whose path has spaces and non-ASCII characters.
func TestConsumersSSHAndAnsible(t *testing.T) {
	const inst = "it-consumers2"
	state, _ := consumerSetup(t, inst)
	c := newConsumer(t, filepath.Dir(state))
	dir := filepath.Dir(state)

	cfg := dojoIn(t, state, "ssh-config", inst)
	if cfg.code != 0 {
		t.Fatalf("ssh-config: %d %s", cfg.code, cfg.stderr)
	}
	cfgFile := filepath.Join(dir, "ssh config")
	_ = os.WriteFile(cfgFile, []byte(cfg.stdout), 0o644)
	for _, node := range []string{"web-1", inst + ".lb"} {
		out, code := c.run("ssh", "-F", cfgFile, "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", node, "hostname")
		if code != 0 {
			t.Errorf("ssh -F %s: exit %d\n%s\n%s", node, code, out, cfg.stdout)
		}
	}

	inv := dojoIn(t, state, "inventory", "--name", inst)
	if inv.code != 0 {
		t.Fatalf("inventory: %d %s", inv.code, inv.stderr)
	}
	invFile := filepath.Join(dir, "inventory é.yml")
	_ = os.WriteFile(invFile, []byte(inv.stdout), 0o644)
	out, code := c.run("ansible-inventory", "-i", invFile, "--list")
	if code != 0 {
		t.Fatalf("ansible-inventory: exit %d\n%s\n%s", code, out, inv.stdout)
	}
	// ansible-inventory may print warnings before the JSON.
	var doc map[string]struct {
		Hosts    []string `json:"hosts"`
		Children []string `json:"children"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &doc); err != nil {
		t.Fatalf("ansible-inventory output: %v\n%s", err, out)
	}
	want := map[string][]string{"net_web": {"lb", "web-1", "web-2"}, "net_db": {"lb"}, "web": {"web-1", "web-2"}}
	for g, hosts := range want {
		if got := strings.Join(doc[g].Hosts, ","); got != strings.Join(hosts, ",") {
			t.Errorf("group %s: hosts %q, want %v\n%s", g, got, hosts, out)
		}
	}
	out, code = c.run("ansible", "-i", invFile, "all", "-m", "ping", "-o")
	if code != 0 || strings.Count(out, "SUCCESS") != 3 {
		t.Errorf("ansible ping: exit %d\n%s", code, out)
	}
	out, code = c.run("ansible", "-i", invFile, "web", "-m", "command", "-a", "cat /etc/hostname", "-o")
	if code != 0 || !strings.Contains(out, "web-2 | CHANGED") {
		t.Errorf("ansible on the node-block group: exit %d\n%s", code, out)
	}
}

// TestConsumersOverExec runs OpenSSH and Ansible where no node address is
// routable (a container with no network at all, as a Mac reaches Docker
// Desktop's VM): the config and inventory dojo writes with the exec
// transport bridge every connection through `dojo proxy`, which talks to
// the engine's socket. dojo's binary, the state directory and the
// engine's socket are bind-mounted at the same paths.
func TestConsumersOverExec(t *testing.T) {
	const inst = "it-consumers3"
	sock := "/var/run/docker.sock"
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		if !strings.HasPrefix(h, "unix://") {
			t.Skipf("the engine is not on a unix socket here (DOCKER_HOST=%s)", h)
		}
		sock = strings.TrimPrefix(h, "unix://")
	}
	state, _ := consumerSetup(t, inst)
	dir := filepath.Dir(state)
	ctx := context.Background()
	id, err := rt.CreateContainer(ctx, runtime.ContainerSpec{
		Name: fmt.Sprintf("labdojo-it-consumer-%d", time.Now().UnixNano()), Image: consumerImage(t),
		Cmd: []string{"sleep", "infinity"}, Init: true, // no network: nothing is routable
		Binds:  []string{dir + ":" + dir, bin + ":" + bin + ":ro", sock + ":/var/run/docker.sock"},
		Labels: map[string]string{"io.labdojo.test": "consumer"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.RemoveContainer(context.Background(), id) })
	if err := rt.StartContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	run := func(argv ...string) (string, int) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 3*time.Minute)
		defer cancel()
		var out bytes.Buffer
		res, err := rt.Exec(c, id, runtime.ExecSpec{Cmd: argv, Stdout: &out, Stderr: &out,
			Env: []string{"HOME=/root", "DOJO_STATE_DIR=" + state, "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0", "LC_ALL=C.UTF-8"}})
		if err != nil {
			t.Fatalf("%v: %v", argv, err)
		}
		return out.String(), res.ExitCode
	}
	if out, code := run("ping", "-c1", "-W1", "10.77.1.10"); code == 0 {
		t.Fatalf("the consumer reaches a node directly; the test proves nothing:\n%s", out)
	}

	cfg := dojoIn(t, state, "--transport", "exec", "ssh-config", inst)
	if cfg.code != 0 || !strings.Contains(cfg.stdout, "ProxyCommand") {
		t.Fatalf("ssh-config over exec: exit %d\n%s%s", cfg.code, cfg.stdout, cfg.stderr)
	}
	cfgFile := filepath.Join(dir, "ssh config exec")
	_ = os.WriteFile(cfgFile, []byte(cfg.stdout), 0o644)
	if out, code := run("ssh", "-F", cfgFile, "-o", "BatchMode=yes", "web-2", "hostname"); code != 0 || !strings.Contains(out, "web-2") {
		t.Errorf("ssh -F over exec: exit %d\n%s", code, out)
	}

	inv := dojoIn(t, state, "--transport", "exec", "inventory", "--name", inst)
	if inv.code != 0 || !strings.Contains(inv.stdout, "ProxyCommand") {
		t.Fatalf("inventory over exec: exit %d\n%s%s", inv.code, inv.stdout, inv.stderr)
	}
	invFile := filepath.Join(dir, "inventory exec.yml")
	_ = os.WriteFile(invFile, []byte(inv.stdout), 0o644)
	if out, code := run("ansible", "-i", invFile, "all", "-m", "ping", "-o"); code != 0 || strings.Count(out, "SUCCESS") != 3 {
		t.Errorf("ansible ping over exec: exit %d\n%s\n%s", code, out, inv.stdout)
	}
	if out, code := run("ansible", "-i", invFile, "web", "-m", "copy", "-a", "content=via-exec dest=/root/marker", "-o"); code != 0 || strings.Count(out, "CHANGED") != 2 {
		t.Errorf("ansible copy over exec: exit %d\n%s", code, out)
	}
	if r := dojoIn(t, state, "ssh", inst+"/web-1", "--", "cat /root/marker"); r.stdout != "via-exec" {
		t.Errorf("the file Ansible copied: %q %s", r.stdout, r.stderr)
	}
}
