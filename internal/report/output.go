package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/labdojo/labdojo/internal/grade"

	"golang.org/x/term"
)

// WriteJSON writes v as indented JSON followed by a newline. Every JSON
// document dojo prints goes through it.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// Sanitize makes text from files, nodes or the engine safe to print on a
// terminal: control characters other than newline and tab (ESC among
// them, so no escape sequence gets through) become visible \xNN escapes,
// and invalid UTF-8 becomes U+FFFD.
func Sanitize(s string) string { return clean(s) }

// SanitizeLine is Sanitize for one-line places (table cells, headers):
// newlines and tabs also become spaces.
func SanitizeLine(s string) string {
	s = clean(s)
	if strings.ContainsAny(s, "\n\t\r") {
		s = strings.NewReplacer("\n", " ", "\t", " ", "\r", " ").Replace(s)
	}
	return s
}

// UseColor is the one colour policy: colour when w is a terminal and the
// environment getenv reads has no NO_COLOR (https://no-color.org).
func UseColor(w io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" {
		return false
	}
	return IsTerminal(w)
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Target is where one extra report goes: `--report FORMAT:FILE`.
type Target struct {
	Format string
	Path   string
	// Lang is the language of the report's human text (i18n codes; ""
	// is English), as for Options.Lang.
	Lang string
}

// ParseTarget parses "FORMAT:FILE" (as in `--report junit:out/check.xml`),
// naming the formats in the error.
func ParseTarget(s string) (Target, error) {
	format, path, ok := strings.Cut(s, ":")
	if !ok || path == "" {
		return Target{}, fmt.Errorf("--report %q: want FORMAT:FILE (formats: %s)", s, strings.Join(Formats(), ", "))
	}
	if _, known := formatters[format]; !known {
		return Target{}, fmt.Errorf("--report %q: unknown format %q (want one of %s)", s, format, strings.Join(Formats(), ", "))
	}
	return Target{Format: format, Path: path}, nil
}

// Prepare makes sure t's file can be written before any grading runs: it
// creates the file's directory if needed and tries a temporary file there.
func Prepare(t Target) error {
	dir := filepath.Dir(t.Path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report %s: %w", t.Path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(t.Path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("report %s: %w", t.Path, err)
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// WriteFile renders res in t's format into t's file atomically: it writes
// a temporary file in the same directory, syncs it and renames it over the
// target, so a reader (a CI step, a second Ctrl-C) never sees half a
// report. Machine formats only see opts' defaults (no colour).
func WriteFile(ctx context.Context, t Target, res *grade.Result, meta Meta) error {
	dir := filepath.Dir(t.Path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(t.Path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("report %s: %w", t.Path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := Write(ctx, tmp, t.Format, res, meta, Options{Unicode: true, Lang: t.Lang}); err != nil {
		tmp.Close()
		return fmt.Errorf("report %s: %w", t.Path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("report %s: %w", t.Path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("report %s: %w", t.Path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("report %s: %w", t.Path, err)
	}
	if err := os.Rename(tmp.Name(), t.Path); err != nil {
		return fmt.Errorf("report %s: %w", t.Path, err)
	}
	return nil
}
