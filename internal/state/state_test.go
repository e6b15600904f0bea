package state

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestRootFrom(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"DOJO_STATE_DIR": "/s", "XDG_STATE_HOME": "/x", "HOME": "/h"}, "/s"},
		{map[string]string{"XDG_STATE_HOME": "/x", "HOME": "/h"}, "/x/labdojo"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/h"}, "/h/.local/state/labdojo"}, // XDG: relative values are ignored
		{map[string]string{"HOME": "/h"}, "/h/.local/state/labdojo"},
	}
	for _, c := range cases {
		got, err := RootFrom(env(c.env))
		if err != nil || got != c.want {
			t.Errorf("RootFrom(%v) = %q, %v; want %q", c.env, got, err, c.want)
		}
	}
	if _, err := RootFrom(env(nil)); err == nil || !strings.Contains(err.Error(), "DOJO_STATE_DIR") {
		t.Errorf("empty environment: %v", err)
	}
	s, err := OpenEnv(env(map[string]string{"DOJO_STATE_DIR": "/s"}))
	if err != nil || s.Dir("a") != "/s/instances/a" || s.UserKeyFile("a") != "/s/instances/a/id_ed25519" ||
		s.KnownHostsFile("a") != "/s/instances/a/known_hosts" || s.RecordingsDir("a") != "/s/instances/a/recordings" {
		t.Errorf("paths: %+v %v", s, err)
	}
}

func TestSaveLoadAtomic(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	if _, err := s.Load("demo"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing instance: %v", err)
	}
	in := &Instance{Name: "demo", Lab: "l", HostKeys: map[string]string{"a": "k"}, Created: time.Unix(1, 0).UTC()}
	if err := s.Save(in); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("demo")
	if err != nil || got.Lab != "l" || got.HostKeys["a"] != "k" {
		t.Fatalf("load: %+v %v", got, err)
	}
	fi, _ := os.Stat(s.InstanceFile("demo"))
	di, _ := os.Stat(s.Dir("demo"))
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Errorf("modes: file %o dir %o", fi.Mode().Perm(), di.Mode().Perm())
	}
	ents, _ := os.ReadDir(s.Dir("demo"))
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if err := s.RemoveInstanceFile("demo"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveInstanceFile("demo"); err != nil {
		t.Errorf("second remove: %v", err)
	}
	os.WriteFile(s.InstanceFile("demo"), []byte("{garbage"), 0o600)
	if _, err := s.Load("demo"); err == nil || !strings.Contains(err.Error(), InstanceFileName) {
		t.Errorf("corrupt instance.json: %v", err)
	}
}

func TestLockExclusive(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	unlock, err := s.Lock("demo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Lock("demo"); !errors.Is(err, ErrLocked) {
		t.Errorf("second lock: %v", err)
	}
	unlock()
	unlock2, err := s.Lock("demo")
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	unlock2()
}

// TestTruncatedLastLine: a history whose last line was cut short keeps
// the next record whole, and the damaged line is reported, not dropped.
func TestTruncatedLastLine(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	if err := s.AppendHistory("demo", HistoryRecord{Scenario: "a", Score: 1}); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(s.HistoryFile("demo"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2026-01-01T00:00:00Z","scen`)
	f.Close()
	if err := s.AppendHistory("demo", HistoryRecord{Scenario: "b", Score: 2}); err != nil {
		t.Fatal(err)
	}
	recs, bad, err := s.History("demo")
	if err != nil || len(recs) != 2 || recs[0].Scenario != "a" || recs[1].Scenario != "b" || recs[1].Score != 2 {
		t.Fatalf("records %+v %v", recs, err)
	}
	if len(bad) != 1 || bad[0].Line != 2 || !strings.Contains(bad[0].Error(), "history.jsonl:2") {
		t.Errorf("bad lines: %v", bad)
	}
}

func TestCorruptHintsReported(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	s.Ensure("demo")
	long := strings.Repeat("x", maxRecordLine+10)
	data := `{"goal":"g","index":0,"cost":1}` + "\n" + "not json\n\n" + `{"goal":"g","index":1}{"goal":"h"}` + "\n" + long + "\n" + `{"goal":"h","cost":2}`
	os.WriteFile(s.HintsFile("demo"), []byte(data), 0o600)
	recs, bad, err := s.Hints("demo")
	if err != nil || len(recs) != 2 || recs[0].Cost != 1 || recs[1].Goal != "h" {
		t.Fatalf("records %+v %v", recs, err)
	}
	var lines []int
	for _, b := range bad {
		lines = append(lines, b.Line)
	}
	if len(bad) != 3 || lines[0] != 2 || lines[1] != 4 || lines[2] != 5 {
		t.Errorf("bad lines %v: %v", lines, bad)
	}
	if recs, bad, err := s.Hints("other"); recs != nil || bad != nil || err != nil {
		t.Errorf("missing file: %v %v %v", recs, bad, err)
	}
}

func TestConcurrentAppends(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.AppendHint("demo", HintRecord{Goal: "g", Index: i}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	recs, bad, err := s.Hints("demo")
	if err != nil || len(recs) != 20 || len(bad) != 0 {
		t.Errorf("%d records, bad %v, %v", len(recs), bad, err)
	}
}

// TestUnusable: a state directory that cannot be written is reported as
// ErrUnusable naming the path, before any work is done.
func TestUnusable(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "instances"), nil, 0o600) // a file where a directory belongs
	s := &Store{Root: root}
	for name, err := range map[string]error{
		"check":  s.CheckWritable("demo"),
		"append": s.AppendHistory("demo", HistoryRecord{}),
		"save":   s.Save(&Instance{Name: "demo"}),
	} {
		if !errors.Is(err, ErrUnusable) || !strings.Contains(err.Error(), filepath.Join(root, "instances")) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if os.Geteuid() == 0 {
		return // root writes through mode bits
	}
	s = &Store{Root: t.TempDir()}
	s.AppendHistory("demo", HistoryRecord{})
	os.Chmod(s.HistoryFile("demo"), 0o400)
	if err := s.CheckWritable("demo"); !errors.Is(err, ErrUnusable) {
		t.Errorf("read-only history: %v", err)
	}
	os.Chmod(s.Dir("demo"), 0o500)
	defer os.Chmod(s.Dir("demo"), 0o700)
	if err := s.CheckWritable("demo"); !errors.Is(err, ErrUnusable) {
		t.Errorf("read-only directory: %v", err)
	}
}

func TestRecordingAndPurge(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f, err := s.CreateRecording("demo", "web", now)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if filepath.Base(f.Name()) != "20260102T030405.000Z-web.log" {
		t.Errorf("name %s", f.Name())
	}
	if _, err := s.CreateRecording("demo", "web", now); err == nil {
		t.Error("a recording was overwritten")
	}
	if err := s.Purge("../x"); err == nil {
		t.Error("purge accepted a bad name")
	}
	if err := s.Purge("demo"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Dir("demo")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("not purged: %v", err)
	}
}
