package evidence

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// checkSchema validates v against the subset of JSON Schema that
// docs/report-json.schema.json uses: type (a name or a list), const, enum,
// required, properties, additionalProperties=false, items, minimum,
// maximum, format=date-time. An unknown keyword is an error, so the
// schema cannot use one this check would silently skip.
func checkSchema(schema map[string]any, v any, path string) []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, path+": "+fmt.Sprintf(f, a...)) }
	for k := range schema {
		switch k {
		case "$schema", "$id", "title", "description", "type", "const", "enum", "required", "properties", "additionalProperties", "items", "minimum", "maximum", "format":
		default:
			bad("unsupported schema keyword %q", k)
		}
	}
	if t, ok := schema["type"]; ok {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, x.(string))
			}
		}
		match := false
		for _, typ := range types {
			switch typ {
			case "object":
				_, ok = v.(map[string]any)
			case "array":
				_, ok = v.([]any)
			case "string":
				_, ok = v.(string)
			case "boolean":
				_, ok = v.(bool)
			case "null":
				ok = v == nil
			case "number":
				_, ok = v.(float64)
			case "integer":
				f, isNum := v.(float64)
				ok = isNum && f == math.Trunc(f)
			default:
				ok = false
			}
			match = match || ok
		}
		if !match {
			bad("want %v, got %T (%v)", types, v, v)
			return errs
		}
	}
	if c, ok := schema["const"]; ok && c != v {
		bad("want %v, got %v", c, v)
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == v
		}
		if !found {
			bad("%v not in %v", v, enum)
		}
	}
	if f, ok := v.(float64); ok {
		if m, ok := schema["minimum"].(float64); ok && f < m {
			bad("%v < minimum %v", f, m)
		}
		if m, ok := schema["maximum"].(float64); ok && f > m {
			bad("%v > maximum %v", f, m)
		}
	}
	if s, ok := v.(string); ok && schema["format"] == "date-time" {
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			bad("not a date-time: %v", err)
		}
	}
	if obj, ok := v.(map[string]any); ok {
		props, _ := schema["properties"].(map[string]any)
		req, _ := schema["required"].([]any)
		for _, r := range req {
			if _, ok := obj[r.(string)]; !ok {
				bad("missing required %q", r)
			}
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub, ok := props[k].(map[string]any)
			if !ok {
				if schema["additionalProperties"] == false {
					bad("undocumented property %q", k)
				}
				continue
			}
			errs = append(errs, checkSchema(sub, obj[k], path+"."+k)...)
		}
	}
	if arr, ok := v.([]any); ok {
		if items, ok := schema["items"].(map[string]any); ok {
			for i, e := range arr {
				errs = append(errs, checkSchema(items, e, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func TestJSONMatchesSchema(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "report-json.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatalf("schema: %v", err)
	}
	minimal := &Document{Evidence: Evidence{Learner: "x", Started: t0, Generated: t0}}
	docs := map[string][]byte{
		"full":     signed(t, "ja", "json", 5, testSigner(1, LabelInstructor)),
		"unsigned": nil,
	}
	var b strings.Builder
	if err := Write(&b, minimal, "json", nil, t0); err != nil {
		t.Fatal(err)
	}
	docs["unsigned"] = []byte(b.String())
	solved := sample("en", 3)
	solved.Evidence.Solutions = []SolutionRun{{Time: t0.Add(time.Minute), Nodes: []string{"r1"}, Result: "cancelled"}}
	solved.Evidence.Timeline[2].AfterSolve = true
	b.Reset()
	if err := Write(&b, solved, "json", nil, t0); err != nil {
		t.Fatal(err)
	}
	docs["solved"] = []byte(b.String())
	for name, out := range docs {
		var v any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatal(err)
		}
		if errs := checkSchema(schema, v, "$"); len(errs) > 0 {
			t.Errorf("%s report does not match docs/report-json.schema.json:\n%s", name, strings.Join(errs, "\n"))
		}
	}
	// The check itself notices drift.
	var v map[string]any
	_ = json.Unmarshal(docs["full"], &v)
	v["surprise"] = 1
	v["goals"].([]any)[0].(map[string]any)["status"] = "pass"
	if errs := checkSchema(schema, v, "$"); len(errs) != 2 {
		t.Errorf("drift not caught: %v", errs)
	}
}
