package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
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
