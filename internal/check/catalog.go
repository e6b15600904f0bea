package check

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/labdojo/labdojo/internal/scenario"
)

// Type describes one check type: its name, the fields of its block (beyond
// `on` and `title`) and its builder. Each type is declared next to its
// check, in its own file.
type Type struct {
	Name   string
	Fields []scenario.Field
	build  func(*fields, base) Check
}

// types lists every check type. It is a plain table filled at compile
// time; adding a check type means adding its file and a line here.
var types = []*Type{
	&commandType, &fileType, &packageType, &serviceType, &processType, &portType,
	&userType, &groupType, &sysctlType, &sshdType, &cronType,
	&httpType, &tcpType, &pingType, &dnsType, &routeType, &addressType,
}

// typeByName indexes types.
var typeByName = func() map[string]*Type {
	m := make(map[string]*Type, len(types))
	for _, t := range types {
		m[t.Name] = t
	}
	return m
}()

func req(name string, t cty.Type) scenario.Field {
	return scenario.Field{Name: name, Type: t, Required: true}
}
func opt(name string, t cty.Type) scenario.Field { return scenario.Field{Name: name, Type: t} }

var strList = cty.List(cty.String)

// Catalog returns the check types as the catalog the scenario loader
// requires (scenario.Options.Checks): field schemas for parsing, and
// Build's value checks for validation.
func Catalog() scenario.Catalog { return catalog{} }

type catalog struct{}

func (catalog) CheckType(name string) (scenario.CheckType, bool) {
	t, ok := typeByName[name]
	if !ok {
		return scenario.CheckType{}, false
	}
	return scenario.CheckType{Name: t.Name, Fields: append([]scenario.Field(nil), t.Fields...), Validate: validateSpec}, true
}

func (catalog) CheckTypes() []string {
	names := make([]string, 0, len(types))
	for _, t := range types {
		names = append(names, t.Name)
	}
	sort.Strings(names)
	return names
}

// validateSpec runs Build for its diagnostics.
func validateSpec(spec *scenario.CheckSpec) hcl.Diagnostics {
	_, d := Build(spec)
	return d
}
