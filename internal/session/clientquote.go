package session

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/labdojo/labdojo/internal/shellquote"
)

// sshConfigPath renders a file path as one ssh_config argument: double
// quoted (so spaces do not split it into several files), with backslash
// and double quote escaped, and % doubled (IdentityFile and
// UserKnownHostsFile expand %-tokens). Non-ASCII passes as UTF-8.
func sshConfigPath(p string) (string, error) {
	if strings.ContainsAny(p, "\n\r\x00") {
		return "", fmt.Errorf("path %q cannot be written into an OpenSSH configuration (it holds a line break)", p)
	}
	p = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%").Replace(p)
	return `"` + p + `"`, nil
}

// sshOption is `-o Key=value` for ssh's command line as Ansible's
// ssh_common_args wants it: Ansible splits the string like a POSIX shell
// (shlex), so the word is shell-quoted, and ssh then parses the value like
// a configuration line, so a path value is double-quoted inside.
func sshOption(key, path string) (string, error) {
	v, err := sshConfigPath(path)
	if err != nil {
		return "", err
	}
	return "-o " + shellquote.Quote(key+"="+v), nil
}

// yamlQuote is s as a YAML double-quoted scalar (Go's escapes are a subset
// of YAML's), so spaces, colons, '#' and non-ASCII survive.
func yamlQuote(s string) string { return strconv.Quote(s) }

var groupUnsafe = regexp.MustCompile(`[^A-Za-z0-9_]`)

// groupName makes an Ansible group name: letters, digits and underscores,
// not starting with a digit.
func groupName(prefix, s string) string {
	g := groupUnsafe.ReplaceAllString(s, "_")
	if prefix == "" && (g == "" || (g[0] >= '0' && g[0] <= '9')) {
		prefix = "block_"
	}
	return prefix + g
}
