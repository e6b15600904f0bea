package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/state"
)

// fakeRT is an in-memory runtime for unit tests of the plan's execution.
type fakeRT struct {
	mu         sync.Mutex
	nets       map[string]runtime.NetworkInfo
	containers map[string]runtime.ContainerInfo
	failCreate string // container name whose create fails
	// refuseRemove names a network the engine will not remove (as Docker
	// answers 403 for a network it still counts endpoints on).
	refuseRemove string
	// refuseOnce names a network whose first removal fails (endpoints the
	// engine has not released yet).
	refuseOnce string
	// raceOnce makes another "process" take the subnet of the first data
	// network created, just before it is created.
	raceOnce bool
	seq      int
	// exitOnStart names a container that stops right after its start
	// (its boot failed).
	exitOnStart string
	// security is what SecurityOptions reports; securityCalls counts
	// the calls.
	security      []string
	securityCalls int
}

func newFake() *fakeRT {
	return &fakeRT{nets: map[string]runtime.NetworkInfo{}, containers: map[string]runtime.ContainerInfo{}}
}

func match(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

func (f *fakeRT) Info(context.Context) (runtime.EngineInfo, error) { return runtime.EngineInfo{}, nil }
func (f *fakeRT) CreateNetwork(_ context.Context, s runtime.NetworkSpec) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.raceOnce && s.NoHostAddress {
		f.raceOnce = false
		f.nets["foreign"] = runtime.NetworkInfo{ID: "foreign", Name: "someone-else", Subnets: []netip.Prefix{s.Subnet}}
	}
	for _, n := range f.nets {
		if n.Subnets[0].Overlaps(s.Subnet) {
			return "", &runtime.SubnetOverlapError{Subnet: s.Subnet, Cause: errors.New("Pool overlaps with other one on this address space")}
		}
	}
	f.seq++
	id := fmt.Sprintf("n%d", f.seq)
	f.nets[id] = runtime.NetworkInfo{ID: id, Name: s.Name, Subnets: []netip.Prefix{s.Subnet}, Labels: s.Labels}
	return id, nil
}
func (f *fakeRT) RemoveNetwork(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.nets[id]
	if !ok {
		return runtime.ErrNotFound
	}
	if n.Name == f.refuseRemove {
		return fmt.Errorf("network %s has active endpoints", n.Name)
	}
	if f.refuseOnce != "" && n.Name == f.refuseOnce {
		f.refuseOnce = ""
		return fmt.Errorf("network %s has active endpoints", n.Name)
	}
	delete(f.nets, id)
	return nil
}
func (f *fakeRT) ListNetworks(_ context.Context, l map[string]string) ([]runtime.NetworkInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []runtime.NetworkInfo
	for _, n := range f.nets {
		if match(n.Labels, l) {
			out = append(out, n)
		}
	}
	return out, nil
}
func (f *fakeRT) AllNetworkSubnets(context.Context) (map[netip.Prefix]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[netip.Prefix]string{}
	for _, n := range f.nets {
		out[n.Subnets[0]] = n.Name
	}
	return out, nil
}
func (f *fakeRT) CreateContainer(_ context.Context, s runtime.ContainerSpec) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	id := fmt.Sprintf("c%d", f.seq)
	f.containers[id] = runtime.ContainerInfo{ID: id, Name: s.Name, Labels: s.Labels, State: "created"}
	if s.Name == f.failCreate {
		return "", errors.New("boom")
	}
	return id, nil
}
func (f *fakeRT) StartContainer(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.containers[id]
	if !ok {
		return runtime.ErrNotFound
	}
	c.State, c.Running = "running", true
	if c.Name == f.exitOnStart {
		c.State, c.Running = "exited", false
	}
	f.containers[id] = c
	return nil
}
func (f *fakeRT) RemoveContainer(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.containers, id)
	return nil
}
func (f *fakeRT) InspectContainer(_ context.Context, id string) (runtime.ContainerInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.containers[id]; ok {
		return c, nil
	}
	for _, c := range f.containers {
		if c.Name == id {
			return c, nil
		}
	}
	return runtime.ContainerInfo{}, runtime.ErrNotFound
}
func (f *fakeRT) ListContainers(_ context.Context, l map[string]string) ([]runtime.ContainerInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []runtime.ContainerInfo
	for _, c := range f.containers {
		if match(c.Labels, l) {
			out = append(out, c)
		}
	}
	return out, nil
}
func (f *fakeRT) CopyTo(context.Context, string, string, io.Reader) error { return nil }
func (f *fakeRT) Exec(context.Context, string, runtime.ExecSpec) (runtime.ExecResult, error) {
	return runtime.ExecResult{}, nil
}
func (f *fakeRT) Logs(context.Context, string, int) (string, error)              { return "", nil }
func (f *fakeRT) ImageExists(context.Context, string) (bool, error)              { return true, nil }
func (f *fakeRT) ImportImage(context.Context, io.Reader, string, []string) error { return nil }
func (f *fakeRT) BuildImage(context.Context, io.Reader, string, map[string]string, io.Writer) error {
	return nil
}
func (f *fakeRT) RemoveImage(context.Context, string) error { return nil }
func (f *fakeRT) Close() error                              { return nil }

// loopbackMgmt keeps the SSH readiness dials of fake nodes on loopback.
var loopbackMgmt = netip.MustParsePrefix("127.77.0.0/24")

func TestUpRollsBackOnFailure(t *testing.T) {
	rt := newFake()
	rt.failCreate = "dojo-demo.client"
	e := &Engine{RT: rt, Store: &state.Store{Root: t.TempDir()}, Version: "test"}
	_, err := e.Up(context.Background(), testLab(), UpOptions{Instance: "demo", Image: "img", MgmtSubnet: loopbackMgmt})
	if err == nil || !strings.Contains(err.Error(), `node "client"`) || !strings.Contains(err.Error(), "removed everything") {
		t.Fatalf("err = %v", err)
	}
	if len(rt.containers) != 0 || len(rt.nets) != 0 {
		t.Errorf("left behind: %d containers, %d networks", len(rt.containers), len(rt.nets))
	}
}

func TestUpKeepOnFailure(t *testing.T) {
	rt := newFake()
	rt.failCreate = "dojo-demo.web"
	e := &Engine{RT: rt, Store: &state.Store{Root: t.TempDir()}, Version: "test"}
	_, err := e.Up(context.Background(), testLab(), UpOptions{Instance: "demo", Image: "img", KeepOnFailure: true, MgmtSubnet: loopbackMgmt})
	if err == nil || !strings.Contains(err.Error(), "keep-on-failure") {
		t.Fatalf("err = %v", err)
	}
	if len(rt.nets) != 3 {
		t.Errorf("want networks kept, have %d", len(rt.nets))
	}
	found, err := e.Down(context.Background(), "demo", false)
	if err != nil || !found || len(rt.nets)+len(rt.containers) != 0 {
		t.Errorf("down: found=%v err=%v left %d", found, err, len(rt.nets)+len(rt.containers))
	}
	found, err = e.Down(context.Background(), "demo", true)
	if err != nil || found {
		t.Errorf("second down: found=%v err=%v", found, err)
	}
}

func TestUpChangedLab(t *testing.T) {
	rt := newFake()
	e := &Engine{RT: rt, Store: &state.Store{Root: t.TempDir()}, Version: "test"}
	l := testLab()
	rt.containers["x"] = runtime.ContainerInfo{ID: "x", Labels: map[string]string{
		runtime.LabelTool: "labdojo", runtime.LabelInstance: "demo", runtime.LabelNode: "router", runtime.LabelLabHash: "old", runtime.LabelLab: "two-subnets"}}
	_, err := e.Up(context.Background(), l, UpOptions{Instance: "demo", Image: "img"})
	if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), "nodes only in the file: client, web") {
		t.Fatalf("err = %v", err)
	}
	if len(rt.containers) != 1 {
		t.Error("a changed lab must not touch the running instance")
	}
}

// TestUpNetworkOverlapRetries: a subnet taken by another process between
// planning and creating is avoided on a second plan; the first plan's
// networks are removed, the other process's network is left alone.
func TestUpNetworkOverlapRetries(t *testing.T) {
	rt := newFake()
	rt.raceOnce = true
	rt.failCreate = "dojo-demo.router" // stop before SSH; networks are what this test is about
	e := &Engine{RT: rt, Store: &state.Store{Root: t.TempDir()}, Version: "test"}
	var created []string
	var mu sync.Mutex
	e.Events = func(ev Event) {
		if ev.Step == StepNetwork && ev.Done {
			mu.Lock()
			created = append(created, ev.Subject)
			mu.Unlock()
		}
	}
	_, err := e.Up(context.Background(), testLab(), UpOptions{Instance: "demo", Image: "img", MgmtSubnet: loopbackMgmt})
	if err == nil || !strings.Contains(err.Error(), `node "router"`) || strings.Contains(err.Error(), "overlaps") {
		t.Fatalf("err = %v", err)
	}
	if _, ok := rt.nets["foreign"]; !ok || len(rt.nets) != 1 {
		t.Errorf("networks left: %v", rt.nets)
	}
	// Three networks on the retry, plus those the first attempt made.
	if len(created) < 3 {
		t.Errorf("created %v", created)
	}
}

func TestDownInvalidName(t *testing.T) {
	e := &Engine{RT: newFake(), Store: &state.Store{Root: t.TempDir()}}
	if _, err := e.Down(context.Background(), "../etc", true); !errors.Is(err, ErrInput) {
		t.Errorf("err = %v", err)
	}
}

// TestDownReportsNetworkItCannotRemove: a network the engine refuses to
// remove, on both passes, is an error of down naming it, not "Removed".
func TestDownReportsNetworkItCannotRemove(t *testing.T) {
	rt := newFake()
	e := &Engine{RT: rt, Store: &state.Store{Root: t.TempDir()}}
	labels := InstanceLabels("demo")
	for _, n := range []string{MgmtNetworkName("demo"), NetworkName("demo", "lan1"), NetworkName("demo", "lan2")} {
		rt.nets[n] = runtime.NetworkInfo{ID: n, Name: n, Labels: labels}
	}
	rt.containers["c1"] = runtime.ContainerInfo{ID: "c1", Name: ContainerName("demo", "a"), Labels: labels}
	rt.refuseRemove = NetworkName("demo", "lan1")
	found, err := e.Down(context.Background(), "demo", false)
	if !found || err == nil || !strings.Contains(err.Error(), `network "`+rt.refuseRemove+`": remove`) {
		t.Fatalf("down: found %v, err %v", found, err)
	}
	if len(rt.containers) != 0 {
		t.Errorf("containers left: %v", rt.containers)
	}
	rt.refuseRemove = ""
	if _, err := e.Down(context.Background(), "demo", false); err != nil || len(rt.nets) != 0 {
		t.Errorf("second down: %v, networks left %v", err, rt.nets)
	}
	// A network refused once (endpoints not yet released) goes on a retry.
	rt.nets["n"] = runtime.NetworkInfo{ID: "n", Name: "n", Labels: labels}
	rt.refuseOnce = "n"
	if _, err := e.Down(context.Background(), "demo", false); err != nil || len(rt.nets) != 0 {
		t.Errorf("down with a late endpoint release: %v, networks left %v", err, rt.nets)
	}
}

func TestNodesByInstance(t *testing.T) {
	rt := newFake()
	for i, c := range [][2]string{{"a", "web"}, {"a", "db"}, {"b", "web"}} {
		rt.containers[fmt.Sprint(i)] = runtime.ContainerInfo{ID: fmt.Sprint(i), Labels: map[string]string{
			runtime.LabelTool: "labdojo", runtime.LabelInstance: c[0], runtime.LabelNode: c[1]}}
	}
	rt.containers["x"] = runtime.ContainerInfo{ID: "x", Labels: map[string]string{"other": "1", runtime.LabelNode: "web"}}
	e := &Engine{RT: rt}
	got, err := e.NodesByInstance(context.Background())
	if err != nil || len(got) != 2 || len(got["a"]) != 2 || len(got["b"]) != 1 {
		t.Errorf("got %v %v", got, err)
	}
}

// TestUpNoticesStoppedNode: a node whose container stops at boot is
// reported within about a second, with its state, not after the readiness
// timeout.
func TestUpNoticesStoppedNode(t *testing.T) {
	rt := newFake()
	rt.exitOnStart = "dojo-demo.web"
	e := &Engine{RT: rt, Store: &state.Store{Root: t.TempDir()}, Version: "test"}
	start := time.Now()
	_, err := e.Up(context.Background(), testLab(), UpOptions{Instance: "demo", Image: "img", MgmtSubnet: loopbackMgmt, ReadyTimeout: 30 * time.Second})
	if err == nil || !strings.Contains(err.Error(), `node "web": container stopped (exited)`) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("noticed after %s", d)
	}
}

// TestUpReplacesHalfCreatedNode: a node left created but never started (an
// up killed half-way) is removed and created again by the next up, while
// the other nodes stay.
func TestUpReplacesHalfCreatedNode(t *testing.T) {
	rt := newFake()
	e := &Engine{RT: rt, Store: &state.Store{Root: t.TempDir()}, Version: "test"}
	opts := UpOptions{Instance: "demo", Image: "img", MgmtSubnet: loopbackMgmt, ReadyTimeout: 300 * time.Millisecond, KeepOnFailure: true}
	if _, err := e.Up(context.Background(), testLab(), opts); err == nil {
		t.Fatal("fake nodes have no SSH: the first up should time out")
	}
	ids := map[string]string{}
	for id, c := range rt.containers {
		ids[c.Labels[runtime.LabelNode]] = id
		if c.Labels[runtime.LabelNode] == "web" {
			c.State = "created"
			rt.containers[id] = c
		}
	}
	_, _ = e.Up(context.Background(), testLab(), opts)
	now := map[string]string{}
	for id, c := range rt.containers {
		now[c.Labels[runtime.LabelNode]] = id
	}
	if now["web"] == "" || now["web"] == ids["web"] {
		t.Errorf("half-created web was not replaced: %v -> %v", ids, now)
	}
	if now["router"] != ids["router"] || now["client"] != ids["client"] {
		t.Errorf("running nodes were replaced: %v -> %v", ids, now)
	}
}
