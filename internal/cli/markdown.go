package cli

import (
	"regexp"
	"strings"
)

var (
	mdBold = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	mdCode = regexp.MustCompile("`([^`]+)`")
	mdLink = regexp.MustCompile(`\[([^\]]+)\]\(([^)]+)\)`)
)

// renderMarkdown renders the Markdown subset briefs use (headings, lists,
// code blocks, bold, inline code, links) for a terminal. paint applies an
// SGR code when the output is a colour terminal.
func renderMarkdown(src string, paint func(code, s string) string) string {
	var b strings.Builder
	inCode := false
	for _, line := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") {
			inCode = !inCode
			continue
		}
		if inCode {
			b.WriteString("    " + paint("36", line) + "\n")
			continue
		}
		switch {
		case strings.HasPrefix(trim, "#"):
			title := strings.TrimSpace(strings.TrimLeft(trim, "#"))
			level := len(trim) - len(strings.TrimLeft(trim, "#"))
			if level == 1 {
				b.WriteString(paint("1;4", strings.ToUpper(title)) + "\n")
			} else {
				b.WriteString(paint("1", title) + "\n")
			}
			continue
		case strings.HasPrefix(trim, "- "), strings.HasPrefix(trim, "* "):
			indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
			line = indent + "  • " + trim[2:]
		}
		line = mdLink.ReplaceAllString(line, "$1 ($2)")
		line = mdBold.ReplaceAllStringFunc(line, func(m string) string { return paint("1", m[2:len(m)-2]) })
		line = mdCode.ReplaceAllStringFunc(line, func(m string) string { return paint("36", m[1:len(m)-1]) })
		b.WriteString(line + "\n")
	}
	return b.String()
}
