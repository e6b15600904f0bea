package integration

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/labdojo/labdojo/internal/engine"
)

// sshClient runs commands on nodes with the real OpenSSH client through the
// config `dojo ssh-config` prints, with strict host-key checking.
type sshClient struct {
	t   *testing.T
	cfg string
}

func newSSH(t *testing.T, instance string) *sshClient {
	t.Helper()
	cfg := mustDojo(t, "ssh-config", instance).stdout
	if !strings.Contains(cfg, "StrictHostKeyChecking yes") {
		t.Fatalf("ssh-config without strict host key checking:\n%s", cfg)
	}
	p := filepath.Join(t.TempDir(), "ssh_config")
	if err := os.WriteFile(p, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return &sshClient{t: t, cfg: p}
}

func (s *sshClient) run(node, command string) (string, int) {
	s.t.Helper()
	cmd := exec.Command("ssh", "-F", s.cfg, "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", node, command)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		if ee.ExitCode() == 255 {
			s.t.Fatalf("ssh %s %q: connection failed: %s", node, command, out)
		}
		return string(out), ee.ExitCode()
	} else if err != nil {
		s.t.Fatalf("ssh: %v", err)
	}
	return string(out), 0
}

func (s *sshClient) must(node, command string) string {
	s.t.Helper()
	out, code := s.run(node, command)
	if code != 0 {
		s.t.Fatalf("ssh %s %q: exit %d: %s", node, command, code, out)
	}
	return out
}

func TestTwoSubnets(t *testing.T) {
	up := mustDojo(t, "up", "two-subnets", "--name", "it-a")
	t.Cleanup(func() { dojo(t, "down", "it-a", "--purge") })
	for _, want := range []string{"router", "client", "web", "10.10.1.1/24", "dojo ssh it-a/web"} {
		if !strings.Contains(up.stdout, want) {
			t.Errorf("up output lacks %q:\n%s", want, up.stdout)
		}
	}
	s := newSSH(t, "it-a")

	t.Run("interfaces", func(t *testing.T) {
		addrs := s.must("router", "ip -4 -o addr show")
		for _, re := range []string{`eth1\s+inet 10\.10\.1\.1/24`, `eth2\s+inet 10\.10\.2\.1/24`, `eth0\s+inet 172\.`} {
			if !regexp.MustCompile(re).MatchString(addrs) {
				t.Errorf("router addresses lack %s:\n%s", re, addrs)
			}
		}
		if strings.Contains(addrs, "100.64.") || strings.Count(addrs, "inet ") != 4 {
			t.Errorf("router has addresses the lab does not declare:\n%s", addrs)
		}
		// eth1 is the first declared interface: its MAC is the engine's
		// endpoint on the office network.
		info, err := rt.InspectContainer(context.Background(), engine.ContainerName("it-a", "router"))
		if err != nil {
			t.Fatal(err)
		}
		for ifc, net := range map[string]string{"eth1": "office", "eth2": "servers"} {
			mac := strings.TrimSpace(s.must("router", "cat /sys/class/net/"+ifc+"/address"))
			ep := info.Endpoints[engine.NetworkName("it-a", net)]
			if !strings.EqualFold(mac, ep.MACAddress) {
				t.Errorf("%s MAC %s, engine endpoint on %s has %s", ifc, mac, net, ep.MACAddress)
			}
		}
		if out := s.must("client", "ip -4 route show default"); strings.TrimSpace(out) != "" {
			t.Errorf("client has a default route: %s", out)
		}
		if out := s.must("client", "ip -4 route show 10.10.2.0/24"); !strings.Contains(out, "via 10.10.1.1 dev eth1") {
			t.Errorf("client route: %q", out)
		}
		if out := s.must("client", "ip -4 -o addr show dev eth1"); !strings.Contains(out, "10.10.1.10/24") {
			t.Errorf("client eth1: %q", out)
		}
		if out := s.must("web", "cat /var/www/html/index.html"); !strings.Contains(out, "Welcome") {
			t.Errorf("index.html: %q", out)
		}
	})

	t.Run("host-has-no-address-on-data-networks", func(t *testing.T) {
		ns, err := rt.ListNetworks(context.Background(), engine.InstanceLabels("it-a"))
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, n := range ns {
			if strings.HasSuffix(n.Name, ".mgmt") {
				continue
			}
			out, err := exec.Command("ip", "-4", "-o", "addr", "show", "dev", "br-"+n.ID[:12]).CombinedOutput()
			if err != nil {
				t.Fatalf("ip addr show br-%s: %v %s", n.ID[:12], err, out)
			}
			if strings.TrimSpace(string(out)) != "" {
				t.Errorf("host has an address on data network %s: %s", n.Name, out)
			}
			checked++
		}
		if checked != 2 {
			t.Errorf("checked %d data bridges, want 2", checked)
		}
		// And from a node, the management gateway (the host) is not reachable
		// through a data network.
		if _, code := s.run("client", "ping -c1 -W1 -I eth1 100.64.0.1"); code == 0 {
			t.Error("client reached a placeholder gateway over a data network")
		}
	})

	t.Run("forwarding", func(t *testing.T) {
		if _, code := s.run("client", "ping -c1 -W1 10.10.2.10"); code == 0 {
			t.Fatal("client reached the server network before the router forwards")
		}
		if _, code := s.run("client", "ping -c1 -W1 10.10.1.1"); code != 0 {
			t.Fatal("client cannot reach the router on its own subnet")
		}
		s.must("router", "sysctl -w net.ipv4.ip_forward=1")
		if out, code := s.run("client", "ping -c1 -W2 10.10.2.10"); code != 0 {
			t.Fatalf("client cannot reach web through the forwarding router: %s", out)
		}
		// Management network is out of band: nodes do not reach each other on it.
		st := statusJSON(t, "it-a")
		webMgmt := ""
		for _, n := range st.Nodes {
			if n.Name == "web" {
				webMgmt = n.MgmtAddr
			}
		}
		if _, code := s.run("client", "ping -c1 -W1 "+webMgmt); code == 0 {
			t.Error("client reached web over the management network")
		}
	})

	t.Run("dojo-ssh", func(t *testing.T) {
		r := dojo(t, "ssh", "it-a/web", "--", "hostname; exit 7")
		if r.code != 7 || strings.TrimSpace(r.stdout) != "web" {
			t.Errorf("dojo ssh: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
		r = dojo(t, "ssh", "router", "--", "cat /proc/sys/net/ipv4/ip_forward")
		if r.code != 0 || strings.TrimSpace(r.stdout) != "1" {
			t.Errorf("dojo ssh router: code %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("restart-keeps-work", func(t *testing.T) {
		s.must("web", "echo learner-was-here > /var/www/html/index.html")
		if out, err := exec.Command("docker", "stop", "-t", "1", engine.ContainerName("it-a", "web")).CombinedOutput(); err != nil {
			t.Fatalf("docker stop: %v %s", err, out)
		}
		r := mustDojo(t, "up", "two-subnets", "--name", "it-a")
		if strings.Contains(r.stderr, "unchanged") {
			t.Errorf("up after a stop reported nothing to do: %s", r.stderr)
		}
		if out := s.must("web", "cat /var/www/html/index.html"); !strings.Contains(out, "learner-was-here") {
			t.Errorf("restart overwrote the learner's file: %q", out)
		}
		if out := s.must("web", "ip -4 -o addr show dev eth1; ip -4 route show 10.10.1.0/24"); !strings.Contains(out, "10.10.2.10/24") || !strings.Contains(out, "via 10.10.2.1") {
			t.Errorf("web after restart: %s", out)
		}
	})

	t.Run("status-and-inventory", func(t *testing.T) {
		st := statusJSON(t, "it-a")
		if len(st.Nodes) != 3 {
			t.Fatalf("status nodes: %+v", st.Nodes)
		}
		for _, n := range st.Nodes {
			if n.SSH != "ok" || n.State != "running" {
				t.Errorf("node %s: state %s ssh %q", n.Name, n.State, n.SSH)
			}
		}
		inv := mustDojo(t, "inventory", "it-a").stdout
		var doc struct {
			All struct {
				Hosts    map[string]map[string]any `yaml:"hosts"`
				Children map[string]struct {
					Hosts map[string]any `yaml:"hosts"`
				} `yaml:"children"`
			} `yaml:"all"`
		}
		if err := yaml.Unmarshal([]byte(inv), &doc); err != nil {
			t.Fatalf("inventory is not YAML: %v\n%s", err, inv)
		}
		if len(doc.All.Hosts) != 3 || len(doc.All.Children["net_office"].Hosts) != 2 {
			t.Errorf("inventory: %+v", doc.All)
		}
	})

	t.Run("up-again-changes-nothing", func(t *testing.T) {
		before, _ := rt.InspectContainer(context.Background(), engine.ContainerName("it-a", "web"))
		r := mustDojo(t, "up", "two-subnets", "--name", "it-a")
		if !strings.Contains(r.stderr, "already up and unchanged") {
			t.Errorf("second up: %s", r.stderr)
		}
		after, _ := rt.InspectContainer(context.Background(), engine.ContainerName("it-a", "web"))
		if before.ID != after.ID || !before.StartedAt.Equal(after.StartedAt) {
			t.Error("second up recreated or restarted a node")
		}
		changed := writeLab(t, `lab "two-subnets" {}
network "office" { subnet = "10.10.1.0/24" }
node "router" {
  interface "office" {
    address = "10.10.1.1/24"
  }
}
`)
		r = dojo(t, "up", changed, "--name", "it-a")
		if r.code != 2 || !strings.Contains(r.stderr, "nodes only in the instance: client, web") || !strings.Contains(r.stderr, "dojo down it-a") {
			t.Errorf("up of a changed file: code %d\n%s", r.code, r.stderr)
		}
	})

	t.Run("second-instance-side-by-side", func(t *testing.T) {
		mustDojo(t, "up", "two-subnets", "--name", "it-b")
		defer func() {
			mustDojo(t, "down", "it-b", "--purge")
			requireGone(t, "it-b")
		}()
		b := newSSH(t, "it-b")
		if out := b.must("client", "ip -4 -o addr show dev eth1"); !strings.Contains(out, "10.10.1.10/24") {
			t.Errorf("it-b client: %s", out)
		}
		// it-b's router does not forward, even though it-a's does: the
		// instances share nothing.
		if _, code := b.run("client", "ping -c1 -W1 10.10.2.10"); code == 0 {
			t.Error("it-b client reached web: instances are not isolated")
		}
		if _, code := s.run("client", "ping -c1 -W2 10.10.2.10"); code != 0 {
			t.Error("it-a client lost web after it-b came up")
		}
	})

	mustDojo(t, "down", "it-a")
	requireGone(t, "it-a")
	if r := mustDojo(t, "down", "it-a"); !strings.Contains(r.stderr, "Nothing to remove") {
		t.Errorf("second down: %s", r.stderr)
	}
}

// statusJSON returns `dojo status NAME --format json` of one instance.
func statusJSON(t *testing.T, instance string) engine.InstanceStatus {
	t.Helper()
	r := mustDojo(t, "status", instance, "--format", "json")
	var doc struct {
		Instances []engine.InstanceStatus `json:"instances"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Instances) != 1 {
		t.Fatalf("status json: %v\n%s", err, r.stdout)
	}
	return doc.Instances[0]
}

func TestSingleServer(t *testing.T) {
	mustDojo(t, "up", "single-server", "--name", "it-single")
	defer func() {
		mustDojo(t, "down", "it-single", "--purge")
		requireGone(t, "it-single")
	}()
	s := newSSH(t, "it-single")
	if out := s.must("server", "hostname; id -u; test -d /run/sshd && echo sshd-dir"); !strings.Contains(out, "server\n0\nsshd-dir") {
		t.Errorf("server: %q", out)
	}
	// The learner can restart sshd without losing the node.
	s.must("server", "service ssh restart >/dev/null 2>&1 || true")
	s2 := newSSH(t, "it-single")
	s2.must("server", "true")

	// With sshd stopped, the console (through the engine) still works and
	// brings it back.
	s2.must("server", "service ssh stop >/dev/null 2>&1")
	if r := dojo(t, "ssh", "it-single/server", "--", "true"); r.code == 0 {
		t.Error("ssh worked with sshd stopped")
	}
	cmd := exec.Command(bin, "console", "it-single/server")
	cmd.Env = env()
	cmd.Stdin = strings.NewReader("hostname\nservice ssh start >/dev/null 2>&1\nexit 4\n")
	out, err := cmd.Output()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 4 || !strings.Contains(string(out), "server") {
		t.Errorf("console: %v %q", err, out)
	}
	newSSH(t, "it-single").must("server", "true")
}

func TestConcurrentUpSameName(t *testing.T) {
	var wg sync.WaitGroup
	res := make([]result, 2)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = dojo(t, "up", "single-server", "--name", "it-race")
		}()
	}
	wg.Wait()
	defer func() {
		dojo(t, "down", "it-race", "--purge")
		requireGone(t, "it-race")
	}()
	ok, locked := 0, 0
	for _, r := range res {
		switch {
		case r.code == 0:
			ok++
		case strings.Contains(r.stderr, "another `dojo up` or `dojo down` is running"):
			locked++
		default:
			t.Errorf("unexpected: code %d %s", r.code, r.stderr)
		}
	}
	// Either the second waited for nothing and saw the finished instance as
	// unchanged (ok=2), or it hit the lock; never two bring-ups at once.
	if ok+locked != 2 || ok == 0 {
		t.Errorf("ok=%d locked=%d", ok, locked)
	}
}

func TestEnvironmentAndInputErrors(t *testing.T) {
	// The engine's default bridge holds 172.17.0.0/16.
	r := dojo(t, "up", "single-server", "--name", "it-col", "--mgmt-subnet", "172.17.5.0/24")
	// Refused before anything is made: by the host-route check (the
	// bridge's route), or by the engine's overlap with network "bridge".
	if r.code != 2 || !strings.Contains(r.stderr, `engine network "bridge"`) && !strings.Contains(r.stderr, "collides with the host route") {
		t.Errorf("colliding subnet: exit %d\n%s", r.code, r.stderr)
	}
	requireGone(t, "it-col")

	cmd := exec.Command(bin, "status")
	cmd.Env = append(env(), "DOCKER_HOST=unix:///nonexistent/docker.sock")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || !strings.Contains(string(out), "cannot reach the Docker engine") || strings.Count(strings.TrimSpace(string(out)), "\n") > 1 {
		t.Errorf("no engine: %v\n%s", err, out)
	}

	r = dojo(t, "up", "no-such-lab")
	if r.code != 2 || !strings.Contains(r.stderr, `lab "no-such-lab" not found`) {
		t.Errorf("unknown lab: %d %s", r.code, r.stderr)
	}
	r = dojo(t, "up", writeLab(t, `lab "bad" {}
network "lan" {
  subnet = "10.1.0.0/24"
}
node "web" {
  interface "lann" {
    address = "10.1.0.5/24"
  }
}
`), "--name", "it-bad")
	if r.code != 2 || !strings.Contains(r.stderr, "lab.hcl line 6") || !strings.Contains(r.stderr, `"lan"`) || !strings.Contains(r.stderr, "nothing was created") {
		t.Errorf("invalid lab: %d %s", r.code, r.stderr)
	}
	requireGone(t, "it-bad")
}
