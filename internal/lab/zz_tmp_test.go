package lab

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"
)

func BenchmarkTmpParseOnly(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("lab \"bench\" {\n  title = \"200 nodes\"\n}\n\n")
	sb.WriteString("defaults {\n  memory = \"128m\"\n  env = { LAB = \"bench\" }\n  file \"/etc/motd\" { content = file(\"motd\") }\n}\n\n")
	for i := range 20 {
		fmt.Fprintf(&sb, "network \"net%d\" {\n  subnet = \"10.%d.0.0/24\"\n}\n", i, i)
	}
	for i := range 200 {
		a, c := i%20, (i+1)%20
		fmt.Fprintf(&sb, `node "node%d" {
  title = "node ${%d}"
  interface "net%d" { address = "${cidrhost("10.%d.0.0/24", %d)}/24" }
  interface "net%d" { address = "10.%d.0.%d/24" }
  route {
    destination = "10.%d.0.0/24"
    via         = "10.%d.0.1"
  }
  file "/etc/node" {
    content = format("node-%%d", %d)
    mode    = "0644"
  }
  exec = ["echo %d"]
}
`, i, i, a, a, 10+i/20, c, c, 100+i/20, (a+2)%20, a, i, i)
	}
	src := []byte(sb.String())
	b.Logf("%d bytes", len(src))
	b.ReportAllocs()
	for b.Loop() {
		p := hclparse.NewParser()
		_, d := p.ParseHCL(src, "lab.hcl")
		if d.HasErrors() {
			b.Fatal(d)
		}
	}
}
