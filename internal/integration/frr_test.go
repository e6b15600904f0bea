package integration

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/scenarios"
)

// TestSysAdminRefused: on the main engine, which confines SYS_ADMIN by
// nothing but seccomp here, the FRR lab (routers with CAP_SYS_ADMIN) is
// refused without --allow-capabilities for that reason, and with it
// because the engine does not confine SYS_ADMIN; either way before
// anything exists (no container, network or state directory).
func TestSysAdminRefused(t *testing.T) {
	opts, err := rt.SecurityOptions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c := engine.Confinement(opts); c != "" {
		t.Skipf("the main engine confines SYS_ADMIN (%s): it runs the FRR lab, there is no refusal to see (internal/engine's unit tests cover it)", c)
	}
	labDir := filepath.Join(repoRoot, "labs", "ospf-triangle-frr")
	const inst = "it-frr-refused"
	noTrace := func(what string) {
		t.Helper()
		requireGone(t, inst)
		requireGone(t, "ospf-frr")
		for _, p := range []string{filepath.Join(stateDir, "instances", inst), filepath.Join(stateDir, "instances", "ospf-frr")} {
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Errorf("%s left state %s (%v)", what, p, err)
			}
		}
	}

	r := dojo(t, "up", labDir, "--name", inst)
	if r.code != 2 || !strings.Contains(r.stderr, "Extra capabilities are not allowed") || !strings.Contains(r.stderr, "--allow-capabilities") {
		t.Errorf("up without --allow-capabilities: exit %d\n%s", r.code, r.stderr)
	}
	noTrace("up without --allow-capabilities")

	for _, args := range [][]string{
		{"up", labDir, "--name", inst, "--allow-capabilities"},
		{"start", "ospf-frr", "--allow-capabilities"},
	} {
		r := dojo(t, args...)
		for _, want := range []string{`nodes "r1", "r2", "r3" ask for CAP_SYS_ADMIN`, "this engine does not confine it", "could escape to the host", "dockerd --userns-remap=default", "rootless Docker"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: stderr lacks %q", strings.Join(args, " "), want)
			}
		}
		if r.code != 2 || strings.Contains(r.stdout+r.stderr, "Starting") {
			t.Errorf("%s: exit %d, want 2 before any start\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		noTrace(args[0])
	}
}

// TestOSPFFRR runs the ospf-frr scenario where dojo allows it: on a
// second engine with user-namespace remapping (the main engine here
// confines SYS_ADMIN by seccomp only, so TestCatalog leaves it out). A
// fresh start fails every goal, `dojo solve` passes them all, vtysh
// answers as root over `dojo ssh` (the exec transport: the second
// engine's nodes are reachable only through its socket), the
// alternative solution passes every goal, the wrong one fails the goals
// its expect file names, and `down --purge` leaves nothing.
//
// Like TestSecondEngine it needs root and dockerd here, and
// DOJO_IT_SECOND_ENGINE=0 leaves it out. The node image is built offline
// on the remapped engine itself, from the package cache: its build
// container cannot make device nodes (mknod is refused in a user
// namespace), so the native builder installs in place rather than in a
// tmpfs chroot; srv's package set must still be mmdebstrap's.
func TestOSPFFRR(t *testing.T) {
	if os.Getenv("DOJO_IT_SECOND_ENGINE") == "0" {
		t.Skip("DOJO_IT_SECOND_ENGINE=0")
	}
	begin := time.Now()
	host2 := secondEngine(t, secondEngineOptions{usernsRemap: true})
	ctx := context.Background()
	cli2, err := client.NewClientWithOpts(client.WithHost(host2), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	defer cli2.Close()
	info, err := cli2.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if engine.Confinement(info.SecurityOptions) != "userns" {
		t.Fatalf("second engine's security options %v: want userns", info.SecurityOptions)
	}
	if r := dojoOn(t, host2, "image", "build", "--offline", "-q"); r.code != 0 {
		t.Fatalf("(remapped engine) dojo image build --offline: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("second engine up, node image built natively on it in %s", time.Since(begin).Round(time.Second))

	e2 := &engineUnderTest{
		run:   func(t *testing.T, args ...string) result { return dojoOn(t, host2, args...) },
		gone:  func(t *testing.T, inst string) { requireGoneOn(t, cli2, inst) },
		start: []string{"--allow-capabilities"},
	}
	p := "ospf-frr/scenario.hcl"
	s, _, diags := scenario.LoadFS(scenarios.Bundled(), p, scenario.Options{Checks: check.Catalog()})
	if diags.HasErrors() {
		t.Fatalf("%s: %s", p, diags.Error())
	}
	if nodes := sysAdminNodes(t, s); len(nodes) != 3 {
		t.Fatalf("ospf-frr's lab gives SYS_ADMIN to %v, want the three routers", nodes)
	}
	start := time.Now()
	selfTest(t, s, e2, func(inst string) {
		// vtysh as root over dojo ssh: the learner's shell.
		r := e2.must(t, "ssh", inst+"/r2", "--", "id -un; vtysh -c 'show ip ospf neighbor'; vtysh -c 'show running-config' | grep -c '^router ospf'")
		if !strings.HasPrefix(r.stdout, "root\n") || strings.Count(r.stdout, "Full") != 2 || !strings.HasSuffix(r.stdout, "\n1\n") {
			t.Errorf("vtysh on r2:\n%s", r.stdout)
		}
		// The image built in place has mmdebstrap's package set, and dpkg
		// has nothing unfinished.
		r = e2.must(t, "ssh", inst+"/srv", "--", "dpkg-query -W -f '${Package}\\n' | sort; dpkg --audit")
		want, err := os.ReadFile(filepath.Join("..", "image", "testdata", "mmdebstrap-minbase-packages.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(r.stdout) != strings.TrimSpace(string(want)) {
			t.Errorf("srv's packages (image built in place on the remapped engine) differ from mmdebstrap's:\n%s", r.stdout)
		}
		// The routers really hold SYS_ADMIN, in a user namespace of their
		// own: root inside is an unprivileged user outside.
		r = e2.must(t, "ssh", inst+"/r1", "--", "grep CapEff /proc/self/status; cat /proc/self/uid_map")
		if f := strings.Fields(r.stdout); len(f) < 5 || f[2] != "0" || f[3] == "0" {
			t.Errorf("r1 not in a remapped user namespace:\n%s", r.stdout)
		}
	})
	t.Logf("self-test %s", time.Since(start).Round(time.Second))
	// The alternative and the wrong solution side by side, in instances
	// of their own (started one after the other): most of a run is
	// waiting for OSPF, and the wrong one waits out ospf-routes' window.
	start = time.Now()
	dir := filepath.Join("testdata", "catalog", s.Name)
	t.Run("variants", func(t *testing.T) {
		t.Run("alt", func(t *testing.T) {
			t.Parallel()
			variant(t, s, filepath.Join(dir, "alt"), nil, e2)
		})
		t.Run("wrong", func(t *testing.T) {
			t.Parallel()
			variant(t, s, filepath.Join(dir, "wrong"), readExpect(t, filepath.Join(dir, "wrong", "expect")), e2)
		})
	})
	t.Logf("alt + wrong %s; total %s", time.Since(start).Round(time.Second), time.Since(begin).Round(time.Second))
}

// dojoOn runs dojo against the engine at host (DOCKER_HOST).
func dojoOn(t *testing.T, host string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(env(), "DOCKER_HOST="+host)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	r := result{o.String(), e.String(), 0}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("(engine %s) dojo %v: %v", host, args, err)
	}
	return r
}

// requireGoneOn fails if the engine behind cli holds a container or a
// network of instance.
func requireGoneOn(t *testing.T, cli *client.Client, instance string) {
	t.Helper()
	ctx := context.Background()
	f := filters.NewArgs(filters.Arg("label", runtime.LabelInstance+"="+instance))
	cs, err := cli.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := cli.NetworkList(ctx, network.ListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs)+len(ns) != 0 {
		t.Errorf("instance %s left %d containers and %d networks", instance, len(cs), len(ns))
	}
}
