package image

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/labdojo/labdojo/internal/image/debian"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/runtime"
)

// Image labels (besides io.labdojo.image=node on every node image).
const (
	LabelRecipe   = "io.labdojo.image-recipe"   // recipe hash of the base image
	LabelBase     = "io.labdojo.image-base"     // base image of a variant
	LabelPackages = "io.labdojo.image-packages" // packages a variant adds, comma-separated
	LabelRequest  = "io.labdojo.image-request"  // hash of base recipe + requested packages
)

// requestHash identifies a request for a variant (base recipe and the
// package names as written), so an existing variant is found without the
// package index.
func requestHash(pkgs []string) string {
	h := sha256.Sum256([]byte("request\n" + RecipeHash() + "\n" + strings.Join(pkgs, ",")))
	return hex.EncodeToString(h[:])[:24]
}

// variantRef returns the reference of the variant that installs the
// resolved package set: labdojo/node:<hash of base recipe + set>.
func variantRef(set []*debian.Package) string {
	h := sha256.New()
	fmt.Fprintf(h, "variant\n%s\n", RecipeHash())
	for _, p := range set {
		fmt.Fprintf(h, "%s=%s\n", p.Name, p.Version)
	}
	return Repository + ":" + hex.EncodeToString(h.Sum(nil))[:12]
}

// VariantError says that a lab asks for packages Debian does not have.
type VariantError struct {
	At, Node, Package string
	Suggest           []string
}

func (e *VariantError) Error() string {
	msg := fmt.Sprintf("%s: node %q: package %q is not in Debian %s", e.At, e.Node, e.Package, Suite)
	if len(e.Suggest) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(e.Suggest, ", "))
	}
	return msg
}

// EnsureVariants makes sure every node that asks for packages has its image
// variant, and sets the node's Image to it. Nodes with the same package set
// share one image. Unknown package names are reported (a *VariantError)
// before anything is built. base is the default node image (present).
func EnsureVariants(ctx context.Context, eng Engine, base string, nodes []*lab.Node, opts Options) error {
	sets := map[string][]*lab.Node{}
	for _, n := range nodes {
		if len(n.Packages) > 0 && n.Image == "" {
			k := strings.Join(n.Packages, ",")
			sets[k] = append(sets[k], n)
		}
	}
	if len(sets) == 0 {
		return nil
	}
	ib, ok := eng.(runtime.ImageBuilder)
	if !ok {
		return &UnavailableError{Msg: "this engine cannot build image variants"}
	}
	keys := make([]string, 0, len(sets))
	for k := range sets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	b := &builder{eng: eng, opts: opts, sourcesRoot: "/"}
	refs := map[string]string{}
	// Variants built before are found by their request label, without
	// the mirror.
	for _, k := range keys {
		imgs, err := ib.ListImages(ctx, map[string]string{LabelRequest: requestHash(strings.Split(k, ","))})
		if err != nil {
			return err
		}
		for _, im := range imgs {
			if len(im.Tags) > 0 {
				refs[k] = im.Tags[0]
				break
			}
		}
	}
	var todo []string
	for _, k := range keys {
		if refs[k] == "" {
			todo = append(todo, k)
		}
	}
	if len(todo) > 0 {
		src, err := b.source(ctx)
		if err != nil {
			return err
		}
		// Every name first: nothing is built for a lab with a typo.
		for _, k := range todo {
			n := sets[k][0]
			for _, p := range n.Packages {
				if !src.index.Has(p) {
					return &VariantError{At: n.PackagesAt, Node: n.Name, Package: p, Suggest: src.index.Suggest(p, 3)}
				}
			}
		}
		for _, k := range todo {
			ref, err := b.ensureVariant(ctx, ib, base, strings.Split(k, ","))
			if err != nil {
				return fmt.Errorf("image variant with %s: %w", strings.ReplaceAll(k, ",", ", "), err)
			}
			refs[k] = ref
		}
	}
	for _, k := range keys {
		for _, n := range sets[k] {
			n.Image = refs[k]
		}
	}
	return nil
}

// ensureVariant resolves the packages against the index, and builds the
// variant from base unless it exists: the new packages are downloaded and
// installed with dpkg in a container without network, then committed.
func (b *builder) ensureVariant(ctx context.Context, ib runtime.ImageBuilder, base string, pkgs []string) (string, error) {
	ix := b.src.index
	baseRoots := append(ix.Roots(), Packages...)
	baseSet, err := ix.Resolve(baseRoots)
	if err != nil {
		return "", err
	}
	all, err := ix.Resolve(append(baseRoots, pkgs...))
	if err != nil {
		return "", err
	}
	ref := variantRef(all)
	installed := map[string]bool{}
	for _, p := range baseSet {
		installed[p.Name] = true
	}
	var extra []*debian.Package
	for _, p := range all {
		if !installed[p.Name] {
			extra = append(extra, p)
		}
	}
	if ok, err := b.eng.ImageExists(ctx, ref); err == nil && ok && !b.opts.Force {
		return ref, nil
	}
	unlock, err := lockBuild(ctx, ref, b.progress)
	if err != nil {
		return "", err
	}
	defer unlock()
	if ok, err := b.eng.ImageExists(ctx, ref); err == nil && ok && !b.opts.Force {
		return ref, nil
	}
	b.progress("building image variant %s: %s (+%d packages)", ref, strings.Join(pkgs, ", "), len(extra))
	if err := b.src.client.FetchAll(ctx, extra); err != nil {
		return "", nativeErr(err)
	}
	script := installScript(nil, ix.InstallLayers(extra, installed), false)
	changes := append(append([]string(nil), imageChanges...),
		"LABEL "+LabelRecipe+"="+RecipeHash(),
		"LABEL "+LabelBase+"="+base,
		"LABEL "+LabelPackages+"="+strings.Join(pkgs, ","),
		"LABEL "+LabelRequest+"="+requestHash(pkgs),
	)
	lw := &lineWriter{fn: b.opts.Progress}
	defer lw.Flush()
	if err := b.buildWithDebs(ctx, ib, base, ref, extra, script, changes, lw); err != nil {
		return "", err
	}
	return ref, nil
}
