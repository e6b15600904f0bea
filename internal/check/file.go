package check

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

// fileType is the "file" check type: the fields of its block and its builder.
var fileType = Type{
	Name:   "file",
	Fields: []scenario.Field{req("path", cty.String), opt("exists", cty.Bool), opt("type", cty.String), opt("mode", cty.String), opt("owner", cty.String), opt("group", cty.String), opt("contains", cty.String), opt("matches", cty.String)},
	build:  buildFile,
}

// File checks a path: existence, type, mode, owner, group and content.
type File struct {
	base
	Path     string
	Exists   bool
	FileType string // "" (any), file, directory, symlink
	Mode     string // octal as written, "" = any
	mode     uint64
	Owner    string
	Group    string
	Contains string
	Matches  *regexp.Regexp
}

// maxContent bounds how much of a file the probe reads for contains/matches.
const maxContent = 1 << 20

func buildFile(f *fields, b base) Check {
	c := &File{base: b, Path: f.reqStr("path"), Exists: f.boolean("exists", true),
		Owner: f.str("owner", ""), Group: f.str("group", ""), Contains: f.str("contains", ""), Matches: f.regexp("matches")}
	if c.Path != "" && !strings.HasPrefix(c.Path, "/") {
		f.errf("path", "Invalid value", "%q must be an absolute path.", c.Path)
	}
	if f.has("type") {
		c.FileType = f.enum("type", "file", "file", "directory", "symlink")
	}
	if f.has("mode") {
		c.Mode = f.str("mode", "")
		m, err := strconv.ParseUint(c.Mode, 8, 32)
		if err != nil || m > 07777 || len(c.Mode) < 3 {
			f.errf("mode", "Invalid value", "%q is not an octal file mode such as \"0640\" or \"755\".", c.Mode)
		}
		c.mode = m
	}
	if c.FileType == "directory" && (c.Contains != "" || c.Matches != nil) {
		f.errf("contains", "Invalid value", "contains/matches need a file, not a directory.")
	}
	return c
}

// Describe returns the title or a summary such as `file /etc/motd exists`.
func (c *File) Describe() string { return c.DescribeText().In(i18n.English) }

// DescribeText is Describe in every language.
func (c *File) DescribeText() i18n.Localizer {
	return c.describeText(m(i18n.MsgCkDescribe, "file", c.Path, c.expected()))
}

func (c *File) expected() i18n.Localizer {
	if !c.Exists {
		return m(i18n.MsgCkAbsent)
	}
	parts := []i18n.Localizer{m(i18n.MsgCkExists)}
	if c.FileType != "" {
		parts = append(parts, m(i18n.MsgCkType, fileKind(c.FileType)))
	}
	if c.Mode != "" {
		parts = append(parts, m(i18n.MsgCkMode, c.mode))
	}
	if c.Owner != "" {
		parts = append(parts, m(i18n.MsgCkOwner, c.Owner))
	}
	if c.Group != "" {
		parts = append(parts, m(i18n.MsgCkGroup, c.Group))
	}
	if c.Contains != "" {
		parts = append(parts, m(i18n.MsgCkContains, c.Contains))
	}
	if c.Matches != nil {
		parts = append(parts, m(i18n.MsgCkMatches, c.Matches.String()))
	}
	return i18n.Join(i18n.SepList, parts...)
}

// fileKind is a file type word (file, directory, symlink) in every
// language; another kind stat reports stays as stat wrote it.
func fileKind(kind string) i18n.Localizer {
	switch kind {
	case "file":
		return m(i18n.MsgCkKindFile)
	case "directory":
		return m(i18n.MsgCkKindDirectory)
	case "symlink":
		return m(i18n.MsgCkKindSymlink)
	}
	return raw(kind)
}

// Script stats the path (following symlinks unless type is symlink) and,
// for contains/matches and only when stat succeeded, reads its first MiB.
func (c *File) Script() string {
	stat := []string{"stat", "-L", "-c", "%F|%a|%U|%G", "--", c.Path}
	if c.FileType == "symlink" {
		stat = []string{"stat", "-c", "%F|%a|%U|%G", "--", c.Path}
	}
	steps := []string{step("stat", stat...)}
	if c.Exists && (c.Contains != "" || c.Matches != nil) {
		// head runs only when stat succeeded: an absent file costs one process.
		steps = append(steps, step("content", "head", "-c", strconv.Itoa(maxContent), "--", c.Path))
	}
	return probe(chain(steps...))
}

// Judge compares the stat line and content with the expectations.
func (c *File) Judge(out Output) Result {
	j := newJudge(c, c.expected(), out)
	if r, ok := j.runErr(out); !ok {
		return r
	}
	secs := sections(out.Stdout)
	st := secs["stat"]
	if st != nil && st.RC != 0 && strings.Contains(st.Body, "No such file or directory") {
		if !c.Exists {
			return j.pass(m(i18n.MsgCkAbsent))
		}
		return j.fail(m(i18n.MsgCkAbsent), m(i18n.MsgCkPathMissing, c.Path))
	}
	if r, ok := j.stepErr(st, "stat", "stat"); !ok {
		return r
	}
	parts := strings.Split(st.Body, "|")
	if st.RC != 0 || len(parts) != 4 {
		return j.error(m(i18n.MsgCkUnparseable, "stat"), raw("stat: "+short(st.Body)))
	}
	kind := map[string]string{"regular file": "file", "regular empty file": "file", "directory": "directory", "symbolic link": "symlink"}[parts[0]]
	if kind == "" {
		kind = parts[0]
	}
	mode, err := strconv.ParseUint(parts[1], 8, 32)
	if err != nil {
		return j.error(m(i18n.MsgCkUnparseable, "stat"), raw("stat mode: "+short(parts[1])))
	}
	obs := m(i18n.MsgCkFileObserved, fileKind(kind), mode, parts[2], parts[3])
	if !c.Exists {
		return j.fail(obs, m(i18n.MsgCkPathExists, c.Path))
	}
	var bad []i18n.Localizer
	if c.FileType != "" && kind != c.FileType {
		bad = append(bad, m(i18n.MsgCkTypeWant, fileKind(kind), fileKind(c.FileType)))
	}
	if c.Mode != "" && mode != c.mode {
		bad = append(bad, m(i18n.MsgCkModeWant, mode, c.mode))
	}
	if c.Owner != "" && parts[2] != c.Owner {
		bad = append(bad, m(i18n.MsgCkOwnerWant, parts[2], c.Owner))
	}
	if c.Group != "" && parts[3] != c.Group {
		bad = append(bad, m(i18n.MsgCkGroupWant, parts[3], c.Group))
	}
	if c.Contains != "" || c.Matches != nil {
		ct := secs["content"]
		if ct == nil || ct.RC != 0 {
			if r, ok := j.stepErr(ct, "content", "head"); !ok {
				return r
			}
			return j.error(obs, m(i18n.MsgCkCannotRead, c.Path, short(ct.Body)))
		}
		if c.Contains != "" && !strings.Contains(ct.Body, c.Contains) {
			bad = append(bad, m(i18n.MsgCkContentLacks, c.Contains))
		}
		if c.Matches != nil && !c.Matches.MatchString(ct.Body) {
			bad = append(bad, m(i18n.MsgCkContentNoMatch, c.Matches.String()))
		}
	}
	return j.verdict(obs, bad)
}
