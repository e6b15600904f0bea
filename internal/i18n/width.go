package i18n

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// RuneWidth returns the number of terminal columns r occupies: 2 for East
// Asian wide and fullwidth characters (kanji, kana, fullwidth forms), 0
// for combining marks, format characters and controls, 1 otherwise.
// Ambiguous-width characters count as 1, as most terminals draw them in
// non-CJK locales.
func RuneWidth(r rune) int {
	switch {
	case r == 0 || r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
		return 0
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	case r == 0x200b: // zero width space (Cf already covers most)
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	// Emoji presentation characters and a few ranges x/text reports as
	// neutral but terminals draw wide.
	if r >= 0x1f300 && r <= 0x1f64f || r >= 0x1f900 && r <= 0x1f9ff {
		return 2
	}
	return 1
}

// Width returns the display width of s in terminal columns.
func Width(s string) int {
	n := 0
	for _, r := range s {
		n += RuneWidth(r)
	}
	return n
}

// PadRight pads s with spaces to w columns (no change when it is wider).
func PadRight(s string, w int) string {
	if d := w - Width(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// PadLeft right-aligns s in w columns.
func PadLeft(s string, w int) string {
	if d := w - Width(s); d > 0 {
		return strings.Repeat(" ", d) + s
	}
	return s
}

// Truncate shortens s to at most w columns, ending in "…" when it cut
// something. A wide character never gets split across the limit.
func Truncate(s string, w int) string {
	if Width(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	var b strings.Builder
	used := 0
	for _, r := range s {
		rw := RuneWidth(r)
		if used+rw > w-1 {
			break
		}
		b.WriteRune(r)
		used += rw
	}
	b.WriteString("…")
	return b.String()
}

// Wrap breaks s into lines of at most w columns. Latin text breaks at
// spaces; Japanese (and other wide) text, which has no spaces, may break
// between any two wide characters, but never before closing punctuation
// such as 。、）」 (kinsoku shori, simplified). A word longer than w is
// kept whole on its own line. Existing newlines are kept.
func Wrap(s string, w int) []string {
	if w <= 0 {
		return strings.Split(s, "\n")
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapLine(para, w)...)
	}
	return out
}

// noLineStart are characters a Japanese line must not begin with.
const noLineStart = "、。，．・：；？！ー）」』】〉》〕｝]）%,.:;!?…"

func wrapLine(s string, w int) []string {
	if Width(s) <= w {
		return []string{s}
	}
	// Split into break units: a run of non-wide, non-space characters is
	// one unit (a word); each wide character is its own unit, glued to
	// following closing punctuation; spaces are separators.
	type unit struct {
		text  string
		space bool
	}
	var units []unit
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			units = append(units, unit{text: word.String()})
			word.Reset()
		}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == ' ':
			flush()
			units = append(units, unit{text: " ", space: true})
		case strings.ContainsRune(noLineStart, r) && (word.Len() > 0 || len(units) > 0):
			if word.Len() > 0 {
				word.WriteRune(r)
			} else {
				units[len(units)-1].text += string(r)
			}
		case RuneWidth(r) == 2:
			flush()
			units = append(units, unit{text: string(r)})
		default:
			word.WriteRune(r)
		}
	}
	flush()

	var lines []string
	var line strings.Builder
	used := 0
	for _, u := range units {
		uw := Width(u.text)
		if u.space {
			if used > 0 && used+uw <= w {
				line.WriteString(u.text)
				used += uw
			}
			continue
		}
		if used > 0 && used+uw > w {
			lines = append(lines, strings.TrimRight(line.String(), " "))
			line.Reset()
			used = 0
		}
		line.WriteString(u.text)
		used += uw
	}
	if line.Len() > 0 || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(line.String(), " "))
	}
	return lines
}
