package lab

import (
	"io"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// Files holds the parsed source files of one or more loads, keyed by the
// file name used in diagnostics, so that diagnostics can print source
// snippets. The zero value and a nil *Files are empty and usable.
type Files struct {
	m map[string]*hcl.File
}

// Map returns the files keyed by diagnostic file name. The map must not be
// modified by the caller.
func (f *Files) Map() map[string]*hcl.File {
	if f == nil {
		return nil
	}
	return f.m
}

// Add records a parsed file under name, replacing any earlier file with that
// name.
func (f *Files) Add(name string, file *hcl.File) {
	if f.m == nil {
		f.m = make(map[string]*hcl.File)
	}
	f.m[name] = file
}

// Merge adds every file of other to f (other may be nil).
func (f *Files) Merge(other *Files) {
	for name, file := range other.Map() {
		f.Add(name, file)
	}
}

// Names returns the recorded file names in sorted order.
func (f *Files) Names() []string {
	names := make([]string, 0, len(f.Map()))
	for n := range f.Map() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// WriteDiagnostics prints diags in HashiCorp's text format (the one Terraform
// and Packer print), with source snippets taken from files. width is the
// terminal width used for wrapping (0 = no wrapping); color enables ANSI
// colours.
func WriteDiagnostics(w io.Writer, files *Files, diags hcl.Diagnostics, color bool, width uint) error {
	return hcl.NewDiagnosticTextWriter(w, files.Map(), width, color).WriteDiagnostics(diags)
}

// JSONDiagnostic is the machine-readable form of one diagnostic, shaped like
// the entries of `terraform validate -json`.
type JSONDiagnostic struct {
	Severity string     `json:"severity"` // "error" or "warning"
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail,omitempty"`
	Range    *JSONRange `json:"range,omitempty"`
}

// JSONRange is a source range of a JSONDiagnostic.
type JSONRange struct {
	Filename string  `json:"filename"`
	Start    JSONPos `json:"start"`
	End      JSONPos `json:"end"`
}

// JSONPos is a position in a source file: 1-based line and column, 0-based
// byte offset.
type JSONPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// DiagnosticsJSON converts diags to their JSON form, in the same order. It
// never returns nil, so an empty result encodes as [].
func DiagnosticsJSON(diags hcl.Diagnostics) []JSONDiagnostic {
	out := make([]JSONDiagnostic, 0, len(diags))
	for _, d := range diags {
		if d == nil {
			continue
		}
		j := JSONDiagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			j.Severity = "warning"
		}
		if d.Subject != nil {
			r := *d.Subject
			j.Range = &JSONRange{
				Filename: r.Filename,
				Start:    JSONPos{Line: r.Start.Line, Column: r.Start.Column, Byte: r.Start.Byte},
				End:      JSONPos{Line: r.End.Line, Column: r.End.Column, Byte: r.End.Byte},
			}
		}
		out = append(out, j)
	}
	return out
}

// dedupe removes diagnostics identical in severity, summary, detail and
// subject (count expansion evaluates one expression many times).
func dedupe(diags hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		sev             hcl.DiagnosticSeverity
		summary, detail string
		rng             hcl.Range
	}
	seen := make(map[key]bool, len(diags))
	out := diags[:0]
	for _, d := range diags {
		k := key{sev: d.Severity, summary: d.Summary, detail: d.Detail}
		if d.Subject != nil {
			k.rng = *d.Subject
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}
