// Package state manages labdojo's per-instance state directory: what Docker
// labels cannot hold (SSH keys, pinned host keys, grading history, hints).
//
// Layout under the root ($DOJO_STATE_DIR, else $XDG_STATE_HOME/labdojo, else
// ~/.local/state/labdojo):
//
//	instances/<name>/instance.json   what was brought up (lab, scenario, subnets)
//	instances/<name>/id_ed25519      the instance's SSH user key (0600)
//	instances/<name>/known_hosts     pinned host keys of the nodes
//	instances/<name>/history.jsonl   one line per graded run
//	instances/<name>/hints.jsonl     revealed hints
//	instances/<name>/lock            flock held while the instance is changed
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"time"
)

// Root returns the state root directory (not created).
func Root() (string, error) {
	if d := os.Getenv("DOJO_STATE_DIR"); d != "" {
		return filepath.Abs(d)
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "labdojo"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("state directory: %w (set DOJO_STATE_DIR)", err)
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

// Open returns the store at the default root.
func Open() (*Store, error) {
	r, err := Root()
	if err != nil {
		return nil, err
	}
	return &Store{Root: r}, nil
}

// Dir is the state directory of an instance (not created).
func (s *Store) Dir(instance string) string {
	return filepath.Join(s.Root, "instances", instance)
}

// Ensure creates the instance directory with mode 0700.
func (s *Store) Ensure(instance string) (string, error) {
	d := s.Dir(instance)
	if err := os.MkdirAll(d, 0o700); err != nil {
		return "", fmt.Errorf("state directory: %w", err)
	}
	if err := os.Chmod(d, 0o700); err != nil {
		return "", fmt.Errorf("state directory: %w", err)
	}
	return d, nil
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
	f, err := os.OpenFile(filepath.Join(d, "lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("instance %q: %w (another `dojo up` or `dojo down` is running for it)", instance, ErrLocked)
		}
		return nil, fmt.Errorf("lock: %w", err)
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

// Save writes instance.json atomically.
func (s *Store) Save(in *Instance) error {
	d, err := s.Ensure(in.Name)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(d, "instance.json"), append(b, '\n'), 0o600)
}

// Load reads instance.json of an instance.
func (s *Store) Load(name string) (*Instance, error) {
	b, err := os.ReadFile(filepath.Join(s.Dir(name), "instance.json"))
	if err != nil {
		return nil, err
	}
	var in Instance
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(s.Dir(name), "instance.json"), err)
	}
	return &in, nil
}

// Purge removes the instance's state directory.
func (s *Store) Purge(name string) error {
	if err := ValidName(name); err != nil {
		return err
	}
	return os.RemoveAll(s.Dir(name))
}

// AppendJSONLine appends v as one JSON line to file in the instance directory.
func (s *Store) AppendJSONLine(instance, file string, v any) error {
	d, err := s.Ensure(instance)
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(d, file), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
