// Package runtime defines the small, ctx-first interface that labdojo needs
// from a container engine. internal/runtime/docker implements it with the
// Docker engine API; unit tests use hand-written fakes.
package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"
)

// Label keys put on every container and network labdojo creates.
const (
	LabelTool     = "io.labdojo.tool"     // always "labdojo"
	LabelLab      = "io.labdojo.lab"      // lab name
	LabelInstance = "io.labdojo.instance" // instance name
	LabelNode     = "io.labdojo.node"     // node name (containers)
	LabelNetwork  = "io.labdojo.network"  // lab network name, or "mgmt"
	LabelLabHash  = "io.labdojo.lab-hash" // hash of the resolved lab
	LabelVersion  = "io.labdojo.version"  // dojo version that created it
	LabelLabFile  = "io.labdojo.lab-file" // path of the lab file (informational)
	ToolName      = "labdojo"
)

// ErrNotFound is returned (wrapped) when an object does not exist.
var ErrNotFound = errors.New("not found")

// ErrEngineUnavailable is returned (wrapped) when the engine cannot be reached
// or is too old.
var ErrEngineUnavailable = errors.New("container engine unavailable")

// SubnetOverlapError is returned (wrapped) by CreateNetwork when the
// requested subnet overlaps a network the engine already has.
type SubnetOverlapError struct {
	Subnet netip.Prefix
	Cause  error
}

// Error implements error.
func (e *SubnetOverlapError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("subnet %s overlaps an existing network: %v", e.Subnet, e.Cause)
	}
	return fmt.Sprintf("subnet %s overlaps an existing network", e.Subnet)
}

// Unwrap returns the engine's own error.
func (e *SubnetOverlapError) Unwrap() error { return e.Cause }

// Runtime is what the engine package needs from a container engine.
type Runtime interface {
	// Info pings the engine and returns its version.
	Info(ctx context.Context) (EngineInfo, error)

	CreateNetwork(ctx context.Context, spec NetworkSpec) (id string, err error)
	RemoveNetwork(ctx context.Context, id string) error
	// ListNetworks returns networks carrying all the given labels.
	ListNetworks(ctx context.Context, labels map[string]string) ([]NetworkInfo, error)
	// AllNetworkSubnets returns every IPv4 subnet used by any engine network
	// (labelled or not), keyed by subnet with the network name as value.
	AllNetworkSubnets(ctx context.Context) (map[netip.Prefix]string, error)

	// CreateContainer creates (does not start) a container attached to all
	// networks in spec.Networks.
	CreateContainer(ctx context.Context, spec ContainerSpec) (id string, err error)
	StartContainer(ctx context.Context, id string) error
	// RemoveContainer force-removes a container and its anonymous volumes.
	RemoveContainer(ctx context.Context, id string) error
	InspectContainer(ctx context.Context, id string) (ContainerInfo, error)
	// ListContainers returns containers (running or not) carrying all labels.
	ListContainers(ctx context.Context, labels map[string]string) ([]ContainerInfo, error)
	// CopyTo extracts a tar stream into dir inside the container; works on
	// created (not yet started) containers.
	CopyTo(ctx context.Context, id, dir string, tarStream io.Reader) error
	// Exec runs a command in a running container.
	Exec(ctx context.Context, id string, spec ExecSpec) (ExecResult, error)
	// Logs returns the last tail lines of the container's output.
	Logs(ctx context.Context, id string, tail int) (string, error)
	// ExecStream starts cmd in a running container with its standard input
	// and output attached (no TTY) and returns them as one byte stream:
	// writes reach the process's stdin, reads return its stdout. Closing
	// the stream closes the process's stdin. ctx bounds only the start;
	// the stream lives until closed. What the process writes to stderr is
	// kept (bounded) and put in the error a read returns after stdout
	// ends, so a failing command explains itself. It carries SSH to
	// `sshd -i` when the node's address is not reachable from here.
	ExecStream(ctx context.Context, id string, cmd []string) (io.ReadWriteCloser, error)
	// Identity describes which engine this is, for keeping the state of
	// several engines apart and choosing how to reach nodes.
	Identity(ctx context.Context) (EngineIdentity, error)
	// SecurityOptions returns the engine's security options as it
	// reports them ("name=seccomp,profile=default", "name=userns",
	// "name=apparmor", "name=rootless"), to tell whether it confines a
	// container's capabilities.
	SecurityOptions(ctx context.Context) ([]string, error)

	ImageExists(ctx context.Context, ref string) (bool, error)
	// ImportImage imports a root filesystem tarball as image ref, applying
	// Dockerfile-style changes (CMD, ENV, ...).
	ImportImage(ctx context.Context, rootfs io.Reader, ref string, changes []string) error
	// BuildImage builds an image from a Dockerfile build context (tar).
	// Progress lines go to progress (may be nil).
	BuildImage(ctx context.Context, buildContext io.Reader, ref string, labels map[string]string, progress io.Writer) error
	// RemoveImage removes an image by reference.
	RemoveImage(ctx context.Context, ref string) error

	Close() error
}

// EngineInfo describes the engine.
type EngineInfo struct {
	Version    string
	APIVersion string
	OS         string
	Arch       string
}

// EngineIdentity tells engines apart.
type EngineIdentity struct {
	// Endpoint is the address the client talks to (unix:///var/run/docker.sock,
	// ssh://host, tcp://host:2376), for messages.
	Endpoint string
	// Key is "" for the platform's default local engine, else a short
	// stable name derived from the engine's ID; instance state of engines
	// with different keys is kept apart.
	Key string
	// Local reports that the engine's endpoint is a local socket or pipe
	// (the engine runs on this machine or in a VM it manages); node
	// addresses may then be reachable from here. A remote engine's node
	// addresses never are, even when they happen to answer.
	Local bool
}

// NetworkSpec describes a bridge network to create.
type NetworkSpec struct {
	Name     string
	Subnet   netip.Prefix
	Gateway  netip.Addr
	Internal bool
	// NoHostAddress leaves the host without an address on the bridge
	// (com.docker.network.bridge.inhibit_ipv4) and disables masquerading.
	NoHostAddress bool
	// NoICC blocks traffic between containers on this network
	// (com.docker.network.bridge.enable_icc=false); the host still reaches
	// every container. Used for the management network.
	NoICC  bool
	Labels map[string]string
}

// NetworkInfo describes an existing network.
type NetworkInfo struct {
	ID      string
	Name    string
	Subnets []netip.Prefix
	Labels  map[string]string
}

// ContainerSpec describes a container to create. Translation from a lab node
// to a ContainerSpec is done by the engine package as a pure function.
type ContainerSpec struct {
	Name     string
	Hostname string
	Image    string
	Cmd      []string
	Env      map[string]string
	Labels   map[string]string
	// Networks to attach, in order. The first is the primary (management)
	// network. Address, if valid, requests a static IPAM address.
	Networks []NetworkAttachment
	CapAdd   []string
	// CapDrop removes capabilities from the engine's default set ("ALL"
	// drops every one; CapAdd then adds back).
	CapDrop []string
	// Init runs the engine's init (tini) as PID 1 to reap zombies.
	Init            bool
	Privileged      bool
	NetworkModeHost bool
	// HostUserNamespace keeps the container in the host's user namespace
	// on an engine that remaps users (--userns=host); such an engine
	// refuses host networking otherwise. No effect on other engines.
	HostUserNamespace bool
	Binds             []string // "src:dst[:ro]"
	NanoCPUs          int64
	Memory            int64
	// PidsLimit bounds the processes and threads of the container (0 =
	// no limit); CPUShares is its relative CPU weight (0 = the engine's
	// 1024).
	PidsLimit int64
	CPUShares int64
	// Sysctls set in the container's namespace at start.
	Sysctls map[string]string
	// Tmpfs mounts: path -> options.
	Tmpfs map[string]string
	// ReadonlyPaths replaces the engine's default list of paths mounted
	// read-only inside the container (nil keeps the default).
	ReadonlyPaths []string
	// StopTimeout before SIGKILL on stop.
	StopTimeout time.Duration
}

// NetworkAttachment attaches a container to a network.
type NetworkAttachment struct {
	Network string // network name or ID
	Address netip.Addr
	Aliases []string
}

// ContainerInfo describes a container.
type ContainerInfo struct {
	ID      string
	Name    string
	Image   string
	State   string // created, running, exited, ...
	Running bool
	Labels  map[string]string
	// Endpoints by network name.
	Endpoints map[string]Endpoint
	StartedAt time.Time
}

// Endpoint is a container's attachment to a network as the engine reports it.
type Endpoint struct {
	NetworkID  string
	MACAddress string
	IPAddress  netip.Addr
	PrefixLen  int
}

// ExecSpec is a command to run in a container.
type ExecSpec struct {
	Cmd    []string
	Env    []string
	User   string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// TTY allocates a pseudo-terminal (for console sessions).
	TTY bool
	// Resize, when TTY is set, delivers terminal sizes (width, height).
	Resize <-chan [2]uint
}

// ExecResult is the outcome of Exec.
type ExecResult struct {
	ExitCode int
}

// ImageInfo describes an image of the engine.
type ImageInfo struct {
	ID      string
	Tags    []string
	Labels  map[string]string
	Size    int64
	Created time.Time
}

// ContainerBuild is an image build done in a container without a network:
// Files (a tar stream, may be nil) is extracted at "/" of a container
// created from Base, Cmd runs with Stdin on its standard input, and on
// success the container is committed as Ref (when not empty) with the
// Dockerfile-style Changes. The container is removed in any case, so a
// failed or interrupted build tags nothing.
type ContainerBuild struct {
	Base    string
	Ref     string
	Files   io.Reader
	Stdin   io.Reader
	Cmd     []string
	Env     []string
	Changes []string
	// Tmpfs mounts: path -> options.
	Tmpfs map[string]string
	// Stdout receives the command's standard output (nil: Progress).
	// It sees the whole output before BuildInContainer returns.
	Stdout io.Writer
	// Progress receives the build's standard error (and output when
	// Stdout is nil); may be nil.
	Progress io.Writer
}

// ImageBuilder is what node image builds need from the engine beyond
// Runtime's image calls. The Docker runtime implements it.
type ImageBuilder interface {
	// PullImage pulls ref from its registry, writing progress lines.
	PullImage(ctx context.Context, ref string, progress io.Writer) error
	// TagImage gives the image src the reference dst.
	TagImage(ctx context.Context, src, dst string) error
	// ListImages returns the images carrying all the given labels.
	ListImages(ctx context.Context, labels map[string]string) ([]ImageInfo, error)
	// BuildInContainer runs a ContainerBuild.
	BuildInContainer(ctx context.Context, b ContainerBuild) error
}
