// Package imagetest starts containers from labdojo node images for tests
// that need a real tool (sshd, ssh, xmllint, ...) which a fresh machine has
// only inside Docker. It builds the node image (or a package variant) when
// missing, puts containers on an internal test network the host reaches,
// and removes everything when the test ends. Without a Docker engine the
// test fails, unless -short is given.
package imagetest

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/runtime/docker"
)

// Runtime connects to the engine; a missing engine fails the test unless
// -short is given (then the test is skipped).
func Runtime(t testing.TB) *docker.Runtime {
	t.Helper()
	if testing.Short() {
		t.Skip("needs the Docker engine (skipped with -short)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rt, err := docker.New(ctx)
	if err != nil {
		t.Fatalf("Docker engine required: %v", err)
	}
	t.Cleanup(func() { _ = rt.Close() })
	return rt
}

// Image returns the default node image, or the variant with packages,
// building it when missing (first use on a machine takes a minute or two).
func Image(t testing.TB, rt *docker.Runtime, packages ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	ref, err := image.Ensure(ctx, rt, image.Options{})
	if err != nil {
		t.Fatalf("node image: %v", err)
	}
	if len(packages) == 0 {
		return ref
	}
	sort.Strings(packages)
	n := &lab.Node{Name: "test", Packages: packages, PackagesAt: "test"}
	if err := image.EnsureVariants(ctx, rt, ref, []*lab.Node{n}, image.Options{}); err != nil {
		t.Fatalf("image variant with %v: %v", packages, err)
	}
	return n.Image
}

func randomName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// Network creates an internal network (no route out; the host reaches its
// containers at their addresses) and removes it when the test ends.
func Network(t testing.TB, rt *docker.Runtime) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	used, err := rt.AllNetworkSubnets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name := randomName("dojotest-")
	for i := 0; i < 200; i++ {
		subnet := netip.PrefixFrom(netip.AddrFrom4([4]byte{172, 31, byte(40 + i), 0}), 24)
		clash := false
		for p := range used {
			clash = clash || p.Overlaps(subnet)
		}
		if clash {
			continue
		}
		gw := subnet.Addr().Next()
		_, err := rt.CreateNetwork(ctx, runtime.NetworkSpec{Name: name, Subnet: subnet, Gateway: gw, Internal: true,
			Labels: map[string]string{"io.labdojo.test": "1"}})
		if err != nil && strings.Contains(err.Error(), "overlaps") {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_ = rt.RemoveNetwork(ctx, name)
		})
		return name
	}
	t.Fatal("no free subnet for a test network in 172.31.40.0-172.31.239.0")
	return ""
}

// File is a file placed in a container before it starts.
type File struct {
	Path string
	Data []byte
	Mode int64
}

// Node is a running test container.
type Node struct {
	RT   *docker.Runtime
	ID   string
	Addr netip.Addr // address on the test network
}

// Start creates and starts a container from img on network with files in
// place, running cmd (nil: the image's init: sshd and cron), and removes it
// when the test ends.
func Start(t testing.TB, rt *docker.Runtime, img, network string, files []File, cmd []string) *Node {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	name := randomName("dojotest-")
	id, err := rt.CreateContainer(ctx, runtime.ContainerSpec{
		Name: name, Hostname: "testnode", Image: img, Cmd: cmd, Init: true,
		Labels:   map[string]string{"io.labdojo.test": "1"},
		Networks: []runtime.NetworkAttachment{{Network: network}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = rt.RemoveContainer(ctx, id)
	})
	if len(files) > 0 {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		dirs := map[string]bool{}
		for _, f := range files {
			parts := strings.Split(strings.TrimPrefix(f.Path, "/"), "/")
			for i := 1; i < len(parts); i++ {
				d := strings.Join(parts[:i], "/")
				if !dirs[d] {
					dirs[d] = true
					mode := int64(0o755)
					if d == "root/.ssh" {
						mode = 0o700
					}
					_ = tw.WriteHeader(&tar.Header{Name: d + "/", Typeflag: tar.TypeDir, Mode: mode, ModTime: time.Now()})
				}
			}
			mode := f.Mode
			if mode == 0 {
				mode = 0o644
			}
			_ = tw.WriteHeader(&tar.Header{Name: strings.TrimPrefix(f.Path, "/"), Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(f.Data)), ModTime: time.Now()})
			_, _ = tw.Write(f.Data)
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := rt.CopyTo(ctx, id, "/", &buf); err != nil {
			t.Fatal(err)
		}
	}
	if err := rt.StartContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	info, err := rt.InspectContainer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	ep, ok := info.Endpoints[network]
	if !ok || !ep.IPAddress.IsValid() {
		t.Fatalf("container %s has no address on %s: %+v", name, network, info.Endpoints)
	}
	return &Node{RT: rt, ID: id, Addr: ep.IPAddress}
}

// Exec runs cmd in the node and returns its output and exit code.
func (n *Node) Exec(t testing.TB, stdin []byte, cmd ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var o, e bytes.Buffer
	spec := runtime.ExecSpec{Cmd: cmd, Stdout: &o, Stderr: &e}
	if stdin != nil {
		spec.Stdin = bytes.NewReader(stdin)
	}
	res, err := n.RT.Exec(ctx, n.ID, spec)
	if err != nil {
		t.Fatalf("exec %v: %v", cmd, err)
	}
	return o.String(), e.String(), res.ExitCode
}

// String names the node for messages.
func (n *Node) String() string { return fmt.Sprintf("container %.12s (%s)", n.ID, n.Addr) }
