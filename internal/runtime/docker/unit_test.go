package docker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/runtime"
)

func TestNetworkCreateOptions(t *testing.T) {
	o := networkCreateOptions(runtime.NetworkSpec{Name: "n", Subnet: netip.MustParsePrefix("10.1.2.0/24"),
		Gateway: netip.MustParseAddr("10.1.2.254"), NoHostAddress: true, Labels: map[string]string{"a": "b"}})
	if o.Driver != "bridge" || o.IPAM == nil || o.IPAM.Config[0].Subnet != "10.1.2.0/24" || o.IPAM.Config[0].Gateway != "10.1.2.254" {
		t.Fatalf("%+v", o)
	}
	if o.Options[optInhibitIPv4] != "true" || o.Options[optMasquerade] != "false" || o.Labels["a"] != "b" || o.Internal {
		t.Fatalf("%+v", o)
	}
	o = networkCreateOptions(runtime.NetworkSpec{Name: "m", Subnet: netip.MustParsePrefix("10.1.3.0/24"), Internal: true})
	if !o.Internal || o.Options != nil || o.IPAM.Config[0].Gateway != "" {
		t.Fatalf("%+v", o)
	}
}

func TestContainerCreateConfig(t *testing.T) {
	cc := containerCreateConfig(runtime.ContainerSpec{
		Name: "x", Hostname: "h", Image: "img", Cmd: []string{"c"}, Env: map[string]string{"B": "2", "A": "1"},
		Init: true, CapAdd: []string{"NET_ADMIN"}, StopTimeout: 1500 * time.Millisecond, NanoCPUs: 5e8, Memory: 1 << 28,
		Networks: []runtime.NetworkAttachment{{Network: "mgmt"}, {Network: "lan", Address: netip.MustParseAddr("10.0.0.5"), Aliases: []string{"web"}}},
	})
	if cc.config.Hostname != "h" || strings.Join(cc.config.Env, ",") != "A=1,B=2" || *cc.config.StopTimeout != 2 {
		t.Fatalf("config %+v", cc.config)
	}
	if !*cc.hostConfig.Init || cc.hostConfig.NetworkMode != "mgmt" || cc.hostConfig.NanoCPUs != 5e8 || cc.hostConfig.Memory != 1<<28 {
		t.Fatalf("host config %+v", cc.hostConfig)
	}
	if len(cc.networking.EndpointsConfig) != 1 || cc.networking.EndpointsConfig["mgmt"] == nil {
		t.Fatalf("networking %+v", cc.networking)
	}
	if len(cc.extra) != 1 || cc.extra[0].name != "lan" || cc.extra[0].settings.IPAMConfig.IPv4Address != "10.0.0.5" || cc.extra[0].settings.Aliases[0] != "web" {
		t.Fatalf("extra %+v", cc.extra)
	}
	if cc := containerCreateConfig(runtime.ContainerSpec{Hostname: "h", NetworkModeHost: true}); cc.hostConfig.NetworkMode != "host" || cc.config.Hostname != "" {
		t.Fatalf("host mode %+v", cc.hostConfig)
	}
	if cc := containerCreateConfig(runtime.ContainerSpec{}); cc.hostConfig.NetworkMode != "none" || cc.networking != nil || cc.hostConfig.UsernsMode != "" {
		t.Fatalf("no networks %+v", cc.hostConfig)
	}
	if cc := containerCreateConfig(runtime.ContainerSpec{NetworkModeHost: true, HostUserNamespace: true}); cc.hostConfig.UsernsMode != "host" {
		t.Fatalf("host user namespace %+v", cc.hostConfig)
	}
}

func TestContextHost(t *testing.T) {
	dir := t.TempDir()
	if h, err := contextHost(dir, ""); err != nil || h != "" {
		t.Fatalf("no config: %q %v", h, err)
	}
	_ = os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"currentContext":"remote"}`), 0o644)
	if _, err := contextHost(dir, ""); err == nil {
		t.Fatal("missing context meta accepted")
	}
	sum := sha256.Sum256([]byte("remote"))
	meta := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]))
	_ = os.MkdirAll(meta, 0o755)
	_ = os.WriteFile(filepath.Join(meta, "meta.json"), []byte(`{"Name":"remote","Endpoints":{"docker":{"Host":"unix:///run/user/1000/docker.sock"}}}`), 0o644)
	if h, err := contextHost(dir, ""); err != nil || h != "unix:///run/user/1000/docker.sock" {
		t.Fatalf("context: %q %v", h, err)
	}
	if h, err := contextHost(dir, "default"); err != nil || h != "" {
		t.Fatalf("default context: %q %v", h, err)
	}
}

func TestReadMessages(t *testing.T) {
	var sb strings.Builder
	err := readMessages(strings.NewReader(`{"stream":"Step 1/2 : FROM x\n"}{"status":"Downloading","id":"abc","progress":"[=>]"}`), &sb)
	if err != nil || sb.String() != "Step 1/2 : FROM x\nabc: Downloading [=>]\n" {
		t.Fatalf("%v %q", err, sb.String())
	}
	err = readMessages(strings.NewReader(`{"stream":"ok\n"}{"errorDetail":{"message":"boom"},"error":"boom"}`), nil)
	if err == nil || err.Error() != "boom" {
		t.Fatalf("err = %v", err)
	}
}

// TestUnreachableSaysItOnce: the advice to check the daemon appears once,
// whether or not the client's message already carries it.
func TestUnreachableSaysItOnce(t *testing.T) {
	host := "unix:///var/run/docker.sock"
	for _, cause := range []string{
		"Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
		"dial unix /var/run/docker.sock: connect: no such file or directory",
	} {
		msg := unreachable(host, errors.New(cause)).Error()
		if n := strings.Count(strings.ToLower(msg), "daemon running"); n != 1 {
			t.Errorf("%q: said %d times: %s", cause, n, msg)
		}
		if strings.Count(msg, host) != 1 || !strings.HasPrefix(msg, "cannot reach the Docker engine at "+host) {
			t.Errorf("%q: %s", cause, msg)
		}
		if !errors.Is(unreachable(host, errors.New(cause)), runtime.ErrEngineUnavailable) {
			t.Error("not ErrEngineUnavailable")
		}
	}
}

func TestContainerCreateConfigLimits(t *testing.T) {
	cc := containerCreateConfig(runtime.ContainerSpec{PidsLimit: 1024, CPUShares: 512, Memory: 1 << 30,
		CapDrop: []string{"ALL"}, CapAdd: []string{"NET_ADMIN"}})
	hc := cc.hostConfig
	if hc.PidsLimit == nil || *hc.PidsLimit != 1024 || hc.CPUShares != 512 || hc.Memory != 1<<30 || len(hc.CapDrop) != 1 || hc.CapDrop[0] != "ALL" {
		t.Fatalf("limits %+v", hc.Resources)
	}
	if cc := containerCreateConfig(runtime.ContainerSpec{}); cc.hostConfig.PidsLimit != nil || cc.hostConfig.CPUShares != 0 {
		t.Fatalf("no limits %+v", cc.hostConfig.Resources)
	}
}

// fakeEngine serves the engine API's version endpoints on a unix socket
// and records the requests it gets.
func fakeEngine(t *testing.T, apiVersion, version string) (host string, requests func() []string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "dojo-fe-") // short: a socket path is limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Api-Version", apiVersion)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/version") {
			fmt.Fprintf(w, `{"Version":%q,"ApiVersion":%q}`, version, apiVersion)
			return
		}
		if r.URL.Path == "/_ping" {
			_, _ = io.WriteString(w, "OK")
			return
		}
		http.NotFound(w, r)
	})}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { srv.Close() })
	return "unix://" + sock, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}

// TestNewPingsOnly: connecting costs one ping (HEAD /_ping), never the
// engine's slower /version, and the API version it negotiates is the
// engine's.
func TestNewPingsOnly(t *testing.T) {
	host, requests := fakeEngine(t, "1.41", "20.10.24")
	t.Setenv("DOCKER_HOST", host)
	r, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := strings.Join(requests(), ", "); got != "HEAD /_ping" {
		t.Errorf("requests %q, want one ping", got)
	}
	if v := r.cli.ClientVersion(); v != "1.41" {
		t.Errorf("negotiated API %s, want the engine's 1.41", v)
	}
}

// TestNewRefusesOldEngines names the engine's version and API in the
// refusal.
func TestNewRefusesOldEngines(t *testing.T) {
	host, _ := fakeEngine(t, "1.39", "18.09.9")
	t.Setenv("DOCKER_HOST", host)
	_, err := New(context.Background())
	if err == nil || !errors.Is(err, runtime.ErrEngineUnavailable) {
		t.Fatalf("err %v, want an unavailable engine", err)
	}
	for _, want := range []string{"too old", "version 18.09.9", "API 1.39", "1.40"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}
