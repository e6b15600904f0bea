package check

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// packageType is the "package" check type: the fields of its block and its builder.
var packageType = Type{
	Name:   "package",
	Fields: []scenario.Field{req("name", cty.String), opt("installed", cty.Bool), opt("version", cty.String)},
	build:  buildPackage,
}

// Package checks a Debian package's state with dpkg-query.
type Package struct {
	base
	Name      string
	Installed bool
	// Version is an exact version, or a prefix when it ends in '*'.
	Version string
}

var pkgName = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+(:[a-z0-9]+)?$`)

func buildPackage(f *fields, b base) Check {
	c := &Package{base: b, Name: f.reqStr("name"), Installed: f.boolean("installed", true), Version: f.str("version", "")}
	if c.Name != "" && !pkgName.MatchString(c.Name) {
		f.errf("name", "Invalid value", "%q is not a Debian package name.", c.Name)
	}
	if c.Version != "" && !c.Installed {
		f.errf("version", "Invalid value", "a version makes no sense with installed = false.")
	}
	return c
}

func (c *Package) expected() i18n.Msg {
	switch {
	case !c.Installed:
		return m(i18n.MsgCkNotInstalledPkg)
	case c.Version != "":
		return m(i18n.MsgCkInstalledVersion, c.Version)
	}
	return m(i18n.MsgCkInstalled)
}

// Describe returns the title or `package NAME installed`.
func (c *Package) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *Package) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe, "package", c.Name, c.expected()))
}

// Script queries dpkg's status database.
func (c *Package) Script() string {
	return probe(step("pkg", "dpkg-query", "-W", "-f", `${Status}|${Version}\n`, c.Name))
}

// Judge parses `Status|Version` lines.
func (c *Package) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	s, r, ok := j.step(out, "pkg", "dpkg-query")
	if !ok {
		return r
	}
	installed, version := false, ""
	switch {
	case s.RC == 1 && strings.Contains(s.Body, "no packages found"):
	case s.RC != 0:
		return j.toolFailed("dpkg-query", s.RC, s.Body)
	default:
		for _, line := range strings.Split(s.Body, "\n") {
			st, v, ok := strings.Cut(line, "|")
			if !ok {
				return j.error(m(i18n.MsgCkUnparseable, "dpkg-query"), raw(short(line)))
			}
			if w := strings.Fields(st); len(w) == 3 && w[2] == "installed" {
				installed, version = true, v
			}
		}
	}
	obs := m(i18n.MsgCkNotInstalledPkg)
	if installed {
		obs = m(i18n.MsgCkInstalledVersion, version)
	}
	switch {
	case installed != c.Installed:
		return j.fail(obs, m(i18n.MsgCkPackageIs, c.Name, obs))
	case installed && c.Version != "" && !versionMatch(c.Version, version):
		return j.fail(obs, m(i18n.MsgCkVersionWant, version, c.Version))
	}
	return j.pass(obs)
}

func versionMatch(want, got string) bool {
	if p, ok := strings.CutSuffix(want, "*"); ok {
		return strings.HasPrefix(got, p)
	}
	return want == got
}

// dpkgStatus is dpkg's status database; DpkgUpdates its journal of
// changes not yet merged into it, which dpkg-query also reads.
const (
	dpkgStatus  = "/var/lib/dpkg/status"
	DpkgUpdates = "/var/lib/dpkg/updates/[0-9]*"
)

// Reads is dpkg's database; nil for an arch-qualified name.
func (c *Package) Reads() []string {
	if strings.Contains(c.Name, ":") {
		return nil
	}
	return []string{dpkgStatus, DpkgUpdates}
}

// JudgeSnapshot judges what `dpkg-query -W -f '${Status}|${Version}\n'
// NAME` prints, from the status database and its update journal.
func (c *Package) JudgeSnapshot(s *Snapshot) (Result, bool) {
	type entry struct{ status, version string }
	found := map[string]entry{} // by architecture
	var archs []string
	scan := func(db string) {
		for _, stanza := range strings.Split(db, "\n\n") {
			var pkg, arch string
			var e entry
			for _, line := range strings.Split(stanza, "\n") {
				k, v, ok := strings.Cut(line, ": ")
				if !ok {
					continue
				}
				switch k {
				case "Package":
					pkg = v
				case "Architecture":
					arch = v
				case "Status":
					e.status = v
				case "Version":
					e.version = v
				}
			}
			if pkg != c.Name {
				continue
			}
			if _, seen := found[arch]; !seen {
				archs = append(archs, arch)
			}
			found[arch] = e
		}
	}
	st, _ := s.File(dpkgStatus)
	scan(st)
	for _, pid := range s.dpkgUpdates() {
		u, _ := s.File(pid)
		scan(u)
	}
	cmd := "dpkg-query -W -f '${Status}|${Version}\\n' " + Quote(c.Name)
	if len(found) == 0 {
		return asTool(c, cmd, "pkg", 1, "dpkg-query: no packages found matching "+c.Name, dpkgStatus), true
	}
	var b strings.Builder
	for _, a := range archs {
		fmt.Fprintf(&b, "%s|%s\n", found[a].status, found[a].version)
	}
	return asTool(c, cmd, "pkg", 0, b.String(), dpkgStatus), true
}

// dpkgUpdates returns the snapshot's dpkg journal files in dpkg's order.
func (s *Snapshot) dpkgUpdates() []string {
	var out []string
	for _, p := range s.order {
		if n, ok := strings.CutPrefix(p, "/var/lib/dpkg/updates/"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
