package check

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labdojo/labdojo/internal/i18n"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// goldenCase is one recorded probe output (testdata/cases/NAME.json).
type goldenCase struct {
	Check struct {
		Type   string         `json:"type"`
		On     string         `json:"on"`
		Title  string         `json:"title"`
		Fields map[string]any `json:"fields"`
	} `json:"check"`
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	Exit   int    `json:"exit"`
	Err    string `json:"err"`
}

// golden is what a case must produce (testdata/golden/NAME.json).
type golden struct {
	Describe string `json:"describe"`
	Script   string `json:"script"`
	Status   string `json:"status"`
	Expected string `json:"expected"`
	Observed string `json:"observed"`
	Message  string `json:"message"`
	// Japanese is the same three texts in Japanese, as a report in
	// Japanese prints them.
	Japanese struct {
		Describe string `json:"describe"`
		Expected string `json:"expected"`
		Observed string `json:"observed"`
		Message  string `json:"message"`
	} `json:"ja"`
	Evidence struct {
		ExitCode int    `json:"exit_code"`
		Output   string `json:"output"`
	} `json:"evidence"`
}

// toCty converts JSON-decoded values the way the scenario loader would.
func toCty(v any) cty.Value {
	switch x := v.(type) {
	case string:
		return cty.StringVal(x)
	case float64:
		return cty.NumberFloatVal(x)
	case int:
		return cty.NumberIntVal(int64(x))
	case bool:
		return cty.BoolVal(x)
	case []any:
		var l []cty.Value
		for _, e := range x {
			l = append(l, toCty(e))
		}
		if len(l) == 0 {
			return cty.ListValEmpty(cty.String)
		}
		return cty.ListVal(l)
	}
	panic(fmt.Sprintf("unsupported field value %T", v))
}

func specOf(typ, on string, fields map[string]any) *scenario.CheckSpec {
	s := &scenario.CheckSpec{Type: typ, On: on, Fields: map[string]cty.Value{}}
	for k, v := range fields {
		s.Fields[k] = toCty(v)
	}
	return s
}

func TestGolden(t *testing.T) {
	paths, err := filepath.Glob("testdata/cases/*.json")
	if err != nil || len(paths) < 100 {
		t.Fatalf("cases: %d, %v", len(paths), err)
	}
	seenTypes := map[string]map[string]bool{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".json")
		t.Run(name, func(t *testing.T) {
			var gc goldenCase
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &gc); err != nil {
				t.Fatal(err)
			}
			spec := specOf(gc.Check.Type, gc.Check.On, gc.Check.Fields)
			spec.Title = gc.Check.Title
			c, diags := Build(spec)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			out := Output{Stdout: []byte(gc.Stdout), Stderr: []byte(gc.Stderr), ExitCode: gc.Exit}
			if gc.Err != "" {
				out.Err = errors.New(gc.Err)
			}
			r := c.Judge(out)
			if seenTypes[c.Type()] == nil {
				seenTypes[c.Type()] = map[string]bool{}
			}
			seenTypes[c.Type()][r.Status.String()] = true
			var g golden
			g.Describe, g.Script = c.Describe(), c.Script()
			g.Status, g.Expected, g.Observed, g.Message = r.Status.String(), r.Expected, r.Observed, r.Message
			g.Japanese.Describe = DescribeText(c).In(i18n.Japanese)
			if DescribeText(c).In(i18n.English) != c.Describe() {
				t.Errorf("English description differs from Describe")
			}
			g.Japanese.Expected, g.Japanese.Observed, g.Japanese.Message = r.ExpectedIn(i18n.Japanese), r.ObservedIn(i18n.Japanese), r.MessageIn(i18n.Japanese)
			// Every judge speaks through the catalog: its texts have a
			// language-neutral form whose English is the string fields.
			if r.Text == nil || r.Text.Expected == nil || r.Text.Observed == nil {
				t.Errorf("result has no catalog text: %+v", r.Text)
			} else if r.ExpectedIn(i18n.English) != r.Expected || r.ObservedIn(i18n.English) != r.Observed || r.MessageIn(i18n.English) != r.Message {
				t.Errorf("English rendering differs from the string fields")
			}
			g.Evidence.ExitCode, g.Evidence.Output = r.Evidence.ExitCode, r.Evidence.Output
			if r.Evidence.Command != c.Script() || c.Node() != gc.Check.On || c.Type() != gc.Check.Type {
				t.Errorf("evidence command / node / type mismatch")
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(g); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			gp := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(gp, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(gp)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/check -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("golden mismatch for %s:\n--- got\n%s\n--- want\n%s", name, got, want)
			}
		})
	}
	// Every type has recorded pass, fail and error outputs where it can
	// produce them.
	for _, typ := range Catalog().CheckTypes() {
		for _, st := range []string{"pass", "fail", "error"} {
			if !seenTypes[typ][st] {
				t.Errorf("no %s case for check type %s", st, typ)
			}
		}
	}
}

func TestEvidenceCapped(t *testing.T) {
	c, _ := Build(specOf("command", "n", map[string]any{"run": "yes", "contains": "é"}))
	big := strings.Repeat("é", 4000)
	r := c.Judge(Output{Stdout: []byte(big), Stderr: []byte("warn")})
	if len(r.Evidence.Output) > maxEvidence+40 || !strings.Contains(r.Evidence.Output, "more bytes") {
		t.Errorf("evidence not capped: %d bytes", len(r.Evidence.Output))
	}
	if !strings.HasPrefix(r.Evidence.Output, "é") || strings.ContainsRune(r.Evidence.Output, '\uFFFD') {
		t.Errorf("evidence cut inside a rune")
	}
	if r.Status != Pass || len(r.Observed) > 200 {
		t.Errorf("status %v observed %d bytes", r.Status, len(r.Observed))
	}
}
