package engine

import (
	"archive/tar"
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/runtime"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func testLab() *lab.Lab {
	return &lab.Lab{
		Name: "two-subnets", Hash: "abc", File: "lab.hcl",
		Networks: []*lab.Network{{Name: "office", Subnet: pfx("10.10.1.0/24")}, {Name: "servers", Subnet: pfx("10.10.2.0/24")}},
		Nodes: []*lab.Node{
			{Name: "router", Interfaces: []lab.Interface{{Network: "office", Address: pfx("10.10.1.1/24")}, {Network: "servers", Address: pfx("10.10.2.1/24")}}},
			{Name: "client", Interfaces: []lab.Interface{{Network: "office"}},
				Routes: []lab.Route{{Destination: pfx("10.10.2.0/24"), Via: netip.MustParseAddr("10.10.1.1")}}},
			{Name: "web", Image: "custom:1", CPUs: 0.5, Memory: 256 << 20, Pids: 4096, Env: map[string]string{"A": "b"},
				Interfaces: []lab.Interface{{Network: "servers", Address: pfx("10.10.2.10/24"), Gateway: netip.MustParseAddr("10.10.2.1")}},
				Files:      []lab.File{{Path: "/var/www/html/index.html", Content: []byte("hi"), Owner: "www-data"}}},
		},
	}
}

func testPlan(t *testing.T) *Plan {
	t.Helper()
	p, err := NewPlan("demo", testLab(), "labdojo/node:x", "v1", pfx("172.28.0.0/24"),
		map[string]netip.Prefix{"office": pfx("100.64.0.0/24"), "servers": pfx("100.64.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestContainerSpec(t *testing.T) {
	p := testPlan(t)
	tests := []struct {
		node string
		want runtime.ContainerSpec
	}{
		{"router", runtime.ContainerSpec{
			Name: "dojo-demo.router", Hostname: "router", Image: "labdojo/node:x",
			Cmd: []string{"/bin/sh", BootPath}, Env: map[string]string{},
			CapAdd: []string{"NET_ADMIN", "NET_RAW"}, Init: true,
			Memory: DefaultNodeMemory, PidsLimit: DefaultNodePids, CPUShares: NodeCPUShares,
			Sysctls: map[string]string{"net.ipv4.ip_forward": "0"}, ReadonlyPaths: ReadonlyPaths,
			Networks: []runtime.NetworkAttachment{
				{Network: "dojo-demo.mgmt", Address: netip.MustParseAddr("172.28.0.2")},
				{Network: "dojo-demo.n.office", Address: netip.MustParseAddr("100.64.0.2")},
				{Network: "dojo-demo.n.servers", Address: netip.MustParseAddr("100.64.1.2")},
			},
		}},
		{"web", runtime.ContainerSpec{
			Name: "dojo-demo.web", Hostname: "web", Image: "custom:1",
			Cmd: []string{"/bin/sh", BootPath}, Env: map[string]string{"A": "b"},
			CapAdd: []string{"NET_ADMIN", "NET_RAW"}, Init: true, NanoCPUs: 5e8, Memory: 256 << 20,
			PidsLimit: 4096, CPUShares: NodeCPUShares,
			Sysctls: map[string]string{"net.ipv4.ip_forward": "0"}, ReadonlyPaths: ReadonlyPaths,
			Networks: []runtime.NetworkAttachment{
				{Network: "dojo-demo.mgmt", Address: netip.MustParseAddr("172.28.0.4")},
				{Network: "dojo-demo.n.servers", Address: netip.MustParseAddr("100.64.1.4")},
			},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.node, func(t *testing.T) {
			var np *NodePlan
			for _, n := range p.Nodes {
				if n.Node.Name == tt.node {
					np = n
				}
			}
			got := p.ContainerSpec(np, []string{"/bin/sh", BootPath})
			if got.Labels[runtime.LabelInstance] != "demo" || got.Labels[runtime.LabelNode] != tt.node ||
				got.Labels[runtime.LabelTool] != "labdojo" || got.Labels[runtime.LabelLabHash] != "abc" {
				t.Errorf("labels = %v", got.Labels)
			}
			got.Labels = nil
			if got.Privileged {
				t.Error("privileged must never be set by default")
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("spec:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestContainerSpecHostOptions(t *testing.T) {
	l := testLab()
	l.Nodes[0].Capabilities = []string{"sys_admin", "NET_ADMIN"}
	l.Nodes[0].Binds = []lab.Bind{{Source: "/srv", Target: "/mnt", ReadOnly: true}}
	p, err := NewPlan("demo", l, "img", "v", pfx("172.28.0.0/24"), map[string]netip.Prefix{"office": pfx("100.64.0.0/24"), "servers": pfx("100.64.1.0/24")})
	if err != nil {
		t.Fatal(err)
	}
	s := p.ContainerSpec(p.Nodes[0], nil)
	if !reflect.DeepEqual(s.CapAdd, []string{"NET_ADMIN", "NET_RAW", "SYS_ADMIN"}) {
		t.Errorf("caps = %v", s.CapAdd)
	}
	if !reflect.DeepEqual(s.Binds, []string{"/srv:/mnt:ro"}) {
		t.Errorf("binds = %v", s.Binds)
	}
}

func TestNetworkSpecs(t *testing.T) {
	p := testPlan(t)
	specs := p.NetworkSpecs()
	if len(specs) != 3 {
		t.Fatalf("got %d networks", len(specs))
	}
	m := specs[0]
	if m.Name != "dojo-demo.mgmt" || !m.Internal || !m.NoICC || m.NoHostAddress || m.Gateway != netip.MustParseAddr("172.28.0.1") {
		t.Errorf("mgmt = %+v", m)
	}
	for _, s := range specs[1:] {
		if s.Internal || !s.NoHostAddress || s.Labels[runtime.LabelNetwork] == "" {
			t.Errorf("data network %+v", s)
		}
	}
	if specs[1].Subnet != pfx("100.64.0.0/24") || specs[1].Name != "dojo-demo.n.office" {
		t.Errorf("office = %+v", specs[1])
	}
}

func TestBootScript(t *testing.T) {
	p := testPlan(t)
	router := p.BootScript(p.Nodes[0])
	for _, want := range []string{
		"172.28.0.2/24) if0=$_n ;;",
		"100.64.0.2/24) if1=$_n ;;",
		"100.64.1.2/24) if2=$_n ;;",
		"link set dev dojotmp1 name eth1",
		"link set dev dojotmp2 name eth2",
		"addr add 10.10.1.1/24 brd + dev eth1",
		"addr add 10.10.2.1/24 brd + dev eth2",
		"'10.10.1.1\trouter'",
		"'10.10.2.10\tweb'",
		"exec " + InitPath,
	} {
		if !strings.Contains(router, want) {
			t.Errorf("router boot script lacks %q:\n%s", want, router)
		}
	}
	if strings.Contains(router, "route add default") {
		t.Error("router must get no default route")
	}
	client := p.BootScript(p.Nodes[1])
	if strings.Contains(client, "addr add") {
		t.Errorf("client declares no address but script adds one:\n%s", client)
	}
	if !strings.Contains(client, "route add 10.10.2.0/24 via 10.10.1.1") || !strings.Contains(client, "'127.0.1.1\tclient'") {
		t.Errorf("client script:\n%s", client)
	}
	web := p.BootScript(p.Nodes[2])
	if !strings.Contains(web, "route add default via 10.10.2.1 dev eth1") || !strings.Contains(web, "chown 'www-data' '/var/www/html/index.html'") {
		t.Errorf("web script:\n%s", web)
	}
	if p.Nodes[0].AddressLabel() != "eth1=office:10.10.1.1/24 eth2=servers:10.10.2.1/24" || p.Nodes[1].AddressLabel() != "eth1=office:-" {
		t.Errorf("address labels %q %q", p.Nodes[0].AddressLabel(), p.Nodes[1].AddressLabel())
	}
}

func TestAllocate(t *testing.T) {
	used := []netip.Prefix{pfx("172.28.0.0/24"), pfx("172.28.2.0/23"), pfx("10.0.0.0/8")}
	got, err := allocate(MgmtPool, 24, 3, used)
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{pfx("172.28.1.0/24"), pfx("172.28.4.0/24"), pfx("172.28.5.0/24")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
	if _, err := allocate(pfx("192.168.0.0/30"), 31, 3, nil); err == nil {
		t.Error("expected exhaustion error")
	}
	// A used supernet blocks everything inside it.
	if _, err := allocate(pfx("172.28.0.0/22"), 24, 1, []netip.Prefix{pfx("172.16.0.0/12")}); err == nil {
		t.Error("expected no free subnet under a covering route")
	}
}

func TestPrefixBitsFor(t *testing.T) {
	for n, want := range map[int]int{1: 24, 10: 24, 250: 24, 253: 24, 254: 23, 1000: 22} {
		if got := prefixBitsFor(n); got != want {
			t.Errorf("prefixBitsFor(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestParseProcRoute(t *testing.T) {
	in := `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth0	00000000	0100A8C0	0003	0	0	0	00000000	0	0	0
eth0	0000A8C0	00000000	0001	0	0	0	00FFFFFF	0	0	0
docker0	000011AC	00000000	0001	0	0	0	0000FFFF	0	0	0
`
	got := parseProcRoute(bufio.NewScanner(strings.NewReader(in)))
	want := []netip.Prefix{pfx("192.168.0.0/24"), pfx("172.17.0.0/16")}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
}

func TestNodeBoot(t *testing.T) {
	p := testPlan(t)
	keys := NodeKeys{HostKey: []byte("-----BEGIN OPENSSH PRIVATE KEY-----\ns3cr3t'key\n-----END OPENSSH PRIVATE KEY-----\n"), HostPub: []byte("ssh-ed25519 AAAA host\n"), Authorized: []byte("ssh-ed25519 BBBB user\n")}
	web := p.Nodes[2]
	web.Node.Files = append(web.Node.Files,
		lab.File{Path: "/bin.dat", Content: []byte{1, 0, 2}, Mode: 0o600},
		lab.File{Path: "/usr/local/bin/suid", Content: []byte("#!/bin/sh\n"), Mode: 0o755 | fs.ModeSetuid, Owner: "nobody"},
		lab.File{Path: "/srv/shared", Content: []byte("x"), Mode: 0o775 | fs.ModeSetgid | fs.ModeSticky})
	cmd, copyIn := p.NodeBoot(web, keys)
	if len(cmd) != 3 || cmd[1] != "-c" {
		t.Fatalf("boot not inline: %v", cmd[:2])
	}
	// The private key and the lab files travel only in the copy.
	for _, secret := range []string{"PRIVATE KEY", "s3cr3t", "BBBB"} {
		if strings.Contains(strings.Join(cmd, " "), secret) {
			t.Errorf("boot command holds %q", secret)
		}
		spec := p.ContainerSpec(web, cmd)
		if fmt.Sprint(spec.Env, spec.Labels) != strings.ReplaceAll(fmt.Sprint(spec.Env, spec.Labels), secret, "") {
			t.Errorf("container env or labels hold %q", secret)
		}
	}
	got := map[string]tarEntry{}
	for _, e := range copyIn {
		got[e.Path] = e
	}
	for p, mode := range map[string]int64{
		"/root/.ssh": 0o700, HostKeyPath: 0o600, HostPubPath: 0o644, AuthorizedKeysPath: 0o600,
		"/var/www/html/index.html": 0o644, "/bin.dat": 0o600, "/usr/local/bin/suid": 0o4755, "/srv/shared": 0o3775,
	} {
		if e, ok := got[p]; !ok || e.Mode != mode {
			t.Errorf("copy-in %s = %+v, want mode %04o", p, e, mode)
		}
	}
	if string(got[HostKeyPath].Content) != string(keys.HostKey) || !got["/root/.ssh"].Dir {
		t.Errorf("copy-in keys: %+v", got)
	}
	// chown clears setuid: the mode is set again after it.
	if !strings.Contains(cmd[2], "chown 'nobody' '/usr/local/bin/suid' || fail") || !strings.Contains(cmd[2], "chmod 4755 '/usr/local/bin/suid'") {
		t.Errorf("boot script does not restore the setuid mode after chown:\n%s", cmd[2])
	}
	tb, err := buildTar(copyIn, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(tb))
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if h.Name == "usr/local/bin/suid" && h.FileInfo().Mode()&fs.ModeSetuid == 0 {
			t.Errorf("tar header of the setuid file lost the bit: %o", h.Mode)
		}
		if h.Name == "root/.ssh/" && h.Typeflag != tar.TypeDir {
			t.Errorf("root/.ssh is not a directory entry")
		}
	}
	// A script too large for an argument is copied in too.
	many := *web.Node
	for i := 0; i < 3000; i++ {
		many.Routes = append(many.Routes, lab.Route{Destination: netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 99, byte(i >> 8), byte(i)}), 32), Via: netip.MustParseAddr("10.10.2.1")})
	}
	big := *web
	big.Node = &many
	cmd, copyIn = p.NodeBoot(&big, keys)
	if !reflect.DeepEqual(cmd, []string{"/bin/sh", BootPath}) || copyIn[len(copyIn)-1].Path != BootPath {
		t.Errorf("large script: %v", cmd)
	}
}
