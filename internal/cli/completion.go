package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/session"
)

// completer completes one positional argument.
type completer func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective)

// addCompletions wires dynamic completion (`dojo completion bash|zsh|fish`)
// of scenario, lab, instance, node and goal names into the commands, so a
// shell offers names instead of files.
func (a *app) addCompletions(root *cobra.Command) {
	byCmd := map[string][]completer{
		"up":               {a.completeLabs},
		"start":            {a.completeScenarios},
		"down":             {a.completeInstances},
		"status":           {a.completeInstances},
		"check":            {a.completeInstances},
		"solve":            {a.completeInstances},
		"history":          {a.completeInstances},
		"ssh-config":       {a.completeInstances},
		"inventory":        {a.completeInstances},
		"hint":             {a.completeGoals, a.completeGoals},
		"ssh":              {a.completeNodes},
		"console":          {a.completeNodes},
		"exec":             {a.completeNodes, a.completeNodes, a.completeNodes, a.completeNodes},
		"validate":         nil,
		"labs":             nil,
		"scenarios":        nil,
		"version":          nil,
		"image":            nil,
		"completion":       nil,
		"help":             nil,
		"__complete":       nil,
		"__completeNoDesc": nil,
	}
	for _, c := range root.Commands() {
		fns, ok := byCmd[c.Name()]
		if !ok || c.ValidArgsFunction != nil {
			continue
		}
		if fns == nil {
			if c.Args != nil && c.Name() != "validate" {
				c.ValidArgsFunction = noFiles
			}
			continue
		}
		c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) >= len(fns) && c.Name() != "exec" {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return fns[min(len(args), len(fns)-1)](cmd, args, toComplete)
		}
		if c.Flags().Lookup("name") != nil && c.Name() != "up" && c.Name() != "start" {
			_ = c.RegisterFlagCompletionFunc("name", a.completeInstances)
		}
	}
}

func noFiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// completions filters names by the prefix being completed.
func completions(names []string, toComplete string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, toComplete) {
			out = append(out, n)
		}
	}
	return out
}

func (a *app) completeScenarios(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	rows, err := session.Scenarios(cmd.Context())
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var names []string
	for _, r := range rows {
		if r.Error == "" {
			names = append(names, r.Name)
		}
	}
	// A scenario may also be a path: let the shell add files when no name fits.
	return completions(names, toComplete), cobra.ShellCompDirectiveDefault
}

func (a *app) completeLabs(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	entries, err := session.Labs(cmd.Context())
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var names []string
	for _, e := range entries {
		if e.Error == "" {
			names = append(names, e.Name)
		}
	}
	return completions(names, toComplete), cobra.ShellCompDirectiveDefault
}

func (a *app) completeInstances(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	svc, err := a.service(cmd.Context())
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	names, err := svc.Known(cmd.Context())
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	return completions(names, toComplete), cobra.ShellCompDirectiveNoFileComp
}

func (a *app) completeNodes(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	svc, err := a.service(cmd.Context())
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	name, _ := cmd.Flags().GetString("name")
	refs, err := svc.NodeRefs(cmd.Context(), name)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	return completions(refs, toComplete), cobra.ShellCompDirectiveNoFileComp
}

func (a *app) completeGoals(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	svc, err := a.service(cmd.Context())
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	name, _ := cmd.Flags().GetString("name")
	if len(args) == 1 {
		name = args[0] // hint NAME GOAL
	}
	goals, err := svc.GoalNames(cmd.Context(), name)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	if len(args) == 0 && name == "" {
		// `hint NAME GOAL`: the first word may also be an instance.
		if known, err := svc.Known(cmd.Context()); err == nil {
			goals = append(goals, known...)
		}
	}
	return completions(goals, toComplete), cobra.ShellCompDirectiveNoFileComp
}
