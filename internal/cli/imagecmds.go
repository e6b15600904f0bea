package cli

import "github.com/spf13/cobra"

// imageCmd is `dojo image`; add further subcommands (ls, prune) to img in
// their own files, as methods returning *cobra.Command.
func (a *app) imageCmd() *cobra.Command {
	img := &cobra.Command{Use: "image", Short: "Manage node images"}
	var offline, force bool
	build := &cobra.Command{
		Use:   "build",
		Short: "Build (or refresh with --force) the default node image",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := a.ensureImage(cmd.Context(), offline, force)
			if err != nil {
				return err
			}
			a.out.printf("%s\n", ref)
			return nil
		},
	}
	build.Flags().BoolVar(&offline, "offline", false, "build from the host's Debian mirror with mmdebstrap/debootstrap, never from a base image")
	build.Flags().BoolVar(&force, "force", false, "rebuild even when the image exists")
	img.AddCommand(build)
	return img
}
