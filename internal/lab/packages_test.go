package lab

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestPackagesAndServices(t *testing.T) {
	src := `lab "pk" {}
network "lan" { subnet = "10.0.0.0/24" }
defaults {
  packages = ["tcpdump"]
}
node "db" {
  packages = ["postgresql", "tcpdump"]
  services = ["postgresql"]
  interface "lan" {}
}
node "web" {
  interface "lan" {}
}
`
	l, _, diags := LoadFS(fstest.MapFS{"lab.hcl": {Data: []byte(src)}}, "lab.hcl", Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	db, web := l.Nodes[0], l.Nodes[1]
	if strings.Join(db.Packages, ",") != "postgresql,tcpdump" || strings.Join(db.Services, ",") != "postgresql" ||
		!strings.HasSuffix(db.PackagesAt, "lab.hcl:7:14") {
		t.Fatalf("db: %q %q %q", db.Packages, db.Services, db.PackagesAt)
	}
	if strings.Join(web.Packages, ",") != "tcpdump" || len(web.Services) != 0 || !strings.HasSuffix(web.PackagesAt, "lab.hcl:4:14") {
		t.Fatalf("web: %q %q %q", web.Packages, web.Services, web.PackagesAt)
	}

	bad := strings.Replace(src, `["postgresql", "tcpdump"]`, `["Postgres SQL"]`, 1)
	bad = strings.Replace(bad, `services = ["postgresql"]`, `services = ["x; reboot"]`, 1)
	_, _, diags = LoadFS(fstest.MapFS{"lab.hcl": {Data: []byte(bad)}}, "lab.hcl", Options{})
	var sums []string
	for _, d := range diags {
		sums = append(sums, d.Summary)
	}
	if msg := strings.Join(sums, "; "); msg != "Invalid package name; Invalid service name" {
		t.Fatalf("diags: %v", diags)
	}
}
