package check_test

import (
	"os"
	"testing"

	"github.com/labdojo/labdojo/internal/check"
	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/scenario"
	"github.com/zclconf/go-cty/cty"
)

func TestZZRenderBatch(t *testing.T) {
	out := os.Getenv("ZZ_OUT")
	if out == "" {
		t.Skip()
	}
	specs := []map[string]any{
		{"type": "file", "path": "/etc/hostname"},
		{"type": "file", "path": "/etc/ssh/sshd_config", "mode": "0644", "owner": "root"},
		{"type": "file", "path": "/etc/passwd", "contains": "root:"},
		{"type": "package", "name": "openssh-server"},
		{"type": "package", "name": "nginx-light"},
		{"type": "package", "name": "apache2", "installed": false},
		{"type": "service", "name": "ssh"},
		{"type": "service", "name": "nginx"},
		{"type": "process", "name": "sshd"},
		{"type": "port", "port": 22},
		{"type": "port", "port": 80},
		{"type": "user", "name": "root", "uid": 0},
		{"type": "group", "name": "sudo"},
		{"type": "sysctl", "key": "net.ipv4.ip_forward", "value": "0"},
		{"type": "sshd", "key": "PermitRootLogin", "value": "prohibit-password"},
		{"type": "command", "run": "uname -s", "contains": "Linux"},
		{"type": "address", "interface": "eth1", "address": "10.0.0.10/24"},
		{"type": "route", "destination": "10.0.0.0/24", "dev": "eth1"},
		{"type": "http", "url": "http://127.0.0.1/"},
		{"type": "tcp", "host": "10.0.0.10", "port": 80},
	}
	var scripts []string
	for i, m := range specs {
		s := &scenario.CheckSpec{On: "server", Fields: map[string]cty.Value{}}
		for k, v := range m {
			switch x := v.(type) {
			case string:
				if k == "type" {
					s.Type = x
				} else {
					s.Fields[k] = cty.StringVal(x)
				}
			case int:
				s.Fields[k] = cty.NumberIntVal(int64(x))
			case bool:
				s.Fields[k] = cty.BoolVal(x)
			}
		}
		c, d := check.Build(s)
		if d.HasErrors() {
			t.Fatal(d)
		}
		scripts = append(scripts, c.Script())
		os.WriteFile(out+"/p"+string(rune('a'+i))+".sh", []byte(c.Script()), 0o644)
	}
	os.WriteFile(out+"/batch.sh", []byte(grade.BatchScript("@@dojo-tok", scripts)), 0o644)
}
