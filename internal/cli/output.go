package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/report"
)

// output is the one way cli writes to a stream. Values given to printf and
// table are sanitized (report.Sanitize), because they come from lab and
// scenario files, nodes and the engine; only the format strings, which
// are dojo's own, and painted text (whose content is sanitized when
// painted) reach the terminal as they are. Colour follows
// report.UseColor.
type output struct {
	w     io.Writer
	color bool
}

func newOutput(w io.Writer, getenv func(string) string) *output {
	return &output{w: w, color: report.UseColor(w, getenv)}
}

// styled is text already sanitized and coloured by paint.
type styled string

// paint colours s with an SGR code when colour is on; s is sanitized.
func (o *output) paint(code, s string) styled {
	s = report.Sanitize(s)
	if !o.color || s == "" {
		return styled(s)
	}
	return styled("\x1b[" + code + "m" + s + "\x1b[0m")
}

// sanitizeArgs escapes control characters in every string argument;
// styled arguments and non-strings pass as they are.
func sanitizeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, v := range args {
		switch x := v.(type) {
		case styled:
			out[i] = string(x)
		case string:
			out[i] = report.Sanitize(x)
		case fmt.Stringer:
			out[i] = report.Sanitize(x.String())
		case error:
			out[i] = report.Sanitize(x.Error())
		default:
			out[i] = v
		}
	}
	return out
}

// printf formats with sanitized arguments.
func (o *output) printf(format string, args ...any) {
	fmt.Fprintf(o.w, format, sanitizeArgs(args)...)
}

// text writes a block of dojo's own text (rendered Markdown whose source
// was sanitized, a report) unchanged.
func (o *output) text(s string) {
	_, _ = io.WriteString(o.w, s)
}

// table writes aligned columns; every cell is sanitized to one line.
// Widths are terminal columns (i18n.Width: a Japanese character takes
// two), so Japanese headers and titles line up; columns are separated by
// two spaces and the last one is not padded. A nil row is a blank line (a group
// separator).
func (o *output) table(header []string, rows [][]string) error {
	all := make([][]string, 0, len(rows)+1)
	all = append(all, header)
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = report.SanitizeLine(c)
		}
		all = append(all, cells)
	}
	var widths []int
	for _, r := range all {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], i18n.Width(c))
		}
	}
	var b strings.Builder
	for _, r := range all {
		for i, c := range r {
			if i == len(r)-1 || strings.TrimSpace(strings.Join(r[i+1:], "")) == "" {
				b.WriteString(c)
				break
			}
			b.WriteString(i18n.PadRight(c, widths[i]))
			b.WriteString("  ")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(o.w, b.String())
	return err
}

// json writes v as JSON (report.WriteJSON; JSON escapes control
// characters itself).
func (o *output) json(v any) error { return report.WriteJSON(o.w, v) }

// formatValue is a --format flag that only accepts the listed formats, so
// an unknown one is a usage error (exit 2) in every command.
type formatValue struct {
	value   string
	allowed []string
}

func (f *formatValue) String() string { return f.value }
func (f *formatValue) Type() string   { return "format" }
func (f *formatValue) Set(s string) error {
	if !slices.Contains(f.allowed, s) {
		return fmt.Errorf("unknown format %q: want %s", s, strings.Join(f.allowed, ", "))
	}
	f.value = s
	return nil
}

// formatFlag declares --format on cmd with the allowed formats and "text"
// as the default.
func formatFlag(cmd *cobra.Command, allowed ...string) *formatValue {
	f := &formatValue{value: "text", allowed: allowed}
	cmd.Flags().Var(f, "format", "output format: "+strings.Join(allowed, ", "))
	return f
}

// msg formats a message of the i18n catalog in the learner's language.
func (a *app) msg(key i18n.Key, args ...any) string {
	return i18n.NewPrinter(a.lang).Sprintf(key, args...)
}

// warn prints a warning on stderr in the learner's language.
func (a *app) warn(err error) { a.infof("%s", a.msg(i18n.MsgWarning, i18n.ErrorText(err))) }
