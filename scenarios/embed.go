// Package scenarios holds labdojo's bundled scenario catalog, embedded into
// the binary. Each directory holds a scenario.hcl, its BRIEF.md and its
// setup/ and solution/ scripts.
package scenarios

import (
	"embed"
	"io/fs"
)

//go:embed first-server static-routing dhcp-lan gateway-firewall web-outage web-tls team-share backup-restore floating-route office-design load-balancer ssh-bruteforce internal-dns db-app ospf-area0 central-logging monitoring patching ansible-web ospf-frr
var bundled embed.FS

// Bundled returns the embedded catalog; pass it to scenario.Discover and
// scenario.LoadFS.
func Bundled() fs.FS { return bundled }
