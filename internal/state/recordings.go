package state

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Recording file names inside an instance's recordings/ directory: one
// asciicast v2 file per recorded `dojo ssh` session, and one command log
// per node that every session on the node appends to.
const (
	CastExt           = ".cast"
	CommandLogSuffix  = ".commands.jsonl"
	ReportKeyFileName = "report_ed25519"
)

// ReportKeyFile is the learner's own report-signing key (made by
// `dojo report` on first use), at the state root: it outlives instances.
func (s *Store) ReportKeyFile() string { return filepath.Join(s.Root, ReportKeyFileName) }

func (s *Store) recordingsDir(instance string) (string, error) {
	if _, err := s.Ensure(instance); err != nil {
		return "", err
	}
	dir := s.RecordingsDir(instance)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fsErr("create", dir, err)
	}
	return dir, nil
}

// CreateCast creates the asciicast file of a new session on node, named
// after the UTC time (recordings/<time>-<node>.cast), mode 0600.
func (s *Store) CreateCast(instance, node string, now time.Time) (*os.File, error) {
	dir, err := s.recordingsDir(instance)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, now.UTC().Format("20060102T150405.000Z")+"-"+node+CastExt)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fsErr("create", p, err)
	}
	return f, nil
}

// CommandLogFile is the path of node's command log.
func (s *Store) CommandLogFile(instance, node string) string {
	return filepath.Join(s.RecordingsDir(instance), node+CommandLogSuffix)
}

// OpenCommandLog opens node's command log for appending (created 0600).
func (s *Store) OpenCommandLog(instance, node string) (*os.File, error) {
	if _, err := s.recordingsDir(instance); err != nil {
		return nil, err
	}
	p := s.CommandLogFile(instance, node)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fsErr("write", p, err)
	}
	return f, nil
}

// CommandLogs lists the nodes that have a command log, sorted by name.
func (s *Store) CommandLogs(instance string) ([]string, error) {
	ents, err := os.ReadDir(s.RecordingsDir(instance))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fsErr("read", s.RecordingsDir(instance), err)
	}
	var nodes []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), CommandLogSuffix); ok && e.Type().IsRegular() {
			nodes = append(nodes, n)
		}
	}
	sort.Strings(nodes)
	return nodes, nil
}

// Casts lists the session recordings of an instance, oldest first.
func (s *Store) Casts(instance string) ([]string, error) {
	ents, err := os.ReadDir(s.RecordingsDir(instance))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fsErr("read", s.RecordingsDir(instance), err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), CastExt) && e.Type().IsRegular() {
			out = append(out, filepath.Join(s.RecordingsDir(instance), e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// ReplaysFileName holds the runbook replays of an instance's procedure.
const ReplaysFileName = "replays.jsonl"

// AppendReplay records that a runbook drafted from instance was replayed
// on a fresh lab (v is written as one JSON line).
func (s *Store) AppendReplay(instance string, v any) error {
	return s.appendLine(instance, filepath.Join(s.Dir(instance), ReplaysFileName), v)
}

// Replays reads the replays recorded for instance into T values.
func Replays[T any](s *Store, instance string) ([]T, []LineError, error) {
	return readLines[T](filepath.Join(s.Dir(instance), ReplaysFileName))
}
