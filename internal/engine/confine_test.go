package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/state"
)

// sysAdminLab is testLab with the router asking for SYS_ADMIN.
func sysAdminLab(caps ...string) *lab.Lab {
	l := testLab()
	l.Nodes[0].Capabilities = caps
	return l
}

func TestConfinement(t *testing.T) {
	for _, tc := range []struct {
		opts []string
		want string
	}{
		{nil, ""},
		{[]string{"name=seccomp,profile=default"}, ""},
		{[]string{"name=seccomp,profile=default", "name=cgroupns"}, ""},
		{[]string{"name=seccomp,profile=default", "name=userns"}, "userns"},
		{[]string{"name=apparmor", "name=seccomp,profile=default"}, "apparmor"},
		{[]string{"name=seccomp,profile=default", "name=selinux"}, "selinux"},
		{[]string{"name=seccomp,profile=default", "name=rootless", "name=cgroupns"}, "rootless"},
		{[]string{"apparmor", "seccomp"}, "apparmor"}, // engines before API 1.30
		{[]string{"name=usernsfoo"}, ""},
	} {
		if got := Confinement(tc.opts); got != tc.want {
			t.Errorf("Confinement(%q) = %q, want %q", tc.opts, got, tc.want)
		}
	}
}

// TestUpRefusesUnconfinedSysAdmin: a node with SYS_ADMIN on an engine
// that reports seccomp only is refused as bad input, naming the node, the
// danger and the way out, before anything exists: no network, no
// container, no state directory.
func TestUpRefusesUnconfinedSysAdmin(t *testing.T) {
	for _, caps := range [][]string{{"SYS_ADMIN"}, {"SYS_PTRACE", "ALL"}} {
		rt := newFake()
		rt.security = []string{"name=seccomp,profile=default"}
		root := t.TempDir()
		e := &Engine{RT: rt, Store: &state.Store{Root: root}, Version: "test"}
		_, err := e.Up(context.Background(), sysAdminLab(caps...), UpOptions{Instance: "demo", Image: "img", MgmtSubnet: loopbackMgmt})
		if !errors.Is(err, ErrInput) {
			t.Fatalf("%v: err = %v, want ErrInput", caps, err)
		}
		for _, want := range []string{`node "router"`, "CAP_SYS_ADMIN", "escape to the host", "--userns-remap=default", "rootless"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%v: message lacks %q: %v", caps, want, err)
			}
		}
		if len(rt.containers)+len(rt.nets) != 0 {
			t.Errorf("%v: created %d containers, %d networks", caps, len(rt.containers), len(rt.nets))
		}
		if _, err := os.Stat(filepath.Join(root, "instances", "demo")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%v: state directory: %v", caps, err)
		}
	}
}

// TestUpAcceptsConfinedSysAdmin: on an engine with user-namespace
// remapping, rootless mode, AppArmor or SELinux, the same lab gets past
// the check to the bring-up (here stopped by a failing create, which
// rolls back).
func TestUpAcceptsConfinedSysAdmin(t *testing.T) {
	for _, opt := range []string{"name=userns", "name=rootless", "name=apparmor", "name=selinux"} {
		rt := newFake()
		rt.security = []string{"name=seccomp,profile=default", opt}
		rt.failCreate = "dojo-demo.client"
		e := &Engine{RT: rt, Store: &state.Store{Root: t.TempDir()}, Version: "test"}
		_, err := e.Up(context.Background(), sysAdminLab("SYS_ADMIN"), UpOptions{Instance: "demo", Image: "img", MgmtSubnet: loopbackMgmt})
		if err == nil || errors.Is(err, ErrInput) || !strings.Contains(err.Error(), `node "client"`) {
			t.Errorf("%s: err = %v, want the create failure", opt, err)
		}
		if rt.securityCalls != 1 {
			t.Errorf("%s: security options asked %d times", opt, rt.securityCalls)
		}
		if err := e.CheckConfinement(context.Background(), sysAdminLab("SYS_ADMIN")); err != nil {
			t.Errorf("%s: %v", opt, err)
		}
	}
}

// TestConfinementNotAskedWithoutSysAdmin: labs whose nodes do not get
// SYS_ADMIN (other extra capabilities included) never ask the engine.
func TestConfinementNotAskedWithoutSysAdmin(t *testing.T) {
	rt := newFake()
	e := &Engine{RT: rt}
	for _, l := range []*lab.Lab{testLab(), sysAdminLab("NET_BIND_SERVICE", "SYS_PTRACE")} {
		if err := e.CheckConfinement(context.Background(), l); err != nil {
			t.Error(err)
		}
	}
	if rt.securityCalls != 0 {
		t.Errorf("security options asked %d times", rt.securityCalls)
	}
	l := sysAdminLab("SYS_ADMIN")
	l.Nodes[2].Capabilities = []string{"SYS_ADMIN"}
	if got := SysAdminNodes(l); strings.Join(got, ",") != "router,web" {
		t.Errorf("SysAdminNodes = %v", got)
	}
	err := e.CheckConfinement(context.Background(), l)
	if err == nil || !strings.Contains(err.Error(), `nodes "router", "web" ask`) || !strings.Contains(err.Error(), "security options: none") {
		t.Errorf("err = %v", err)
	}
}

// TestConfinementAskedOnce: `start` checks before making state, before the
// image build and in Up; the engine is asked once.
func TestConfinementAskedOnce(t *testing.T) {
	rt := newFake()
	rt.security = []string{"name=userns"}
	e := &Engine{RT: rt}
	for range 3 {
		if err := e.CheckConfinement(context.Background(), sysAdminLab("SYS_ADMIN")); err != nil {
			t.Fatal(err)
		}
	}
	if rt.securityCalls != 1 {
		t.Errorf("security options asked %d times, want 1", rt.securityCalls)
	}
}
