package evidence

import (
	"regexp"
	"strings"
)

// Redacted replaces a secret in a report.
const Redacted = "[REDACTED]"

// redactors are applied in order; each keeps the text around the secret so
// the command still reads ("mysql -p[REDACTED]").
var redactors = []struct {
	re   *regexp.Regexp
	repl string
}{
	// PEM private keys, also when cut off before their END line.
	{regexp.MustCompile(`(?s)-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)`), "[REDACTED PRIVATE KEY]"},
	// Credentials in URLs: scheme://user:secret@host
	{regexp.MustCompile(`([a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@`), "${1}" + Redacted + "@"},
	// Authorization headers.
	{regexp.MustCompile(`(?i)(authorization:\s*(?:bearer|basic|token)\s+)[^\s'"]+`), "${1}" + Redacted},
	// key=value and key: value with a secret-sounding key, also as flags.
	{regexp.MustCompile(`(?i)((?:^|[^a-z0-9])(?:[a-z0-9_]*(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)[a-z0-9_]*|pass|pwd)["']?\s*(?:=|:\s|\s*:=)\s*)("[^"]*"|'[^']*'|[^\s'";|&]+)`), "${1}" + Redacted},
	{regexp.MustCompile(`(?i)(--(?:password|passwd|pass|secret|token|api-key)(?:=|\s+))("[^"]*"|'[^']*'|[^\s'";|&]+)`), "${1}" + Redacted},
	// mysql -pSECRET (no space: the password is glued to -p).
	{regexp.MustCompile(`((?:^|\s)(?:mysql|mysqldump|mysqladmin|mariadb)\b[^|;&\n]*?\s-p)([^\s'"]+|'[^']*'|"[^"]*")`), "${1}" + Redacted},
	// Other tools that take a password as an argument.
	{regexp.MustCompile(`((?:^|[\s;|&(])(?:sshpass|useradd|usermod)\b[^|;&\n]*?\s-p\s*)("[^"]*"|'[^']*'|[^\s'"]+)`), "${1}" + Redacted},
	{regexp.MustCompile(`((?:^|[\s;|&(])curl\b[^|;&\n]*?\s(?:-u|--user)\s*['"]?[^\s:'"]+:)([^\s'"@]+)`), "${1}" + Redacted},
	{regexp.MustCompile(`(-pass(?:in|out)?\s+(?:pass|env):?)([^\s'"]+)`), "${1}" + Redacted},
	{regexp.MustCompile(`((?:^|[\s;|&(])htpasswd\b[^|;&\n]*?\s-[a-zA-Z]*b[a-zA-Z]*\s+\S+\s+\S+\s+)("[^"]*"|'[^']*'|[^\s'"]+)`), "${1}" + Redacted},
	// SQL: IDENTIFIED BY 'x', PASSWORD 'x'.
	{regexp.MustCompile(`(?i)((?:identified\s+(?:with\s+\S+\s+)?by|password)\s+)('[^']*'|"[^"]*")`), "${1}'" + Redacted + "'"},
	// user:password fed to chpasswd.
	{regexp.MustCompile(`((?:echo|printf)\s+['"]?[a-z_][a-z0-9_-]*:)([^\s'"|]+)(['"]?\s*\|\s*(?:sudo\s+)?chpasswd)`), "${1}" + Redacted + "${3}"},
	// Well-known token shapes.
	{regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|AKIA[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|sk-[A-Za-z0-9_-]{20,})\b`), Redacted},
	{regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b`), Redacted},
}

// Redact returns s with anything that looks like a secret replaced, and how
// many replacements were made. It errs on the side of hiding: a report is
// sent to strangers.
func Redact(s string) (string, int) {
	n := 0
	for _, r := range redactors {
		if !r.re.MatchString(s) {
			continue
		}
		n += len(r.re.FindAllStringIndex(s, -1))
		s = r.re.ReplaceAllString(s, r.repl)
	}
	return s, n
}

// Redact replaces secrets in every free-text field a learner could have
// typed into (the procedure, the learner name, replay file names) and adds
// the count to e.Redactions.
func (e *Evidence) Redact() {
	do := func(s *string) {
		var n int
		*s, n = Redact(*s)
		e.Redactions += n
	}
	do(&e.Learner)
	for i := range e.Procedure {
		for j := range e.Procedure[i].Commands {
			c := &e.Procedure[i].Commands[j]
			do(&c.Line)
			c.Line = strings.ToValidUTF8(c.Line, "\uFFFD")
		}
	}
	if e.Replay != nil {
		do(&e.Replay.Runbook)
	}
}
