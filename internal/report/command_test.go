package report

import "testing"

func TestPersonCommand(t *testing.T) {
	for in, want := range map[string]string{
		"":                                "",
		"sh -c 'test -f /root/marker'":    "test -f /root/marker",
		`sh -c 'echo '\''hi'\'' | wc -c'`: `echo 'hi' | wc -c`,
		"sysctl -n net.ipv4.ip_forward":   "sysctl -n net.ipv4.ip_forward",
		"_s() { _n=$1; shift; printf '@@labdojo %s@@\\n' \"$_n\"; \"$@\" 2>&1; _r=$?; printf '\\n@@labdojo %s exit %d@@\\n' \"$_n\" \"$_r\"; return $_r; }\n_s passwd getent passwd 'deploy'\n_s groups id -nG 'deploy'\n": "getent passwd deploy ; id -nG deploy",
		"_s() { printf '@@labdojo %s@@'; }\nweird line\n": "weird line",
	} {
		if got := personCommand(in); got != want {
			t.Errorf("personCommand(%q) = %q, want %q", in, got, want)
		}
	}
}
