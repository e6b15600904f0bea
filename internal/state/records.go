package state

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Save writes instance.json atomically.
func (s *Store) Save(in *Instance) error {
	if _, err := s.Ensure(in.Name); err != nil {
		return err
	}
	b, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return err
	}
	p := s.InstanceFile(in.Name)
	return fsErr("write", p, WriteFileAtomic(p, append(b, '\n'), 0o600))
}

// Load reads instance.json of an instance. A missing file is an error
// matching os.ErrNotExist.
func (s *Store) Load(name string) (*Instance, error) {
	p := s.InstanceFile(name)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var in Instance
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return &in, nil
}

// RemoveInstanceFile deletes instance.json (a rolled-back bring-up); a
// missing file is not an error.
func (s *Store) RemoveInstanceFile(name string) error {
	err := os.Remove(s.InstanceFile(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return fsErr("remove", s.InstanceFile(name), err)
}

// Kinds of history records. A record without a kind (written before kinds
// existed) is a graded run.
const (
	KindCheck = "check" // a graded run (dojo check, replay)
	KindSolve = "solve" // the scenario's reference solution was applied
	KindSetup = "setup" // the scenario's setup scripts ran (dojo start)
)

// Results of a solve or setup record.
const (
	ResultOK        = "ok"
	ResultFailed    = "failed"
	ResultCancelled = "cancelled"
)

// HistoryRecord is one line of history.jsonl: one graded run, or one run
// of the scenario's solution or setup scripts (Kind says which; score
// fields are zero for scripts).
type HistoryRecord struct {
	// Kind is KindCheck, KindSolve or KindSetup; "" is read as KindCheck.
	Kind         string            `json:"kind,omitempty"`
	Time         time.Time         `json:"time"`
	Scenario     string            `json:"scenario"`
	ScenarioHash string            `json:"scenario_hash,omitempty"`
	LabHash      string            `json:"lab_hash,omitempty"`
	Score        int               `json:"score"`
	Max          int               `json:"max"`
	Percent      float64           `json:"percent"`
	Passed       bool              `json:"passed"`
	Goals        map[string]string `json:"goals"`
	Duration     float64           `json:"duration_seconds"`
	// ScenarioChanged marks a run graded against a scenario file that
	// changed since the instance was started (its hash is ScenarioHash;
	// the start's is in instance.json).
	ScenarioChanged bool `json:"scenario_changed,omitempty"`
	// AfterSolve marks a graded run made after the reference solution
	// was applied to the instance (since it was started): its score is
	// not the learner's own work.
	AfterSolve bool `json:"after_solve,omitempty"`

	// Nodes are the nodes a solve or setup run ran scripts on, in order.
	Nodes []string `json:"nodes,omitempty"`
	// Result is ResultOK, ResultFailed or ResultCancelled for a solve or
	// setup run; Error is the reason it did not succeed.
	Result string `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Graded reports whether the record is a graded run (not a solve or setup
// run). Readers that sum scores must skip the others.
func (r HistoryRecord) Graded() bool { return r.Kind == "" || r.Kind == KindCheck }

// HintRecord is one line of hints.jsonl: one revealed hint.
type HintRecord struct {
	Time  time.Time `json:"time"`
	Goal  string    `json:"goal"`
	Index int       `json:"index"`
	Cost  int       `json:"cost"`
	// Scenario and ScenarioHash name the scenario file the hint came
	// from (absent in records written before they were added).
	Scenario     string `json:"scenario,omitempty"`
	ScenarioHash string `json:"scenario_hash,omitempty"`
}

// LineError is a line of a record file that could not be decoded. Readers
// return these next to the good records instead of dropping the line.
type LineError struct {
	File string
	Line int // 1-based
	Err  error
}

// Error implements error.
func (e LineError) Error() string {
	return fmt.Sprintf("%s:%d: unreadable record: %v", e.File, e.Line, e.Err)
}

// AppendHistory appends one graded run to history.jsonl.
func (s *Store) AppendHistory(instance string, r HistoryRecord) error {
	return s.appendLine(instance, s.HistoryFile(instance), r)
}

// History reads history.jsonl: the records it could decode, and one
// LineError per line it could not.
func (s *Store) History(instance string) ([]HistoryRecord, []LineError, error) {
	return readLines[HistoryRecord](s.HistoryFile(instance))
}

// AppendHint appends one revealed hint to hints.jsonl.
func (s *Store) AppendHint(instance string, r HintRecord) error {
	return s.appendLine(instance, s.HintsFile(instance), r)
}

// Hints reads hints.jsonl like History.
func (s *Store) Hints(instance string) ([]HintRecord, []LineError, error) {
	return readLines[HintRecord](s.HintsFile(instance))
}

// appendLine appends v as one JSON line. The file is locked while it is
// written, and when its last line lacks a newline (a write cut short by a
// crash or a full disk) a newline is written first, so the damaged line
// stays one bad line and the new record stays whole.
func (s *Store) appendLine(instance, path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := s.Ensure(instance); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fsErr("write", path, err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return fsErr("lock", path, err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // released by Close anyway
	fi, err := f.Stat()
	if err != nil {
		return fsErr("write", path, err)
	}
	line := append(b, '\n')
	if fi.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, fi.Size()-1); err != nil {
			return fsErr("read", path, err)
		}
		if last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	if _, err := f.Write(line); err != nil {
		return fsErr("write", path, err)
	}
	return nil
}

// maxRecordLine bounds one record line; longer lines are reported.
const maxRecordLine = 1 << 20

func readLines[T any](path string) ([]T, []LineError, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fsErr("read", path, err)
	}
	defer f.Close()
	var (
		out  []T
		bad  []LineError
		name = filepath.Base(path)
	)
	r := bufio.NewReaderSize(f, 64<<10)
	for n := 1; ; n++ {
		line, err := readLine(r)
		if err == io.EOF {
			break
		}
		if err != nil {
			bad = append(bad, LineError{File: name, Line: n, Err: err})
			continue
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var v T
		if err := json.Unmarshal(line, &v); err != nil {
			bad = append(bad, LineError{File: name, Line: n, Err: err})
			continue
		}
		out = append(out, v)
	}
	return out, bad, nil
}

var errLongLine = fmt.Errorf("line longer than %d bytes", maxRecordLine)

// readLine returns the next line without its newline; a line longer than
// maxRecordLine is consumed and reported as errLongLine.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	long := false
	for {
		chunk, err := r.ReadSlice('\n')
		if !long {
			if len(line)+len(chunk) > maxRecordLine {
				long, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err != nil && err != io.EOF:
			return nil, err
		case err == io.EOF && len(line) == 0 && !long:
			return nil, io.EOF
		case long:
			return nil, errLongLine
		}
		return bytes.TrimSuffix(line, []byte("\n")), nil
	}
}

// CreateRecording creates a new session recording file for node, named
// after the UTC time, with mode 0600.
func (s *Store) CreateRecording(instance, node string, now time.Time) (*os.File, error) {
	if _, err := s.Ensure(instance); err != nil {
		return nil, err
	}
	dir := s.RecordingsDir(instance)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fsErr("create", dir, err)
	}
	p := filepath.Join(dir, now.UTC().Format("20060102T150405.000Z")+"-"+node+".log")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fsErr("create", p, err)
	}
	return f, nil
}
