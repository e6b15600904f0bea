// Package fake is an in-memory runtime.Runtime for tests that need no
// container engine. Networks and containers live in maps; every started
// container gets an in-process SSH server (the real protocol, from
// golang.org/x/crypto/ssh) presenting the host key the engine handed the
// node, and running commands with the host's /bin/sh in a private
// directory per node. Tests reach those servers through Dial, which the
// engine passes to its SSH pool.
//
// It is for unit tests of the layers above the engine (session, cli):
// commands run on the test machine, inside the node's directory, so
// scenarios used with it must only touch relative paths.
package fake

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/labdojo/labdojo/internal/runtime"
)

// Runtime is the fake. Create it with New; it is safe for concurrent use.
type Runtime struct {
	// Dir holds one directory per node (Dir/<container name>), the node's
	// working directory for every command.
	Dir string
	// Unavailable makes every call fail with runtime.ErrEngineUnavailable.
	Unavailable bool
	// Unroutable makes Dial fail as a host without a route to the nodes'
	// addresses does (Docker Desktop, a remote engine); ExecStream still
	// reaches them.
	Unroutable bool
	// Endpoint, Key and Remote are what Identity reports.
	Endpoint, Key string
	Remote        bool
	// Security is what SecurityOptions reports (as Docker does:
	// "name=seccomp,profile=default", "name=userns", ...); nil reports
	// none.
	Security []string

	mu         sync.Mutex
	nets       map[string]runtime.NetworkInfo
	containers map[string]*container
	seq        int
	helperRuns [][]string
	streams    atomic.Int64
}

// isNode tells a lab node (labelled with its node name) from a helper
// container labdojo runs for itself (the host firewall helper).
func (c *container) isNode() bool { return c.info.Labels[runtime.LabelNode] != "" }

// HelperRuns returns the commands executed in helper (non-node)
// containers. The fake never runs them: they would change the host.
func (f *Runtime) HelperRuns() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]string(nil), f.helperRuns...)
}

type container struct {
	info    runtime.ContainerInfo
	spec    runtime.ContainerSpec
	secrets [][]byte // everything handed over: command, environment, copies
	server  *server
	// netIDs are the networks it was created on, by attachment name.
	netIDs map[string]string
}

var _ runtime.Runtime = (*Runtime)(nil)

// New returns an empty fake whose node directories live under dir.
func New(dir string) *Runtime {
	return &Runtime{Dir: dir, nets: map[string]runtime.NetworkInfo{}, containers: map[string]*container{}}
}

func (f *Runtime) check() error {
	if f.Unavailable {
		return fmt.Errorf("fake engine: %w", runtime.ErrEngineUnavailable)
	}
	return nil
}

func match(have, want map[string]string) bool {
	for k, v := range want {
		if _, ok := have[k]; !ok || v != "" && have[k] != v {
			return false
		}
	}
	return true
}

// Info implements runtime.Runtime.
func (f *Runtime) Info(context.Context) (runtime.EngineInfo, error) {
	return runtime.EngineInfo{Version: "fake", APIVersion: "1.47", OS: "linux"}, f.check()
}

// SecurityOptions implements runtime.Runtime with Security.
func (f *Runtime) SecurityOptions(context.Context) ([]string, error) {
	return append([]string(nil), f.Security...), f.check()
}

// CreateNetwork implements runtime.Runtime; an overlapping subnet fails
// with *runtime.SubnetOverlapError as the Docker runtime does.
func (f *Runtime) CreateNetwork(_ context.Context, s runtime.NetworkSpec) (string, error) {
	if err := f.check(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.nets {
		if n.Name == s.Name {
			return "", fmt.Errorf("network %q already exists", s.Name)
		}
		for _, p := range n.Subnets {
			if s.Subnet.IsValid() && p.Overlaps(s.Subnet) {
				return "", &runtime.SubnetOverlapError{Subnet: s.Subnet, Cause: fmt.Errorf("overlaps %s", n.Name)}
			}
		}
	}
	f.seq++
	id := fmt.Sprintf("net%d", f.seq)
	info := runtime.NetworkInfo{ID: id, Name: s.Name, Labels: copyMap(s.Labels)}
	if s.Subnet.IsValid() {
		info.Subnets = []netip.Prefix{s.Subnet}
	}
	f.nets[id] = info
	return id, nil
}

// RemoveNetwork implements runtime.Runtime.
func (f *Runtime) RemoveNetwork(_ context.Context, id string) error {
	if err := f.check(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, n := range f.nets {
		if k == id || n.Name == id {
			delete(f.nets, k)
			return nil
		}
	}
	return fmt.Errorf("network %q: %w", id, runtime.ErrNotFound)
}

// ListNetworks implements runtime.Runtime.
func (f *Runtime) ListNetworks(_ context.Context, labels map[string]string) ([]runtime.NetworkInfo, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []runtime.NetworkInfo
	for _, n := range f.nets {
		if match(n.Labels, labels) {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// AllNetworkSubnets implements runtime.Runtime.
func (f *Runtime) AllNetworkSubnets(context.Context) (map[netip.Prefix]string, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[netip.Prefix]string{}
	for _, n := range f.nets {
		for _, p := range n.Subnets {
			out[p] = n.Name
		}
	}
	return out, nil
}

// CreateContainer implements runtime.Runtime.
func (f *Runtime) CreateContainer(_ context.Context, s runtime.ContainerSpec) (string, error) {
	if err := f.check(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.containers {
		if c.info.Name == s.Name {
			return "", fmt.Errorf("conflict: container name %q is already in use", s.Name)
		}
	}
	f.seq++
	id := fmt.Sprintf("c%d", f.seq)
	c := &container{spec: s, info: runtime.ContainerInfo{ID: id, Name: s.Name, Image: s.Image, State: "created",
		Labels: copyMap(s.Labels), Endpoints: map[string]runtime.Endpoint{}}}
	c.netIDs = map[string]string{}
	for _, a := range s.Networks {
		c.info.Endpoints[a.Network] = runtime.Endpoint{NetworkID: a.Network, IPAddress: a.Address, PrefixLen: 24}
		for id, n := range f.nets {
			if n.Name == a.Network || id == a.Network {
				c.netIDs[a.Network] = id
			}
		}
	}
	c.secrets = append(c.secrets, []byte(strings.Join(s.Cmd, "\n")))
	for _, v := range s.Env {
		c.secrets = append(c.secrets, []byte(v))
	}
	f.containers[id] = c
	return id, nil
}

func (f *Runtime) hasNetworkID(id string) bool { _, ok := f.nets[id]; return ok }

func (f *Runtime) find(id string) (*container, error) {
	if c, ok := f.containers[id]; ok {
		return c, nil
	}
	for _, c := range f.containers {
		if c.info.Name == id {
			return c, nil
		}
	}
	return nil, fmt.Errorf("container %q: %w", id, runtime.ErrNotFound)
}

// hostKeyRE finds an OpenSSH private key wherever the engine put it.
var hostKeyRE = regexp.MustCompile(`(?s)-----BEGIN OPENSSH PRIVATE KEY-----.*?-----END OPENSSH PRIVATE KEY-----\n?`)

// StartContainer implements runtime.Runtime: it starts the node's SSH
// server with the host key found in what was handed to the container.
func (f *Runtime) StartContainer(_ context.Context, id string) error {
	if err := f.check(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.find(id)
	if err != nil {
		return err
	}
	if c.info.Running {
		return nil
	}
	if !c.isNode() {
		c.info.Running, c.info.State = true, "running"
		return nil
	}
	// As the Docker engine does, a container whose network was removed
	// does not start (even when one of the same name exists again: the
	// engine refers to the network it was created with).
	for _, a := range c.spec.Networks {
		if id, ok := c.netIDs[a.Network]; !ok || !f.hasNetworkID(id) {
			return fmt.Errorf("container %q: network %s not found", c.info.Name, a.Network)
		}
	}
	var key []byte
	for _, s := range c.secrets {
		if m := hostKeyRE.Find(s); m != nil {
			key = m
		}
	}
	if key == nil {
		return fmt.Errorf("container %q: no host key was handed to it", c.info.Name)
	}
	dir := filepath.Join(f.Dir, c.info.Name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	srv, err := newServer(key, dir, c.info.Labels[runtime.LabelNode])
	if err != nil {
		return fmt.Errorf("container %q: %w", c.info.Name, err)
	}
	c.server = srv
	c.info.Running, c.info.State = true, "running"
	return nil
}

// RemoveContainer implements runtime.Runtime.
func (f *Runtime) RemoveContainer(_ context.Context, id string) error {
	if err := f.check(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.find(id)
	if err != nil {
		return err
	}
	if c.server != nil {
		c.server.close()
	}
	delete(f.containers, c.info.ID)
	return nil
}

// Stop stops a container as if its main process ended (tests of stopped
// nodes); its SSH server closes.
func (f *Runtime) Stop(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.find(name)
	if err != nil {
		return err
	}
	if c.server != nil {
		c.server.close()
		c.server = nil
	}
	c.info.Running, c.info.State = false, "exited"
	return nil
}

// InspectContainer implements runtime.Runtime.
func (f *Runtime) InspectContainer(_ context.Context, id string) (runtime.ContainerInfo, error) {
	if err := f.check(); err != nil {
		return runtime.ContainerInfo{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.find(id)
	if err != nil {
		return runtime.ContainerInfo{}, err
	}
	return c.info, nil
}

// ListContainers implements runtime.Runtime.
func (f *Runtime) ListContainers(_ context.Context, labels map[string]string) ([]runtime.ContainerInfo, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []runtime.ContainerInfo
	for _, c := range f.containers {
		if match(c.info.Labels, labels) {
			out = append(out, c.info)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CopyTo implements runtime.Runtime: the files are kept (so a host key
// copied in is found) but not written anywhere.
func (f *Runtime) CopyTo(_ context.Context, id, _ string, tarStream io.Reader) error {
	if err := f.check(); err != nil {
		return err
	}
	tr := tar.NewReader(tarStream)
	var files [][]byte
	for {
		_, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return err
		}
		files = append(files, b)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c, err := f.find(id)
	if err != nil {
		return err
	}
	c.secrets = append(c.secrets, files...)
	return nil
}

// Exec implements runtime.Runtime: it runs spec.Cmd in the node's
// directory (the console path, no SSH).
func (f *Runtime) Exec(ctx context.Context, id string, spec runtime.ExecSpec) (runtime.ExecResult, error) {
	if err := f.check(); err != nil {
		return runtime.ExecResult{}, err
	}
	f.mu.Lock()
	c, err := f.find(id)
	f.mu.Unlock()
	if err != nil {
		return runtime.ExecResult{}, err
	}
	if !c.info.Running {
		return runtime.ExecResult{}, fmt.Errorf("container %q is not running", c.info.Name)
	}
	if len(spec.Cmd) == 0 {
		return runtime.ExecResult{}, errors.New("exec: no command")
	}
	if !c.isNode() {
		f.mu.Lock()
		f.helperRuns = append(f.helperRuns, append([]string(nil), spec.Cmd...))
		f.mu.Unlock()
		return runtime.ExecResult{}, nil
	}
	code, err := runLocal(ctx, filepath.Join(f.Dir, c.info.Name), c.info.Labels[runtime.LabelNode], spec.Cmd, spec.Stdin, spec.Stdout, spec.Stderr)
	return runtime.ExecResult{ExitCode: code}, err
}

// Logs implements runtime.Runtime.
func (f *Runtime) Logs(context.Context, string, int) (string, error) { return "", f.check() }

// ImageExists implements runtime.Runtime: every image exists.
func (f *Runtime) ImageExists(context.Context, string) (bool, error) { return true, f.check() }

// ImportImage implements runtime.Runtime.
func (f *Runtime) ImportImage(context.Context, io.Reader, string, []string) error { return f.check() }

// BuildImage implements runtime.Runtime.
func (f *Runtime) BuildImage(context.Context, io.Reader, string, map[string]string, io.Writer) error {
	return f.check()
}

// RemoveImage implements runtime.Runtime.
func (f *Runtime) RemoveImage(context.Context, string) error { return f.check() }

// Close implements runtime.Runtime. It does not stop the nodes: a fake
// outlives the commands that use it, as an engine does.
func (f *Runtime) Close() error { return nil }

// Shutdown stops every node's SSH server.
func (f *Runtime) Shutdown() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.containers {
		if c.server != nil {
			c.server.close()
			c.server = nil
		}
	}
}

// Dial connects to the SSH server of the running node whose management
// address is addr's host; it is the engine's Dial for this fake.
func (f *Runtime) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if f.Unroutable {
		return nil, errUnroutable
	}
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	var srv *server
	for _, c := range f.containers {
		for _, ep := range c.info.Endpoints {
			if ep.IPAddress == ap.Addr() && c.server != nil {
				srv = c.server
			}
		}
	}
	f.mu.Unlock()
	if srv == nil {
		// As a real address with nothing listening answers.
		return nil, &net.OpError{Op: "dial", Net: network, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", srv.ln.Addr().String())
}

// Containers returns the names of the containers, sorted.
func (f *Runtime) Containers() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.containers {
		out = append(out, c.info.Name)
	}
	sort.Strings(out)
	return out
}

// Networks returns the names of the networks, sorted.
func (f *Runtime) Networks() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, n := range f.nets {
		out = append(out, n.Name)
	}
	sort.Strings(out)
	return out
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
