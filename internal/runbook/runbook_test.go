package runbook

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/record"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var t0 = time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)

func cmds(start time.Duration, lines ...string) []record.Command {
	var out []record.Command
	for i, l := range lines {
		out = append(out, record.Command{Time: t0.Add(start + time.Duration(i)*time.Minute), Line: l, Prompt: "root@x:~# "})
	}
	return out
}

func sampleInput(lang string) DraftInput {
	web := cmds(10*time.Minute, "curl -s localhost", "exit")
	router := cmds(0, "ip -br addr", "sysctl -w net.ipv4.ip_forward=1", "vi /etc/sysctl.conf", "echo 'net.ipv4.ip_forward=1' > /etc/sysctl.d/90-fw.conf", "cat <<'EOF' > /etc/motd", "router ```", "exit", "EOF", "mysql -e 'select 1'", "sudo -i", "clear")
	router[5].Prompt, router[6].Prompt, router[7].Prompt = "> ", "> ", "> "
	router = append(router, record.Command{Time: t0.Add(30 * time.Minute), Line: "systemctl restart nginx", Uncertain: "Tab completion"})
	router = append(router, record.Command{Time: t0.Add(31 * time.Minute), Note: "recording stopped: size limit reached"})
	return DraftInput{Title: "Join two subnets", Scenario: "static-routing", Lab: "two-subnets", Instance: "static-routing", Lang: lang, Generated: t0.Add(time.Hour), Logs: []NodeLog{
		{Node: "web", Commands: web},
		{Node: "router", Commands: router},
		{Node: "client", Commands: cmds(20*time.Minute, "exit")}, // only noise: no section
		{Node: "idle"},
	}}
}

func TestDraftGoldenAndRoundTrip(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		var b bytes.Buffer
		if err := Draft(&b, sampleInput(lang)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join("testdata", "draft-"+lang+".md")
		if *update {
			if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (go test -update)", err)
		}
		if !bytes.Equal(want, b.Bytes()) {
			t.Errorf("%s differs from golden file (go test -update to accept):\n%s", p, b.String())
		}
		rb, err := Parse(bytes.NewReader(b.Bytes()), "draft.md")
		if err != nil {
			t.Fatal(err)
		}
		if rb.Scenario != "static-routing" || rb.Lab != "two-subnets" {
			t.Errorf("meta %+v", rb)
		}
		steps := rb.Steps
		if len(steps) != 2 || steps[0].Node != "router" || steps[1].Node != "web" {
			t.Fatalf("steps %+v", steps)
		}
		s := steps[0].Script
		for _, want := range []string{"sysctl -w net.ipv4.ip_forward=1\n", "# vi /etc/sysctl.conf\n", "cat <<'EOF' > /etc/motd\nrouter ```\nexit\nEOF\n", "mysql -e 'select 1'\n", "systemctl restart nginx\n"} {
			if !strings.Contains(s, want) {
				t.Errorf("router script lacks %q:\n%s", want, s)
			}
		}
		for _, gone := range []string{"sudo -i", "clear", "recording stopped", "\nvi "} {
			if strings.Contains(s, gone) {
				t.Errorf("router script holds %q", gone)
			}
		}
		if steps[1].Script != "curl -s localhost\n" {
			t.Errorf("web script %q", steps[1].Script)
		}
		// Line numbers point into the file.
		lines := strings.Split(b.String(), "\n")
		if got := lines[steps[0].Line-1]; got != "ip -br addr" {
			t.Errorf("step line %d is %q", steps[0].Line, got)
		}
		if !strings.HasPrefix(lines[steps[0].Fence-1], "````sh node=router") {
			t.Errorf("fence line %d is %q", steps[0].Fence, lines[steps[0].Fence-1])
		}
		if steps[0].Section != "1. router" {
			t.Errorf("section %q", steps[0].Section)
		}
	}
}

func TestParse(t *testing.T) {
	doc := "# Runbook\n\nSome prose with `inline` code.\n\n## Router\n\n```sh node=router\nsysctl -w net.ipv4.ip_forward=1\n```\n\n" +
		"```text\nnot run\n```\n\n```sh norun\necho example\n```\n\n" +
		"## Web servers\n\n~~~bash node=web-1,web-2\napt-get install -y nginx\n\n```\nstill inside\n~~~\n\n" +
		"  ```shell {node=\"client\"}\ncurl http://10.0.0.1/\n  ````\n"
	rb, err := Parse(strings.NewReader(doc), "rb.md")
	if err != nil {
		t.Fatal(err)
	}
	steps := rb.Steps
	want := []Step{
		{Node: "router", Script: "sysctl -w net.ipv4.ip_forward=1\n", Line: 8, Fence: 7, Section: "Router"},
		{Node: "web-1", Script: "apt-get install -y nginx\n\n```\nstill inside\n", Line: 22, Fence: 21, Section: "Web servers"},
		{Node: "web-2", Script: "apt-get install -y nginx\n\n```\nstill inside\n", Line: 22, Fence: 21, Section: "Web servers"},
		{Node: "client", Script: "curl http://10.0.0.1/\n", Line: 29, Fence: 28, Section: "Web servers"},
	}
	if len(steps) != len(want) {
		t.Fatalf("steps %+v", steps)
	}
	for i := range want {
		if steps[i] != want[i] {
			t.Errorf("step %d = %+v, want %+v", i, steps[i], want[i])
		}
	}
	if err := CheckNodes(steps, "rb.md", []string{"router", "web-1", "client"}); err == nil || err.Error() != `rb.md:21: node "web-2" is not in the lab (nodes: client, router, web-1)` {
		t.Errorf("CheckNodes: %v", err)
	}
	if err := CheckNodes(steps, "rb.md", []string{"router", "web-1", "web-2", "client"}); err != nil {
		t.Errorf("CheckNodes: %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"text\n\n```sh\nls\n```\n", "rb.md:3: shell code block without a node"},
		{"```sh node=router\nls\n", "rb.md:1: code block is not closed"},
		{"a\n```bash node=router\n\n  \n```\n", "rb.md:2: empty code block for node router"},
		{"```sh node=bad/name\nls\n```\n", "rb.md:1: invalid node name"},
	} {
		_, err := Parse(strings.NewReader(c.in), "rb.md")
		var re *Error
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || !errors.As(err, &re) {
			t.Errorf("Parse(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestDraftProgramInput(t *testing.T) {
	log := []record.Command{
		{Time: t0, Line: "sudo -u postgres psql", Prompt: "root@db:~# "},
		{Time: t0.Add(time.Second), Line: "CREATE USER app;", Prompt: "postgres=# "},
		{Time: t0.Add(2 * time.Second), Line: "\\q", Prompt: "postgres=# "},
		{Time: t0.Add(3 * time.Second), Line: "python3", Prompt: "root@db:~# "},
		{Time: t0.Add(4 * time.Second), Line: "print(1)", Prompt: ">>> "},
		{Time: t0.Add(5 * time.Second), Line: "cat > /etc/x <<EOF", Prompt: "$ "},
		{Time: t0.Add(6 * time.Second), Line: "a=1", Prompt: "> "},
		{Time: t0.Add(7 * time.Second), Line: "EOF", Prompt: "> "},
		{Time: t0.Add(8 * time.Second), Line: "systemctl restart postgresql"},
	}
	var b bytes.Buffer
	if err := Draft(&b, DraftInput{Scenario: "db", Lang: "en", Logs: []NodeLog{{Node: "db", Commands: log}}}); err != nil {
		t.Fatal(err)
	}
	rb, err := Parse(&b, "d.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "# dojo: an interactive program cannot be replayed; replace it with commands (e.g. a heredoc that writes the file)\n# sudo -u postgres psql\n" +
		"# dojo: typed into a program at the prompt \"postgres=#\", not run by the shell: CREATE USER app;\n" +
		"# dojo: typed into a program at the prompt \"postgres=#\", not run by the shell: \\q\n" +
		"# dojo: an interactive program cannot be replayed; replace it with commands (e.g. a heredoc that writes the file)\n# python3\n" +
		"# dojo: typed into a program at the prompt \">>>\", not run by the shell: print(1)\n" +
		"cat > /etc/x <<EOF\na=1\nEOF\nsystemctl restart postgresql\n"
	if len(rb.Steps) != 1 || rb.Steps[0].Script != want {
		t.Errorf("script:\n%s\nwant:\n%s", rb.Steps[0].Script, want)
	}
}
