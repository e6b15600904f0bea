package check

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// SnapshotCheck is a check that can be judged from a node's per-round
// snapshot: files the kernel and dpkg keep (/proc/sys, /proc/net/*,
// /etc/passwd, /var/lib/dpkg/status, /proc/PID/comm...), read once per
// node and round by a single process for every such check of the round,
// instead of starting sysctl, ss, getent or dpkg-query per check.
//
// The snapshot judges render what the real tool would have printed from
// those files and hand it to the check's own Judge, so verdicts, messages
// and evidence read exactly as with the tool; the evidence's command is
// the one a person would type to see the same thing.
type SnapshotCheck interface {
	Check
	// Reads lists the files the judge needs: absolute paths, or one of
	// the fixed patterns (ProcComm, ProcStatus, DpkgUpdates). nil means this
	// check (with these fields) cannot be judged from a snapshot.
	Reads() []string
	// JudgeSnapshot judges from the snapshot. ok is false when the
	// snapshot cannot decide (a user known only to NSS, say): the caller
	// then runs the check's own probe.
	JudgeSnapshot(s *Snapshot) (res Result, ok bool)
}

// Patterns of per-process files a snapshot may read.
const (
	ProcComm   = "/proc/[0-9]*/comm"
	ProcStatus = "/proc/[0-9]*/status"
)

// Snapshot is the content of some files of one node at one moment.
type Snapshot struct {
	files map[string][]byte
	order []string // paths in the order they came
}

// NewSnapshot returns a snapshot holding the given files (for tests).
func NewSnapshot(files map[string]string) *Snapshot {
	s := &Snapshot{files: map[string][]byte{}}
	for p, c := range files {
		s.files[p] = []byte(c)
		s.order = append(s.order, p)
	}
	slices.Sort(s.order)
	return s
}

// File returns a file's content; ok is false when the file was missing,
// unreadable or empty.
func (s *Snapshot) File(path string) (content string, ok bool) {
	b, ok := s.files[path]
	return string(b), ok
}

// procFiles returns, in PID order, the PIDs whose /proc/PID/<name> file
// the snapshot holds.
func (s *Snapshot) procFiles(name string) []string {
	var pids []string
	for _, p := range s.order {
		rest, ok := strings.CutPrefix(p, "/proc/")
		if !ok {
			continue
		}
		pid, file, ok := strings.Cut(rest, "/")
		if ok && file == name && pid != "" && strings.Trim(pid, "0123456789") == "" {
			pids = append(pids, pid)
		}
	}
	return pids
}

var snapshotPath = regexp.MustCompile(`^/[A-Za-z0-9_.+/-]+$`)

// SnapshotScript renders the probe that reads every path with one process:
// `grep -asH ” -- PATHS`, which prints each line of each file prefixed
// with the file's name and a colon, and says nothing about missing files.
// Paths must be absolute, without ':' or shell metacharacters, or one of
// the fixed /proc patterns.
func SnapshotScript(paths []string) (string, error) {
	var b strings.Builder
	b.WriteString("exec grep -asH '' --")
	for _, p := range paths {
		switch {
		case p == ProcComm || p == ProcStatus || p == DpkgUpdates:
			b.WriteString(" " + p)
		case snapshotPath.MatchString(p) && !strings.Contains(p, ".."):
			b.WriteString(" " + Quote(p))
		default:
			return "", fmt.Errorf("snapshot: unsafe path %q", p)
		}
	}
	b.WriteString(" 2>/dev/null\n")
	return b.String(), nil
}

// ParseSnapshot reads the output of a SnapshotScript run.
func ParseSnapshot(stdout []byte) *Snapshot {
	s := &Snapshot{files: map[string][]byte{}}
	for len(stdout) > 0 {
		line := stdout
		if i := bytes.IndexByte(stdout, '\n'); i >= 0 {
			line, stdout = stdout[:i], stdout[i+1:]
		} else {
			stdout = nil
		}
		i := bytes.IndexByte(line, ':')
		if i <= 0 {
			continue
		}
		p := string(line[:i])
		if _, seen := s.files[p]; !seen {
			s.order = append(s.order, p)
		}
		b := append(s.files[p], line[i+1:]...)
		s.files[p] = append(b, '\n')
	}
	return s
}

// asTool judges c from what a tool would have printed: body and exit
// status rc of the probe step named step. The evidence shows command (the
// tool invocation a person would type) and, as a comment, the files the
// verdict was read from.
func asTool(c Check, command, step string, rc int, body string, from ...string) Result {
	var b strings.Builder
	fmt.Fprintf(&b, "@@labdojo %s@@\n%s", step, body)
	if body != "" && !strings.HasSuffix(body, "\n") {
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "\n@@labdojo %s exit %d@@\n", step, rc)
	return asTools(c, command, b.String(), from...)
}

// asTools is asTool for a probe output of several steps, already framed.
func asTools(c Check, command, framed string, from ...string) Result {
	res := c.Judge(Output{Stdout: []byte(framed)})
	res.Evidence.Command = command + "   # judged from " + strings.Join(from, " ")
	res.Evidence.ExitCode = 0
	res.Evidence.Output = excerpt(unframe(framed), maxEvidence)
	return res
}

// unframe drops the step markers, leaving what the tools printed.
func unframe(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if _, _, _, ok := marker(line); ok || line == "" {
			continue
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// frame renders one step as probe output.
func frame(step string, rc int, body string) string {
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	return fmt.Sprintf("@@labdojo %s@@\n%s\n@@labdojo %s exit %d@@\n", step, body, step, rc)
}

const (
	etcPasswd = "/etc/passwd"
	etcGroup  = "/etc/group"
	nsswitch  = "/etc/nsswitch.conf"
)

// filesFirst reports how the NSS database db ("passwd", "group") is
// served according to the snapshot's /etc/nsswitch.conf: first is true
// when the local file answers first, only when nothing else can answer
// (no file, or sources "files" and "systemd" only, which has no users in a
// node without systemd). Without nsswitch.conf, glibc uses files.
func filesFirst(s *Snapshot, db string) (first, only bool) {
	conf, ok := s.File(nsswitch)
	if !ok {
		return true, true
	}
	for _, line := range strings.Split(conf, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(k) != db {
			continue
		}
		var srcs []string
		for _, f := range strings.Fields(v) {
			if !strings.HasPrefix(f, "[") {
				srcs = append(srcs, f)
			}
		}
		if len(srcs) == 0 {
			return true, true
		}
		first, only = srcs[0] == "files", true
		for _, x := range srcs {
			if x != "files" && x != "systemd" {
				only = false
			}
		}
		return first, only
	}
	return true, true
}

// nssEntries parses a local NSS file the way glibc's files backend does:
// leading blanks skipped, empty and '#' lines ignored, entries with the
// wrong number of fields or a non-numeric id (field idField) skipped.
func nssEntries(content string, nfields, idField int) [][]string {
	var out [][]string
	for _, line := range strings.Split(content, "\n") {
		line = strings.TrimLeft(line, " \t")
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) != nfields || f[0] == "" || f[idField] == "" || strings.Trim(f[idField], "0123456789") != "" {
			continue
		}
		f[idField] = strings.TrimLeft(f[idField], "0")
		if f[idField] == "" {
			f[idField] = "0"
		}
		out = append(out, f)
	}
	return out
}

// lookup returns the first entry whose field k equals v.
func lookup(entries [][]string, k int, v string) []string {
	for _, e := range entries {
		if e[k] == v {
			return e
		}
	}
	return nil
}
