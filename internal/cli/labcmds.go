package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/labs"
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

// loadedLab is a lab with the sources needed to print its diagnostics.
type loadedLab struct {
	lab   *lab.Lab
	files *lab.Files
	diags hcl.Diagnostics
}

// loadLab resolves ref: an existing file or directory, else ./labs/<ref>,
// else a bundled lab name.
func loadLab(ref string, opts lab.Options) (*loadedLab, error) {
	if _, err := os.Stat(ref); err == nil {
		l, f, d := lab.LoadFile(ref, opts)
		return &loadedLab{l, f, d}, nil
	}
	if !strings.ContainsAny(ref, `/\`) {
		local := filepath.Join("labs", ref, lab.FileName)
		if _, err := os.Stat(local); err == nil {
			l, f, d := lab.LoadFile(local, opts)
			return &loadedLab{l, f, d}, nil
		}
		name := ref + "/" + lab.FileName
		if _, err := fs.Stat(labs.Bundled(), name); err == nil {
			l, f, d := lab.LoadFS(labs.Bundled(), name, opts)
			return &loadedLab{l, f, d}, nil
		}
	}
	return nil, usageErr("lab %q not found: not a file or directory, not in ./labs, and not a bundled lab (see `dojo labs`)", ref)
}

// requireLab loads a lab and turns diagnostics into printed output and an
// input error.
func (a *app) requireLab(ref string, opts lab.Options) (*lab.Lab, error) {
	ll, err := loadLab(ref, opts)
	if err != nil {
		return nil, err
	}
	if len(ll.diags) > 0 {
		_ = lab.WriteDiagnostics(a.streams.Err, ll.files, ll.diags, a.color, 100)
	}
	if ll.diags.HasErrors() {
		return nil, withCode(ExitUsage, fmt.Errorf("lab %q is not valid (%d error(s) above); nothing was created", ref, countErrors(ll.diags)))
	}
	return ll.lab, nil
}

func countErrors(d hcl.Diagnostics) int {
	n := 0
	for _, x := range d {
		if x.Severity == hcl.DiagError {
			n++
		}
	}
	return n
}

func (a *app) validateCmd() *cobra.Command {
	var format string
	var lf labFlags
	cmd := &cobra.Command{
		Use:   "validate PATH...",
		Short: "Check lab and scenario files and print diagnostics",
		Long: `Validate lab files (lab.hcl) and scenario files (scenario.hcl). A directory
is searched recursively for both. Exit status 0 when every file is valid,
2 when any is not.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := lf.options()
			if err != nil {
				return err
			}
			if format != "text" && format != "json" {
				return usageErr("--format must be text or json")
			}
			paths, err := collectPaths(args)
			if err != nil {
				return err
			}
			type fileResult struct {
				Path        string               `json:"path"`
				Kind        string               `json:"kind"`
				Valid       bool                 `json:"valid"`
				Diagnostics []lab.JSONDiagnostic `json:"diagnostics"`
			}
			var results []fileResult
			bad := 0
			for _, p := range paths {
				kind := "lab"
				var diags hcl.Diagnostics
				var files map[string]*hcl.File
				if filepath.Base(p) == scenarioFileName {
					kind = "scenario"
					diags, files = validateScenarioFile(p)
				} else {
					_, f, d := lab.LoadFile(p, opts)
					diags, files = d, f.Map()
				}
				if diags.HasErrors() {
					bad++
				}
				if format == "json" {
					jd := lab.DiagnosticsJSON(diags)
					if jd == nil {
						jd = []lab.JSONDiagnostic{}
					}
					results = append(results, fileResult{Path: p, Kind: kind, Valid: !diags.HasErrors(), Diagnostics: jd})
					continue
				}
				if len(diags) > 0 {
					_ = lab.WriteDiagnostics(a.streams.Err, filesFromMap(files), diags, a.color, 100)
				}
				if !diags.HasErrors() && !a.quiet {
					fmt.Fprintf(a.streams.Out, "%s %s: valid %s\n", a.paintOut("32", "✔"), p, kind)
				}
			}
			if format == "json" {
				enc := json.NewEncoder(a.streams.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(map[string]any{"valid": bad == 0, "files": results}); err != nil {
					return err
				}
			}
			if bad > 0 {
				return withCode(ExitUsage, fmt.Errorf("%d of %d file(s) not valid", bad, len(paths)))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	lf.register(cmd)
	return cmd
}

// paintOut colours text for stdout.
func (a *app) paintOut(code, s string) string {
	if os.Getenv("NO_COLOR") != "" || !isTerminal(a.streams.Out) {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// collectPaths expands directories into the lab and scenario files below them.
func collectPaths(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, usageErr("%s: %v", arg, errors.Unwrap(err))
		}
		if !fi.IsDir() {
			out = append(out, arg)
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != arg && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if !d.IsDir() && (d.Name() == lab.FileName || d.Name() == scenarioFileName) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, usageErr("%s: %v", arg, err)
		}
		if len(found) == 0 {
			return nil, usageErr("%s: no %s or %s found", arg, lab.FileName, scenarioFileName)
		}
		out = append(out, found...)
	}
	return out, nil
}

// labEntry is one row of `dojo labs`.
type labEntry struct {
	Name     string `json:"name"`
	Title    string `json:"title"`
	Source   string `json:"source"`
	Nodes    int    `json:"nodes"`
	Networks int    `json:"networks"`
	Error    string `json:"error,omitempty"`
}

func (a *app) labsCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "labs",
		Short: "List bundled labs and labs under ./labs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var entries []labEntry
			names, err := lab.Discover(labs.Bundled())
			if err != nil {
				return err
			}
			bundledHash := map[string]string{}
			for _, n := range names {
				l, _, d := lab.LoadFS(labs.Bundled(), n, lab.Options{})
				entries = append(entries, labRow(path.Dir(n), "bundled", l, d))
				if l != nil {
					bundledHash[path.Dir(n)] = l.Hash
				}
			}
			if local, err := filepath.Glob(filepath.Join("labs", "*", lab.FileName)); err == nil {
				for _, p := range local {
					l, _, d := lab.LoadFile(p, lab.Options{})
					name := filepath.Base(filepath.Dir(p))
					if l != nil && bundledHash[name] == l.Hash {
						continue // the bundled copy itself (running inside the repository)
					}
					entries = append(entries, labRow(name, p, l, d))
				}
			}
			sort.SliceStable(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
			if format == "json" {
				enc := json.NewEncoder(a.streams.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(entries)
			}
			tw := tabwriter.NewWriter(a.streams.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tNODES\tNETWORKS\tSOURCE\tTITLE")
			for _, e := range entries {
				title := e.Title
				if e.Error != "" {
					title = "INVALID: " + e.Error
				}
				fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", e.Name, e.Nodes, e.Networks, e.Source, title)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func labRow(name, source string, l *lab.Lab, d hcl.Diagnostics) labEntry {
	e := labEntry{Name: name, Source: source}
	if l == nil {
		e.Error = "run `dojo validate` for details"
		if len(d) > 0 {
			e.Error = d[0].Summary
		}
		return e
	}
	e.Title, e.Nodes, e.Networks = l.Title, len(l.Nodes), len(l.Networks)
	return e
}

func filesFromMap(m map[string]*hcl.File) *lab.Files {
	f := &lab.Files{}
	for name, file := range m {
		f.Add(name, file)
	}
	return f
}
