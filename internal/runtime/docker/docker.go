// Package docker implements runtime.Runtime with the Docker engine API. It is
// the only package in labdojo that imports the Docker client.
package docker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/versions"
	"github.com/docker/docker/client"

	"github.com/labdojo/labdojo/internal/runtime"
)

// MinAPIVersion is the oldest engine API version labdojo works with.
const MinAPIVersion = "1.40"

// pingTimeout bounds the first contact with the engine so that a hung socket
// does not hang the command.
const pingTimeout = 10 * time.Second

// Runtime is a runtime.Runtime backed by a Docker engine.
type Runtime struct {
	cli  *client.Client
	host string
}

var _ runtime.Runtime = (*Runtime)(nil)

// engineError is returned when the engine cannot be used. Its message is one
// sentence for the user; it matches runtime.ErrEngineUnavailable and the
// underlying cause with errors.Is.
type engineError struct {
	msg   string
	cause error
}

func (e *engineError) Error() string { return e.msg }

func (e *engineError) Unwrap() []error {
	if e.cause == nil {
		return []error{runtime.ErrEngineUnavailable}
	}
	return []error{runtime.ErrEngineUnavailable, e.cause}
}

// unreachable is the error for an engine that does not answer. The Docker
// client's own message often already ends with "Is the docker daemon
// running?"; that sentence is dropped from it so the advice appears once.
func unreachable(host string, err error) error {
	cause := strings.TrimSpace(err.Error())
	if i := strings.Index(strings.ToLower(cause), "is the docker daemon running?"); i >= 0 {
		cause = strings.TrimRight(strings.TrimSpace(cause[:i]), ".")
	}
	cause = strings.TrimPrefix(cause, "Cannot connect to the Docker daemon at "+host)
	cause = strings.TrimSpace(strings.TrimPrefix(cause, ":"))
	msg := fmt.Sprintf("cannot reach the Docker engine at %s", host)
	if cause != "" {
		msg += ": " + cause
	}
	return &engineError{msg: msg + ". Is the Docker daemon running?", cause: err}
}

// New connects to the Docker engine named by DOCKER_HOST, or else by the
// current Docker context (DOCKER_CONTEXT or ~/.docker/config.json), or else
// the default local socket. It pings the engine and refuses engines older
// than MinAPIVersion. Failures wrap runtime.ErrEngineUnavailable.
func New(ctx context.Context) (*Runtime, error) {
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if os.Getenv(client.EnvOverrideHost) == "" {
		host, err := contextHost(dockerConfigDir(), os.Getenv("DOCKER_CONTEXT"))
		if err != nil {
			return nil, &engineError{msg: fmt.Sprintf("cannot read the current Docker context: %v", err), cause: err}
		}
		if host != "" {
			opts = append(opts, client.WithHost(host))
		}
	}
	cli, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, &engineError{msg: fmt.Sprintf("cannot configure the Docker client: %v", err), cause: err}
	}
	r := &Runtime{cli: cli, host: cli.DaemonHost()}

	// A ping (HEAD /_ping, about 1 ms) rather than GET /version (about
	// 30 ms here: the engine asks containerd and runc for their versions)
	// on every command: its API-Version header is all the check needs, and
	// it settles the client's version negotiation too.
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	ping, err := cli.Ping(pctx)
	if err != nil {
		_ = cli.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("connecting to the Docker engine at %s: %w", r.host, ctx.Err())
		}
		return nil, unreachable(r.host, err)
	}
	api := ping.APIVersion
	if api == "" {
		api = "1.24" // engines older than API 1.25 send no API-Version header
	}
	if versions.LessThan(api, MinAPIVersion) {
		version := "unknown"
		if v, err := cli.ServerVersion(pctx); err == nil {
			version = v.Version
		}
		_ = cli.Close()
		return nil, &engineError{msg: fmt.Sprintf(
			"the Docker engine at %s is too old: version %s speaks API %s, labdojo needs API %s or newer (Docker 19.03+)",
			r.host, version, api, MinAPIVersion)}
	}
	cli.NegotiateAPIVersionPing(ping)
	return r, nil
}

// Host returns the engine address the runtime talks to (for messages).
func (r *Runtime) Host() string { return r.host }

// Close releases the client's connections.
func (r *Runtime) Close() error { return r.cli.Close() }

// Info pings the engine and returns its version.
func (r *Runtime) Info(ctx context.Context) (runtime.EngineInfo, error) {
	v, err := r.cli.ServerVersion(ctx)
	if err != nil {
		return runtime.EngineInfo{}, unreachable(r.host, err)
	}
	return runtime.EngineInfo{Version: v.Version, APIVersion: v.APIVersion, OS: v.Os, Arch: v.Arch}, nil
}

// SecurityOptions implements runtime.Runtime with the engine's
// SecurityOptions (docker info).
func (r *Runtime) SecurityOptions(ctx context.Context) ([]string, error) {
	info, err := r.cli.Info(ctx)
	if err != nil {
		return nil, unreachable(r.host, err)
	}
	return info.SecurityOptions, nil
}

// dockerConfigDir returns DOCKER_CONFIG or ~/.docker.
func dockerConfigDir() string {
	if d := os.Getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".docker")
}

// contextHost returns the engine address of the named Docker context, or of
// the current context from config.json when name is empty. It returns "" for
// the default context or when no Docker configuration exists.
func contextHost(configDir, name string) (string, error) {
	if configDir == "" {
		return "", nil
	}
	if name == "" {
		b, err := os.ReadFile(filepath.Join(configDir, "config.json"))
		if errors.Is(err, os.ErrNotExist) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		var cfg struct {
			CurrentContext string `json:"currentContext"`
		}
		if err := json.Unmarshal(b, &cfg); err != nil {
			return "", fmt.Errorf("%s: %w", filepath.Join(configDir, "config.json"), err)
		}
		name = cfg.CurrentContext
	}
	if name == "" || name == "default" {
		return "", nil
	}
	sum := sha256.Sum256([]byte(name))
	metaPath := filepath.Join(configDir, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json")
	b, err := os.ReadFile(metaPath)
	if err != nil {
		return "", fmt.Errorf("docker context %q: %w", name, err)
	}
	var meta struct {
		Endpoints map[string]struct {
			Host string `json:"Host"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return "", fmt.Errorf("%s: %w", metaPath, err)
	}
	host := meta.Endpoints["docker"].Host
	if host == "" {
		return "", fmt.Errorf("docker context %q (%s) has no docker endpoint host", name, metaPath)
	}
	return host, nil
}

// wrapErr adds context to an engine error and maps NotFound to
// runtime.ErrNotFound.
func wrapErr(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, args...)
	if cerrdefs.IsNotFound(err) {
		return fmt.Errorf("%s: %w: %w", what, runtime.ErrNotFound, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
