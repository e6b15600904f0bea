package scenarios_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/lab"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/labdojo/labdojo/labs"
	"github.com/labdojo/labdojo/scenarios"
)

// stateChecks are check types that look at a node's own configuration:
// a non-guard goal with one of them on a node means the learner changes
// that node, so the reference solution must too. (Traffic and observation
// checks — http, tcp, ping, dns, port, process, command — may run on a
// node nobody touches.)
var stateChecks = map[string]bool{
	"user": true, "group": true, "file": true, "sysctl": true, "sshd": true, "cron": true,
	"route": true, "address": true, "service": true, "package": true,
}

// TestCatalogLint checks every bundled scenario without an engine: it
// validates (nodes and check values included), every learner-facing text
// exists in every language, every goal has hints (as many in each
// language), guards score nothing (so a fresh start scores 0), a solution
// exists for every node the goals say the learner changes, the brief (in
// every language) names every node the learner works on, and faults name
// interfaces the lab gives that node. That no goal passes on a fresh
// start unless it is a guard needs the engine: internal/integration's
// TestCatalog checks it.
func TestCatalogLint(t *testing.T) {
	paths, err := scenario.Discover(scenarios.Bundled())
	if err != nil {
		t.Fatal(err)
	}
	labCache := map[string]*lab.Lab{}
	loadLab := func(name string) (*lab.Lab, error) {
		if l, ok := labCache[name]; ok {
			return l, nil
		}
		// ospf-triangle-frr's routers ask for SYS_ADMIN.
		l, _, diags := lab.LoadFS(labs.Bundled(), name+"/lab.hcl", lab.Options{Allow: lab.Allow{Capabilities: true}})
		if diags.HasErrors() {
			return nil, fmt.Errorf("lab %s: %s", name, diags.Error())
		}
		labCache[name] = l
		return l, nil
	}
	labNodes := func(ref, _ string) ([]string, error) {
		l, err := loadLab(ref)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, n := range l.Nodes {
			out = append(out, n.Name)
		}
		return out, nil
	}
	tracks := map[string]int{}
	for _, p := range paths {
		s, _, diags := scenario.LoadFS(scenarios.Bundled(), p, scenario.Options{LabNodes: labNodes, Checks: check.Catalog()})
		if diags.HasErrors() {
			t.Errorf("%s does not validate:\n%s", p, diags.Error())
			continue
		}
		tracks[s.Track]++
		t.Run(s.Name, func(t *testing.T) { lintScenario(t, s, loadLab) })
	}
	if len(paths) < 9 {
		t.Errorf("the catalog has %d scenarios", len(paths))
	}
	t.Logf("scenarios per track: %v", tracks)
}

func lintScenario(t *testing.T, s *scenario.Scenario, loadLab func(string) (*lab.Lab, error)) {
	if scenario.IsLabPath(s.Lab) {
		t.Errorf("lab %q: bundled scenarios use bundled labs", s.Lab)
		return
	}
	l, err := loadLab(s.Lab)
	if err != nil {
		t.Fatal(err)
	}
	if s.Level < 1 || s.Level > 3 || s.Minutes <= 0 {
		t.Errorf("level %d, minutes %d: want level 1-3 and an estimate", s.Level, s.Minutes)
	}
	for _, lang := range i18n.Languages {
		if !s.Titles.Has(lang) {
			t.Errorf("no %s title", lang)
		}
		if strings.TrimSpace(s.Briefs[lang]) == "" {
			t.Errorf("no %s brief", lang)
		}
	}
	if got := strings.Join(s.Languages(), ","); got != strings.Join(i18n.Languages, ",") {
		t.Errorf("complete in %q only", got)
	}

	changed := map[string]string{} // node -> the goal that shows it
	for _, g := range s.Goals {
		for _, lang := range i18n.Languages {
			if !g.Titles.Has(lang) {
				t.Errorf("goal %s: no %s title", g.Name, lang)
			}
			if !g.HintsByLang.Has(lang) {
				t.Errorf("goal %s: no %s hints", g.Name, lang)
			}
		}
		if n, m := len(g.HintsByLang[i18n.English]), len(g.HintsByLang[i18n.Japanese]); n != m {
			t.Errorf("goal %s: %d English hints, %d Japanese: progressive hints must line up", g.Name, n, m)
		}
		if g.Guard && g.Points != 0 {
			t.Errorf("goal %s is a guard worth %d points: a fresh start would score", g.Name, g.Points)
		}
		if !g.Guard && g.Points <= 0 {
			t.Errorf("goal %s is worth no points", g.Name)
		}
		if !g.Guard {
			for _, c := range g.Checks {
				if stateChecks[c.Type] {
					if _, ok := changed[c.On]; !ok {
						changed[c.On] = g.Name
					}
				}
			}
		}
		for _, f := range g.Faults {
			var node *lab.Node
			for _, n := range l.Nodes {
				if n.Name == f.Node {
					node = n
				}
			}
			if node == nil {
				t.Errorf("goal %s: fault on unknown node %s", g.Name, f.Node)
				continue
			}
			if f.Interface != "" {
				i, _ := strconv.Atoi(strings.TrimPrefix(f.Interface, "eth"))
				if i < 1 || i > len(node.Interfaces) {
					t.Errorf("goal %s: fault on %s %s, which has eth1..eth%d", g.Name, f.Node, f.Interface, len(node.Interfaces))
				}
			}
		}
	}

	solved := map[string]bool{}
	for _, sc := range s.Solution {
		solved[sc.Node] = true
	}
	if len(solved) == 0 {
		t.Error("no reference solution")
	}
	for n, g := range changed {
		if !solved[n] {
			t.Errorf("goal %s checks the configuration of %s, but the solution does not touch %s", g, n, n)
		}
	}
	for n := range solved {
		re := regexp.MustCompile(`(^|[^A-Za-z0-9_-])` + regexp.QuoteMeta(n) + `($|[^A-Za-z0-9_-])`)
		for _, lang := range i18n.Languages {
			if !re.MatchString(s.Briefs[lang]) {
				t.Errorf("the %s brief never names node %s, which the learner has to change", lang, n)
			}
		}
	}
}
