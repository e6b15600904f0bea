package check

import "testing"

func TestCommandSummary(t *testing.T) {
	helper := `_s() { _n=$1; shift; printf '@@labdojo %s@@\n' "$_n"; "$@" 2>&1; _r=$?; printf '\n@@labdojo %s exit %d@@\n' "$_n" "$_r"; return $_r; }` + "\n"
	cases := map[string]string{
		helper + "_s passwd 'getent' 'passwd' 'deploy' && _s groups 'id' '-nG' 'deploy'\n":                                        "getent passwd deploy ; id -nG deploy",
		"PATH=\"$PATH:/usr/sbin\"\n" + helper + "_s sshd 'sshd' '-T'\n":                                                           "sshd -T",
		helper + "_s stat 'stat' '-L' '-c' '%F|%a|%U|%G' '--' '/home/deploy'\n":                                                   "stat -L -c %F|%a|%U|%G -- /home/deploy",
		helper + "if x; then\n\t_s pidfile '_pf' '/run/nginx.pid' || _s service 'service' 'nginx' 'status'\nfi\n_s procs '_pn'\n": "pidfile (shell builtins) ; service nginx status ; procs (shell builtins)",
		"curl -sS 'http://x/'": "curl -sS 'http://x/'",
	}
	for in, want := range cases {
		if got := CommandSummary(in); got != want {
			t.Errorf("CommandSummary:\n got %q\nwant %q", got, want)
		}
	}
}

// The summary must follow the framing step() renders.
func TestCommandSummaryOfRenderedSteps(t *testing.T) {
	script := probe(chain(step("passwd", "getent", "passwd", "deploy"), step("groups", "id", "-nG", "deploy")))
	if got := CommandSummary(script); got != "getent passwd deploy ; id -nG deploy" {
		t.Errorf("got %q", got)
	}
}
