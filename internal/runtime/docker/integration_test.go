package docker_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/runtime/docker"
)

// newRuntime connects to the real engine: a missing engine fails the test
// unless -short is given.
func newRuntime(t *testing.T) *docker.Runtime {
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

// nodeImage returns the node image, building it (offline) when absent.
func nodeImage(t *testing.T, rt *docker.Runtime) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	ref, err := image.Ensure(ctx, rt, image.Options{})
	if err != nil {
		t.Fatalf("node image: %v", err)
	}
	return ref
}

func randName(prefix string) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "dojotest-" + prefix + "-" + hex.EncodeToString(b[:])
}

func TestNewAndInfo(t *testing.T) {
	rt := newRuntime(t)
	info, err := rt.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Version == "" || info.APIVersion == "" {
		t.Fatalf("empty info: %+v", info)
	}
	t.Logf("engine %s API %s %s/%s at %s", info.Version, info.APIVersion, info.OS, info.Arch, rt.Host())
}

func TestNewUnreachable(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	_, err := docker.New(context.Background())
	if !errors.Is(err, runtime.ErrEngineUnavailable) {
		t.Fatalf("err = %v, want ErrEngineUnavailable", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "unix:///nonexistent/docker.sock") || !strings.Contains(msg, "Is the Docker daemon running?") {
		t.Fatalf("unclear message: %s", msg)
	}
}

func TestLabLifecycle(t *testing.T) {
	rt := newRuntime(t)
	ref := nodeImage(t, rt)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	instance := randName("inst")
	labels := map[string]string{runtime.LabelTool: "labdojo-test", runtime.LabelInstance: instance}

	// Two networks: a management one and a lab segment without host address.
	mkNet := func(name, subnet, gw string, noHost bool) string {
		t.Helper()
		id, err := rt.CreateNetwork(ctx, runtime.NetworkSpec{
			Name: name, Subnet: netip.MustParsePrefix(subnet), Gateway: netip.MustParseAddr(gw),
			NoHostAddress: noHost, Labels: labels,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := rt.RemoveNetwork(context.Background(), id); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		})
		return id
	}
	mgmtName, labName := randName("mgmt"), randName("lan")
	mkNet(mgmtName, "172.31.250.0/24", "172.31.250.254", false)
	mkNet(labName, "10.199.77.0/24", "10.199.77.254", true)

	nets, err := rt.ListNetworks(ctx, labels)
	if err != nil || len(nets) != 2 {
		t.Fatalf("ListNetworks = %v, %v; want 2", nets, err)
	}
	all, err := rt.AllNetworkSubnets(ctx)
	if err != nil || all[netip.MustParsePrefix("10.199.77.0/24")] != labName {
		t.Fatalf("AllNetworkSubnets misses lab subnet: %v %v", all, err)
	}

	name := randName("node")
	t0 := time.Now()
	id, err := rt.CreateContainer(ctx, runtime.ContainerSpec{
		Name: name, Hostname: "web-1", Image: ref, Init: true, CapAdd: []string{"NET_ADMIN"},
		Labels: labels, Env: map[string]string{"DOJO_TEST": "yes"}, StopTimeout: 2 * time.Second,
		Networks: []runtime.NetworkAttachment{
			{Network: mgmtName},
			{Network: labName, Address: netip.MustParseAddr("10.199.77.10")},
		},
		Tmpfs:   map[string]string{"/run/dojo": "size=1m"},
		Sysctls: map[string]string{"net.ipv4.ip_forward": "1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("create with 2 networks: %s", time.Since(t0).Round(time.Millisecond))
	removed := false
	t.Cleanup(func() {
		if !removed {
			_ = rt.RemoveContainer(context.Background(), id)
		}
	})

	// CopyTo before start.
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	content := []byte("copied before start\n")
	_ = tw.WriteHeader(&tar.Header{Name: "dojo-copied.txt", Mode: 0o640, Size: int64(len(content)), Typeflag: tar.TypeReg})
	_, _ = tw.Write(content)
	_ = tw.Close()
	if err := rt.CopyTo(ctx, id, "/root", &tb); err != nil {
		t.Fatal(err)
	}

	t0 = time.Now()
	if err := rt.StartContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	t.Logf("start: %s", time.Since(t0).Round(time.Millisecond))

	info, err := rt.InspectContainer(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Running || info.Name != name || info.Image != ref || info.StartedAt.IsZero() || info.Labels[runtime.LabelInstance] != instance {
		t.Fatalf("inspect: %+v", info)
	}
	lan, ok := info.Endpoints[labName]
	if !ok || lan.IPAddress != netip.MustParseAddr("10.199.77.10") || lan.PrefixLen != 24 || lan.MACAddress == "" {
		t.Fatalf("lab endpoint: %+v (all %+v)", lan, info.Endpoints)
	}
	mg, ok := info.Endpoints[mgmtName]
	if !ok || !mg.IPAddress.IsValid() || mg.MACAddress == "" {
		t.Fatalf("mgmt endpoint: %+v", mg)
	}

	run := func(stdin io.Reader, cmd ...string) (string, string, int) {
		t.Helper()
		var out, errb bytes.Buffer
		res, err := rt.Exec(ctx, id, runtime.ExecSpec{Cmd: cmd, Stdin: stdin, Stdout: &out, Stderr: &errb})
		if err != nil {
			t.Fatalf("exec %v: %v", cmd, err)
		}
		return out.String(), errb.String(), res.ExitCode
	}
	// The MAC the engine reports is the one on the interface holding the address.
	out, _, code := run(nil, "sh", "-c", "ip -o addr show | grep 10.199.77.10 | awk '{print $2}' | xargs -I{} cat /sys/class/net/{}/address")
	if code != 0 || strings.TrimSpace(out) != lan.MACAddress {
		t.Fatalf("MAC in container %q, engine says %q", out, lan.MACAddress)
	}
	out, errOut, code := run(nil, "sh", "-c", "cat /root/dojo-copied.txt; echo to-stderr >&2; echo $DOJO_TEST; hostname; sysctl -n net.ipv4.ip_forward; exit 3")
	if code != 3 || out != "copied before start\nyes\nweb-1\n1\n" || errOut != "to-stderr\n" {
		t.Fatalf("exec: code %d stdout %q stderr %q", code, out, errOut)
	}
	out, _, code = run(strings.NewReader("from stdin"), "cat")
	if code != 0 || out != "from stdin" {
		t.Fatalf("stdin: code %d out %q", code, out)
	}
	// TTY mode.
	var ttyOut bytes.Buffer
	resize := make(chan [2]uint, 1)
	resize <- [2]uint{100, 30}
	res, err := rt.Exec(ctx, id, runtime.ExecSpec{Cmd: []string{"sh", "-c", "sleep 0.3; stty size"}, TTY: true, Stdout: &ttyOut, Resize: resize})
	if err != nil || res.ExitCode != 0 || !strings.Contains(ttyOut.String(), "30 100") {
		t.Fatalf("tty exec: %v %+v %q", err, res, ttyOut.String())
	}
	// Cancelling ctx ends a long exec promptly.
	cctx, ccancel := context.WithTimeout(ctx, 500*time.Millisecond)
	t0 = time.Now()
	_, err = rt.Exec(cctx, id, runtime.ExecSpec{Cmd: []string{"sleep", "30"}})
	ccancel()
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(t0) > 10*time.Second {
		t.Fatalf("cancelled exec: %v after %s", err, time.Since(t0))
	}

	logs, err := rt.Logs(ctx, id, 10)
	if err != nil || !strings.Contains(logs, "dojo-init: ready") {
		t.Fatalf("logs: %v %q", err, logs)
	}

	list, err := rt.ListContainers(ctx, labels)
	if err != nil || len(list) != 1 || list[0].ID != id || list[0].Endpoints[labName].MACAddress != lan.MACAddress {
		t.Fatalf("ListContainers: %v %+v", err, list)
	}

	t0 = time.Now()
	if err := rt.RemoveContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	removed = true
	t.Logf("remove: %s", time.Since(t0).Round(time.Millisecond))
	if _, err := rt.InspectContainer(ctx, id); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("inspect removed: %v, want ErrNotFound", err)
	}
	if err := rt.RemoveContainer(ctx, id); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("remove twice: %v, want ErrNotFound", err)
	}
}

func TestImages(t *testing.T) {
	rt := newRuntime(t)
	ctx := context.Background()
	ok, err := rt.ImageExists(ctx, "dojotest/does-not-exist:1")
	if err != nil || ok {
		t.Fatalf("ImageExists(missing) = %v, %v", ok, err)
	}
	// Import a one-file root filesystem, then remove it.
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	_ = tw.WriteHeader(&tar.Header{Name: "hello", Mode: 0o644, Size: 2, Typeflag: tar.TypeReg})
	_, _ = tw.Write([]byte("hi"))
	_ = tw.Close()
	ref := "dojotest/import:" + randName("t")[len("dojotest-"):]
	if err := rt.ImportImage(ctx, &tb, ref, []string{`CMD ["/hello"]`, "ENV A=b"}); err != nil {
		t.Fatal(err)
	}
	if ok, err := rt.ImageExists(ctx, ref); err != nil || !ok {
		t.Fatalf("imported image missing: %v %v", ok, err)
	}
	if err := rt.RemoveImage(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if err := rt.RemoveImage(ctx, ref); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("RemoveImage twice: %v", err)
	}
	// A bad change is reported as an error.
	if err := rt.ImportImage(ctx, bytes.NewReader(nil), ref, []string{"FROM scratch"}); err == nil {
		_ = rt.RemoveImage(ctx, ref)
		t.Fatal("bad import change accepted")
	}
	// A failing build surfaces the engine's error message.
	var bc bytes.Buffer
	tw = tar.NewWriter(&bc)
	df := []byte("FROM " + ref + "\n")
	_ = tw.WriteHeader(&tar.Header{Name: "Dockerfile", Mode: 0o644, Size: int64(len(df)), Typeflag: tar.TypeReg})
	_, _ = tw.Write(df)
	_ = tw.Close()
	err = rt.BuildImage(ctx, &bc, "dojotest/build:x", nil, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "building image dojotest/build:x") {
		t.Fatalf("build of missing base: %v", err)
	}
}
