package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/image"
)

// upFlags are the flags of `up` (and `start`).
type upFlags struct {
	name          string
	keepOnFailure bool
	mgmtSubnet    string
	format        string
	offline       bool
	labFlags
}

func (f *upFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.name, "name", "", "instance name (default: the lab's name); run two instances side by side with different names")
	cmd.Flags().BoolVar(&f.keepOnFailure, "keep-on-failure", false, "keep what a failed first bring-up created, for inspection")
	cmd.Flags().StringVar(&f.mgmtSubnet, "mgmt-subnet", "", "management subnet (default: a free /24 in 172.28.0.0/14)")
	cmd.Flags().StringVar(&f.format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&f.offline, "offline", false, "build the node image offline (mmdebstrap) if it is missing")
	f.labFlags.register(cmd)
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
			res, err := a.up(cmd.Context(), args[0], &f)
			if err != nil {
				return err
			}
			return a.printUp(res, f.format)
		},
	}
	f.register(cmd)
	return cmd
}

// up validates the lab, ensures the image and brings the instance up.
func (a *app) up(ctx context.Context, ref string, f *upFlags) (*engine.UpResult, error) {
	if f.format != "text" && f.format != "json" {
		return nil, usageErr("--format must be text or json")
	}
	opts, err := f.options()
	if err != nil {
		return nil, err
	}
	l, err := a.requireLab(ref, opts)
	if err != nil {
		return nil, err
	}
	name := f.name
	if name == "" {
		name = l.Name
	}
	var mgmt netip.Prefix
	if f.mgmtSubnet != "" {
		mgmt, err = netip.ParsePrefix(f.mgmtSubnet)
		if err != nil || !mgmt.Addr().Is4() || mgmt.Bits() > 28 {
			return nil, usageErr("--mgmt-subnet %q: want an IPv4 CIDR of /28 or larger", f.mgmtSubnet)
		}
		mgmt = mgmt.Masked()
	}
	eng, err := a.engine(ctx)
	if err != nil {
		return nil, err
	}
	if mgmt.IsValid() {
		if err := eng.CheckMgmtSubnet(ctx, l, mgmt); err != nil {
			return nil, err
		}
	}
	ref2, err := a.ensureImage(ctx, f.offline, false)
	if err != nil {
		return nil, err
	}
	if err := a.ensureVariants(ctx, l, ref2); err != nil {
		return nil, err
	}
	prog := a.newProgress(len(l.Nodes), f.format == "json")
	eng.Events = prog.event
	a.infof("Starting %s (lab %s, %s, %s)...", name, l.Name, plural(len(l.Nodes), "node"), plural(len(l.Networks), "network"))
	res, err := eng.Up(ctx, l, engine.UpOptions{
		Instance: name, Image: ref2, KeepOnFailure: f.keepOnFailure, MgmtSubnet: mgmt, Vars: opts.Vars,
	})
	prog.finish()
	return res, err
}

// ensureImage makes sure the default node image exists (see
// ensureImageWith).
func (a *app) ensureImage(ctx context.Context, offline, force bool) (string, error) {
	return a.ensureImageWith(ctx, image.Options{Offline: offline, Force: force})
}

func (a *app) printUp(res *engine.UpResult, format string) error {
	if format == "json" {
		return writeJSON(a.streams.Out, res)
	}
	if res.Unchanged {
		a.infof("Instance %s is already up and unchanged.", res.Instance)
	} else {
		a.infof("Instance %s is up (%s).", res.Instance, res.Elapsed.Round(10*time.Millisecond))
	}
	printNodes(a.streams.Out, res.Instance, res.Nodes, false)
	if !a.quiet {
		fmt.Fprintf(a.streams.Err, "\nConnect with `dojo ssh NODE`, or `dojo ssh-config > ssh_config && ssh -F ssh_config NODE`.\nRemove with `dojo down %s`.\n", res.Instance)
	}
	return nil
}

func printNodes(w io.Writer, instance string, nodes []engine.NodeStatus, withSSH bool) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	hdr := "NODE\tSTATE\tMANAGEMENT\tINTERFACES\tCONNECT"
	if withSSH {
		hdr = "NODE\tSTATE\tSSH\tMANAGEMENT\tINTERFACES\tCONNECT"
	}
	fmt.Fprintln(tw, hdr)
	for _, n := range nodes {
		var ifs []string
		for _, d := range n.Data {
			addr := d.Address
			if addr == "" {
				addr = "(none)"
			}
			ifs = append(ifs, fmt.Sprintf("%s %s %s", d.Interface, d.Network, addr))
		}
		if len(ifs) == 0 {
			ifs = []string{"-"}
		}
		connect := "dojo ssh " + instance + "/" + n.Name
		if withSSH {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n.Name, n.State, n.SSH, n.MgmtAddr, ifs[0], connect)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", n.Name, n.State, n.MgmtAddr, ifs[0], connect)
		}
		for _, more := range ifs[1:] {
			if withSSH {
				fmt.Fprintf(tw, "\t\t\t\t%s\t\n", more)
			} else {
				fmt.Fprintf(tw, "\t\t\t%s\t\n", more)
			}
		}
	}
	_ = tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// progress renders engine events as one self-updating line on a terminal,
// or as plain lines with -v; nothing in quiet or JSON mode.
type progress struct {
	a                  *app
	mu                 sync.Mutex
	total              int
	nets, nodes, ready int
	live, off          bool
	last, start        time.Time
	rollback           bool
}

func (a *app) newProgress(total int, jsonOut bool) *progress {
	return &progress{a: a, total: total, live: isTerminal(a.streams.Err) && !a.verbose, off: a.quiet || jsonOut, start: time.Now()}
}

func (p *progress) event(ev engine.Event) {
	if p.off {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.a.verbose {
		state := "..."
		if ev.Done {
			state = "done"
		}
		fmt.Fprintf(p.a.streams.Err, "  %6.2fs %-8s %-20s %s\n", time.Since(p.start).Seconds(), ev.Step, ev.Subject, state)
		return
	}
	switch {
	case ev.Step == "network" && ev.Done:
		p.nets++
	case ev.Step == "node" && ev.Done:
		p.nodes++
	case ev.Step == "ready" && ev.Done:
		p.ready++
	case ev.Step == "rollback":
		p.rollback = true
	}
	if p.live && time.Since(p.last) > 50*time.Millisecond {
		p.last = time.Now()
		p.draw()
	}
}

func (p *progress) draw() {
	msg := fmt.Sprintf("  networks %d  nodes started %d/%d  SSH ready %d/%d", p.nets, p.nodes, p.total, p.ready, p.total)
	if p.rollback {
		msg = "  rolling back: removing what was created..."
	}
	fmt.Fprintf(p.a.streams.Err, "\r\x1b[2K%s", msg)
}

func (p *progress) finish() {
	if p.off || !p.live {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.a.streams.Err, "\r\x1b[2K")
}

func (a *app) downCmd() *cobra.Command {
	var all, purge bool
	cmd := &cobra.Command{
		Use:   "down [NAME | --all]",
		Short: "Remove everything an instance created",
		Long: `Remove every container and network of an instance (found by their labels,
so it works even when the lab file is gone). The instance's state directory
(keys, history) is kept unless --purge. Without NAME, the only running
instance is removed.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			eng, err := a.engine(ctx)
			if err != nil {
				return err
			}
			var names []string
			switch {
			case all && len(args) > 0:
				return usageErr("give NAME or --all, not both")
			case all:
				if names, err = eng.Instances(ctx); err != nil {
					return err
				}
			default:
				name, err := a.resolveInstance(ctx, eng, args)
				if err != nil {
					return err
				}
				names = []string{name}
			}
			if len(names) == 0 {
				a.infof("No instances are running.")
				return nil
			}
			for _, n := range names {
				start := time.Now()
				found, err := eng.Down(ctx, n, purge)
				if err != nil {
					return err
				}
				if found {
					a.infof("Removed %s (%s).", n, time.Since(start).Round(10*time.Millisecond))
				} else {
					a.infof("Nothing to remove for %s.", n)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "remove every labdojo instance")
	cmd.Flags().BoolVar(&purge, "purge", false, "also delete the instance's state directory (keys, history, hints)")
	return cmd
}

// resolveInstance picks the instance from args[0], or the only running one.
func (a *app) resolveInstance(ctx context.Context, eng *engine.Engine, args []string) (string, error) {
	if len(args) > 0 && args[0] != "" {
		return args[0], nil
	}
	names, err := eng.Instances(ctx)
	if err != nil {
		return "", err
	}
	if len(names) > 1 {
		// Prefer instances that have nodes over leftovers holding only
		// networks (for example after --keep-on-failure).
		nodes, err := eng.NodesByInstance(ctx)
		if err != nil {
			return "", err
		}
		var withNodes []string
		for _, n := range names {
			if len(nodes[n]) > 0 {
				withNodes = append(withNodes, n)
			}
		}
		if len(withNodes) > 0 {
			names = withNodes
		}
	}
	switch len(names) {
	case 0:
		return "", usageErr("no instance is running (start one with `dojo up LAB` or `dojo start SCENARIO`)")
	case 1:
		return names[0], nil
	}
	return "", usageErr("several instances are running (%s): name one", strings.Join(names, ", "))
}

func (a *app) statusCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "status [NAME]",
		Short: "Show running instances, their nodes and SSH health",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			eng, err := a.engine(ctx)
			if err != nil {
				return err
			}
			names := args
			if len(names) == 0 {
				if names, err = eng.Instances(ctx); err != nil {
					return err
				}
			}
			var out []*engine.InstanceStatus
			for _, n := range names {
				st, err := eng.InstanceStatus(ctx, n, true)
				if err != nil {
					return err
				}
				out = append(out, st)
			}
			if format == "json" {
				if out == nil {
					out = []*engine.InstanceStatus{}
				}
				return writeJSON(a.streams.Out, map[string]any{"instances": out})
			}
			if len(out) == 0 {
				a.infof("No instances are running.")
				return nil
			}
			for i, st := range out {
				if i > 0 {
					fmt.Fprintln(a.streams.Out)
				}
				if len(st.Nodes) == 0 {
					fmt.Fprintf(a.streams.Out, "Instance %s: no nodes, only networks left (remove them with `dojo down %s`)\n", st.Name, st.Name)
					continue
				}
				fmt.Fprintf(a.streams.Out, "Instance %s (lab %s)\n", st.Name, st.Lab)
				printNodes(a.streams.Out, st.Name, st.Nodes, true)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

// plural renders "1 node" or "3 nodes".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
