package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/runtime"
	"github.com/labdojo/labdojo/internal/runtime/fake"
)

// TestScripts runs the scripts in testdata/script, in the style of cmd/go's
// script tests: each file is a txtar-like archive whose comment is the
// script and whose "-- name --" sections are written to the work
// directory. Every script gets a fresh fake runtime (internal/runtime/fake:
// in-memory engine, in-process SSH servers) and state directory, so
// up/start/check/hint/solve/down/status run end to end without Docker.
//
// Commands, one per line ("#" starts a comment; a leading "!" expects
// failure, i.e. a non-zero exit, or absence for the checks):
//
//	dojo ARGS...        run dojo in-process (args split on spaces; 'single quotes' group)
//	exit N              the last dojo exited N
//	stdout REGEXP       the last dojo's stdout matches (also: stderr)
//	stdin TEXT          the next dojo reads TEXT (\n for newlines)
//	env KEY=VALUE       set an environment variable for the next dojo commands
//	exists PATH         a file exists (relative to the work directory)
//	nodefile NODE PATH  a file exists in a fake node's directory
//	chmod MODE PATH     change a file's mode (octal)
//	mkdir PATH, rm PATH make a directory, remove a file or tree
//	append PATH TEXT    append TEXT (\n for newlines) to a file
//	sigterm             the next dojo runs as if SIGTERM had arrived
//	sigtermafter DUR    SIGTERM arrives DUR into the next dojo (mid-run)
//	grep REGEXP FILE    a file's content matches (with !: does not)
//	jsonschema DEF      the last stdout is valid against docs/cli-json.schema.json#/$defs/DEF
//	                    (DEF "check": docs/check-json.schema.json), checked with a JSON Schema library
//	stopnode CONTAINER  stop a fake node as if its process ended
//	unavailable         the engine stops answering
//	aligned             the last stdout is a table (header, rows, a last
//	                    summary line) whose cells start at the header's
//	                    display columns (a wide character takes two)
//	unroutable          node addresses stop answering; exec streams still work
//	enginekey KEY [remote]  the engine's identity (state key, endpoint, remote)
//	security OPT...     the engine's security options (name=userns ...; none: seccomp only)
func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/script/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { runScript(t, f) })
	}
}

type scriptState struct {
	t          *testing.T
	work       string
	rt         *fake.Runtime
	env        map[string]string
	stdin      string
	stdout     string
	stderr     string
	code       int
	ctxCancel  error
	cancelIn   time.Duration
	lineNumber int
}

func runScript(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	script, archive := splitArchive(string(data))
	work := t.TempDir()
	for name, content := range archive {
		p := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(work)
	s := &scriptState{t: t, work: work, rt: fake.New(filepath.Join(work, "nodes")),
		env: map[string]string{"DOJO_STATE_DIR": filepath.Join(work, "state"), "HOME": work, "WORK": work}}
	t.Cleanup(s.rt.Shutdown)
	for i, line := range strings.Split(script, "\n") {
		s.lineNumber = i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		neg := strings.HasPrefix(line, "! ")
		if neg {
			line = strings.TrimSpace(line[2:])
		}
		s.exec(line, neg)
		if t.Failed() {
			t.Fatalf("%s:%d: stopped at %q\n--- stdout:\n%s\n--- stderr:\n%s", file, s.lineNumber, line, s.stdout, s.stderr)
		}
	}
}

func (s *scriptState) exec(line string, neg bool) {
	t := s.t
	verb, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(os.Expand(rest, func(k string) string { return s.env[k] }))
	switch verb {
	case "dojo":
		s.dojo(splitArgs(rest))
		if neg != (s.code != 0) {
			t.Errorf("dojo %s: exit %d", rest, s.code)
		}
	case "exit":
		want, _ := strconv.Atoi(rest)
		if s.code != want {
			t.Errorf("exit %d, want %d", s.code, want)
		}
	case "stdout", "stderr":
		text := s.stdout
		if verb == "stderr" {
			text = s.stderr
		}
		if len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\'' {
			rest = rest[1 : len(rest)-1]
		}
		re, err := regexp.Compile("(?m)" + rest)
		if err != nil {
			t.Fatalf("bad pattern %q: %v", rest, err)
		}
		if re.MatchString(text) == neg {
			t.Errorf("%s %s %q: no", map[bool]string{true: "! ", false: ""}[neg], verb, rest)
		}
	case "stdin":
		s.stdin = strings.ReplaceAll(rest, `\n`, "\n")
	case "env":
		k, v, _ := strings.Cut(rest, "=")
		s.env[k] = v
	case "aligned":
		if err := checkAligned(s.stdout); err != nil {
			t.Errorf("aligned: %v\n%s", err, s.stdout)
		}
	case "exists", "nodefile":
		p := rest
		if verb == "nodefile" {
			node, rel, _ := strings.Cut(rest, " ")
			p = filepath.Join("nodes", node, rel)
		}
		_, err := os.Stat(p)
		if (err == nil) == neg {
			t.Errorf("%s %s: %v", verb, rest, err)
		}
	case "mkdir":
		if err := os.MkdirAll(rest, 0o755); err != nil {
			t.Fatal(err)
		}
	case "rm":
		if err := os.RemoveAll(rest); err != nil {
			t.Fatal(err)
		}
	case "append":
		p, text, _ := strings.Cut(rest, " ")
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.WriteString(strings.ReplaceAll(text, `\n`, "\n"))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	case "chmod":
		mode, p, _ := strings.Cut(rest, " ")
		m, _ := strconv.ParseUint(mode, 8, 32)
		if err := os.Chmod(p, os.FileMode(m)); err != nil {
			t.Fatal(err)
		}
	case "rmnet": // the engine loses a network: rmnet NETWORK-NAME
		if err := s.rt.RemoveNetwork(context.Background(), rest); err != nil {
			t.Fatal(err)
		}
	case "stopnode":
		if err := s.rt.Stop(rest); err != nil {
			t.Fatal(err)
		}
	case "unavailable":
		s.rt.Unavailable = true
	case "unroutable": // node addresses do not answer from here (Docker Desktop)
		s.rt.Unroutable = true
	case "enginekey": // the engine's identity: KEY [remote]
		key, remote, _ := strings.Cut(rest, " ")
		s.rt.Key, s.rt.Endpoint, s.rt.Remote = key, "fake://"+key, remote == "remote"
	case "security": // the engine's security options, as docker info lists them
		s.rt.Security = strings.Fields(rest)
	case "sigterm":
		s.ctxCancel = &SignalError{Signal: syscall.SIGTERM}
	case "sigtermafter":
		d, err := time.ParseDuration(rest)
		if err != nil {
			t.Fatal(err)
		}
		s.cancelIn = d
	case "jsonschema":
		if err := validateJSONDoc(rest, s.stdout); err != nil {
			t.Errorf("jsonschema %s: %v", rest, err)
		}
	case "grep":
		i := strings.LastIndex(rest, " ")
		pat, p := strings.Trim(rest[:i], "'"), rest[i+1:]
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("grep: %v", err)
		}
		if regexp.MustCompile("(?m)"+pat).Match(data) == neg {
			t.Errorf("grep %q %s: no; file holds:\n%s", pat, p, data)
		}
	default:
		t.Fatalf("unknown script command %q", verb)
	}
}

func (s *scriptState) dojo(args []string) {
	var out, errb bytes.Buffer
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	if s.ctxCancel != nil {
		cancel(s.ctxCancel)
		s.ctxCancel = nil
	}
	if s.cancelIn > 0 {
		timer := time.AfterFunc(s.cancelIn, func() { cancel(&SignalError{Signal: syscall.SIGTERM}) })
		defer timer.Stop()
		s.cancelIn = 0
	}
	opts := Options{
		Runtime: func(context.Context) (runtime.Runtime, error) { return s.rt, s.rtErr() },
		Getenv:  func(k string) string { return s.env[k] },
	}
	s.code = Run(ctx, Streams{In: strings.NewReader(s.stdin), Out: &out, Err: &errb}, args, opts)
	s.stdin = ""
	s.stdout, s.stderr = out.String(), errb.String()
}

func (s *scriptState) rtErr() error {
	if s.rt.Unavailable {
		_, err := s.rt.Info(context.Background())
		return err
	}
	return nil
}

// splitArgs splits on spaces; 'single quotes' group words.
func splitArgs(s string) []string {
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			inQuote, have = !inQuote, true
		case r == ' ' && !inQuote:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}

// splitArchive splits a txtar-like file into its comment and its files.
func splitArchive(data string) (string, map[string]string) {
	files := map[string]string{}
	marker := regexp.MustCompile(`(?m)^-- (.+) --$\n?`)
	locs := marker.FindAllStringSubmatchIndex(data, -1)
	if len(locs) == 0 {
		return data, files
	}
	comment := data[:locs[0][0]]
	for i, l := range locs {
		end := len(data)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		files[data[l[2]:l[3]]] = data[l[1]:end]
	}
	return comment, files
}

// cellStarts returns the display columns where a cell starts in a table
// line: the first non-space, and every non-space after two or more spaces.
func cellStarts(line string) []int {
	var out []int
	col, spaces := 0, 2
	for _, r := range line {
		if r == ' ' {
			spaces++
		} else {
			if spaces >= 2 {
				out = append(out, col)
			}
			spaces = 0
		}
		col += i18n.RuneWidth(r)
	}
	return out
}

// checkAligned checks that every cell of every row (all non-blank lines
// but the header and the last) starts at a column of the header.
func checkAligned(out string) error {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) < 3 {
		return fmt.Errorf("no table")
	}
	cols := map[int]bool{}
	for _, c := range cellStarts(lines[0]) {
		cols[c] = true
	}
	for _, l := range lines[1 : len(lines)-1] {
		for _, c := range cellStarts(l) {
			if !cols[c] {
				return fmt.Errorf("a cell of %q starts at display column %d, not at a header column %v", l, c, cellStarts(lines[0]))
			}
		}
	}
	return nil
}
