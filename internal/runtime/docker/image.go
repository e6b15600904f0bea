package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/labdojo/labdojo/internal/runtime"
)

// ImageExists reports whether the engine has an image with this reference.
func (r *Runtime) ImageExists(ctx context.Context, ref string) (bool, error) {
	_, err := r.cli.ImageInspect(ctx, ref)
	if err == nil {
		return true, nil
	}
	if cerrdefs.IsNotFound(err) {
		return false, nil
	}
	return false, wrapErr(err, "inspecting image %s", ref)
}

// ImportImage imports a root filesystem tarball as image ref, applying
// Dockerfile-style changes (CMD, ENV, ...). It returns once the engine has
// consumed the stream and tagged the image.
func (r *Runtime) ImportImage(ctx context.Context, rootfs io.Reader, ref string, changes []string) error {
	rc, err := r.cli.ImageImport(ctx, image.ImportSource{Source: rootfs, SourceName: "-"}, ref, image.ImportOptions{Changes: changes})
	if err != nil {
		return wrapErr(err, "importing image %s", ref)
	}
	defer rc.Close()
	if err := readMessages(rc, nil); err != nil {
		return fmt.Errorf("importing image %s: %w", ref, err)
	}
	return nil
}

// BuildImage builds an image from a Dockerfile build context (a tar stream)
// with the classic builder, tags it ref, and writes the build's output lines
// to progress (may be nil).
func (r *Runtime) BuildImage(ctx context.Context, buildContext io.Reader, ref string, labels map[string]string, progress io.Writer) error {
	resp, err := r.cli.ImageBuild(ctx, buildContext, build.ImageBuildOptions{
		Tags:        []string{ref},
		Labels:      labels,
		Dockerfile:  "Dockerfile",
		Remove:      true,
		ForceRemove: true,
		Version:     build.BuilderV1,
	})
	if err != nil {
		return wrapErr(err, "building image %s", ref)
	}
	defer resp.Body.Close()
	if err := readMessages(resp.Body, progress); err != nil {
		return fmt.Errorf("building image %s: %w", ref, err)
	}
	return nil
}

// RemoveImage removes an image by reference (untagging it and deleting its
// layers when nothing else uses them).
func (r *Runtime) RemoveImage(ctx context.Context, ref string) error {
	_, err := r.cli.ImageRemove(ctx, ref, image.RemoveOptions{PruneChildren: true})
	return wrapErr(err, "removing image %s", ref)
}

// message is one JSON message of the engine's build/import/pull streams.
type message struct {
	Stream      string `json:"stream"`
	Status      string `json:"status"`
	Progress    string `json:"progress"`
	ID          string `json:"id"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
}

// readMessages consumes a JSON message stream to its end, writing text to
// progress (when not nil), and returns the first error message the engine
// reported.
func readMessages(r io.Reader, progress io.Writer) error {
	dec := json.NewDecoder(r)
	for {
		var m message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("reading engine messages: %w", err)
		}
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			return errors.New(strings.TrimSpace(m.ErrorDetail.Message))
		}
		if m.Error != "" {
			return errors.New(strings.TrimSpace(m.Error))
		}
		if progress == nil {
			continue
		}
		switch {
		case m.Stream != "":
			_, _ = io.WriteString(progress, m.Stream)
		case m.Status != "":
			line := m.Status
			if m.ID != "" {
				line = m.ID + ": " + line
			}
			if m.Progress != "" {
				line += " " + m.Progress
			}
			_, _ = io.WriteString(progress, line+"\n")
		}
	}
}

var _ runtime.ImageBuilder = (*Runtime)(nil)

// PullImage pulls ref from its registry, writing progress lines to
// progress (may be nil).
func (r *Runtime) PullImage(ctx context.Context, ref string, progress io.Writer) error {
	rc, err := r.cli.ImagePull(ctx, ref, image.PullOptions{})
	if err != nil {
		return wrapErr(err, "pulling image %s", ref)
	}
	defer rc.Close()
	if err := readMessages(rc, progress); err != nil {
		return fmt.Errorf("pulling image %s: %w", ref, err)
	}
	return nil
}

// TagImage gives the image src the reference dst.
func (r *Runtime) TagImage(ctx context.Context, src, dst string) error {
	return wrapErr(r.cli.ImageTag(ctx, src, dst), "tagging image %s as %s", src, dst)
}

// ListImages returns the images carrying all the given labels.
func (r *Runtime) ListImages(ctx context.Context, labels map[string]string) ([]runtime.ImageInfo, error) {
	list, err := r.cli.ImageList(ctx, image.ListOptions{Filters: labelFilters(labels)})
	if err != nil {
		return nil, wrapErr(err, "listing images")
	}
	out := make([]runtime.ImageInfo, 0, len(list))
	for _, s := range list {
		var tags []string
		for _, t := range s.RepoTags {
			if t != "<none>:<none>" {
				tags = append(tags, t)
			}
		}
		out = append(out, runtime.ImageInfo{ID: s.ID, Tags: tags, Labels: s.Labels, Size: s.Size, Created: time.Unix(s.Created, 0)})
	}
	return out, nil
}

// BuildInContainer runs b: a container from b.Base with no network gets
// b.Files at "/", runs b.Cmd, and is committed as b.Ref when the command
// succeeds. The container is always removed.
func (r *Runtime) BuildInContainer(ctx context.Context, b runtime.ContainerBuild) (err error) {
	cfg := &container.Config{
		Image: b.Base, Cmd: b.Cmd, Env: b.Env, NetworkDisabled: true,
		Labels:      map[string]string{"io.labdojo.image-build": b.Base},
		AttachStdin: b.Stdin != nil, OpenStdin: b.Stdin != nil, StdinOnce: b.Stdin != nil,
		AttachStdout: true, AttachStderr: true,
	}
	// No log driver: the build's standard output can be a whole root
	// filesystem as a tar stream, which the default json-file driver would
	// encode into a log file on the way (6 s of a 40 s build here). The
	// output is read through the attach stream.
	hc := &container.HostConfig{NetworkMode: "none", Tmpfs: b.Tmpfs, LogConfig: container.LogConfig{Type: "none"}}
	created, err := r.cli.ContainerCreate(ctx, cfg, hc, nil, nil, "")
	if err != nil {
		return wrapErr(err, "creating the build container for %s", b.Ref)
	}
	id := created.ID
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 60*time.Second)
		defer cancel()
		if rerr := r.cli.ContainerRemove(rctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true}); rerr != nil && err == nil {
			err = wrapErr(rerr, "removing the build container of %s", b.Ref)
		}
	}()
	if b.Files != nil {
		if err := r.cli.CopyToContainer(ctx, id, "/", b.Files, container.CopyToContainerOptions{}); err != nil {
			return wrapErr(err, "copying build files into the build container of %s", b.Ref)
		}
	}
	att, err := r.cli.ContainerAttach(ctx, id, container.AttachOptions{Stream: true, Stdin: b.Stdin != nil, Stdout: true, Stderr: true})
	if err != nil {
		return wrapErr(err, "attaching to the build container of %s", b.Ref)
	}
	defer att.Close()
	tail := &tailWriter{w: b.Progress, keep: 30}
	var stdout io.Writer = tail
	if b.Stdout != nil {
		stdout = b.Stdout
	}
	copied := make(chan error, 1)
	go func() {
		_, err := stdcopy.StdCopy(stdout, tail, att.Reader)
		copied <- err
	}()
	if b.Stdin != nil {
		go func() {
			_, _ = io.Copy(att.Conn, b.Stdin)
			_ = att.CloseWrite()
		}()
	}
	waitC, errC := r.cli.ContainerWait(ctx, id, container.WaitConditionNextExit)
	if err := r.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		return wrapErr(err, "starting the build container of %s", b.Ref)
	}
	var code int64
	select {
	case w := <-waitC:
		code = w.StatusCode
		if w.Error != nil && w.Error.Message != "" {
			return fmt.Errorf("build of %s: %s", b.Ref, w.Error.Message)
		}
	case err := <-errC:
		return wrapErr(err, "waiting for the build container of %s", b.Ref)
	}
	var cerr error
	select {
	case cerr = <-copied:
	case <-time.After(30 * time.Second):
		cerr = errors.New("the build's output did not end")
	}
	if code != 0 {
		return fmt.Errorf("build from %s failed (exit code %d); last output:\n%s", b.Base, code, tail.String())
	}
	if cerr != nil {
		return fmt.Errorf("build from %s: reading its output: %w", b.Base, cerr)
	}
	if b.Ref == "" {
		return nil
	}
	if _, err := r.cli.ContainerCommit(ctx, id, container.CommitOptions{Reference: b.Ref, Changes: b.Changes}); err != nil {
		return wrapErr(err, "committing image %s", b.Ref)
	}
	return nil
}

// tailWriter passes output on and keeps its last lines for error messages.
type tailWriter struct {
	w    io.Writer
	keep int
	mu   sync.Mutex
	buf  []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.w != nil {
		_, _ = t.w.Write(p)
	}
	t.buf = append(t.buf, p...)
	if lines := bytes.Count(t.buf, []byte("\n")); lines > t.keep {
		for ; lines > t.keep; lines-- {
			t.buf = t.buf[bytes.IndexByte(t.buf, '\n')+1:]
		}
	}
	return len(p), nil
}

func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
