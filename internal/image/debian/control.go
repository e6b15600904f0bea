// Package debian bootstraps Debian without host tools: it reads a signed
// release (InRelease) from a Debian mirror, verifies it against the archive
// keys shipped inside dojo, verifies every index and package down that
// chain by SHA256, resolves package sets like apt does for mmdebstrap's
// minbase variant, downloads packages into a shared cache, and streams the
// contents of .deb files (ar + tar, xz/zstd/gzip).
package debian

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxFieldLine bounds one line of a control file (a Depends line of a big
// package is a few kilobytes).
const maxFieldLine = 1 << 20

// readParagraphs calls fn for every paragraph (stanza) of a deb822 control
// stream, with the wanted fields only (field names as written, matched case
// insensitively; keys in fn's map are lower case). Continuation lines are
// joined with "\n". The map is reused between calls.
func readParagraphs(r io.Reader, want map[string]bool, fn func(map[string]string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxFieldLine)
	fields := map[string]string{}
	cur := "" // current wanted field ("" = skip continuation lines)
	inPara := false
	flush := func() error {
		if !inPara {
			return nil
		}
		inPara = false
		err := fn(fields)
		clear(fields)
		return err
	}
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(bytes.TrimSpace(b)) == 0 {
			if err := flush(); err != nil {
				return err
			}
			cur = ""
			continue
		}
		if b[0] == '#' {
			continue
		}
		if b[0] == ' ' || b[0] == '\t' {
			if cur != "" {
				fields[cur] += "\n" + strings.TrimSpace(string(b))
			}
			continue
		}
		i := bytes.IndexByte(b, ':')
		if i <= 0 {
			return fmt.Errorf("line %d: not a field: %.60q", line, b)
		}
		inPara = true
		name := strings.ToLower(string(b[:i]))
		if want != nil && !want[name] {
			cur = ""
			continue
		}
		cur = name
		fields[name] = string(bytes.TrimSpace(b[i+1:]))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", line+1, err)
	}
	return flush()
}

// Package is one binary package of a Packages index.
type Package struct {
	Name         string
	Version      string
	Architecture string
	Priority     string
	Essential    bool
	MultiArch    string
	// Raw dependency fields, parsed on demand.
	DependsRaw    string
	PreDependsRaw string
	Provides      []Dep
	Filename      string
	SHA256        string
	Size          int64
}

var packageFields = map[string]bool{
	"package": true, "version": true, "architecture": true, "priority": true,
	"essential": true, "multi-arch": true, "depends": true, "pre-depends": true,
	"provides": true, "filename": true, "sha256": true, "size": true,
}

// ReadPackages parses a Packages index, keeping the packages of the given
// architectures (and "all").
func ReadPackages(r io.Reader, arch string) ([]*Package, error) {
	var out []*Package
	err := readParagraphs(r, packageFields, func(f map[string]string) error {
		p := &Package{
			Name: f["package"], Version: f["version"], Architecture: f["architecture"],
			Priority: f["priority"], Essential: f["essential"] == "yes", MultiArch: f["multi-arch"],
			DependsRaw: f["depends"], PreDependsRaw: f["pre-depends"],
			Filename: f["filename"], SHA256: strings.ToLower(f["sha256"]),
		}
		if p.Name == "" || p.Version == "" {
			return fmt.Errorf("package paragraph without Package or Version (%q)", p.Name)
		}
		if p.Architecture != arch && p.Architecture != "all" {
			return nil
		}
		if s := f["size"]; s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("package %s: bad Size %q", p.Name, s)
			}
			p.Size = n
		}
		if pr := f["provides"]; pr != "" {
			deps, err := ParseDeps(pr)
			if err != nil {
				return fmt.Errorf("package %s: Provides: %w", p.Name, err)
			}
			for _, g := range deps {
				p.Provides = append(p.Provides, g...)
			}
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// Dep is one alternative of a dependency: a package name with an optional
// version constraint.
type Dep struct {
	Name    string
	Op      string // "", "<<", "<=", "=", ">=", ">>"
	Version string
}

func (d Dep) String() string {
	if d.Op == "" {
		return d.Name
	}
	return fmt.Sprintf("%s (%s %s)", d.Name, d.Op, d.Version)
}

// ParseDeps parses a dependency field ("a (>= 1) | b, c:any [amd64]")
// into groups of alternatives. Architecture qualifiers (":any", ":native")
// are dropped; restriction lists in brackets and build profiles in angle
// brackets are ignored for an amd64 system (they do not occur in binary
// package fields).
func ParseDeps(s string) ([][]Dep, error) {
	var out [][]Dep
	for _, group := range strings.Split(s, ",") {
		group = strings.TrimSpace(group)
		if group == "" {
			continue
		}
		var alts []Dep
		for _, alt := range strings.Split(group, "|") {
			d, err := parseDep(strings.TrimSpace(alt))
			if err != nil {
				return nil, err
			}
			alts = append(alts, d)
		}
		out = append(out, alts)
	}
	return out, nil
}

func parseDep(s string) (Dep, error) {
	if i := strings.IndexAny(s, "[<"); i >= 0 && !strings.Contains(s[:i], "(") {
		// "[arch]" or "<profile>" after the name
		if j := strings.Index(s, "("); j < 0 || j > i {
			s = strings.TrimSpace(s[:i])
		}
	}
	name := s
	var d Dep
	if i := strings.Index(s, "("); i >= 0 {
		j := strings.Index(s, ")")
		if j < i {
			return Dep{}, fmt.Errorf("bad dependency %q", s)
		}
		name = strings.TrimSpace(s[:i])
		rel := strings.TrimSpace(s[i+1 : j])
		for _, op := range []string{"<<", "<=", ">=", ">>", "=", "<", ">"} {
			if strings.HasPrefix(rel, op) {
				d.Op = op
				d.Version = strings.TrimSpace(rel[len(op):])
				break
			}
		}
		switch d.Op {
		case "<":
			d.Op = "<="
		case ">":
			d.Op = ">="
		case "":
			return Dep{}, fmt.Errorf("bad version relation in %q", s)
		}
		if d.Version == "" {
			return Dep{}, fmt.Errorf("missing version in %q", s)
		}
	}
	if k := strings.IndexByte(name, ':'); k >= 0 {
		name = name[:k]
	}
	if name == "" || strings.ContainsAny(name, " \t") {
		return Dep{}, fmt.Errorf("bad dependency %q", s)
	}
	d.Name = name
	return d, nil
}

// Satisfies reports whether version v meets the constraint of d.
func (d Dep) Satisfies(v string) bool {
	if d.Op == "" {
		return true
	}
	c := CompareVersions(v, d.Version)
	switch d.Op {
	case "<<":
		return c < 0
	case "<=":
		return c <= 0
	case "=":
		return c == 0
	case ">=":
		return c >= 0
	case ">>":
		return c > 0
	}
	return false
}
