package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/image"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/session"
)

// labFlags are the flags that shape how a lab file is loaded.
type labFlags struct {
	vars     []string
	varFiles []string
	allow    lab.Allow
}

func (f *labFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.vars, "var", nil, "set a lab variable (name=value); repeatable")
	cmd.Flags().StringArrayVar(&f.varFiles, "var-file", nil, "read lab variables from an HCL file; repeatable")
	cmd.Flags().BoolVar(&f.allow.Privileged, "allow-privileged", false, "allow nodes with privileged = true (reaches the host)")
	cmd.Flags().BoolVar(&f.allow.Capabilities, "allow-capabilities", false, "allow extra Linux capabilities (reaches the host)")
	cmd.Flags().BoolVar(&f.allow.Binds, "allow-binds", false, "allow bind mounts of host paths (reaches the host)")
	cmd.Flags().BoolVar(&f.allow.HostNetwork, "allow-host-network", false, "allow host_network = true (reaches the host)")
}

func (f *labFlags) options() (lab.Options, error) {
	o := lab.Options{VarFiles: f.varFiles, Allow: f.allow, Vars: map[string]string{}}
	for _, v := range f.vars {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" {
			return o, usageErr("--var %q: expected name=value", v)
		}
		o.Vars[k] = val
	}
	return o, nil
}

func (a *app) validateCmd() *cobra.Command {
	var lf labFlags
	cmd := &cobra.Command{
		Use:   "validate PATH...",
		Short: "Check lab and scenario files and print diagnostics",
		Long: `Validate lab files (lab.hcl) and scenario files (scenario.hcl). A directory
is searched recursively for both. Exit status 0 when every file is valid,
2 when any is not.`,
		Args: cobra.MinimumNArgs(1),
	}
	format := formatFlag(cmd, "text", "json")
	lf.register(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		opts, err := lf.options()
		if err != nil {
			return err
		}
		results, err := session.Validate(cmd.Context(), args, opts)
		if err != nil {
			return err
		}
		bad := 0
		for _, r := range results {
			if !r.Valid() {
				bad++
			}
		}
		if format.value == "json" {
			if err := a.out.json(validateJSON(results, bad)); err != nil {
				return err
			}
		} else {
			for _, r := range results {
				a.diagnostics(r.Files, r.Diags)
				if r.Valid() && !a.quiet {
					a.out.printf("%s %s: valid %s\n", a.out.paint("32", "✔"), r.Path, r.Kind)
				}
			}
		}
		if bad > 0 {
			return withCode(ExitUsage, fmt.Errorf("%d of %d file(s) not valid", bad, len(results)))
		}
		return nil
	}
	return cmd
}

func validateJSON(results []session.FileResult, bad int) any {
	type fileResult struct {
		Path        string               `json:"path"`
		Kind        string               `json:"kind"`
		Valid       bool                 `json:"valid"`
		Diagnostics []lab.JSONDiagnostic `json:"diagnostics"`
	}
	files := []fileResult{}
	for _, r := range results {
		jd := lab.DiagnosticsJSON(r.Diags)
		if jd == nil {
			jd = []lab.JSONDiagnostic{}
		}
		files = append(files, fileResult{Path: r.Path, Kind: r.Kind, Valid: r.Valid(), Diagnostics: jd})
	}
	return map[string]any{"schema": schemaValidate, "valid": bad == 0, "files": files}
}

func (a *app) labsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "labs",
		Short: "List bundled labs and labs under ./labs",
		Args:  cobra.NoArgs,
	}
	format := formatFlag(cmd, "text", "json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		entries, err := session.Labs(cmd.Context())
		if err != nil {
			return err
		}
		if format.value == "json" {
			return a.out.json(labsJSON(entries))
		}
		var rows [][]string
		for _, e := range entries {
			title := e.Title
			if e.Error != "" {
				title = "INVALID: " + e.Error
			}
			rows = append(rows, []string{e.Name, strconv.Itoa(e.Nodes), strconv.Itoa(e.Networks), e.Source, title})
		}
		return a.out.table([]string{"NAME", "NODES", "NETWORKS", "SOURCE", "TITLE"}, rows)
	}
	return cmd
}

// upFlags are the flags of `up` (and `start`).
type upFlags struct {
	name          string
	keepOnFailure bool
	mgmtSubnet    string
	format        *formatValue
	offline       bool
	labFlags
}

func (f *upFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.name, "name", "", "instance name (default: the lab's name); run two instances side by side with different names")
	cmd.Flags().BoolVar(&f.keepOnFailure, "keep-on-failure", false, "keep what a failed first bring-up created, for inspection")
	cmd.Flags().StringVar(&f.mgmtSubnet, "mgmt-subnet", "", "management subnet (default: a free /24 in 172.28.0.0/14)")
	f.format = formatFlag(cmd, "text", "json")
	cmd.Flags().BoolVar(&f.offline, "offline", false, "build the node image offline (mmdebstrap) if it is missing")
	f.labFlags.register(cmd)
}

// request turns the flags into a session request with progress display.
func (a *app) upRequest(f *upFlags, prog **progress) (session.UpRequest, error) {
	opts, err := f.options()
	if err != nil {
		return session.UpRequest{}, err
	}
	return session.UpRequest{
		Name: f.name, KeepOnFailure: f.keepOnFailure, MgmtSubnet: f.mgmtSubnet, Lab: opts,
		Image: func(ctx context.Context, l *lab.Lab) (string, error) {
			ref, err := a.ensureImageWith(ctx, image.Options{Offline: f.offline})
			if err != nil {
				return "", err
			}
			return ref, a.ensureVariants(ctx, l, ref)
		},
		Starting: func(inst string, l *lab.Lab) {
			*prog = a.newProgress(len(l.Nodes), f.format.value == "json")
			a.svc.Engine.Events = (*prog).event
			a.infof("%s", a.msg(i18n.MsgUpStarting, inst, l.Name, i18n.Count(len(l.Nodes), i18n.MsgCountNode, i18n.MsgCountNodes),
				i18n.Count(len(l.Networks), i18n.MsgCountNetwork, i18n.MsgCountNetworks)))
		},
	}, nil
}

func (a *app) upCmd() *cobra.Command {
	var f upFlags
	cmd := &cobra.Command{
		Use:   "up LAB",
		Short: "Start a lab and print its nodes and how to reach them",
		Long: `Start an instance of LAB: a lab file, a directory holding lab.hcl, a lab
under ./labs, or a bundled lab (see ` + "`dojo labs`" + `). The node image is built on
first use. Running up again on an unchanged instance changes nothing.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			var prog *progress
			req, err := a.upRequest(&f, &prog)
			if err != nil {
				return err
			}
			res, err := svc.Up(cmd.Context(), args[0], req)
			prog.finish()
			if err != nil {
				return err
			}
			return a.printUp(res, f.format.value)
		},
	}
	f.register(cmd)
	return cmd
}

func (a *app) printUp(res *engine.UpResult, format string) error {
	if format == "json" {
		return a.out.json(upJSON(res))
	}
	if len(res.RecreatedNetworks) > 0 {
		a.infof("%s", a.msg(i18n.MsgUpRecreatedNetworks, strings.Join(res.RecreatedNetworks, ", "), res.Instance))
	}
	if len(res.Recreated) > 0 {
		a.infof("%s", a.msg(i18n.MsgUpRecreatedNodes, strings.Join(res.Recreated, ", "), res.Instance))
	}
	if res.Unchanged {
		a.infof("Instance %s is already up and unchanged.", res.Instance)
	} else {
		a.infof("Instance %s is up (%s).", res.Instance, res.Elapsed.Round(10*time.Millisecond))
	}
	a.printNodes(a.out, res.Instance, res.Nodes, false)
	a.infof("\nConnect with `dojo ssh NODE`, or `dojo ssh-config > ssh_config && ssh -F ssh_config NODE`.\nRemove with `dojo down %s`.", res.Instance)
	return nil
}

func (a *app) printNodes(o *output, instance string, nodes []engine.NodeStatus, withSSH bool) {
	hdr := strings.Split(a.msg(i18n.MsgNodesHeader), "\t") // NODE STATE MANAGEMENT INTERFACES CONNECT
	if withSSH {
		hdr = strings.Split(a.msg(i18n.MsgNodesHeaderSSH), "\t") // NODE STATE SSH MANAGEMENT INTERFACES CONNECT
	}
	var rows [][]string
	for _, n := range nodes {
		var ifs []string
		for _, d := range n.Data {
			addr := d.Address
			if addr == "" {
				addr = a.msg(i18n.MsgNodesNoAddress)
			}
			ifs = append(ifs, fmt.Sprintf("%s %s %s", d.Interface, d.Network, addr))
		}
		if len(ifs) == 0 {
			ifs = []string{"-"}
		}
		row := []string{n.Name, n.State, n.MgmtAddr, ifs[0], "dojo ssh " + instance + "/" + n.Name}
		if withSSH {
			row = []string{n.Name, n.State, n.SSH, n.MgmtAddr, ifs[0], "dojo ssh " + instance + "/" + n.Name}
		}
		rows = append(rows, row)
		for _, more := range ifs[1:] {
			r := make([]string, len(hdr))
			r[len(hdr)-2] = more
			rows = append(rows, r)
		}
	}
	_ = o.table(hdr, rows)
}

func (a *app) downCmd() *cobra.Command {
	var all, purge bool
	var name string
	cmd := &cobra.Command{
		Use:   "down [NAME | --name NAME | --all]",
		Short: "Remove everything an instance created",
		Long: `Remove every container and network of an instance (found by their labels,
so it works even when the lab file is gone). The instance's state directory
(keys, history) is kept unless --purge. Without NAME, the only running
instance is removed.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			inst, err := instanceName(name, firstArg(args))
			if err != nil {
				return err
			}
			var names []string
			if inst != "" {
				names = []string{inst}
			}
			results, err := svc.Down(cmd.Context(), names, all, purge)
			for _, r := range results {
				if r.Found {
					a.infof("Removed %s (%s).", r.Instance, r.Elapsed.Round(10*time.Millisecond))
				} else {
					a.infof("Nothing to remove for %s.", r.Instance)
				}
			}
			if err == nil && len(results) == 0 {
				a.infof("No instances are running.")
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "remove every labdojo instance")
	cmd.Flags().BoolVar(&purge, "purge", false, "also delete the instance's state directory (keys, history, hints)")
	nameFlag(cmd, &name)
	return cmd
}

func (a *app) statusCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "status [NAME]",
		Short: "Show running instances, their nodes and SSH health",
		Long: `Show the instances this state directory knows, their nodes and SSH health.
Instances started from another state directory (another user, another
DOJO_STATE_DIR) that run on the same engine are listed apart: dojo has no
keys for them, and they never count as the default instance.`,
		Args: cobra.MaximumNArgs(1),
	}
	format := formatFlag(cmd, "text", "json")
	nameFlag(cmd, &name)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		inst, err := instanceName(name, firstArg(args))
		if err != nil {
			return err
		}
		svc, err := a.service(cmd.Context())
		if err != nil {
			return err
		}
		var names []string
		if inst != "" {
			names = []string{inst}
		}
		ov, err := svc.Overview(cmd.Context(), names)
		if err != nil {
			return err
		}
		if format.value == "json" {
			return a.out.json(statusJSON(ov))
		}
		switch {
		case len(ov.Instances) == 0 && len(ov.Others) == 0:
			a.infof("No instances are running.")
		case len(ov.Instances) == 0:
			a.infof("No instances of this state directory are running.")
		}
		for i, st := range ov.Instances {
			if i > 0 {
				a.out.printf("\n")
			}
			if len(st.Nodes) == 0 {
				a.out.printf("Instance %s: no nodes, only networks left (remove them with `dojo down %s`)\n", st.Name, st.Name)
				continue
			}
			a.out.printf("Instance %s (lab %s)\n", st.Name, st.Lab)
			a.printEngine(st)
			a.printNodes(a.out, st.Name, st.Nodes, true)
		}
		if len(ov.Others) > 0 {
			a.out.printf("\nFrom another state directory (no keys here; not a default):\n")
			var rows [][]string
			for _, st := range ov.Others {
				running := 0
				for _, n := range st.Nodes {
					if n.State == "running" {
						running++
					}
				}
				rows = append(rows, []string{st.Name, st.Lab, fmt.Sprintf("%d/%d", running, len(st.Nodes))})
			}
			_ = a.out.table([]string{"INSTANCE", "LAB", "RUNNING"}, rows)
		}
		return nil
	}
	return cmd
}

// plural renders "1 node" or "3 nodes".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
