// Package state owns labdojo's per-instance state directory: every path and
// record that Docker labels cannot hold (SSH keys, pinned host keys, the
// instance record, grading history, hints, session recordings). No other
// package spells a file name of it.
//
// Layout under the root ($DOJO_STATE_DIR, else $XDG_STATE_HOME/labdojo, else
// $HOME/.local/state/labdojo; the environment is injected, see OpenEnv):
//
//	instances/<name>/instance.json   what was brought up (lab, scenario, subnets)
//	instances/<name>/id_ed25519      the instance's SSH user key (0600), and .pub
//	instances/<name>/known_hosts     pinned host keys of the nodes
//	instances/<name>/history.jsonl   one HistoryRecord per graded run
//	instances/<name>/hints.jsonl     one HintRecord per revealed hint
//	instances/<name>/recordings/     one file per recorded SSH session
//	instances/<name>/lock            flock held while the instance is changed
//
// Every write is atomic (temporary file and rename) or an append of one
// whole line under a file lock. Errors from the file system are wrapped in
// *Error, which matches ErrUnusable: the caller reports an environment
// problem, not a failed command.
package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"time"
)

// File names inside an instance directory.
const (
	InstanceFileName   = "instance.json"
	UserKeyFileName    = "id_ed25519"
	KnownHostsFileName = "known_hosts"
	HistoryFileName    = "history.jsonl"
	HintsFileName      = "hints.jsonl"
	RecordingsDirName  = "recordings"
	FirewallFileName   = "firewall"
	LockFileName       = "lock"
)

// ErrUnusable matches every *Error: the state directory cannot be read or
// written (read-only, full, not a directory).
var ErrUnusable = errors.New("state directory unusable")

// Error is a file-system failure in the state directory.
type Error struct {
	Op   string // what was being done: "create", "write", "read", "lock"
	Path string
	Err  error
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("state directory: %s %s: %v (set DOJO_STATE_DIR to a writable directory)", e.Op, e.Path, errors.Unwrap(e.Err))
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is ErrUnusable.
func (e *Error) Is(target error) bool { return target == ErrUnusable }

func fsErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return &Error{Op: op, Path: path, Err: pe}
	}
	return &Error{Op: op, Path: path, Err: &os.PathError{Op: op, Path: path, Err: err}}
}

// Root returns the state root directory (not created), from the process
// environment.
func Root() (string, error) { return RootFrom(os.Getenv) }

// RootFrom returns the state root directory according to the environment
// getenv reads: $DOJO_STATE_DIR, else $XDG_STATE_HOME/labdojo when it is
// absolute (the XDG rule: relative values are ignored), else
// $HOME/.local/state/labdojo.
func RootFrom(getenv func(string) string) (string, error) {
	if d := getenv("DOJO_STATE_DIR"); d != "" {
		return filepath.Abs(d)
	}
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "labdojo"), nil
	}
	home := getenv("HOME")
	if home == "" || !filepath.IsAbs(home) {
		return "", errors.New("state directory: neither DOJO_STATE_DIR, XDG_STATE_HOME nor HOME is set (set DOJO_STATE_DIR)")
	}
	return filepath.Join(home, ".local", "state", "labdojo"), nil
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,29}$`)

// ValidName reports whether name is a valid instance name: lowercase
// letters, digits and dashes, starting with a letter or digit, at most 30
// characters.
func ValidName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("invalid instance name %q: use 1-30 lowercase letters, digits and dashes, starting with a letter or digit", name)
	}
	return nil
}

// Store is a state root.
type Store struct{ Root string }

// Open returns the store at the root the process environment names.
func Open() (*Store, error) { return OpenEnv(os.Getenv) }

// OpenEnv returns the store at the root the environment getenv reads names
// (see RootFrom).
func OpenEnv(getenv func(string) string) (*Store, error) {
	r, err := RootFrom(getenv)
	if err != nil {
		return nil, err
	}
	return &Store{Root: r}, nil
}

// Dir is the state directory of an instance (not created).
func (s *Store) Dir(instance string) string {
	return filepath.Join(s.Root, "instances", instance)
}

// InstanceFile is the path of an instance's instance.json.
func (s *Store) InstanceFile(instance string) string {
	return filepath.Join(s.Dir(instance), InstanceFileName)
}

// UserKeyFile is the path of an instance's SSH private key; the public key
// is the same path with ".pub".
func (s *Store) UserKeyFile(instance string) string {
	return filepath.Join(s.Dir(instance), UserKeyFileName)
}

// KnownHostsFile is the path of an instance's pinned host keys.
func (s *Store) KnownHostsFile(instance string) string {
	return filepath.Join(s.Dir(instance), KnownHostsFileName)
}

// HistoryFile is the path of an instance's grading history.
func (s *Store) HistoryFile(instance string) string {
	return filepath.Join(s.Dir(instance), HistoryFileName)
}

// HintsFile is the path of an instance's revealed hints.
func (s *Store) HintsFile(instance string) string {
	return filepath.Join(s.Dir(instance), HintsFileName)
}

// FirewallFile is the path of the record of an instance's host firewall
// rules (it names the helper image that installed them).
func (s *Store) FirewallFile(instance string) string {
	return filepath.Join(s.Dir(instance), FirewallFileName)
}

// RecordingsDir is the directory of an instance's session recordings.
func (s *Store) RecordingsDir(instance string) string {
	return filepath.Join(s.Dir(instance), RecordingsDirName)
}

// Ensure creates the instance directory with mode 0700.
func (s *Store) Ensure(instance string) (string, error) {
	d := s.Dir(instance)
	if err := os.MkdirAll(d, 0o700); err != nil {
		return "", fsErr("create", d, err)
	}
	if err := os.Chmod(d, 0o700); err != nil {
		return "", fsErr("create", d, err)
	}
	return d, nil
}

// CheckWritable makes sure the instance directory exists and accepts new
// files, so a command can refuse before doing work whose record it could
// not keep.
func (s *Store) CheckWritable(instance string) error {
	d, err := s.Ensure(instance)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(d, ".probe-*")
	if err != nil {
		return fsErr("write", d, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fsErr("write", d, err)
	}
	// Appending needs the record files themselves writable too.
	for _, p := range []string{s.HistoryFile(instance), s.HintsFile(instance)} {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fsErr("write", p, err)
		}
		f.Close()
	}
	return nil
}

// ErrLocked is returned by Lock when another dojo process holds the lock.
var ErrLocked = errors.New("instance is locked by another dojo process")

// Lock takes the instance's exclusive lock without waiting. The returned
// function releases it.
func (s *Store) Lock(instance string) (func(), error) {
	d, err := s.Ensure(instance)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(d, LockFileName)
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fsErr("lock", p, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("instance %q: %w (another `dojo up` or `dojo down` is running for it)", instance, ErrLocked)
		}
		return nil, fsErr("lock", p, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// Instance is what instance.json records.
type Instance struct {
	Name         string            `json:"name"`
	Lab          string            `json:"lab"`
	LabFile      string            `json:"lab_file"`
	LabHash      string            `json:"lab_hash"`
	Vars         map[string]string `json:"vars,omitempty"`
	Scenario     string            `json:"scenario,omitempty"`
	ScenarioFile string            `json:"scenario_file,omitempty"`
	ScenarioHash string            `json:"scenario_hash,omitempty"`
	MgmtSubnet   string            `json:"mgmt_subnet"`
	// HostKeys maps node name to its pinned host public key
	// (authorized_keys format).
	HostKeys map[string]string `json:"host_keys"`
	Created  time.Time         `json:"created"`
	Started  time.Time         `json:"started,omitempty"` // scenario start time
}

// Purge removes the instance's state directory.
func (s *Store) Purge(name string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	return fsErr("remove", s.Dir(name), os.RemoveAll(s.Dir(name)))
}

// WriteFileAtomic writes data to path through a temporary file and rename.
func WriteFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
