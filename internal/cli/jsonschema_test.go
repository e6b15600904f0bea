package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/spf13/cobra"
)

var (
	schemaOnce     sync.Once
	schemaCompiler *jsonschema.Compiler
	schemaErr      error
)

func docsDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "docs")
}

// validateJSONDoc validates doc against the definition def of
// docs/cli-json.schema.json, or against docs/check-json.schema.json for
// "check", with a JSON Schema 2020-12 validator (formats asserted).
func validateJSONDoc(def, doc string) error {
	schemaOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		for _, f := range []string{"cli-json.schema.json", "check-json.schema.json", "report-json.schema.json"} {
			data, err := os.ReadFile(filepath.Join(docsDir(), f))
			if err != nil {
				schemaErr = err
				return
			}
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
			if err != nil {
				schemaErr = fmt.Errorf("%s: %w", f, err)
				return
			}
			url := "mem://labdojo/" + f
			if f == "report-json.schema.json" {
				// cli-json.schema.json's $defs/report refers to it by its $id.
				url = "https://labdojo.dev/schema/report-json/v1"
			}
			if err := c.AddResource(url, v); err != nil {
				schemaErr = err
				return
			}
		}
		schemaCompiler = c
	})
	if schemaErr != nil {
		return schemaErr
	}
	loc := "mem://labdojo/cli-json.schema.json#/$defs/" + def
	if def == "check" {
		loc = "mem://labdojo/check-json.schema.json"
	}
	sch, err := schemaCompiler.Compile(loc)
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(doc)))
	if err != nil {
		return fmt.Errorf("not JSON: %w\n%s", err, doc)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("%v\n%s", err, doc)
	}
	return nil
}

// TestEveryJSONDocumentHasASchema: every command with --format json has a
// definition (and the scripts validate real output against each, see
// the jsonschema lines in testdata/script).
func TestEveryJSONDocumentHasASchema(t *testing.T) {
	a := &app{opts: Options{Getenv: func(string) string { return "" }}}
	root := a.rootCmd()
	scripts, _ := filepath.Glob("testdata/script/*.txt")
	var all []byte
	for _, f := range scripts {
		b, _ := os.ReadFile(f)
		all = append(all, b...)
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		fl := c.Flags().Lookup("format")
		if fl == nil {
			return
		}
		fv, ok := fl.Value.(*formatValue)
		if !ok || !slices.Contains(fv.allowed, "json") {
			return
		}
		if err := validateJSONDoc(c.Name(), `{}`); err == nil {
			t.Errorf("%s: an empty object passes its schema", c.Name())
		}
		if !bytes.Contains(all, []byte("jsonschema "+c.Name()+"\n")) {
			t.Errorf("no script validates `%s --format json` (add `jsonschema %s` after it)", c.CommandPath(), c.Name())
		}
	}
	walk(root)
}
