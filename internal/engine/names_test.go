package engine

import "testing"

// TestNamesNeverCollide checks that instance and node (or network) names
// cannot combine into one engine name in two ways, and that no lab network
// maps to the management network's name.
func TestNamesNeverCollide(t *testing.T) {
	if a, b := ContainerName("rel", "a-server"), ContainerName("rel-a", "server"); a == b {
		t.Errorf("container names collide: %s", a)
	}
	if a, b := NetworkName("rel", "a-lan"), NetworkName("rel-a", "lan"); a == b {
		t.Errorf("network names collide: %s", a)
	}
	if NetworkName("x", "mgmt") == MgmtNetworkName("x") {
		t.Error("a lab network named mgmt takes the management network's name")
	}
	for _, n := range []string{ContainerName("rel", "a-server"), NetworkName("rel", "a-lan"), MgmtNetworkName("rel")} {
		if len(n) < 2 || !validEngineName(n) {
			t.Errorf("%q is not a valid engine name", n)
		}
	}
}

// validEngineName is the engine's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]+.
func validEngineName(s string) bool {
	for i, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || i > 0 && (c == '_' || c == '.' || c == '-')
		if !ok {
			return false
		}
	}
	return true
}
