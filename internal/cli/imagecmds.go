package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/lab"
)

// imageCmd is `dojo image build | ls | prune`.
func (a *app) imageCmd() *cobra.Command {
	img := &cobra.Command{Use: "image", Short: "Manage node images"}
	var opts image.Options
	build := &cobra.Command{
		Use:   "build",
		Short: "Build (or refresh with --force) the default node image",
		Long: "Build the default node image. Builders, tried in order unless --builder names one: " +
			"local (an engine build from a local debian:bookworm image), pull (pull the pinned Debian image, then an engine build), " +
			"native (dojo bootstraps Debian itself from the mirror: verified signatures and checksums, no host tool), " +
			"mmdebstrap, debootstrap. The mirror is --mirror, else $" + image.MirrorEnv + ", else the host's apt sources, else deb.debian.org.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validBuilder(opts.Builder) {
				return usageErr("--builder %q: want one of %s", opts.Builder, strings.Join(image.Builders, ", "))
			}
			ref, err := a.ensureImageWith(cmd.Context(), opts)
			if err != nil {
				return err
			}
			fmt.Fprintln(a.streams.Out, ref)
			return nil
		},
	}
	build.Flags().StringVar(&opts.Builder, "builder", "auto", "how to build: "+strings.Join(image.Builders, "|"))
	build.Flags().BoolVar(&opts.Offline, "offline", false, "never use a Debian base image (skip the local and pull builders)")
	build.Flags().BoolVar(&opts.Force, "force", false, "rebuild even when the image exists")
	build.Flags().StringVar(&opts.Mirror, "mirror", "", "Debian mirror URL for mirror builds")
	img.AddCommand(build)
	return img
}

func validBuilder(b string) bool {
	for _, k := range image.Builders {
		if b == k {
			return true
		}
	}
	return b == ""
}

// ensureImageWith makes sure the default node image exists, building it
// with a progress display when missing.
func (a *app) ensureImageWith(ctx context.Context, opts image.Options) (string, error) {
	rt, err := a.runtime(ctx)
	if err != nil {
		return "", err
	}
	if !opts.Force {
		if ok, err := rt.ImageExists(ctx, image.DefaultRef()); err == nil && ok {
			return image.DefaultRef(), nil
		}
		a.infof("Node image %s is missing: building it (first use; about a minute)...", image.DefaultRef())
	}
	start := time.Now()
	opts.Progress = func(line string) {
		if a.verbose {
			fmt.Fprintln(a.streams.Err, "  "+line)
		}
	}
	ref, err := image.Ensure(ctx, rt, opts)
	if err != nil {
		return "", err
	}
	a.infof("Built %s in %s.", ref, time.Since(start).Round(100*time.Millisecond))
	return ref, nil
}

// ensureVariants builds the image variants the lab's nodes ask for
// (packages = [...]) and points the nodes at them; an unknown package is an
// input error (exit 2) before anything is created.
func (a *app) ensureVariants(ctx context.Context, l *lab.Lab, base string) error {
	need := false
	for _, n := range l.Nodes {
		need = need || len(n.Packages) > 0
	}
	if !need {
		return nil
	}
	rt, err := a.runtime(ctx)
	if err != nil {
		return err
	}
	err = image.EnsureVariants(ctx, rt, base, l.Nodes, image.Options{Progress: func(line string) {
		if a.verbose || strings.HasPrefix(line, "building image variant") {
			fmt.Fprintln(a.streams.Err, "  "+line)
		}
	}})
	var ve *image.VariantError
	if errors.As(err, &ve) {
		return withCode(ExitUsage, err)
	}
	return err
}
