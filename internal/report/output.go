package report

import (
	"encoding/json"
	"io"
	"os"
	"strings"

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
