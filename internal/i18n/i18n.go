// Package i18n holds labdojo's language support: choosing the learner's
// language (a --lang value, else the POSIX locale variables), localized
// text with an English fallback, terminal display width that counts East
// Asian wide characters as two columns, and the catalog of messages that
// start, check and hint print to a learner.
//
// It is a leaf package: it imports nothing from labdojo.
package i18n

import (
	"fmt"
	"sort"
	"strings"
)

// Supported languages. English is the fallback of every lookup.
const (
	English  = "en"
	Japanese = "ja"
)

// Languages lists the supported language codes, English first.
var Languages = []string{English, Japanese}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Parse normalises a language value such as "ja", "JA", "ja_JP.UTF-8",
// "ja-JP" or "en_US.utf8@euro" to a supported code. An unsupported or
// malformed value is an error naming the supported ones.
func Parse(v string) (string, error) {
	code := localeLanguage(v)
	if code == "" || !Supported(code) {
		return "", fmt.Errorf("unsupported language %q: use one of %s", v, strings.Join(Languages, ", "))
	}
	return code, nil
}

// localeLanguage returns the lower-case language part of a locale name
// ("ja_JP.UTF-8" -> "ja"); "C" and "POSIX" mean English.
func localeLanguage(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, ".@"); i >= 0 {
		v = v[:i]
	}
	if i := strings.IndexAny(v, "_-"); i >= 0 {
		v = v[:i]
	}
	switch v {
	case "C", "POSIX":
		return English
	}
	return strings.ToLower(v)
}

// Getenv is the environment lookup Detect uses (os.Getenv in production).
type Getenv func(string) string

// Detect chooses the learner's language: flag when it is set (an
// unsupported flag value is an error), else the first non-empty of
// LC_ALL, LC_MESSAGES and LANG, as POSIX orders them. A locale naming an
// unsupported language, or none set, gives English: a learner's shell
// locale is a preference, not an input error.
func Detect(flag string, getenv Getenv) (string, error) {
	if flag != "" {
		return Parse(flag)
	}
	if getenv == nil {
		return English, nil
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(k)
		if v == "" {
			continue
		}
		if code := localeLanguage(v); Supported(code) {
			return code, nil
		}
		return English, nil
	}
	return English, nil
}

// Text is a localized string: language code -> text. English is the
// fallback; a Text from a plain (non-localized) value holds English only.
type Text map[string]string

// Plain returns a Text holding s as English.
func Plain(s string) Text { return Text{English: s} }

// In returns the text in lang, else in English, else "".
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	return t[English]
}

// Has reports whether the text exists (non-empty) in lang itself, without
// the fallback.
func (t Text) Has(lang string) bool { return t[lang] != "" }

// Langs returns the languages the text has, sorted.
func (t Text) Langs() []string {
	var out []string
	for l, s := range t {
		if s != "" {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// List is a localized list of strings (hints): language code -> items.
type List map[string][]string

// In returns the list in lang, else in English.
func (l List) In(lang string) []string {
	if v, ok := l[lang]; ok && len(v) > 0 {
		return v
	}
	return l[English]
}

// Has reports whether the list exists (non-empty) in lang itself.
func (l List) Has(lang string) bool { return len(l[lang]) > 0 }
