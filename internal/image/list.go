package image

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/labdojo/labdojo/internal/runtime"
)

// Info describes a node image of the engine.
type Info struct {
	Ref      string    `json:"ref"`
	ID       string    `json:"id"`
	Recipe   string    `json:"recipe"`             // recipe hash of the base image (first 12 digits)
	Base     string    `json:"base,omitempty"`     // base image of a variant
	Packages []string  `json:"packages,omitempty"` // packages a variant adds
	Size     int64     `json:"size"`
	Created  time.Time `json:"created"`
	// UsedBy names the instances with a container from this image.
	UsedBy []string `json:"used_by"`
	// Current is true for the default image of this dojo version.
	Current bool `json:"current"`
	// Build is true for a leftover of an interrupted build.
	Build bool `json:"build,omitempty"`
	// Stage1 marks the stage-1 image (Debian's essential packages) that
	// native builds keep and reuse; it is not a leftover.
	Stage1 bool `json:"stage1,omitempty"`
	// Untagged marks an image whose tag moved to a newer build of the
	// same name (Ref is then its short ID).
	Untagged bool `json:"untagged,omitempty"`
}

// Lister is what List and Prune need from the engine.
type Lister interface {
	ListImages(ctx context.Context, labels map[string]string) ([]runtime.ImageInfo, error)
	ListContainers(ctx context.Context, labels map[string]string) ([]runtime.ContainerInfo, error)
	RemoveImage(ctx context.Context, ref string) error
}

// List returns the node images (default images, variants, and leftovers of
// interrupted builds) with the instances that use each, newest first.
func List(ctx context.Context, eng Lister) ([]Info, error) {
	var imgs []runtime.ImageInfo
	for _, kind := range []string{"node", "build"} {
		l, err := eng.ListImages(ctx, map[string]string{"io.labdojo.image": kind})
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, l...)
	}
	cs, err := eng.ListContainers(ctx, map[string]string{runtime.LabelTool: runtime.ToolName})
	if err != nil {
		return nil, err
	}
	builds, err := eng.ListContainers(ctx, map[string]string{"io.labdojo.image-build": ""})
	if err != nil {
		return nil, err
	}
	used := map[string]map[string]bool{} // image ref or ID -> instances
	mark := func(img, inst string) {
		if inst == "" {
			return
		}
		if used[img] == nil {
			used[img] = map[string]bool{}
		}
		used[img][inst] = true
	}
	for _, c := range cs {
		mark(c.Image, c.Labels[runtime.LabelInstance])
	}
	for _, c := range builds {
		// Containers of instances inherit the label from variant images.
		if c.Labels[runtime.LabelTool] == "" {
			mark(c.Image, "(a build)")
		}
	}
	var out []Info
	seen := map[string]bool{}
	for _, im := range imgs {
		if seen[im.ID] {
			continue
		}
		seen[im.ID] = true
		// Only dojo's own repositories: images others build FROM a node
		// image inherit its labels but are not dojo's to list or prune.
		var refs []string
		for _, t := range im.Tags {
			if strings.HasPrefix(t, Repository+":") || strings.HasPrefix(t, Repository+"-build:") {
				refs = append(refs, t)
			}
		}
		untagged := len(im.Tags) == 0
		if untagged {
			// A node image whose tag moved to a rebuild: listed (and
			// pruned) by its ID, or it would hold its space unseen.
			refs = []string{shortID(im.ID)}
		}
		for _, ref := range refs {
			in := Info{Ref: ref, ID: shortID(im.ID), Size: im.Size, Created: im.Created,
				Base: im.Labels[LabelBase], Current: ref == DefaultRef(), Untagged: untagged}
			if im.Labels["io.labdojo.image"] == "build" {
				in.Stage1 = strings.HasPrefix(ref, Repository+"-build:"+stage1Prefix)
				in.Build = !in.Stage1
			}
			if r := im.Labels[LabelRecipe]; len(r) >= 12 {
				in.Recipe = r[:12]
			}
			if p := im.Labels[LabelPackages]; p != "" {
				in.Packages = strings.Split(p, ",")
			}
			insts := map[string]bool{}
			for _, key := range []string{ref, im.ID} {
				for i := range used[key] {
					insts[i] = true
				}
			}
			for i := range insts {
				in.UsedBy = append(in.UsedBy, i)
			}
			sort.Strings(in.UsedBy)
			out = append(out, in)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.After(out[j].Created)
		}
		return out[i].Ref < out[j].Ref
	})
	return out, nil
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// Prune removes the node images no instance uses. The current default image
// is kept unless all is set, so the next `dojo up` does not rebuild it.
// It returns what it removed; with dryRun it removes nothing.
func Prune(ctx context.Context, eng Lister, all, dryRun bool) ([]Info, error) {
	list, err := List(ctx, eng)
	if err != nil {
		return nil, err
	}
	var removed []Info
	var errs []error
	for _, in := range list {
		if len(in.UsedBy) > 0 || (in.Current && !all) {
			continue
		}
		if !dryRun {
			if err := eng.RemoveImage(ctx, in.Ref); err != nil {
				errs = append(errs, fmt.Errorf("image %s: %w", in.Ref, err))
				continue
			}
		}
		removed = append(removed, in)
	}
	return removed, errors.Join(errs...)
}
