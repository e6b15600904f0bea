package docker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/strslice"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/labdojo/labdojo/internal/runtime"
)

// createConfig is the engine-side description of a container: what goes to
// ContainerCreate plus the networks to connect afterwards.
type createConfig struct {
	config     *container.Config
	hostConfig *container.HostConfig
	networking *network.NetworkingConfig
	// extra networks are connected with NetworkConnect after create, in
	// order, because API 1.41 accepts only one network at create.
	extra []extraNetwork
}

type extraNetwork struct {
	name     string
	settings *network.EndpointSettings
}

// containerCreateConfig translates a ContainerSpec into engine
// configuration. It is a pure function so that it can be table-tested.
func containerCreateConfig(spec runtime.ContainerSpec) createConfig {
	cfg := &container.Config{
		Hostname: spec.Hostname,
		Image:    spec.Image,
		Cmd:      strslice.StrSlice(spec.Cmd),
		Env:      envList(spec.Env),
		Labels:   copyMap(spec.Labels),
	}
	if spec.StopTimeout > 0 {
		secs := int((spec.StopTimeout + time.Second - 1) / time.Second)
		cfg.StopTimeout = &secs
	}
	hc := &container.HostConfig{
		CapAdd:     strslice.StrSlice(spec.CapAdd),
		CapDrop:    strslice.StrSlice(spec.CapDrop),
		Privileged: spec.Privileged,
		Binds:      spec.Binds,
		Sysctls:    copyMap(spec.Sysctls),
		Tmpfs:      copyMap(spec.Tmpfs),
		// nil keeps the engine's default list.
		ReadonlyPaths: spec.ReadonlyPaths,
		Resources: container.Resources{
			NanoCPUs:  spec.NanoCPUs,
			Memory:    spec.Memory,
			CPUShares: spec.CPUShares,
		},
	}
	if spec.HostUserNamespace {
		hc.UsernsMode = "host"
	}
	if spec.Init {
		t := true
		hc.Init = &t
	}
	if spec.PidsLimit > 0 {
		n := spec.PidsLimit
		hc.PidsLimit = &n
	}
	out := createConfig{config: cfg, hostConfig: hc}
	switch {
	case spec.NetworkModeHost:
		hc.NetworkMode = network.NetworkHost
		cfg.Hostname = "" // the engine refuses a hostname with host networking
	case len(spec.Networks) == 0:
		hc.NetworkMode = network.NetworkNone
	default:
		first := spec.Networks[0]
		hc.NetworkMode = container.NetworkMode(first.Network)
		out.networking = &network.NetworkingConfig{
			EndpointsConfig: map[string]*network.EndpointSettings{first.Network: endpointSettings(first)},
		}
		for _, n := range spec.Networks[1:] {
			out.extra = append(out.extra, extraNetwork{name: n.Network, settings: endpointSettings(n)})
		}
	}
	return out
}

func endpointSettings(n runtime.NetworkAttachment) *network.EndpointSettings {
	es := &network.EndpointSettings{Aliases: n.Aliases}
	if n.Address.IsValid() {
		ipam := &network.EndpointIPAMConfig{}
		if n.Address.Is4() {
			ipam.IPv4Address = n.Address.String()
		} else {
			ipam.IPv6Address = n.Address.String()
		}
		es.IPAMConfig = ipam
	}
	return es
}

func envList(env map[string]string) []string {
	if len(env) == 0 {
		return nil
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// CreateContainer creates (does not start) a container attached to all
// networks in spec.Networks: the first at create, the others with
// NetworkConnect before returning. On failure nothing is left behind.
func (r *Runtime) CreateContainer(ctx context.Context, spec runtime.ContainerSpec) (string, error) {
	cc := containerCreateConfig(spec)
	resp, err := r.cli.ContainerCreate(ctx, cc.config, cc.hostConfig, cc.networking, nil, spec.Name)
	if err != nil {
		return "", wrapErr(err, "creating container %q (image %s)", spec.Name, spec.Image)
	}
	for _, n := range cc.extra {
		if err := r.cli.NetworkConnect(ctx, n.name, resp.ID, n.settings); err != nil {
			err = wrapErr(err, "container %q: connecting network %q", spec.Name, n.name)
			// Roll back with a fresh context: ctx may be what failed.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if rerr := r.cli.ContainerRemove(rctx, resp.ID, container.RemoveOptions{Force: true, RemoveVolumes: true}); rerr != nil {
				err = errors.Join(err, wrapErr(rerr, "container %q: removing after failed create", spec.Name))
			}
			return "", err
		}
	}
	return resp.ID, nil
}

// StartContainer starts a created container.
func (r *Runtime) StartContainer(ctx context.Context, id string) error {
	return wrapErr(r.cli.ContainerStart(ctx, id, container.StartOptions{}), "starting container %q", id)
}

// RemoveContainer force-removes a container and its anonymous volumes.
func (r *Runtime) RemoveContainer(ctx context.Context, id string) error {
	err := r.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	return wrapErr(err, "removing container %q", id)
}

// InspectContainer returns a container's state, labels and endpoints.
func (r *Runtime) InspectContainer(ctx context.Context, id string) (runtime.ContainerInfo, error) {
	c, err := r.cli.ContainerInspect(ctx, id)
	if err != nil {
		return runtime.ContainerInfo{}, wrapErr(err, "inspecting container %q", id)
	}
	info := runtime.ContainerInfo{ID: c.ID}
	if c.ContainerJSONBase != nil {
		info.Name = strings.TrimPrefix(c.Name, "/")
		if c.State != nil {
			info.State = string(c.State.Status)
			info.Running = c.State.Running
			if t, err := time.Parse(time.RFC3339Nano, c.State.StartedAt); err == nil && !t.IsZero() && t.Year() > 1 {
				info.StartedAt = t
			}
		}
	}
	if c.Config != nil {
		info.Image = c.Config.Image
		info.Labels = c.Config.Labels
	}
	if c.NetworkSettings != nil {
		info.Endpoints = endpoints(c.NetworkSettings.Networks)
	}
	return info, nil
}

// ListContainers returns containers (running or not) carrying all the given
// labels (an empty value matches any value), sorted by name. StartedAt is not
// filled in (the list API does not report it); use InspectContainer.
func (r *Runtime) ListContainers(ctx context.Context, labels map[string]string) ([]runtime.ContainerInfo, error) {
	list, err := r.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: labelFilters(labels)})
	if err != nil {
		return nil, wrapErr(err, "listing containers")
	}
	out := make([]runtime.ContainerInfo, 0, len(list))
	for _, c := range list {
		info := runtime.ContainerInfo{
			ID:      c.ID,
			Image:   c.Image,
			State:   string(c.State),
			Running: c.State == container.StateRunning,
			Labels:  c.Labels,
		}
		if len(c.Names) > 0 {
			info.Name = strings.TrimPrefix(c.Names[0], "/")
		}
		if c.NetworkSettings != nil {
			info.Endpoints = endpoints(c.NetworkSettings.Networks)
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func endpoints(nets map[string]*network.EndpointSettings) map[string]runtime.Endpoint {
	out := make(map[string]runtime.Endpoint, len(nets))
	for name, es := range nets {
		if es == nil {
			continue
		}
		ep := runtime.Endpoint{NetworkID: es.NetworkID, MACAddress: es.MacAddress, PrefixLen: es.IPPrefixLen}
		if a, err := netip.ParseAddr(es.IPAddress); err == nil {
			ep.IPAddress = a
		}
		out[name] = ep
	}
	return out
}

// CopyTo extracts a tar stream into dir inside the container. It works on
// created containers that have not been started.
func (r *Runtime) CopyTo(ctx context.Context, id, dir string, tarStream io.Reader) error {
	err := r.cli.CopyToContainer(ctx, id, dir, tarStream, container.CopyToContainerOptions{})
	return wrapErr(err, "copying files to %s in container %q", dir, id)
}

// Logs returns the last tail lines (all when tail <= 0) of the container's
// stdout and stderr, interleaved as the engine recorded them.
func (r *Runtime) Logs(ctx context.Context, id string, tail int) (string, error) {
	c, err := r.cli.ContainerInspect(ctx, id)
	if err != nil {
		return "", wrapErr(err, "reading logs of container %q", id)
	}
	t := "all"
	if tail > 0 {
		t = strconv.Itoa(tail)
	}
	rc, err := r.cli.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true, Tail: t})
	if err != nil {
		return "", wrapErr(err, "reading logs of container %q", id)
	}
	defer rc.Close()
	var buf bytes.Buffer
	if c.Config != nil && c.Config.Tty {
		_, err = io.Copy(&buf, rc)
	} else {
		_, err = stdcopy.StdCopy(&buf, &buf, rc)
	}
	if err != nil {
		return buf.String(), fmt.Errorf("reading logs of container %q: %w", id, err)
	}
	return buf.String(), nil
}
