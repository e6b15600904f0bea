package check

import (
	"fmt"
	"regexp"
	"strings"

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

func (c *Package) expected() string {
	switch {
	case !c.Installed:
		return "not installed"
	case c.Version != "":
		return "installed, version " + c.Version
	}
	return "installed"
}

// Describe returns the title or `package NAME installed`.
func (c *Package) Describe() string { return c.describe("package " + c.Name + " " + c.expected()) }

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
		return j.error("dpkg-query failed", fmt.Sprintf("dpkg-query exit %d: %s", s.RC, short(s.Body)))
	default:
		for _, line := range strings.Split(s.Body, "\n") {
			st, v, ok := strings.Cut(line, "|")
			if !ok {
				return j.error("unparseable dpkg-query output", short(line))
			}
			if w := strings.Fields(st); len(w) == 3 && w[2] == "installed" {
				installed, version = true, v
			}
		}
	}
	obs := "not installed"
	if installed {
		obs = "installed, version " + version
	}
	switch {
	case installed != c.Installed:
		return j.fail(obs, fmt.Sprintf("package %s is %s", c.Name, obs))
	case installed && c.Version != "" && !versionMatch(c.Version, version):
		return j.fail(obs, fmt.Sprintf("version %s, want %s", version, c.Version))
	}
	return j.pass(obs)
}

func versionMatch(want, got string) bool {
	if p, ok := strings.CutSuffix(want, "*"); ok {
		return strings.HasPrefix(got, p)
	}
	return want == got
}
