package scenario

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// The loader's tests use their own catalog (package check, which owns the
// real one, imports this package); it mirrors the real field schemas.

func req(name string, t cty.Type) Field { return Field{Name: name, Type: t, Required: true} }
func opt(name string, t cty.Type) Field { return Field{Name: name, Type: t} }

var strList = cty.List(cty.String)

var testSchemas = map[string][]Field{
	"command": {req("run", cty.String), opt("exit_code", cty.Number), opt("stdout", cty.String),
		opt("contains", cty.String), opt("matches", cty.String), opt("stderr_contains", cty.String)},
	"file": {req("path", cty.String), opt("exists", cty.Bool), opt("type", cty.String), opt("mode", cty.String),
		opt("owner", cty.String), opt("group", cty.String), opt("contains", cty.String), opt("matches", cty.String)},
	"package": {req("name", cty.String), opt("installed", cty.Bool), opt("version", cty.String)},
	"service": {req("name", cty.String), opt("running", cty.Bool)},
	"process": {req("name", cty.String), opt("running", cty.Bool), opt("user", cty.String)},
	"port": {req("port", cty.Number), opt("protocol", cty.String), opt("listening", cty.Bool),
		opt("address", cty.String)},
	"user": {req("name", cty.String), opt("exists", cty.Bool), opt("uid", cty.Number), opt("groups", strList),
		opt("shell", cty.String), opt("home", cty.String)},
	"group":   {req("name", cty.String), opt("exists", cty.Bool), opt("members", strList)},
	"sysctl":  {req("key", cty.String), req("value", cty.String)},
	"sshd":    {req("key", cty.String), req("value", cty.String)},
	"http":    {req("url", cty.String), opt("status", cty.Number), opt("contains", cty.String), opt("matches", cty.String)},
	"tcp":     {req("host", cty.String), req("port", cty.Number), opt("expect", cty.String)},
	"ping":    {req("host", cty.String), opt("expect", cty.String)},
	"dns":     {req("name", cty.String), opt("address", cty.String), opt("server", cty.String), opt("type", cty.String), opt("expect", cty.String)},
	"route":   {req("destination", cty.String), opt("via", cty.String), opt("dev", cty.String)},
	"address": {req("interface", cty.String), req("address", cty.String), opt("present", cty.Bool)},
	"cron":    {opt("user", cty.String), req("contains", cty.String)},
}

type mapCatalog struct {
	schemas  map[string][]Field
	validate func(*CheckSpec) hcl.Diagnostics
}

func (c mapCatalog) CheckType(name string) (CheckType, bool) {
	f, ok := c.schemas[name]
	return CheckType{Name: name, Fields: f, Validate: c.validate}, ok
}

func (c mapCatalog) CheckTypes() []string {
	var names []string
	for n := range c.schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var testCatalog = mapCatalog{schemas: testSchemas}
