package fake

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labdojo/labdojo/internal/runtime"
)

func TestNetworks(t *testing.T) {
	ctx := context.Background()
	f := New(t.TempDir())
	p := netip.MustParsePrefix("10.9.0.0/24")
	id, err := f.CreateNetwork(ctx, runtime.NetworkSpec{Name: "a", Subnet: p, Labels: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.CreateNetwork(ctx, runtime.NetworkSpec{Name: "b", Subnet: netip.MustParsePrefix("10.9.0.128/25")})
	var ov *runtime.SubnetOverlapError
	if !errors.As(err, &ov) || ov.Subnet.String() != "10.9.0.128/25" {
		t.Errorf("overlap: %v", err)
	}
	if ns, _ := f.ListNetworks(ctx, map[string]string{"k": ""}); len(ns) != 1 {
		t.Errorf("label key filter: %v", ns)
	}
	if ns, _ := f.ListNetworks(ctx, map[string]string{"k": "w"}); len(ns) != 0 {
		t.Errorf("label value filter: %v", ns)
	}
	if err := f.RemoveNetwork(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveNetwork(ctx, id); !errors.Is(err, runtime.ErrNotFound) {
		t.Errorf("second remove: %v", err)
	}
	f.Unavailable = true
	if _, err := f.ListNetworks(ctx, nil); !errors.Is(err, runtime.ErrEngineUnavailable) {
		t.Errorf("unavailable: %v", err)
	}
}

// TestNodeNeedsHostKey: a container handed no host key cannot start (the
// fake will not invent one the engine did not pin).
func TestNodeNeedsHostKey(t *testing.T) {
	ctx := context.Background()
	f := New(t.TempDir())
	id, err := f.CreateContainer(ctx, runtime.ContainerSpec{Name: "n", Cmd: []string{"/bin/sh", "-c", "true"}, Labels: map[string]string{runtime.LabelNode: "n"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.CreateContainer(ctx, runtime.ContainerSpec{Name: "n", Labels: map[string]string{runtime.LabelNode: "n"}}); err == nil {
		t.Error("duplicate name accepted")
	}
	if err := f.StartContainer(ctx, id); err == nil || !strings.Contains(err.Error(), "no host key") {
		t.Errorf("start: %v", err)
	}
	if _, err := f.Dial(ctx, "tcp", "10.0.0.1:22"); err == nil {
		t.Error("dialled a node that does not run")
	}
	if _, err := f.Exec(ctx, "n", runtime.ExecSpec{Cmd: []string{"true"}}); err == nil {
		t.Error("exec in a stopped container")
	}
}

// TestHelperNeverRunsLocally: a helper container (no node label) starts
// without SSH and its commands are recorded, never run on the host (the
// firewall helper's script would change the host's rules).
func TestHelperNeverRunsLocally(t *testing.T) {
	ctx := context.Background()
	f := New(t.TempDir())
	id, err := f.CreateContainer(ctx, runtime.ContainerSpec{Name: "dojofw-x", Cmd: []string{"sleep", "120"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.StartContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "ran")
	if _, err := f.Exec(ctx, id, runtime.ExecSpec{Cmd: []string{"/bin/sh", "-c", "touch " + marker}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a helper's command ran on the host")
	}
	if runs := f.HelperRuns(); len(runs) != 1 || runs[0][2] != "touch "+marker {
		t.Errorf("helper runs %q", runs)
	}
}
