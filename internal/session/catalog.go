package session

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/internal/state"
	"github.com/labdojo/labdojo/labs"
	"github.com/labdojo/labdojo/scenarios"
)

// BundledPrefix marks a scenario reference (and the scenario recorded in
// instance.json) as bundled.
const BundledPrefix = "bundled:"

// LoadedLab is a loaded lab with its sources (for diagnostics).
type LoadedLab struct {
	Lab   *lab.Lab
	Files *lab.Files
	Diags hcl.Diagnostics // warnings when Lab is usable
}

// interrupted is the error of a load cut short by ctx: it matches
// ctx.Err() and names the cause (the signal) when there is one.
func interrupted(ctx context.Context) error {
	if c := context.Cause(ctx); c != nil && c != ctx.Err() {
		return fmt.Errorf("%v: %w", c, ctx.Err())
	}
	return fmt.Errorf("interrupted: %w", ctx.Err())
}

// findLab resolves ref: an existing file or directory, else ./labs/<ref>,
// else a bundled lab name. Diagnostics are returned, not judged.
func findLab(ctx context.Context, ref string, opts lab.Options) (*LoadedLab, error) {
	if _, err := os.Stat(ref); err == nil {
		l, f, d := lab.LoadFileContext(ctx, ref, opts)
		return &LoadedLab{l, f, d}, nil
	}
	if !strings.ContainsAny(ref, `/\`) {
		local := filepath.Join("labs", ref, lab.FileName)
		if _, err := os.Stat(local); err == nil {
			l, f, d := lab.LoadFileContext(ctx, local, opts)
			return &LoadedLab{l, f, d}, nil
		}
		name := ref + "/" + lab.FileName
		if _, err := fs.Stat(labs.Bundled(), name); err == nil {
			l, f, d := lab.LoadFSContext(ctx, labs.Bundled(), name, opts)
			return &LoadedLab{l, f, d}, nil
		}
	}
	return nil, &InputError{Err: fmt.Errorf("lab %q %w: not a file or directory, not in ./labs, and not a bundled lab (see `dojo labs`)", ref, errNoLab)}
}

// errNoLab marks a lab reference that names no lab.
var errNoLab = errors.New("not found")

// LoadLab loads the lab ref names. A lab with errors is a
// *DiagnosticsError; warnings come back in LoadedLab.Diags.
func LoadLab(ctx context.Context, ref string, opts lab.Options) (*LoadedLab, error) {
	ll, err := findLab(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	if ll.Diags.HasErrors() && ctx.Err() != nil {
		return nil, interrupted(ctx) // cut short by a signal: not a verdict on the file
	}
	if ll.Diags.HasErrors() {
		return nil, &DiagnosticsError{Files: ll.Files, Diags: ll.Diags,
			Err: fmt.Errorf("lab %q is not valid (%d error(s) above); nothing was created", ref, CountErrors(ll.Diags))}
	}
	return ll, nil
}

// LoadedScenario is a scenario and where it came from.
type LoadedScenario struct {
	Scenario *scenario.Scenario
	// Source is an absolute file path, or bundled:<name>.
	Source string
	// Bundled scenarios may only name bundled labs.
	Bundled bool
	Files   *lab.Files
	Diags   hcl.Diagnostics // warnings
}

// scenarioOptions are the one set of options every scenario is loaded
// with, so listing, validating and starting agree on what is valid.
func scenarioOptions(ctx context.Context, bundled bool) scenario.Options {
	return scenario.Options{LabNodes: labNodes(ctx, bundled), Checks: check.Catalog()}
}

// labNodes is the scenario loader's hook: it resolves a lab reference
// relative to the scenario directory and returns the lab's node names.
func labNodes(ctx context.Context, bundled bool) func(ref, dir string) ([]string, error) {
	return func(ref, dir string) ([]string, error) {
		l, err := scenarioLab(ctx, ref, dir, bundled)
		if err != nil {
			return nil, err
		}
		names := make([]string, len(l.Nodes))
		for i, n := range l.Nodes {
			names[i] = n.Name
		}
		return names, nil
	}
}

// LabRef returns the lab reference a scenario's lab field means, as
// LoadLab understands it.
func LabRef(ref, dir string, bundled bool) (string, error) {
	if !scenario.IsLabPath(ref) {
		return ref, nil
	}
	if bundled {
		return "", fmt.Errorf("bundled scenarios must name a bundled lab, not the path %q", ref)
	}
	return filepath.Join(dir, ref), nil
}

// allowAll permits every host-reaching option, for reading what a lab
// is (its node names, its title) rather than running it.
var allowAll = lab.Allow{Privileged: true, Capabilities: true, Binds: true, HostNetwork: true}

func scenarioLab(ctx context.Context, ref, dir string, bundled bool) (*lab.Lab, error) {
	r, err := LabRef(ref, dir, bundled)
	if err != nil {
		return nil, err
	}
	// A scenario needs only the lab's node names: whether the lab may
	// use host-reaching options is decided when `start` loads it with
	// the user's --allow-* flags (a scenario on a lab with capabilities
	// stays valid, and lists, without them).
	ll, err := findLab(ctx, r, lab.Options{Allow: allowAll})
	if err != nil {
		return nil, err
	}
	if ll.Diags.HasErrors() {
		return nil, fmt.Errorf("lab %q is not valid: %s (run `dojo validate`)", ref, ll.Diags[0].Error())
	}
	return ll.Lab, nil
}

func filesOf(m map[string]*hcl.File) *lab.Files {
	f := &lab.Files{}
	for name, file := range m {
		f.Add(name, file)
	}
	return f
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// LoadScenario resolves ref: a file or directory, ./scenarios/<ref>, a
// bundled scenario, or bundled:<name>. A scenario with errors is a
// *DiagnosticsError.
func LoadScenario(ctx context.Context, ref string) (*LoadedScenario, error) {
	var (
		sc      *scenario.Scenario
		files   map[string]*hcl.File
		diags   hcl.Diagnostics
		source  string
		bundled bool
	)
	name := strings.TrimPrefix(ref, BundledPrefix)
	local := filepath.Join("scenarios", name, scenario.FileName)
	switch {
	case !strings.HasPrefix(ref, BundledPrefix) && exists(ref):
		sc, files, diags = scenario.LoadFileContext(ctx, ref, scenarioOptions(ctx, false))
		source, _ = filepath.Abs(ref)
	case !strings.HasPrefix(ref, BundledPrefix) && !strings.ContainsAny(ref, `/\`) && exists(local):
		sc, files, diags = scenario.LoadFileContext(ctx, local, scenarioOptions(ctx, false))
		source, _ = filepath.Abs(local)
	case !strings.ContainsAny(name, `/\`) && name != "" && fsExists(scenarios.Bundled(), name+"/"+scenario.FileName):
		sc, files, diags = scenario.LoadFSContext(ctx, scenarios.Bundled(), name+"/"+scenario.FileName, scenarioOptions(ctx, true))
		source, bundled = BundledPrefix+name, true
	default:
		return nil, inputf("scenario %q not found: not a file or directory, not in ./scenarios, and not bundled (see `dojo scenarios`)", ref)
	}
	if diags.HasErrors() && ctx.Err() != nil {
		return nil, interrupted(ctx) // cut short by a signal: not a verdict on the file
	}
	if diags.HasErrors() {
		return nil, &DiagnosticsError{Files: filesOf(files), Diags: diags,
			Err: fmt.Errorf("scenario %q is not valid (%d error(s) above)", ref, CountErrors(diags))}
	}
	return &LoadedScenario{Scenario: sc, Source: source, Bundled: bundled, Files: filesOf(files), Diags: diags}, nil
}

func fsExists(fsys fs.FS, p string) bool { _, err := fs.Stat(fsys, p); return err == nil }

// LabEntry is one row of the lab catalog.
type LabEntry struct {
	Name     string `json:"name"`
	Title    string `json:"title"`
	Source   string `json:"source"`
	Nodes    int    `json:"nodes"`
	Networks int    `json:"networks"`
	Error    string `json:"error,omitempty"`
}

// Labs lists the bundled labs and those under ./labs, sorted by name. A
// local copy identical to a bundled lab (running inside the repository)
// is listed once. A lab using host-reaching options is listed as valid:
// `up` asks for the matching --allow-* flag.
func Labs(ctx context.Context) ([]LabEntry, error) {
	var entries []LabEntry
	names, err := lab.Discover(labs.Bundled())
	if err != nil {
		return nil, err
	}
	bundledHash := map[string]string{}
	for _, n := range names {
		l, _, d := lab.LoadFSContext(ctx, labs.Bundled(), n, lab.Options{Allow: allowAll})
		entries = append(entries, labRow(path.Dir(n), "bundled", l, d))
		if l != nil {
			bundledHash[path.Dir(n)] = l.Hash
		}
	}
	local, err := lab.DiscoverDir(ctx, "labs")
	if err != nil && ctx.Err() != nil {
		return nil, interrupted(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("./labs: %w", err)
	}
	for _, p := range local {
		l, _, d := lab.LoadFileContext(ctx, p, lab.Options{Allow: allowAll})
		name := filepath.Base(filepath.Dir(p))
		if l != nil && bundledHash[name] == l.Hash {
			continue
		}
		entries = append(entries, labRow(name, p, l, d))
	}
	if ctx.Err() != nil {
		return nil, interrupted(ctx) // rows cut short by the context say nothing
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
	return entries, nil
}

func labRow(name, source string, l *lab.Lab, d hcl.Diagnostics) LabEntry {
	e := LabEntry{Name: name, Source: source}
	if l == nil || d.HasErrors() {
		e.Error = "run `dojo validate` for details"
		if first := firstError(d); first != "" {
			e.Error = first
		}
		return e
	}
	e.Title, e.Nodes, e.Networks = l.Title, len(l.Nodes), len(l.Networks)
	return e
}

func firstError(d hcl.Diagnostics) string {
	for _, x := range d {
		if x.Severity == hcl.DiagError {
			return x.Summary
		}
	}
	return ""
}

// ScenarioEntry is one row of the scenario catalog.
type ScenarioEntry struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Track   string `json:"track"`
	Level   int    `json:"level"`
	Minutes int    `json:"minutes"`
	Lab     string `json:"lab"`
	Goals   int    `json:"goals"`
	Source  string `json:"source"`
	// Languages are the languages every learner-facing text exists in.
	Languages []string `json:"languages,omitempty"`
	// Passed is set by MarkPassed: some graded run of this scenario
	// reached its pass mark.
	Passed bool   `json:"passed"`
	Error  string `json:"error,omitempty"`
}

// Scenarios lists the bundled scenarios and those under ./scenarios,
// sorted by track and level, with English titles (see ScenariosIn).
func Scenarios(ctx context.Context) ([]ScenarioEntry, error) { return ScenariosIn(ctx, "") }

// ScenariosIn lists the bundled scenarios and those under ./scenarios,
// sorted by track (in the order of scenario.Tracks), level and name, with
// titles in lang (English where a scenario lacks it). Each is loaded with
// the same options as `dojo validate` and `dojo start`, so a scenario
// listed as valid starts.
func ScenariosIn(ctx context.Context, lang string) ([]ScenarioEntry, error) {
	var rows []ScenarioEntry
	seen := map[string]string{}
	add := func(name, source string, sc *scenario.Scenario, d hcl.Diagnostics) {
		r := ScenarioEntry{Name: name, Source: source}
		if sc == nil || d.HasErrors() {
			r.Error = "invalid: run `dojo validate`"
			if first := firstError(d); first != "" {
				r.Error = "invalid: " + first
			}
		} else {
			if seen[name] == sc.Hash && source != "bundled" {
				return
			}
			seen[name] = sc.Hash
			r.Title, r.Track, r.Level, r.Minutes, r.Lab, r.Goals = sc.Localize(lang).Title, sc.Track, sc.Level, sc.Minutes, sc.Lab, len(sc.Goals)
			r.Languages = sc.Languages()
		}
		rows = append(rows, r)
	}
	names, err := scenario.Discover(scenarios.Bundled())
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		sc, _, d := scenario.LoadFSContext(ctx, scenarios.Bundled(), n, scenarioOptions(ctx, true))
		add(path.Dir(n), "bundled", sc, d)
	}
	local, err := scenario.DiscoverDir(ctx, "scenarios")
	if err != nil && ctx.Err() != nil {
		return nil, interrupted(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("./scenarios: %w", err)
	}
	for _, p := range local {
		sc, _, d := scenario.LoadFileContext(ctx, p, scenarioOptions(ctx, false))
		add(filepath.Base(filepath.Dir(p)), p, sc, d)
	}
	if ctx.Err() != nil {
		return nil, interrupted(ctx) // rows cut short by the context say nothing
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if ti, tj := trackOrder(rows[i].Track), trackOrder(rows[j].Track); ti != tj {
			return ti < tj
		}
		if rows[i].Track != rows[j].Track {
			return rows[i].Track < rows[j].Track
		}
		if rows[i].Level != rows[j].Level {
			return rows[i].Level < rows[j].Level
		}
		return rows[i].Name < rows[j].Name
	})
	return rows, nil
}

// trackOrder is a track's place in scenario.Tracks (unknown and invalid
// rows last).
func trackOrder(track string) int {
	for i, t := range scenario.Tracks {
		if t == track {
			return i
		}
	}
	return len(scenario.Tracks)
}

// FilterTrack keeps the rows of one track. An unknown track is an
// InputError naming the tracks.
func FilterTrack(rows []ScenarioEntry, track string) ([]ScenarioEntry, error) {
	if trackOrder(track) == len(scenario.Tracks) {
		return nil, inputf("unknown track %q: use one of %s", track, strings.Join(scenario.Tracks, ", "))
	}
	var out []ScenarioEntry
	for _, r := range rows {
		if r.Track == track {
			out = append(out, r)
		}
	}
	return out, nil
}

// MarkPassed sets Passed on the rows of scenarios that some graded run in
// the state directory passed: the history of every instance, running or
// brought down (down keeps history; only --purge removes it). A run counts
// for a row when it graded a scenario of that name. Unreadable history
// lines are returned as warnings. Runs graded after `dojo solve` do not
// count.
func MarkPassed(st *state.Store, rows []ScenarioEntry) ([]error, error) {
	names, err := st.InstanceNames()
	if err != nil {
		return nil, err
	}
	passed := map[string]bool{}
	var warnings []error
	for _, n := range names {
		recs, bad, err := st.History(n)
		if err != nil {
			return nil, err
		}
		for _, b := range bad {
			warnings = append(warnings, b)
		}
		for _, r := range recs {
			// A run after `dojo solve` passed with the reference
			// solution, not the learner's work.
			if r.Graded() && r.Passed && !r.AfterSolve {
				passed[r.Scenario] = true
			}
		}
	}
	for i := range rows {
		rows[i].Passed = rows[i].Error == "" && passed[rows[i].Name]
	}
	return warnings, nil
}

// FileResult is the validation result of one file.
type FileResult struct {
	Path  string
	Kind  string // "lab" or "scenario"
	Files *lab.Files
	Diags hcl.Diagnostics
}

// Valid reports whether the file has no errors.
func (r FileResult) Valid() bool { return !r.Diags.HasErrors() }

// Validate validates lab and scenario files; directories are searched
// recursively for lab.hcl and scenario.hcl (skipping hidden directories
// and testdata).
func Validate(ctx context.Context, args []string, opts lab.Options) ([]FileResult, error) {
	paths, err := collectPaths(ctx, args)
	if err != nil {
		return nil, err
	}
	out := make([]FileResult, 0, len(paths))
	for _, p := range paths {
		if filepath.Base(p) == scenario.FileName {
			_, files, d := scenario.LoadFileContext(ctx, p, scenarioOptions(ctx, false))
			out = append(out, FileResult{Path: p, Kind: "scenario", Files: filesOf(files), Diags: d})
			continue
		}
		_, f, d := lab.LoadFileContext(ctx, p, opts)
		out = append(out, FileResult{Path: p, Kind: "lab", Files: f, Diags: d})
	}
	if ctx.Err() != nil {
		return nil, interrupted(ctx) // a load cut short is not a verdict on the file
	}
	return out, nil
}

// maxValidateEntries bounds the directory entries `dojo validate DIR`
// walks.
const maxValidateEntries = 10 * lab.MaxCatalogEntries

func collectPaths(ctx context.Context, args []string) ([]string, error) {
	var out []string
	seen := 0
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, inputf("%s: %v", arg, errors.Unwrap(err))
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
			if err := ctx.Err(); err != nil {
				return err
			}
			if seen++; seen > maxValidateEntries {
				return fmt.Errorf("more than %d entries to search", maxValidateEntries)
			}
			if d.IsDir() && p != arg && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if !d.IsDir() && (d.Name() == lab.FileName || d.Name() == scenario.FileName) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil && ctx.Err() != nil {
			return nil, interrupted(ctx)
		}
		if err != nil {
			return nil, inputf("%s: %v", arg, err)
		}
		if len(found) == 0 {
			return nil, inputf("%s: no %s or %s found", arg, lab.FileName, scenario.FileName)
		}
		out = append(out, found...)
	}
	return out, nil
}
