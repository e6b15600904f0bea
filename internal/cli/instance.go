package cli

import (
	"github.com/spf13/cobra"
)

// nameUsage is the help of --name on commands that act on an instance.
const nameUsage = "instance (same as the NAME argument; default: $DOJO_INSTANCE, else the only running instance of this state directory)"

// nameFlag declares --name, the instance a command acts on. Every such
// command also takes the instance as its NAME argument; DOJO_INSTANCE is
// the default for both (session.Service.DefaultInstance).
func nameFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "name", "", nameUsage)
}

// instanceName is the instance named by the positional argument arg
// (empty when absent) or --name; both may be given only when they agree.
func instanceName(flag, arg string) (string, error) {
	switch {
	case flag != "" && arg != "" && flag != arg:
		return "", usageErr("instance named twice: argument %q and --name %q", arg, flag)
	case arg != "":
		return arg, nil
	}
	return flag, nil
}
