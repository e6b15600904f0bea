package runbook

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// runStep runs a wrapped step with the host's bash, as a replay runs it on
// a node with `bash -s`.
func runStep(t *testing.T, s Step) (int, string) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	cmd := exec.Command(bash, "-s")
	cmd.Stdin = strings.NewReader(Script(s))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stderr.String()
}

func TestReplayFailureLine(t *testing.T) {
	doc := "# Fix the router\n\n## Forwarding\n\n```sh node=router\n" +
		"echo start\n" + // line 6
		"cat <<'EOF' >/dev/null\n" +
		"a heredoc line\n" +
		"EOF\n" +
		"if true; then\n" +
		"  echo inside\n" +
		"fi\n" +
		"false | cat\n" + // line 13: fails in a pipeline
		"echo never\n" +
		"```\n\n```sh node=web\necho ok\n```\n"
	rb, err := Parse(strings.NewReader(doc), "fix.md")
	if err != nil {
		t.Fatal(err)
	}
	code, stderr := runStep(t, rb.Steps[0])
	fe := Failure("fix.md", rb.Steps[0], code, stderr)
	if fe == nil || fe.Line != 13 || fe.Command != "false | cat" || fe.Exit != 1 || fe.Node != "router" || fe.Section != "Forwarding" {
		t.Fatalf("failure %+v (stderr %q)", fe, stderr)
	}
	if !strings.HasPrefix(fe.Error(), "fix.md:13: step on router (Forwarding) failed with exit code 1") {
		t.Errorf("message %q", fe.Error())
	}
	if code, stderr := runStep(t, rb.Steps[1]); Failure("fix.md", rb.Steps[1], code, stderr) != nil {
		t.Errorf("a passing step failed: %d %q", code, stderr)
	}

	// A command that is not found, with its message kept.
	rb, _ = Parse(strings.NewReader("```sh node=a\necho ok\nno-such-command-dojo --flag\n```\n"), "b.md")
	code, stderr = runStep(t, rb.Steps[0])
	fe = Failure("b.md", rb.Steps[0], code, stderr)
	if fe == nil || fe.Line != 3 || fe.Exit != 127 || !strings.Contains(fe.Error(), "not found") {
		t.Errorf("failure %+v", fe)
	}

	// Without the marker (the connection dropped, say) the fence is named.
	fe = Failure("c.md", Step{Node: "a", Fence: 7, Line: 8}, 255, "Connection closed\n")
	if fe.Line != 7 || fe.Error() != "c.md:7: step on a failed with exit code 255: Connection closed" {
		t.Errorf("no marker: %v", fe)
	}
}
