package evidence

import (
	"bytes"
	"errors"
	"flag"
	"html"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labdojo/labdojo/internal/grade"
	"github.com/labdojo/labdojo/internal/record"
	"golang.org/x/crypto/ssh"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from golden file (go test -update to accept); first difference at %s", name, firstDiff(want, got))
	}
}

func signed(t testing.TB, lang, format string, runs int, s *Signer) []byte {
	t.Helper()
	doc := sample(lang, runs)
	var b bytes.Buffer
	if err := Write(&b, doc, format, s, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"mysql -uroot -pS3cret! -e 'select 1'", "mysql -uroot -p[REDACTED] -e 'select 1'"},
		{"mysql -u root -p", "mysql -u root -p"},
		{"curl http://admin:hunter2@10.0.0.1/", "curl http://admin:[REDACTED]@10.0.0.1/"},
		{"export DB_PASSWORD=abc123", "export DB_PASSWORD=[REDACTED]"},
		{"export API_TOKEN='x y z'", "export API_TOKEN=[REDACTED]"},
		{"password: hello", "password: [REDACTED]"},
		{"app --password hunter2 --user bob", "app --password [REDACTED] --user bob"},
		{"app --token=abc", "app --token=[REDACTED]"},
		{"CREATE USER 'app'@'%' IDENTIFIED BY 'pw';", "CREATE USER 'app'@'%' IDENTIFIED BY '[REDACTED]';"},
		{"echo 'alice:Secr3t' | chpasswd", "echo 'alice:[REDACTED]' | chpasswd"},
		{"curl -H 'Authorization: Bearer abc.def.ghi' x", "curl -H 'Authorization: Bearer [REDACTED]' x"},
		{"git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/x", "git clone https://[REDACTED]@github.com/x"},
		{"aws AKIAABCDEFGHIJKLMNOP", "aws [REDACTED]"},
		{"cat <<EOF\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\nEOF", "cat <<EOF\n[REDACTED PRIVATE KEY]\nEOF"},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIEow (cut)", "[REDACTED PRIVATE KEY]"},
		{"sshpass -p 'hunter2' ssh root@10.0.0.1", "sshpass -p [REDACTED] ssh root@10.0.0.1"},
		{"useradd -m -p '$6$abc$def' bob", "useradd -m -p [REDACTED] bob"},
		{"curl -u admin:hunter2 http://x/", "curl -u admin:[REDACTED] http://x/"},
		{"curl --user 'admin:hunter2' http://x/", "curl --user 'admin:[REDACTED]' http://x/"},
		{"openssl rsa -in k -passin pass:hunter2", "openssl rsa -in k -passin pass:[REDACTED]"},
		{"htpasswd -cb /etc/nginx/.htpasswd alice hunter2", "htpasswd -cb /etc/nginx/.htpasswd alice [REDACTED]"},
		{"export PGPASSWORD=hunter2; psql", "export PGPASSWORD=[REDACTED]; psql"},
		// Ordinary commands stay as they are.
		{"curl -u admin http://x/", "curl -u admin http://x/"},
		{"useradd -m bob", "useradd -m bob"},
		{"ps -p 1", "ps -p 1"},
		{"passwd alice", "passwd alice"},
		{"sysctl -w net.ipv4.ip_forward=1", "sysctl -w net.ipv4.ip_forward=1"},
		{"ssh-keygen -t ed25519 -f /root/.ssh/id", "ssh-keygen -t ed25519 -f /root/.ssh/id"},
		{"grep -r PasswordAuthentication /etc/ssh", "grep -r PasswordAuthentication /etc/ssh"},
		{"sed -i 's/^#PasswordAuthentication yes/PasswordAuthentication no/' /etc/ssh/sshd_config", "sed -i 's/^#PasswordAuthentication yes/PasswordAuthentication no/' /etc/ssh/sshd_config"},
	} {
		got, n := Redact(c.in)
		if got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
		if (n > 0) != (c.in != c.want) {
			t.Errorf("Redact(%q) counted %d", c.in, n)
		}
	}
	doc := sample("en", 3)
	if doc.Redactions != 20 { // two per node: mysql -p, URL
		t.Errorf("Redactions = %d, want 20", doc.Redactions)
	}
	for _, f := range Formats() {
		b := signed(t, "en", f, 3, testSigner(1, LabelSelfCheck))
		for _, secret := range []string{"S3cret!", "hunter2"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s report contains %q", f, secret)
			}
		}
	}
}

func TestLabelsComplete(t *testing.T) {
	for k, v := range labels {
		if strings.TrimSpace(v[0]) == "" || strings.TrimSpace(v[1]) == "" {
			t.Errorf("label %q lacks a translation: %q", k, v)
		}
		if strings.Count(v[0], "%") != strings.Count(v[1], "%") {
			t.Errorf("label %q: verbs differ between en and ja", k)
		}
	}
	if !strings.Contains(Disclaimer("en"), "cannot prove") || !strings.Contains(Disclaimer("ja"), "証明できないこと") {
		t.Error("disclaimer must say what the signature cannot prove")
	}
}

func TestGolden(t *testing.T) {
	for _, c := range []struct{ lang, format string }{{"en", "md"}, {"ja", "md"}, {"en", "json"}} {
		golden(t, "report-"+c.lang+"."+c.format, signed(t, c.lang, c.format, 6, testSigner(1, LabelSelfCheck)))
	}
}

func TestVerifyEachFormat(t *testing.T) {
	s := testSigner(2, LabelInstructor)
	for _, f := range Formats() {
		b := signed(t, "ja", f, 20, s)
		v, err := Verify(b, VerifyOptions{Expected: s.Public()})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if v.Format != f || !v.RenderingChecked || v.Label != LabelInstructor || v.Fingerprint != ssh.FingerprintSHA256(s.Public()) || !strings.HasPrefix(v.Fingerprint, "SHA256:") {
			t.Errorf("%s: %+v", f, v)
		}
		if v.Evidence.Score != 85 || v.Evidence.Learner == "" || len(v.Evidence.Timeline) != 20 {
			t.Errorf("%s: evidence not returned: %+v", f, v.Evidence)
		}
		for _, lang := range []string{"en", "ja"} {
			s := v.Summary(lang)
			for _, want := range []string{v.Fingerprint, "85/100", "office-routing", "byte"} {
				if lang == "ja" && want == "byte" {
					want = "バイト"
				}
				if !strings.Contains(s, want) {
					t.Errorf("%s summary (%s) lacks %q:\n%s", f, lang, want, s)
				}
			}
		}
	}
}

// TestVerifyDetectsEveryByte changes single bytes at many positions of
// each rendering; every change must fail verification.
func TestVerifyDetectsEveryByte(t *testing.T) {
	s := testSigner(3, LabelSelfCheck)
	r := rand.New(rand.NewSource(1))
	for _, f := range Formats() {
		orig := signed(t, "en", f, 10, s)
		positions := []int{0, len(orig) - 1, len(orig) / 2}
		step := max(1, len(orig)/150)
		if testing.Short() {
			step = max(1, len(orig)/40)
		}
		for p := 0; p < len(orig); p += step {
			positions = append(positions, p)
		}
		// Every byte of the signature block and of the score.
		for _, marker := range []string{`"signature"`, `"score"`, `"value"`, `"learner"`} {
			i := bytes.LastIndex(orig, []byte(marker))
			for p := i; p >= 0 && p < i+40 && p < len(orig); p++ {
				positions = append(positions, p)
			}
		}
		for _, p := range positions {
			b := bytes.Clone(orig)
			old := b[p]
			for b[p] == old {
				b[p] = byte(r.Intn(95) + 32)
			}
			if _, err := Verify(b, VerifyOptions{}); err == nil {
				t.Fatalf("%s: changing byte %d (%q -> %q) went unnoticed", f, p, old, b[p])
			}
		}
		// Removing or adding a byte too.
		if _, err := Verify(orig[:len(orig)-1], VerifyOptions{}); err == nil {
			t.Errorf("%s: truncation went unnoticed", f)
		}
		if _, err := Verify(append(bytes.Clone(orig), ' '), VerifyOptions{}); err == nil {
			t.Errorf("%s: an appended byte went unnoticed", f)
		}
	}
}

func TestVerifyRejects(t *testing.T) {
	s := testSigner(4, LabelSelfCheck)
	other := testSigner(5, LabelSelfCheck)
	b := signed(t, "en", "html", 3, s)
	if _, err := Verify(b, VerifyOptions{Expected: other.Public()}); !errors.Is(err, ErrWrongKey) {
		t.Errorf("other key: %v", err)
	}
	// Re-signing changed data with another key verifies only without the
	// expected key.
	doc := sample("en", 3)
	doc.Score = 100
	var forged bytes.Buffer
	if err := Write(&forged, doc, "html", other, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(forged.Bytes(), VerifyOptions{Expected: s.Public()}); !errors.Is(err, ErrWrongKey) {
		t.Errorf("forged with another key: %v", err)
	}
	var unsigned bytes.Buffer
	if err := Write(&unsigned, sample("en", 3), "md", nil, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(unsigned.Bytes(), VerifyOptions{}); !errors.Is(err, ErrNotSigned) {
		t.Errorf("unsigned: %v", err)
	}
	if _, err := Verify([]byte("# hello\n"), VerifyOptions{}); !errors.Is(err, ErrNotReport) {
		t.Errorf("not a report: %v", err)
	}
	// Two embedded reports: refused.
	twice := append(bytes.Clone(b), b...)
	if _, err := Verify(twice, VerifyOptions{}); err == nil {
		t.Error("a file with two embedded reports verified")
	}
	// A signature made for md pasted into json: the format is signed.
	md := signed(t, "en", "md", 3, s)
	i := bytes.Index(md, []byte(mdOpen)) + len(mdOpen)
	j := bytes.Index(md[i:], []byte("\n-->"))
	if _, err := Verify(md[i:i+j], VerifyOptions{}); !errors.Is(err, ErrModified) {
		t.Errorf("md data as json: %v", err)
	}
	// A different renderer: the data is verified, the view is not claimed.
	doc = sample("en", 3)
	var buf bytes.Buffer
	if err := Sign(doc, "json", s, t0); err != nil {
		t.Fatal(err)
	}
	doc.Signature.Renderer = "labdojo.render/0"
	_ = Render(&buf, doc, "json")
	if _, err := Verify(buf.Bytes(), VerifyOptions{}); !errors.Is(err, ErrBadSignature) {
		t.Errorf("renderer field is signed: %v", err)
	}
}

func TestVerifyOtherRenderer(t *testing.T) {
	// Sign as an older renderer would have: data verified, view not.
	s := testSigner(6, LabelSelfCheck)
	doc := sample("en", 3)
	old := rendererName
	rendererName = "labdojo.render/0"
	var buf bytes.Buffer
	err := Write(&buf, doc, "md", s, t0)
	rendererName = old
	if err != nil {
		t.Fatal(err)
	}
	v, err := Verify(buf.Bytes(), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v.RenderingChecked || len(v.Warnings) != 1 {
		t.Errorf("other renderer: %+v", v)
	}
}

func TestCanonical(t *testing.T) {
	got, err := Canonical(map[string]any{"b": 1, "a": []any{"<x>", 2.5, true}, "c": map[string]any{"z": nil, "y": "é"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":["<x>",2.5,true],"b":1,"c":{"y":"é","z":null}}`; string(got) != want {
		t.Errorf("Canonical = %s, want %s", got, want)
	}
}

func TestFirstPasses(t *testing.T) {
	runs := []HistoryRun{
		{Time: t0.Add(10 * time.Minute), Goals: map[string]string{"a": "passed", "b": "failed"}},
		{Time: t0.Add(5 * time.Minute), Goals: map[string]string{"a": "failed", "b": "failed"}},
		{Time: t0.Add(20 * time.Minute), Goals: map[string]string{"a": "failed", "b": "passed"}},
		{Time: t0.Add(30 * time.Minute), Goals: map[string]string{"a": "passed", "b": "passed"}},
	}
	got := FirstPasses(t0, runs)
	if got["a"] != 600 || got["b"] != 1200 || len(got) != 2 {
		t.Errorf("FirstPasses = %v", got)
	}
}

func TestListedRuns(t *testing.T) {
	runs := []Run{{Score: 0}, {Score: 0}, {Score: 10}, {Score: 10}, {Score: 10, Passed: true}, {Score: 10, Passed: true}, {Score: 10, Passed: true}}
	got := listedRuns(runs)
	want := []int{0, 2, 4, 6}
	if len(got) != len(want) {
		t.Fatalf("listedRuns = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("listedRuns = %v, want %v", got, want)
		}
	}
	if listedRuns(nil) != nil {
		t.Error("no runs: want none listed")
	}
}

func TestFill(t *testing.T) {
	res := &grade.Result{Score: 25, MaxScore: 40, Percent: 62.5, PassPercent: 60, Passed: true, Goals: []grade.GoalResult{
		{Name: "a", Title: "A", Status: grade.StatusPassed, Points: 20, Awarded: 15, HintPenalty: 5},
		{Name: "b", Title: "B", Status: grade.StatusPassed, Points: 10, Awarded: 10},
		{Name: "c", Title: "C", Status: grade.StatusFailed, Points: 10},
	}}
	hist := []HistoryRun{
		{Time: t0.Add(5 * time.Minute), Score: 0, Max: 40, Goals: map[string]string{"a": "failed", "b": "passed", "c": "failed"}, DurationSeconds: 1.5},
		{Time: t0.Add(9 * time.Minute), Score: 25, Max: 40, Percent: 62.5, Passed: true, Goals: map[string]string{"a": "passed", "b": "passed", "c": "failed"}},
	}
	hints := []Hint{{Time: t0.Add(time.Minute), Goal: "a", Cost: 5}}
	e := &Evidence{Started: t0}
	e.Fill(res, hist, hints)
	if e.Score != 25 || e.MaxScore != 40 || e.PassPercent != 60 || !e.Passed || !e.Finished.Equal(t0.Add(9*time.Minute)) {
		t.Errorf("outcome %+v", e)
	}
	a, b, c := e.Goals[0], e.Goals[1], e.Goals[2]
	if a.Points != 15 || a.MaxPoints != 20 || a.Penalty != 5 || a.HintsUsed != 1 || a.FirstPassSeconds == nil || *a.FirstPassSeconds != 540 {
		t.Errorf("goal a %+v", a)
	}
	if b.FirstPassSeconds == nil || *b.FirstPassSeconds != 300 || c.FirstPassSeconds != nil || c.Status != grade.StatusFailed {
		t.Errorf("goals b %+v c %+v", b, c)
	}
	if len(e.Timeline) != 2 || e.Timeline[0].GoalsPassed != 1 || e.Timeline[1].GoalsPassed != 2 || e.Timeline[0].Goals != 3 || e.Timeline[0].DurationSeconds != 1.5 {
		t.Errorf("timeline %+v", e.Timeline)
	}
}

func TestProcedure(t *testing.T) {
	log := []record.Command{
		{Time: t0, Line: "ip a"},
		{Time: t0.Add(time.Second), Line: "  "},
		{Time: t0.Add(2 * time.Second), Line: "systemctl restart nginx", Uncertain: "Tab completion"},
		{Time: t0.Add(3 * time.Second), Note: record.NoteCapped},
	}
	p := Procedure("web", log)
	if p.Node != "web" || !p.Truncated || len(p.Commands) != 2 || p.Commands[1].Line != "systemctl restart nginx" {
		t.Errorf("Procedure = %+v", p)
	}
	if p := Procedure("x", nil); p.Truncated || p.Commands == nil {
		t.Errorf("empty log: %+v", p)
	}
}

// TestVerifyOddContent: text a learner typed may hold invalid UTF-8,
// control characters, or the very markers that delimit the embedded data.
func TestVerifyOddContent(t *testing.T) {
	s := testSigner(7, LabelSelfCheck)
	for _, f := range Formats() {
		doc := sample("en", 2)
		doc.Learner = "A\xff\x1b[31mB --> </script>"
		doc.Procedure[0].Commands = append(doc.Procedure[0].Commands,
			Command{Time: t0, Line: "echo '<!-- dojo-evidence'"},
			Command{Time: t0, Line: "echo '<script type=\"application/json\" id=\"dojo-evidence\">'"},
			Command{Time: t0, Line: "printf '\x00\r\t\xc3'"},
		)
		var b bytes.Buffer
		if err := Write(&b, doc, f, s, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(b.Bytes(), VerifyOptions{}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		// Sign and Render used on their own are as safe.
		doc = sample("en", 2)
		doc.Learner = "A\xff"
		b.Reset()
		if err := Sign(doc, f, s, t0); err != nil {
			t.Fatal(err)
		}
		if err := Render(&b, doc, f); err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(b.Bytes(), VerifyOptions{}); err != nil {
			t.Errorf("%s, Sign+Render: %v", f, err)
		}
	}
}

func TestSummaryIsPrintable(t *testing.T) {
	doc := sample("en", 2)
	doc.Learner = "Eve\x1b]0;owned\x07\x1b[2J"
	var b bytes.Buffer
	if err := Write(&b, doc, "json", testSigner(8, LabelSelfCheck), t0); err != nil {
		t.Fatal(err)
	}
	v, err := Verify(b.Bytes(), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := v.Summary("en")
	if strings.ContainsAny(s, "\x1b\x07") || !strings.Contains(s, "Eve\uFFFD]0;owned") {
		t.Errorf("summary passes control characters: %q", s)
	}
	t.Log(s)
	t.Log(v.Summary("ja"))
}

func TestCodeSpan(t *testing.T) {
	for in, want := range map[string]string{
		"plain":     "`plain`",
		"a_b*c":     "`a_b*c`",
		"a`b":       "``a`b``",
		"`x":        "`` `x ``",
		"a``b":      "```a``b```",
		"two\nline": "`two line`",
	} {
		if got := codeSpan(in); got != want {
			t.Errorf("codeSpan(%q) = %q, want %q", in, got, want)
		}
	}
	if got := cellCode("a|b"); got != "`a\\|b`" {
		t.Errorf("cellCode = %q", got)
	}
}

// TestSolvedReportSaysSo: a report of an instance the reference solution
// was applied to says so next to the score in every format and language,
// keeps saying so through signing and verification, and marks the runs
// graded after it.
func TestSolvedReportSaysSo(t *testing.T) {
	s := testSigner(4, LabelSelfCheck)
	want := map[string]string{"en": "this result is not the learner's own work", "ja": "この結果は受講者自身の作業によるものではありません"}
	after := map[string]string{"en": "(after solve)", "ja": "(模範解答適用後)"}
	for _, lang := range []string{"en", "ja"} {
		for _, f := range Formats() {
			doc := sample(lang, 3)
			doc.Evidence.Solutions = []SolutionRun{{Time: t0.Add(10 * time.Minute), Nodes: []string{"r1"}, Result: "ok"}}
			doc.Evidence.Timeline[2].AfterSolve = true
			var b bytes.Buffer
			if err := Write(&b, doc, f, s, t0.Add(3*time.Hour)); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			v, err := Verify(b.Bytes(), VerifyOptions{Expected: s.Public()})
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, f, err)
			}
			if len(v.Evidence.Solutions) != 1 || v.Evidence.Solutions[0].Result != "ok" || !v.Evidence.Timeline[2].AfterSolve {
				t.Errorf("%s/%s: verified evidence lost the solve: %+v", lang, f, v.Evidence.Solutions)
			}
			if f == "json" {
				if !strings.Contains(out, `"solutions"`) || !strings.Contains(out, `"after_solve": true`) {
					t.Errorf("%s/json lacks solutions or after_solve", lang)
				}
				continue
			}
			if !strings.Contains(out, want[lang]) && !strings.Contains(out, html.EscapeString(want[lang])) {
				t.Errorf("%s/%s lacks the solve notice", lang, f)
			}
			if f == "html" && !strings.Contains(out, `id="solved"`) {
				t.Errorf("%s/html lacks #solved", lang)
			}
			if !strings.Contains(out, after[lang]) && !strings.Contains(out, strings.Trim(after[lang], "()")) {
				t.Errorf("%s/%s does not mark the run after the solve", lang, f)
			}
			// Without a solve, no notice.
			plain := signed(t, lang, f, 3, s)
			if strings.Contains(string(plain), html.EscapeString(want[lang])) || strings.Contains(string(plain), want[lang]) {
				t.Errorf("%s/%s: notice without a solve", lang, f)
			}
		}
	}
}
