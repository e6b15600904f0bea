package i18n

import "strings"

// Localizer is text that can be rendered in any supported language. Code
// that must stay language-neutral (a check's judge, the grader) returns
// Localizers; the output layer renders them in the learner's language.
type Localizer interface {
	// In renders the text in lang (English when lang lacks it).
	In(lang string) string
}

// Msg is one catalog message with its arguments, kept unformatted until
// it is rendered. An argument that is itself a Localizer is rendered in
// the same language first, so messages nest.
type Msg struct {
	Key  Key
	Args []any
}

// M returns the catalog message key with args.
func M(key Key, args ...any) Msg { return Msg{Key: key, Args: args} }

// In formats the message in lang.
func (m Msg) In(lang string) string { return Format(lang, m.Key, m.Args...) }

// String is the English rendering.
func (m Msg) String() string { return m.In(English) }

// Raw is text that is the same in every language: data from a node (a
// path, a command's output, an address) rather than words of dojo's own.
type Raw string

// In returns the text itself.
func (r Raw) In(string) string { return string(r) }

// Joined is a list of texts joined by a catalog separator (SepList,
// SepProblems), so that each language punctuates lists its own way.
type Joined struct {
	Sep   Key
	Items []Localizer
}

// Join returns items joined by the separator sep.
func Join(sep Key, items ...Localizer) Joined { return Joined{Sep: sep, Items: items} }

// In renders every item in lang and joins them with the separator in lang.
func (j Joined) In(lang string) string {
	parts := make([]string, 0, len(j.Items))
	for _, it := range j.Items {
		if it != nil {
			parts = append(parts, it.In(lang))
		}
	}
	return strings.Join(parts, Format(lang, j.Sep))
}

// In renders l in lang; a nil Localizer is "".
func In(l Localizer, lang string) string {
	if l == nil {
		return ""
	}
	return l.In(lang)
}

// localizeArgs renders the Localizer arguments of a message in lang.
func localizeArgs(lang string, args []any) []any {
	var out []any
	for i, a := range args {
		l, ok := a.(Localizer)
		if !ok {
			continue
		}
		if out == nil {
			out = append([]any(nil), args...)
		}
		out[i] = l.In(lang)
	}
	if out == nil {
		return args
	}
	return out
}

// Error is an error whose text is a catalog message: Error is its English,
// In renders it in a learner's language (see ErrorText).
type Error struct{ Msg }

// Errorf returns the catalog message key with args as an error.
func Errorf(key Key, args ...any) error { return &Error{M(key, args...)} }

// Error returns the English text.
func (e *Error) Error() string { return e.In(English) }

// ErrorText returns err's text in every language: an *Error's message,
// else the error's own (English) text.
func ErrorText(err error) Localizer {
	if e, ok := err.(*Error); ok {
		return e.Msg
	}
	return Raw(err.Error())
}
