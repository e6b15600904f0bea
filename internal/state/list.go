package state

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
)

// InstanceNames lists the instances that have a state directory, running
// or not (`dojo down` keeps an instance's history), sorted. A store whose
// root does not exist yet has none.
func (s *Store) InstanceNames() ([]string, error) {
	dir := filepath.Join(s.Root, "instances")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fsErr("read", dir, err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && ValidName(e.Name()) == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}
