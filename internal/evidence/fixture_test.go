package evidence

import (
	"crypto/ed25519"
	"fmt"
	"net/netip"
	"time"

	"github.com/labdojo/labdojo/internal/graph"
	"github.com/labdojo/labdojo/internal/lab"
)

var t0 = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// testSigner is deterministic (ed25519 signatures are), so golden files
// hold a fixed signature.
func testSigner(seed byte, label string) *Signer {
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	return &Signer{Key: ed25519.NewKeyFromSeed(s), Label: label}
}

// tenNodeLab is a router, two switches' worth of servers and clients.
func tenNodeLab() *lab.Lab {
	l := &lab.Lab{Name: "office-10", Title: "Office with ten nodes", Networks: []*lab.Network{
		{Name: "office", Subnet: netip.MustParsePrefix("10.10.1.0/24")},
		{Name: "servers", Subnet: netip.MustParsePrefix("10.10.2.0/24")},
		{Name: "dmz", Subnet: netip.MustParsePrefix("10.10.3.0/24")},
	}}
	l.Nodes = append(l.Nodes, &lab.Node{Name: "router", Interfaces: []lab.Interface{
		{Network: "office", Address: netip.MustParsePrefix("10.10.1.1/24")},
		{Network: "servers", Address: netip.MustParsePrefix("10.10.2.1/24")},
	}})
	l.Nodes = append(l.Nodes, &lab.Node{Name: "fw", Interfaces: []lab.Interface{
		{Network: "servers", Address: netip.MustParsePrefix("10.10.2.254/24")},
		{Network: "dmz", Address: netip.MustParsePrefix("10.10.3.1/24")},
	}})
	for i := 0; i < 4; i++ {
		l.Nodes = append(l.Nodes, &lab.Node{Name: fmt.Sprintf("pc-%d", i+1), Interfaces: []lab.Interface{{Network: "office", Address: netip.MustParsePrefix(fmt.Sprintf("10.10.1.%d/24", 10+i))}}})
	}
	for i := 0; i < 3; i++ {
		l.Nodes = append(l.Nodes, &lab.Node{Name: fmt.Sprintf("srv-%d", i+1), Interfaces: []lab.Interface{{Network: "servers", Address: netip.MustParsePrefix(fmt.Sprintf("10.10.2.%d/24", 10+i))}}})
	}
	l.Nodes = append(l.Nodes, &lab.Node{Name: "web", Interfaces: []lab.Interface{{Network: "dmz"}}})
	return l
}

// sample builds evidence for a lab of ten nodes with runs graded runs.
func sample(lang string, runs int) *Document {
	e := Evidence{
		Lang: lang, Learner: "Hanako Yamada <hanako@example.com>", Generated: t0.Add(3 * time.Hour),
		Started: t0, Finished: t0.Add(2*time.Hour + 5*time.Minute), Instance: "office-10",
		Scenario: Scenario{Name: "office-routing", Title: "Route the office to the servers | and the DMZ", Track: "network", Level: 2, Lab: "office-10", Minutes: 45},
		Topology: graph.FromLab(tenNodeLab()),
		Score:    85, MaxScore: 100, Percent: 85, PassPercent: 70, Passed: true,
		Environment: Environment{DojoVersion: "v0.4.0", ImageID: "sha256:4f2c0e6b9d1a", LabHash: "9a1b2c3d4e5f60718293a4b5c6d7e8f9a1b2c3d4e5f60718293a4b5c6d7e8f90", ScenarioHash: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0", OS: "linux", Arch: "amd64"},
	}
	fp := func(s int64) *int64 { return &s }
	e.Goals = []Goal{
		{Name: "forwarding", Title: "The router forwards IPv4", Status: "passed", Points: 20, MaxPoints: 20, FirstPassSeconds: fp(610)},
		{Name: "client-reaches-web", Title: "pc-1 loads http://10.10.3.10/", Status: "passed", Points: 30, MaxPoints: 30, FirstPassSeconds: fp(3725), HintsUsed: 1, Penalty: 5},
		{Name: "dmz-firewall", Title: "Only HTTP reaches the DMZ <web>", Status: "passed", Points: 35, MaxPoints: 40, FirstPassSeconds: fp(7000)},
		{Name: "dns", Title: "Names resolve", Status: "failed", Points: 0, MaxPoints: 10},
	}
	for i := 0; i < runs; i++ {
		p := float64(min(85, i*85/max(1, runs-1)))
		e.Timeline = append(e.Timeline, Run{Time: t0.Add(time.Duration(i) * 37 * time.Second), Score: int(p), Max: 100, Percent: p, Passed: p >= 70, GoalsPassed: int(p) / 25, Goals: 4, DurationSeconds: 1.25})
	}
	e.Hints = []Hint{{Time: t0.Add(20 * time.Minute), Goal: "client-reaches-web", Index: 0, Cost: 5}}
	cmds := []string{"ip -br addr", "sysctl -w net.ipv4.ip_forward=1", "echo 'net.ipv4.ip_forward=1' > /etc/sysctl.d/90-forward.conf", "mysql -uroot -pS3cret! -e 'select 1'", "curl -s http://admin:hunter2@10.10.3.10/ | head", "printf '```\\n' # fence in a command"}
	for _, n := range e.Topology.Nodes {
		p := NodeProcedure{Node: n.Name}
		for j, c := range cmds {
			p.Commands = append(p.Commands, Command{Time: t0.Add(time.Duration(j+1) * time.Minute), Line: c})
		}
		e.Procedure = append(e.Procedure, p)
	}
	e.Procedure[9].Truncated = true
	e.Replay = &Replay{Runbook: "office-routing.runbook.md", RunbookHash: "aa11bb22", Time: t0.Add(4 * time.Hour), GoalsPassed: 3, Goals: 4}
	e.Redact()
	return &Document{Evidence: e}
}
