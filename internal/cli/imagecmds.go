package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/lab"
)

// imageCmd is `dojo image build | ls | prune`.
func (a *app) imageCmd() *cobra.Command {
	img := &cobra.Command{Use: "image", Short: "Manage node images"}
	var opts image.Options
	var packages []string
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
			if len(packages) > 0 {
				sort.Strings(packages)
				n := &lab.Node{Name: "(command line)", Packages: packages, PackagesAt: "--packages"}
				if err := a.ensureVariants(cmd.Context(), &lab.Lab{Nodes: []*lab.Node{n}}, ref); err != nil {
					return err
				}
				ref = n.Image
			}
			a.out.printf("%s\n", ref)
			return nil
		},
	}
	build.Flags().StringVar(&opts.Builder, "builder", "auto", "how to build: "+strings.Join(image.Builders, "|"))
	build.Flags().BoolVar(&opts.Offline, "offline", false, "never use a Debian base image (skip the local and pull builders)")
	build.Flags().BoolVar(&opts.Force, "force", false, "rebuild even when the image exists")
	build.Flags().StringVar(&opts.Mirror, "mirror", "", "Debian mirror URL for mirror builds")
	build.Flags().StringSliceVar(&packages, "packages", nil, "also build the variant with these Debian packages (as a lab's packages = [...])")
	img.AddCommand(build, a.imageLsCmd(), a.imagePruneCmd())
	return img
}

// imageLister returns the engine as an image.Lister.
func (a *app) imageLister(ctx context.Context) (image.Lister, error) {
	rt, err := a.runtime(ctx)
	if err != nil {
		return nil, err
	}
	l, ok := rt.(image.Lister)
	if !ok {
		return nil, withCode(ExitEnviron, errors.New("this engine cannot list images"))
	}
	return l, nil
}

func (a *app) imageLsCmd() *cobra.Command {
	var format *formatValue
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List node images: recipe, packages, size, age, and the instances using each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.imageLister(cmd.Context())
			if err != nil {
				return err
			}
			list, err := image.List(cmd.Context(), l)
			if err != nil {
				return err
			}
			if format.value == "json" {
				return a.out.json(imageLsDoc{Schema: schemaImage, Images: nonNil(list)})
			}
			return a.out.table(imageRows(list))
		},
	}
	format = formatFlag(cmd, "text", "json")
	return cmd
}

func (a *app) imagePruneCmd() *cobra.Command {
	var all, dryRun bool
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove node images that no instance uses (the current default image stays unless --all)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := a.imageLister(cmd.Context())
			if err != nil {
				return err
			}
			removed, err := image.Prune(cmd.Context(), l, all, dryRun)
			verb := "Removed"
			if dryRun {
				verb = "Would remove"
			}
			var size int64
			for _, in := range removed {
				a.out.printf("%s\n", in.Ref)
				size += in.Size
			}
			a.infof("%s %s (%s).", verb, plural(len(removed), "image"), humanSize(size))
			return err
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "also remove the current default node image when unused")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "only list what would be removed")
	return cmd
}

// imageRows returns the header and rows of `dojo image ls`.
func imageRows(list []image.Info) ([]string, [][]string) {
	var rows [][]string
	for _, in := range list {
		pk := strings.Join(in.Packages, ",")
		switch {
		case in.Build:
			pk = "(build leftover)"
		case in.Stage1:
			pk = "(build cache: essential packages)"
		case in.Untagged:
			pk = "(replaced by a rebuild)"
		case pk == "" && in.Current:
			pk = "(default)"
		case pk == "":
			pk = "(default, older recipe)"
		}
		used := strings.Join(in.UsedBy, ",")
		if used == "" {
			used = "-"
		}
		recipe := in.Recipe
		if recipe == "" {
			recipe = "-"
		}
		rows = append(rows, []string{in.Ref, recipe, pk, humanSize(in.Size), age(in.Created), used})
	}
	return []string{"IMAGE", "RECIPE", "PACKAGES", "SIZE", "CREATED", "USED BY"}, rows
}

func humanSize(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.0f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.0f kB", float64(n)/1e3)
}

func age(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
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
		a.infof("%s", a.msg(i18n.MsgImageBuilding, image.DefaultRef()))
	}
	start := time.Now()
	opts.Progress = func(line string) {
		if a.verbose {
			a.errOut.printf("  %s\n", line)
		}
	}
	ref, err := image.Ensure(ctx, rt, opts)
	if err != nil {
		return "", err
	}
	a.infof("%s", a.msg(i18n.MsgImageBuilt, ref, time.Since(start).Round(100*time.Millisecond)))
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
			a.errOut.printf("  %s\n", line)
		}
	}})
	var ve *image.VariantError
	if errors.As(err, &ve) {
		return withCode(ExitUsage, err)
	}
	return err
}

// schemaImage names the layout of `dojo image ls --format json`
// (docs/cli-json.schema.json, $defs/image).
const schemaImage = "labdojo.image/v1"

// imageLsDoc is the `dojo image ls --format json` document.
type imageLsDoc struct {
	Schema string       `json:"schema"`
	Images []image.Info `json:"images"`
}
