// Package shellquote quotes values for POSIX sh. It is the one quoting
// helper of labdojo: check probes, the SSH pool's command marker and
// grading all build shell text through it. It imports nothing of labdojo.
package shellquote

import "strings"

// Quote returns s as a single-quoted POSIX sh word: the shell performs no
// expansion inside it, and embedded single quotes are closed, escaped and
// reopened. The empty string becomes ”.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join quotes every argument and joins them with spaces, giving a command
// line the shell splits back into exactly args.
func Join(args ...string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}
