package shellquote

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// nasty values that would break out of careless quoting.
var nasty = []string{
	`it's`, `$(touch PWNED)`, "`touch PWNED`", `"; touch PWNED; "`, "a\nb", `\'`, `'$HOME'`, `*`, `-n`, ``, `%s%d`, "tab\there", `''''`, "é\x01",
}

// TestQuoteRoundTrip feeds each value through a real sh and checks it
// arrives unchanged and is never executed.
func TestQuoteRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, s := range nasty {
		out, err := exec.Command("sh", "-c", "cd "+Quote(dir)+" && printf '%s' "+Quote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("Quote(%q) round trip = %q (%v)", s, out, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "PWNED")); err == nil {
		t.Fatal("a quoted value was executed")
	}
}

// TestJoinSplitsBack: the shell splits a joined line into the same argv.
func TestJoinSplitsBack(t *testing.T) {
	out, err := exec.Command("sh", "-c", `for a in `+Join(nasty...)+`; do printf '%s\0' "$a"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	start := 0
	for i, b := range out {
		if b == 0 {
			got = append(got, string(out[start:i]))
			start = i + 1
		}
	}
	if len(got) != len(nasty) {
		t.Fatalf("got %d args, want %d: %q", len(got), len(nasty), got)
	}
	for i := range nasty {
		if got[i] != nasty[i] {
			t.Errorf("arg %d = %q, want %q", i, got[i], nasty[i])
		}
	}
}
