package check

import (
	"regexp"
	"strings"
)

var (
	// probeStep matches one step rendered by step(): `_s NAME args...`
	// up to the end of the line or a && / || chain.
	probeStep   = regexp.MustCompile(`(?m)(?:^|&& |\|\| |\s)_s ([A-Za-z0-9_-]+) (.+?)(?:\s*(?:&&|\|\|)|$)`)
	simpleQuote = regexp.MustCompile(`^'([A-Za-z0-9_./:%|=,@+*-]*)'$`)
)

// CommandSummary turns a probe script (Evidence.Command) into the commands a
// reader recognises: the tools its `_s` steps run (`getent passwd deploy ;
// id -nG deploy`), without the framing helpers. A script without framed
// steps is returned unchanged. Reports show it; the full script stays in the
// evidence.
func CommandSummary(script string) string {
	var out []string
	seen := map[string]bool{}
	for _, m := range probeStep.FindAllStringSubmatch(script, -1) {
		name, args := m[1], strings.Fields(m[2])
		for i, a := range args {
			if q := simpleQuote.FindStringSubmatch(a); q != nil {
				args[i] = q[1]
			}
		}
		cmd := strings.Join(args, " ")
		if len(args) > 0 && strings.HasPrefix(args[0], "_") {
			cmd = name + " (shell builtins)"
		}
		if !seen[cmd] {
			seen[cmd] = true
			out = append(out, cmd)
		}
	}
	if len(out) == 0 {
		return script
	}
	return strings.Join(out, " ; ")
}
