package integration

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/runtime"
)

// hostHelper runs script in a container of image in the host's network
// namespace with NET_ADMIN and NET_RAW (like dojo's firewall helper).
func hostHelper(t *testing.T, image, script string) string {
	t.Helper()
	ctx := context.Background()
	id, err := rt.CreateContainer(ctx, runtime.ContainerSpec{
		Name: "itfw-helper", Image: image, Cmd: []string{"sleep", "60"},
		Labels:          map[string]string{runtime.LabelTool: runtime.ToolName, runtime.LabelInstance: "itfw-helper"},
		NetworkModeHost: true, CapDrop: []string{"ALL"}, CapAdd: []string{"NET_ADMIN", "NET_RAW"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rt.RemoveContainer(ctx, id) }()
	if err := rt.StartContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	res, err := rt.Exec(ctx, id, runtime.ExecSpec{Cmd: []string{"/bin/sh", "-c", script}, Stdout: &out, Stderr: &out})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("host helper: %v %d\n%s", err, res.ExitCode, out.String())
	}
	return out.String()
}

// TestNodesCannotReachHost runs a TCP and a UDP listener on the host bound
// to 0.0.0.0 and probes them from a node: at the management gateway
// address, and on the data network through the bridge's MAC address (the
// host's IP stack would accept those packets). With the instance's rules
// removed the same probes reach the listener (so the probes can fail);
// with them back nothing arrives, and a packet a node sends on a data
// network towards another interface of the host is dropped in FORWARD.
// `down` removes the rules.
func TestNodesCannotReachHost(t *testing.T) {
	tl, err := net.Listen("tcp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tl.Close()
	go func() {
		for {
			c, err := tl.Accept()
			if err != nil {
				return
			}
			fmt.Fprintln(c, "host-answered")
			c.Close()
		}
	}()
	ul, err := net.ListenPacket("udp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ul.Close()
	udpGot := make(chan string, 100)
	go func() {
		buf := make([]byte, 512)
		for {
			n, _, err := ul.ReadFrom(buf)
			if err != nil {
				return
			}
			udpGot <- string(buf[:n])
		}
	}()
	tport, uport := tl.Addr().(*net.TCPAddr).Port, ul.LocalAddr().(*net.UDPAddr).Port

	p := writeLab(t, `
lab "iso" {}
network "lan" { subnet = "10.88.0.0/24" }
node "a" {
  interface "lan" { address = "10.88.0.1/24" }
}
`)
	mustDojo(t, "up", p, "--name", "it-iso", "-q")
	downed := false
	defer func() {
		if !downed {
			mustDojo(t, "down", "it-iso", "--purge", "-q")
		}
	}()
	ctx := context.Background()
	cs, _ := rt.ListContainers(ctx, engine.InstanceLabels("it-iso"))
	if len(cs) != 1 {
		t.Fatalf("containers: %+v", cs)
	}
	image := cs[0].Image
	gw := cs[0].Endpoints[engine.MgmtNetworkName("it-iso")].IPAddress
	if !gw.IsValid() {
		t.Fatalf("no management address: %+v", cs[0].Endpoints)
	}
	gwPrefix, _ := gw.Prefix(24)
	gw = gwPrefix.Addr().Next()
	ns, _ := rt.ListNetworks(ctx, map[string]string{runtime.LabelInstance: "it-iso", runtime.LabelNetwork: "lan"})
	if len(ns) != 1 {
		t.Fatalf("networks: %+v", ns)
	}
	mac, err := os.ReadFile("/sys/class/net/br-" + ns[0].ID[:12] + "/address")
	if err != nil {
		t.Fatalf("bridge of the lab network: %v", err)
	}
	// Through the data network: the host's management gateway address
	// and a test address beyond the host, both via the bridge's MAC.
	nodeExec(t, "it-iso", "a", fmt.Sprintf("ip route add %s/32 dev eth1 && ip neigh replace %s lladdr %s dev eth1 nud permanent && "+
		"ip route add 192.0.2.0/24 dev eth1 && ip neigh replace 192.0.2.1 lladdr %s dev eth1 nud permanent",
		gw, gw, strings.TrimSpace(string(mac)), strings.TrimSpace(string(mac))))

	var lastOut string
	probe := func(tag string) (tcpMgmt bool, udp []string) {
		out, _ := nodeExec(t, "it-iso", "a", fmt.Sprintf(
			"nc -v -d -w 2 %s %d 2>&1; echo %s-mgmt | nc -u -w 1 %s %d; "+
				"ip route del %s/32 dev eth1; ip route add %s/32 dev eth1; echo %s-data | nc -u -w 1 -s 10.88.0.1 %s %d; "+
				"echo fwd | nc -u -w 1 192.0.2.1 9; true",
			gw, tport, tag, gw, uport, gw, gw, tag, gw, uport))
		lastOut = out
		time.Sleep(300 * time.Millisecond)
		for {
			select {
			case s := <-udpGot:
				udp = append(udp, strings.TrimSpace(s))
			default:
				return strings.Contains(out, "host-answered"), udp
			}
		}
	}
	// The management path first: eth0 is the route to the gateway.
	nodeExec(t, "it-iso", "a", "ip route del "+gw.String()+"/32 dev eth1")

	in, fwd := engine.FirewallChains("it-iso")
	tcp, udp := probe("sealed")
	if tcp || len(udp) > 0 {
		t.Errorf("a node reached the host: tcp %v, udp %q", tcp, udp)
	}
	save := hostHelper(t, image, "iptables-save -c 2>/dev/null | grep -e '-A "+fwd+" ' ; iptables-legacy-save -c 2>/dev/null | grep -e '-A "+fwd+" '; true")
	if !strings.Contains(save, "-j DROP") || strings.Contains(save, "[0:0] -A "+fwd+" -i br-"+ns[0].ID[:12]+" ! -o") {
		t.Errorf("no forwarded packet from the data bridge was dropped:\n%s", save)
	}

	// Control: without the rules, the same probes reach the host.
	hostHelper(t, image, engine.FirewallScript("it-iso", false, "", nil))
	tcp, udp = probe("open")
	if !tcp {
		// Some hosts filter TCP from containers themselves; UDP shows
		// the probes work.
		t.Logf("control: TCP did not reach the host even without dojo's rules:\n%s", lastOut)
	}
	if len(udp) != 2 {
		t.Errorf("control: with the rules removed the probes should reach the host listener (tcp %v, udp %q)\n%s", tcp, udp, lastOut)
	}
	// up on the running instance does not reinstall (state says they are
	// installed); install them as up did, then check idempotence.
	mgmtBr := ""
	all, _ := rt.ListNetworks(ctx, engine.InstanceLabels("it-iso"))
	for _, n := range all {
		if n.Labels[runtime.LabelNetwork] == engine.MgmtLabel {
			mgmtBr = "br-" + n.ID[:12]
		}
	}
	script := engine.FirewallScript("it-iso", true, mgmtBr, []string{"br-" + ns[0].ID[:12]})
	hostHelper(t, image, script)
	hostHelper(t, image, script)
	rules := hostHelper(t, image, "iptables-save 2>/dev/null; iptables-legacy-save 2>/dev/null; ip6tables-save 2>/dev/null; ip6tables-legacy-save 2>/dev/null; true")
	if n := strings.Count(rules, "-j "+in); n != 2*2 {
		t.Errorf("after installing twice: %d INPUT jumps, want 4 (2 bridges, IPv4 and IPv6)\n%s", n, rules)
	}
	tcp, udp = probe("resealed")
	if tcp || len(udp) > 0 {
		t.Errorf("a node reached the host after reinstalling: tcp %v, udp %q", tcp, udp)
	}

	mustDojo(t, "down", "it-iso", "--purge", "-q")
	downed = true
	rules = hostHelper(t, image, "iptables-save 2>/dev/null; iptables-legacy-save 2>/dev/null; ip6tables-save 2>/dev/null; ip6tables-legacy-save 2>/dev/null; true")
	if strings.Contains(rules, in) || strings.Contains(rules, fwd) {
		t.Errorf("down left rules behind:\n%s", rules)
	}
	_ = netip.Addr{}
}

// TestMgmtSubnetAvoidsHost adds a blackhole route to the host (through a
// helper container, removed at the end) and checks that a forced
// management subnet colliding with it, or with loopback, is refused with
// the route named and nothing created.
func TestMgmtSubnetAvoidsHost(t *testing.T) {
	const route = "10.213.7.0/24"
	image := image.DefaultRef()
	hostHelper(t, image, "ip route replace blackhole "+route)
	defer hostHelper(t, image, "ip route del blackhole "+route+" || true")
	p := writeLab(t, `
lab "mg" {}
network "lan" { subnet = "10.89.0.0/24" }
node "a" {
  interface "lan" { address = "10.89.0.1/24" }
}
`)
	for subnet, want := range map[string]string{
		"10.213.7.0/25":  `host route "` + route + `"`,
		"127.0.0.0/24":   "loopback",
		"169.254.9.0/24": "link-local",
	} {
		r := dojo(t, "up", p, "--name", "it-mgmt", "--mgmt-subnet", subnet)
		if r.code != 2 || !strings.Contains(r.stderr, want) {
			t.Errorf("--mgmt-subnet %s: exit %d, want 2 and %q in:\n%s", subnet, r.code, want, r.stderr)
		}
		requireGone(t, "it-mgmt")
	}
}
