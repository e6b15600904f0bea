package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/session"
	"github.com/labdojo/labdojo/internal/sshx"
	"github.com/labdojo/labdojo/internal/state"
)

// benchLab writes an n-node lab with three networks; node i sits on two of
// them (besides management), like the peers' reference setup.
func benchLab(b *testing.B, n int) string {
	b.Helper()
	var s strings.Builder
	fmt.Fprintf(&s, "lab \"bench%d\" {}\n", n)
	nets := []string{"a", "b", "c"}
	for i, net := range nets {
		fmt.Fprintf(&s, "network %q {\n  subnet = \"10.6%d.0.0/16\"\n}\n", net, i)
	}
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&s, "node \"n%d\" {\n", i)
		for k := 0; k < 2; k++ {
			ni := (i + k) % 3
			fmt.Fprintf(&s, "  interface %q {\n    address = \"10.6%d.%d.%d/16\"\n  }\n", nets[ni], ni, i/250, i%250+1)
		}
		s.WriteString("}\n")
	}
	dir := b.TempDir()
	p := filepath.Join(dir, "lab.hcl")
	if err := os.WriteFile(p, []byte(s.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// composeFile is the docker-compose equivalent of benchLab: same image,
// networks per node, init and capabilities.
func composeFile(n int) string {
	var s strings.Builder
	s.WriteString("version: \"2.4\"\nservices:\n")
	nets := []string{"a", "b", "c"}
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&s, "  n%d:\n    image: %s\n    init: true\n    cap_add: [NET_ADMIN, NET_RAW]\n    hostname: n%d\n    command: [\"%s\"]\n    networks: [mgmt, %s, %s]\n",
			i, image.DefaultRef(), i, engine.InitPath, nets[i%3], nets[(i+1)%3])
	}
	s.WriteString("networks:\n  mgmt:\n    internal: true\n    ipam:\n      config: [{subnet: 172.31.250.0/24}]\n")
	for i, net := range nets {
		fmt.Fprintf(&s, "  %s:\n    driver_opts: {com.docker.network.bridge.inhibit_ipv4: \"true\"}\n    ipam:\n      config: [{subnet: 100.127.%d.0/24, gateway: 100.127.%d.1}]\n", net, i, i)
	}
	return s.String()
}

func timeCmd(b *testing.B, name string, args ...string) (time.Duration, *os.ProcessState) {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s %v: %v\n%s", name, args, err, out.String())
	}
	return time.Since(start), cmd.ProcessState
}

func median(d []time.Duration) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2].Seconds()
}

// floorUp creates and starts the same containers with the engine API
// directly, in parallel: the engine's own cost, the floor for any tool.
// floorLabels mark the floor's objects; they are not labdojo's, so they do
// not carry the tool label.
var floorLabels = map[string]string{"io.labdojo.bench": "floor"}

// Names and subnets differ per round: Docker 20.10 occasionally keeps a
// stale endpoint after concurrent force-removals, which makes that network
// unremovable until the daemon restarts.
func floorUp(ctx context.Context, b *testing.B, n, round int) (time.Duration, func()) {
	labels := floorLabels
	start := time.Now()
	p := fmt.Sprintf("itbf%d-", round)
	nets := []runtime.NetworkSpec{{Name: p + "mgmt", Subnet: netip.MustParsePrefix(fmt.Sprintf("172.31.%d.0/24", 200+round)), Gateway: netip.MustParseAddr(fmt.Sprintf("172.31.%d.1", 200+round)), Internal: true, Labels: labels}}
	for i, n := range []string{"a", "b", "c"} {
		sub := netip.MustParsePrefix(fmt.Sprintf("100.126.%d.0/24", 3*round+i+10))
		nets = append(nets, runtime.NetworkSpec{Name: p + n, Subnet: sub, Gateway: sub.Addr().Next(), NoHostAddress: true, Labels: labels})
	}
	var g errgroup.Group
	for _, s := range nets {
		g.Go(func() error { _, err := rt.CreateNetwork(ctx, s); return err })
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	g.SetLimit(10)
	for i := 1; i <= n; i++ {
		g.Go(func() error {
			id, err := rt.CreateContainer(ctx, runtime.ContainerSpec{
				Name: fmt.Sprintf("%sn%d", p, i), Hostname: fmt.Sprintf("n%d", i), Image: image.DefaultRef(),
				Labels: labels, Init: true, CapAdd: []string{"NET_ADMIN", "NET_RAW"}, Cmd: []string{engine.InitPath},
				Networks: []runtime.NetworkAttachment{{Network: p + "mgmt"}, {Network: p + []string{"a", "b", "c"}[i%3]}, {Network: p + []string{"a", "b", "c"}[(i+1)%3]}},
			})
			if err != nil {
				return err
			}
			return rt.StartContainer(ctx, id)
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	return took, func() {
		cs, _ := rt.ListContainers(ctx, labels)
		var g errgroup.Group
		for _, c := range cs {
			g.Go(func() error { return rt.RemoveContainer(ctx, c.ID) })
		}
		_ = g.Wait()
		for try := 0; try < 20; try++ { // endpoints may linger a moment after removal
			ns, _ := rt.ListNetworks(ctx, labels)
			if len(ns) == 0 {
				return
			}
			for _, n := range ns {
				_ = rt.RemoveNetwork(ctx, n.ID)
			}
			time.Sleep(100 * time.Millisecond)
		}
		b.Logf("floor networks of round %d could not be removed (stale endpoint)", round)
	}
}

// BenchmarkUpDown10 compares, interleaved in every iteration, `dojo up`
// (until every node accepts SSH) and `dojo down` of a 10-node, 3-network
// lab with docker-compose up -d / down of the same containers, and with the
// floor: the benchmark creating and starting them itself over the API,
// then removing them the same way (floor-down). When containerlab is
// available ($CLAB or PATH) it deploys and destroys the same topology in
// every round too.
// Run: go test ./internal/integration -run '^$' -bench UpDown10 -benchtime 5x
func BenchmarkUpDown10(b *testing.B) {
	const n = 10
	ctx := context.Background()
	labPath := benchLab(b, n)
	cdir := b.TempDir()
	cfile := filepath.Join(cdir, "docker-compose.yml")
	if err := os.WriteFile(cfile, []byte(composeFile(n)), 0o644); err != nil {
		b.Fatal(err)
	}
	var dUp, dDown, cUp, cDown, fUp, fDown, lUp, lDown []time.Duration
	clab, clabTopo := containerlab(b, n)
	for i := 0; i < b.N; i++ {
		t, _ := timeCmd(b, bin, "up", labPath, "--name", "itbench", "-q")
		dUp = append(dUp, t)
		t, _ = timeCmd(b, bin, "down", "itbench", "-q")
		dDown = append(dDown, t)

		t, _ = timeCmd(b, "docker-compose", "-p", "itbenchc", "-f", cfile, "up", "-d")
		cUp = append(cUp, t)
		t, _ = timeCmd(b, "docker-compose", "-p", "itbenchc", "-f", cfile, "down")
		cDown = append(cDown, t)

		t, cleanup := floorUp(ctx, b, n, i)
		fUp = append(fUp, t)
		start := time.Now()
		cleanup()
		fDown = append(fDown, time.Since(start))

		if clab != "" {
			t, _ = timeCmd(b, clab, "deploy", "-t", clabTopo, "--reconfigure")
			lUp = append(lUp, t)
			t, _ = timeCmd(b, clab, "destroy", "-t", clabTopo, "--cleanup")
			lDown = append(lDown, t)
		}
	}
	b.ReportMetric(median(dUp), "dojo-up-s")
	b.ReportMetric(median(cUp), "compose-up-s")
	b.ReportMetric(median(fUp), "floor-up-s")
	b.ReportMetric(median(dDown), "dojo-down-s")
	b.ReportMetric(median(cDown), "compose-down-s")
	b.ReportMetric(median(dUp)/median(cUp), "up/compose")
	b.ReportMetric(median(dUp)/median(fUp), "up/floor")
	b.ReportMetric(median(dDown)/median(cDown), "down/compose")
	b.ReportMetric(median(fDown), "floor-down-s")
	b.ReportMetric(median(dDown)/median(fDown), "down/floor")
	if clab != "" {
		b.ReportMetric(median(lUp), "clab-up-s")
		b.ReportMetric(median(lDown), "clab-down-s")
		b.ReportMetric(median(dUp)/median(lUp), "up/clab")
		b.ReportMetric(median(dDown)/median(lDown), "down/clab")
	}
}

// containerlab returns the containerlab binary named by $CLAB (else found
// on PATH; empty when there is none) and a topology file equivalent to
// benchLab: the same image and boot command, each node on the management
// network and on two of three segments. containerlab joins a segment
// through a Linux bridge that must exist before deploy (kind bridge), so
// the three bridges are made here and removed when the benchmark ends.
// containerlab builds from source with Go:
//
//	git clone https://github.com/srl-labs/containerlab && cd containerlab && go build -o /usr/local/bin/containerlab .
func containerlab(b *testing.B, n int) (bin, topo string) {
	b.Helper()
	bin = os.Getenv("CLAB")
	if bin == "" {
		bin, _ = exec.LookPath("containerlab")
	}
	if bin == "" {
		b.Log("containerlab not found ($CLAB or PATH): no containerlab comparison")
		return "", ""
	}
	var s strings.Builder
	s.WriteString("name: itclab\nmgmt:\n  network: itclab-mgmt\n  ipv4-subnet: 172.31.241.0/24\ntopology:\n  nodes:\n")
	nets := []string{"a", "b", "c"}
	for _, net := range nets {
		br := "itclab-" + net
		if o, err := exec.Command("ip", "link", "add", br, "type", "bridge").CombinedOutput(); err != nil {
			b.Fatalf("bridge %s: %v\n%s", br, err, o)
		}
		b.Cleanup(func() { _ = exec.Command("ip", "link", "del", br).Run() })
		if o, err := exec.Command("ip", "link", "set", br, "up").CombinedOutput(); err != nil {
			b.Fatalf("bridge %s: %v\n%s", br, err, o)
		}
		fmt.Fprintf(&s, "    %s:\n      kind: bridge\n", br)
	}
	for i := 1; i <= n; i++ {
		// containerlab runs linux nodes privileged by default; dojo's nodes
		// (and the engine here, which cannot grant every capability) are not.
		fmt.Fprintf(&s, "    n%d:\n      kind: linux\n      image: %s\n      cmd: %s\n      privileged: false\n      cap-add: [NET_ADMIN, NET_RAW]\n", i, image.DefaultRef(), engine.InitPath)
	}
	s.WriteString("  links:\n")
	for i := 1; i <= n; i++ {
		for k, ni := range []int{i % 3, (i + 1) % 3} {
			fmt.Fprintf(&s, "    - endpoints: [\"n%d:eth%d\", \"itclab-%s:n%dp%d\"]\n", i, k+1, nets[ni], i, k)
		}
	}
	topo = filepath.Join(b.TempDir(), "itclab.clab.yml")
	if err := os.WriteFile(topo, []byte(s.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	out, _ := exec.Command(bin, "version").CombinedOutput()
	b.Logf("comparing with %s", strings.Join(strings.Fields(string(out)), " "))
	return bin, topo
}

// BenchmarkUpScale brings up labs of 10, 20 and 50 nodes and reports
// seconds per node and the dojo process's peak memory.
// Run: go test ./internal/integration -run '^$' -bench UpScale -benchtime 1x
func BenchmarkUpScale(b *testing.B) {
	for _, n := range []int{10, 20, 50} {
		b.Run(fmt.Sprintf("nodes=%d", n), func(b *testing.B) {
			labPath := benchLab(b, n)
			var ups []time.Duration
			var rss int64
			for i := 0; i < b.N; i++ {
				t, ps := timeCmd(b, bin, "up", labPath, "--name", "itscale", "-q")
				ups = append(ups, t)
				rss = max(rss, ps.SysUsage().(*syscall.Rusage).Maxrss)
				timeCmd(b, bin, "down", "itscale", "-q")
			}
			b.ReportMetric(median(ups), "up-s")
			b.ReportMetric(median(ups)/float64(n), "s/node")
			b.ReportMetric(float64(rss)/1024, "peak-rss-MB")
		})
	}
}

const checkBenchScenario = `scenario "bench" {
  lab   = "lab.hcl"
  track = "server"
}
%s
`

// checkBenchGoals renders 20 checks (a realistic mix) for node nI, one
// goal each.
func checkBenchGoals(i, n int) string {
	next := i%n + 1
	checks := [][]string{
		{"file", `path = "/etc/hostname"`},
		{"file", `path = "/etc/ssh/sshd_config"`, `mode = "0644"`, `owner = "root"`},
		{"file", `path = "/etc/passwd"`, `contains = "root:"`},
		{"package", `name = "openssh-server"`},
		{"package", `name = "nginx-light"`},
		{"package", `name = "apache2"`, `installed = false`},
		{"service", `name = "ssh"`},
		{"service", `name = "nginx"`},
		{"process", `name = "sshd"`},
		{"port", `port = 22`},
		{"port", `port = 80`},
		{"user", `name = "root"`, `uid = 0`},
		{"group", `name = "sudo"`},
		{"sysctl", `key = "net.ipv4.ip_forward"`, `value = "0"`},
		{"sshd", `key = "PermitRootLogin"`, `value = "prohibit-password"`},
		{"command", `run = "uname -s"`, `contains = "Linux"`},
		{"address", `interface = "eth1"`, fmt.Sprintf(`address = "10.70.0.%d/24"`, i)},
		{"route", `destination = "10.70.0.0/24"`, `dev = "eth1"`},
		{"http", `url = "http://127.0.0.1/"`},
		{"tcp", fmt.Sprintf(`host = "10.70.0.%d"`, next), `port = 80`},
	}
	var s strings.Builder
	for k, c := range checks {
		fmt.Fprintf(&s, "goal \"n%d-%d\" {\n  check %q {\n    on = \"n%d\"\n", i, k, c[0], i)
		for _, a := range c[1:] {
			fmt.Fprintf(&s, "    %s\n", a)
		}
		s.WriteString("  }\n}\n")
	}
	return s.String()
}

// testinfraTests is the Testinfra equivalent of checkBenchGoals.
const testinfraTests = `import os
def test_hostname(host): assert host.file("/etc/hostname").exists
def test_sshd_config(host):
    f = host.file("/etc/ssh/sshd_config"); assert f.mode == 0o644 and f.user == "root"
def test_passwd(host): assert host.file("/etc/passwd").contains("root:")
def test_openssh(host): assert host.package("openssh-server").is_installed
def test_nginx_pkg(host): assert host.package("nginx-light").is_installed
def test_no_apache(host): assert not host.package("apache2").is_installed
def test_ssh_svc(host): assert host.run("service ssh status").rc == 0
def test_nginx_svc(host): assert host.run("service nginx status").rc == 0
def test_sshd_proc(host): assert host.process.filter(comm="sshd")
def test_port22(host): assert host.socket("tcp://0.0.0.0:22").is_listening
def test_port80(host): assert host.socket("tcp://0.0.0.0:80").is_listening
def test_root(host): assert host.user("root").uid == 0
def test_sudo(host): assert host.group("sudo").exists
def test_forward(host): assert host.sysctl("net.ipv4.ip_forward") == 0
def test_sshd_T(host): assert "permitrootlogin without-password" in host.check_output("sshd -T")
def test_uname(host): assert "Linux" in host.check_output("uname -s")
def test_addr(host): assert "10.70.0." in host.check_output("ip -4 -o addr show dev eth1")
def test_route(host): assert "dev eth1" in host.check_output("ip -4 route show 10.70.0.0/24")
def test_http(host): assert host.run("curl -sf -o /dev/null http://127.0.0.1/").rc == 0
def test_tcp(host): assert host.run("nc -z -w 2 10.70.0.1 80").rc == 0
`

// checkBenchLab writes the 5-node lab of the Check100 benchmarks, its
// 100-check scenario and the Testinfra equivalent into a temp dir, brings
// the lab up as instance with `dojo up` (verb "up": the lab alone) or
// `dojo start` (verb "start": the scenario), writes the instance's
// ssh-config for Testinfra, and returns the dir and that config's path.
// The instance is removed when the benchmark ends. It needs
// python3-testinfra.
func checkBenchLab(b *testing.B, verb, instance string) (dir, cfg string) {
	b.Helper()
	const n = 5
	if _, err := exec.LookPath("py.test-3"); err != nil {
		b.Fatal("the Testinfra comparison needs python3-testinfra: apt-get install python3-testinfra")
	}
	dir = b.TempDir()
	var lab, goals strings.Builder
	lab.WriteString("lab \"checkbench\" {}\nnetwork \"lan\" {\n  subnet = \"10.70.0.0/24\"\n}\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&lab, "node \"n%d\" {\n  interface \"lan\" {\n    address = \"10.70.0.%d/24\"\n  }\n  exec = [\"service nginx start\"]\n}\n", i, i)
		goals.WriteString(checkBenchGoals(i, n))
	}
	for name, body := range map[string]string{
		"lab.hcl":       lab.String(),
		"scenario.hcl":  fmt.Sprintf(checkBenchScenario, goals.String()),
		"test_bench.py": testinfraTests,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	target := dir
	if verb == "up" {
		target = filepath.Join(dir, "lab.hcl")
	}
	timeCmd(b, bin, verb, target, "--name", instance, "-q")
	b.Cleanup(func() { timeCmd(b, bin, "down", instance, "-q", "--purge") })
	sc := exec.Command(bin, "ssh-config", instance)
	sc.Env = env()
	out, err := sc.Output()
	if err != nil {
		b.Fatal(err)
	}
	cfg = filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfg, out, 0o600); err != nil {
		b.Fatal(err)
	}
	return dir, cfg
}

// BenchmarkCheck100 grades 5 nodes x 20 checks (a realistic mix) with a
// fresh SSH pool per iteration, counting handshakes, and runs the same 100
// checks with Testinfra (paramiko backend, one connection per host)
// interleaved. Needs python3-testinfra.
// Run: go test ./internal/integration -run '^$' -bench Check100 -benchtime 10x
func BenchmarkCheck100(b *testing.B) {
	const n = 5
	dir, cfg := checkBenchLab(b, "up", "itcheck")
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}

	scen, _, diags := scenario.LoadFile(dir, scenario.Options{Checks: check.Catalog()})
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	goalsList, err := grade.FromScenario(scen)
	must(err)
	eng := &engine.Engine{RT: rt, Store: &state.Store{Root: stateDir}}
	targets, err := eng.Targets(context.Background(), "itcheck")
	must(err)
	signer, err := eng.Signer("itcheck")
	must(err)
	hosts := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		hosts = append(hosts, fmt.Sprintf("paramiko://n%d", i))
	}

	var dojoT, tiT []time.Duration
	var handshakes int64
	var batches []string
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pool := sshx.NewPool(signer, sshx.PoolOptions{MaxOutput: 64 << 20})
		start := time.Now()
		execf := grade.SSHExec(pool, targets)
		var bmu sync.Mutex
		traced := func(ctx context.Context, node, script string) ([]byte, int, error) {
			t0 := time.Since(start)
			o, c, err := execf(ctx, node, script)
			bmu.Lock()
			batches = append(batches, fmt.Sprintf("%s %d probes %.0f-%.0fms", node, strings.Count(script, "&\n_p"), t0.Seconds()*1000, time.Since(start).Seconds()*1000))
			bmu.Unlock()
			return o, c, err
		}
		res := grade.Run(context.Background(), grade.NewBatcher(traced), goalsList, grade.BatchOptions(grade.Options{}))
		dojoT = append(dojoT, time.Since(start))
		handshakes += pool.Handshakes()
		pool.Close()
		if res.Count(grade.StatusPassed) != len(goalsList) {
			for _, g := range res.Goals {
				if g.Status != grade.StatusPassed {
					b.Fatalf("goal %s: %s %+v", g.Name, g.Status, g.Checks)
				}
			}
		}
		if i < 5 { // Testinfra is slow; five interleaved runs are enough for a median.
			cmd := exec.Command("py.test-3", "-q", "-p", "no:cacheprovider", "--ssh-config="+cfg, "--hosts="+strings.Join(hosts, ","), filepath.Join(dir, "test_bench.py"))
			cmd.Dir = dir
			start = time.Now()
			o, err := cmd.CombinedOutput()
			tiT = append(tiT, time.Since(start))
			if err != nil {
				b.Fatalf("testinfra: %v\n%s", err, o)
			}
		}
	}
	b.StopTimer()
	if os.Getenv("DOJO_BENCH_TRACE") != "" {
		b.Log(strings.Join(batches, "\n"))
	}
	b.ReportMetric(float64(handshakes)/float64(b.N)/n, "handshakes/node")
	b.ReportMetric(median(dojoT), "dojo-s")
	b.ReportMetric(median(tiT), "testinfra-s")
	b.ReportMetric(median(tiT)/median(dojoT), "speedup")
}

// BenchmarkBareProbes runs 100 bare probes (dpkg-query, stat, getent, ss,
// sysctl) over one pooled connection per node of a 5-node lab: the floor
// the checks' own work adds to.
// Run: go test ./internal/integration -run '^$' -bench BareProbes -benchtime 10x
func BenchmarkBareProbes(b *testing.B) {
	const n = 5
	dir := b.TempDir()
	var lab strings.Builder
	lab.WriteString("lab \"probebench\" {}\nnetwork \"lan\" {\n  subnet = \"10.71.0.0/24\"\n}\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&lab, "node \"n%d\" {\n  interface \"lan\" {\n    address = \"10.71.0.%d/24\"\n  }\n}\n", i, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "lab.hcl"), []byte(lab.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	timeCmd(b, bin, "up", filepath.Join(dir, "lab.hcl"), "--name", "itprobe", "-q")
	defer timeCmd(b, bin, "down", "itprobe", "-q", "--purge")
	eng := &engine.Engine{RT: rt, Store: &state.Store{Root: stateDir}}
	targets, err := eng.Targets(context.Background(), "itprobe")
	if err != nil {
		b.Fatal(err)
	}
	signer, err := eng.Signer("itprobe")
	if err != nil {
		b.Fatal(err)
	}
	probes := []string{"dpkg-query -W openssh-server", "stat -c %a /etc/passwd", "getent passwd root", "ss -H -ltn", "sysctl -n net.ipv4.ip_forward"}
	pool := sshx.NewPool(signer, sshx.PoolOptions{})
	defer pool.Close()
	for _, t := range targets {
		if err := pool.WaitReady(context.Background(), t); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var g errgroup.Group
		for _, t := range targets {
			for k := 0; k < 100/n; k++ {
				g.Go(func() error {
					_, err := pool.Run(context.Background(), t, probes[k%len(probes)], nil)
					return err
				})
			}
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck100Keeper runs `dojo check` (the binary, JSON output) of
// the 100-check scenario of BenchmarkCheck100 three ways, interleaved in
// every iteration: the first run with no keeper alive (it starts one), a
// run on the warm keeper, and Testinfra on the same probes. It reports
// the keeper's node handshakes per node after all runs (1 means every
// later run reused the first run's connections).
// Run: go test ./internal/integration -run '^$' -bench Check100Keeper -benchtime 3x
func BenchmarkCheck100Keeper(b *testing.B) {
	const n = 5
	dir, cfg := checkBenchLab(b, "start", "itcheckk")
	hosts := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		hosts = append(hosts, fmt.Sprintf("paramiko://n%d", i))
	}
	svc := &session.Service{Engine: &engine.Engine{RT: rt, Store: &state.Store{Root: stateDir}}}
	check := func() time.Duration {
		cmd := exec.Command(bin, "check", "itcheckk", "--format", "json")
		cmd.Env = env()
		start := time.Now()
		o, err := cmd.Output()
		took := time.Since(start)
		var doc struct {
			Goals []struct{ Status string } `json:"goals"`
		}
		if jerr := json.Unmarshal(o, &doc); jerr != nil || len(doc.Goals) != 5*20 {
			b.Fatalf("dojo check: %v %v\n%s", err, jerr, o)
		}
		for _, g := range doc.Goals {
			if g.Status == "error" {
				b.Fatalf("dojo check: a goal in error\n%s", o)
			}
		}
		return took
	}
	var first, warm, tiT []time.Duration
	var hs int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		svc.StopKeeper(context.Background(), "itcheckk")
		first = append(first, check())
		warm = append(warm, check())
		p, err := svc.KeeperStats(context.Background(), "itcheckk")
		var st sshx.KeeperStats
		if err == nil {
			err = json.Unmarshal(p, &st)
		}
		if err != nil {
			b.Fatal(err)
		}
		hs = st.Handshakes
		cmd := exec.Command("py.test-3", "-q", "-p", "no:cacheprovider", "--ssh-config="+cfg, "--hosts="+strings.Join(hosts, ","), filepath.Join(dir, "test_bench.py"))
		cmd.Dir = dir
		start := time.Now()
		o, err := cmd.CombinedOutput()
		tiT = append(tiT, time.Since(start))
		if err != nil {
			b.Fatalf("testinfra: %v\n%s", err, o)
		}
	}
	b.StopTimer()
	b.ReportMetric(median(first), "first-s")
	b.ReportMetric(median(warm), "warm-s")
	b.ReportMetric(median(tiT), "testinfra-s")
	b.ReportMetric(median(tiT)/median(warm), "speedup")
	b.ReportMetric(float64(hs)/n, "keeper-handshakes/node")
}

// BenchmarkWatchRound times one `dojo check --watch` round of the bundled
// static-routing scenario on an untouched lab: a grading round on a warm
// Grader (its connections open), as every round after the first is.
// Run: go test ./internal/integration -run '^$' -bench WatchRound -benchtime 3x
func BenchmarkWatchRound(b *testing.B) {
	timeCmd(b, bin, "start", "static-routing", "--name", "itwatch", "-q")
	defer timeCmd(b, bin, "down", "itwatch", "-q", "--purge")
	svc := &session.Service{Engine: &engine.Engine{RT: rt, Store: &state.Store{Root: stateDir}}}
	ctx := context.Background()
	g, err := svc.Grader(ctx, "itwatch")
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	start := time.Now()
	if _, err := g.Round(ctx, nil); err != nil { // the first round connects
		b.Fatal(err)
	}
	firstRound := time.Since(start)
	var rounds []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := g.Round(ctx, nil)
		rounds = append(rounds, time.Since(start))
		if err != nil || res.Cancelled {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(firstRound.Seconds()*1000, "first-round-ms")
	b.ReportMetric(median(rounds)*1000, "round-ms")
}

// BenchmarkKeeperRSS brings up 20 nodes, runs a command on each through
// the instance's keeper (started by the benchmark as dojo would), and
// reports the keeper process's peak resident memory (VmHWM).
// Run: go test ./internal/integration -run '^$' -bench KeeperRSS -benchtime 1x
func BenchmarkKeeperRSS(b *testing.B) {
	const n = 20
	timeCmd(b, bin, "up", benchLab(b, n), "--name", "itkeeprss", "-q")
	defer timeCmd(b, bin, "down", "itkeeprss", "-q", "--purge")
	svc := &session.Service{Engine: &engine.Engine{RT: rt, Store: &state.Store{Root: stateDir}},
		Keeper: session.KeeperConfig{Enabled: true, Exe: bin}}
	b.Setenv("DOJO_STATE_DIR", stateDir) // the keeper inherits it, as from dojo
	ctx := context.Background()
	var peak float64
	for i := 0; i < b.N; i++ {
		for node := 1; node <= n; node++ {
			nd, err := svc.ConnectNode(ctx, fmt.Sprintf("itkeeprss/n%d", node), "", sshx.PoolOptions{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := nd.Pool.Run(ctx, nd.Target, "echo ok", nil); err != nil {
				b.Fatal(err)
			}
			nd.Close()
		}
		p, err := svc.KeeperStats(ctx, "itkeeprss")
		if err != nil {
			b.Fatal(err)
		}
		var st sshx.KeeperStats
		if err := json.Unmarshal(p, &st); err != nil || st.Handshakes != n {
			b.Fatalf("keeper stats %s: want %d handshakes", p, n)
		}
		c, err := net.Dial("unix", svc.KeeperSocket("itkeeprss"))
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := c.(*net.UnixConn).SyscallConn()
		var cred *syscall.Ucred
		_ = raw.Control(func(fd uintptr) {
			cred, err = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
		})
		c.Close()
		if err != nil {
			b.Fatal(err)
		}
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cred.Pid))
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range strings.Split(string(status), "\n") {
			if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
				kb, _ := strconv.Atoi(f[1])
				peak = max(peak, float64(kb)/1024)
			}
		}
	}
	b.ReportMetric(peak, "keeper-peak-rss-MB")
}
