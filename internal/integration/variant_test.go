package integration

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPostgresVariant: a node with packages = ["postgresql"] runs an image
// variant; PostgreSQL starts at boot only where the lab lists the service,
// psql works over `dojo ssh`, and a misspelt package is refused before
// anything is created.
func TestPostgresVariant(t *testing.T) {
	dir := t.TempDir()
	lab := `lab "pg-variant" { title = "PostgreSQL variant" }

network "lan" { subnet = "10.66.1.0/24" }

node "db" {
  packages = ["postgresql"]
  services = ["postgresql"]
  interface "lan" { address = "10.66.1.10/24" }
}

node "idle" {
  packages = ["postgresql"]
  interface "lan" { address = "10.66.1.11/24" }
}

node "plain" {
  interface "lan" { address = "10.66.1.12/24" }
}
`
	if err := os.WriteFile(filepath.Join(dir, "lab.hcl"), []byte(lab), 0o644); err != nil {
		t.Fatal(err)
	}
	defer dojo(t, "down", "it-pg")
	mustDojo(t, "up", dir, "--name", "it-pg")

	r := mustDojo(t, "ssh", "it-pg/db", "--", "sudo -u postgres psql -Atc 'select 40+2'")
	if strings.TrimSpace(r.stdout) != "42" {
		t.Fatalf("psql on db: %q %q", r.stdout, r.stderr)
	}
	// Installed but not listed in services: not running.
	if r := dojo(t, "ssh", "it-pg/idle", "--", "pgrep -x postgres"); r.code == 0 {
		t.Fatalf("postgres runs on idle without services: %q", r.stdout)
	}
	mustDojo(t, "ssh", "it-pg/idle", "--", "test -x /usr/lib/postgresql/15/bin/postgres")
	if r := dojo(t, "ssh", "it-pg/plain", "--", "dpkg-query -W postgresql"); r.code == 0 {
		t.Fatalf("plain node has postgresql: %q", r.stdout)
	}
	// db and idle share one image; plain runs the default image.
	ls := mustDojo(t, "image", "ls")
	var variant, base bool
	for _, line := range strings.Split(ls.stdout, "\n") {
		f := strings.Fields(line)
		if len(f) > 3 && slices.Contains(strings.Split(f[len(f)-1], ","), "it-pg") {
			variant = variant || f[2] == "postgresql"
			base = base || f[2] == "(default)"
		}
	}
	if !variant || !base {
		t.Fatalf("image ls does not show the variant and the default image used by it-pg:\n%s", ls.stdout)
	}

	bad := strings.Replace(lab, `packages = ["postgresql"]
  services`, `packages = ["postgresq"]
  services`, 1)
	bdir := t.TempDir()
	if err := os.WriteFile(filepath.Join(bdir, "lab.hcl"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r = dojo(t, "up", bdir, "--name", "it-pgbad")
	if r.code != 2 || !strings.Contains(r.stderr, `package "postgresq"`) || !strings.Contains(r.stderr, "postgresql") ||
		!strings.Contains(r.stderr, "lab.hcl:6:") {
		t.Fatalf("misspelt package: exit %d\n%s", r.code, r.stderr)
	}
	requireGone(t, "it-pgbad")
}
