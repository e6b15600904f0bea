package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	env := func(kv ...string) Getenv {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		flag string
		env  Getenv
		want string
		err  bool
	}{
		{"", env(), English, false},
		{"", nil, English, false},
		{"", env("LANG", "ja_JP.UTF-8"), Japanese, false},
		{"", env("LANG", "ja_JP.eucJP@x"), Japanese, false},
		{"", env("LANG", "ja"), Japanese, false},
		{"", env("LANG", "C.UTF-8"), English, false},
		{"", env("LANG", "POSIX"), English, false},
		{"", env("LANG", "de_DE.UTF-8"), English, false},
		{"", env("LC_ALL", "en_US.UTF-8", "LANG", "ja_JP.UTF-8"), English, false},
		{"", env("LC_MESSAGES", "ja_JP.UTF-8", "LANG", "en_US.UTF-8"), Japanese, false},
		{"", env("LC_ALL", "ja_JP.UTF-8", "LC_MESSAGES", "en_US"), Japanese, false},
		{"en", env("LANG", "ja_JP.UTF-8"), English, false},
		{"JA", env(), Japanese, false},
		{"ja-JP", env(), Japanese, false},
		{"fr", env(), "", true},
		{"xx_YY", env("LANG", "ja_JP.UTF-8"), "", true},
	}
	for _, c := range cases {
		got, err := Detect(c.flag, c.env)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("Detect(%q): %q, %v; want %q (error %v)", c.flag, got, err, c.want, c.err)
		}
	}
	if _, err := Parse("fr"); err == nil || !strings.Contains(err.Error(), "en, ja") {
		t.Errorf("Parse(fr) error %v should name the supported languages", err)
	}
}

func TestTextFallback(t *testing.T) {
	tx := Text{English: "Hello", Japanese: "こんにちは"}
	if tx.In("ja") != "こんにちは" || tx.In("en") != "Hello" || tx.In("fr") != "Hello" {
		t.Errorf("lookup: %q %q %q", tx.In("ja"), tx.In("en"), tx.In("fr"))
	}
	p := Plain("Only English")
	if p.In("ja") != "Only English" || p.Has("ja") || !p.Has("en") {
		t.Errorf("plain text fallback wrong: %v", p)
	}
	if got := (Text{English: "a", Japanese: "b"}).Langs(); strings.Join(got, ",") != "en,ja" {
		t.Errorf("Langs = %v", got)
	}
	l := List{English: {"a", "b"}, Japanese: {"あ"}}
	if len(l.In("ja")) != 1 || len(l.In("fr")) != 2 || !l.Has("ja") || (List{English: {"x"}}).Has("ja") {
		t.Errorf("list fallback wrong")
	}
}

func TestWidth(t *testing.T) {
	cases := map[string]int{
		"":             0,
		"abc":          3,
		"日本語":          6,
		"ｱｲｳ":          3, // halfwidth katakana
		"ＡＢ":           4, // fullwidth latin
		"課題 ok":        7,
		"e\u0301":      1, // combining accent
		"✔ 合格":         6,
		"\x1b":         0,
		"ネットワーク設定（IP）": 22,
	}
	for s, want := range cases {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
	if got := PadRight("合格", 6); got != "合格  " {
		t.Errorf("PadRight = %q", got)
	}
	if got := PadLeft("ab", 4); got != "  ab" {
		t.Errorf("PadLeft = %q", got)
	}
	if got := PadRight("日本語", 2); got != "日本語" {
		t.Errorf("PadRight wider = %q", got)
	}
	// Columns line up: every padded cell has the same width.
	for _, s := range []string{"web", "ウェブサーバー", "DNS 設定", "ｶﾅ"} {
		if Width(PadRight(s, 16)) != 16 {
			t.Errorf("PadRight(%q, 16) width %d", s, Width(PadRight(s, 16)))
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("日本語のテキスト", 7); got != "日本語…" || Width(got) > 7 {
		t.Errorf("Truncate = %q (width %d)", got, Width(got))
	}
	if got := Truncate("abcdef", 4); got != "abc…" {
		t.Errorf("Truncate = %q", got)
	}
	if got := Truncate("abc", 3); got != "abc" {
		t.Errorf("Truncate = %q", got)
	}
}

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		in string
		w  int
	}{
		{"The router forwards IPv4 packets between its interfaces.", 20},
		{"ルーターでIPv4フォワーディングを有効にし、クライアントからWebサーバーへ到達できるようにしてください。", 20},
		{"sshd_config を編集したら sshd -t で構文を確認してから reload すること。", 16},
	} {
		lines := Wrap(c.in, c.w)
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(c.in, " ", "") {
			t.Errorf("Wrap lost text: %q -> %q", c.in, lines)
		}
		for _, l := range lines {
			if Width(l) > c.w {
				t.Errorf("line %q is %d columns, over %d", l, Width(l), c.w)
			}
			if r := []rune(l); len(r) > 0 && strings.ContainsRune("、。）」", r[0]) {
				t.Errorf("line starts with closing punctuation: %q", l)
			}
		}
	}
	if got := Wrap("a\nb", 10); len(got) != 2 {
		t.Errorf("newlines not kept: %q", got)
	}
}

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// verbs returns the argument verbs of a format, in argument order.
func verbs(f string) []string {
	var out []string
	next := 1
	byArg := map[int]string{}
	for _, m := range verb.FindAllStringSubmatch(f, -1) {
		v := m[0]
		if strings.HasSuffix(v, "%%") || v == "%%" {
			continue
		}
		arg := next
		if m[1] != "" {
			fmt.Sscanf(m[1], "[%d]", &arg)
		}
		byArg[arg] = v[len(v)-1:]
		next = arg + 1
	}
	var keys []int
	for k := range byArg {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%d%s", k, byArg[k]))
	}
	return out
}

// TestCatalog: every message exists in every language with the same
// arguments (same verbs for the same argument positions).
func TestCatalog(t *testing.T) {
	for _, k := range Keys() {
		m := catalog[k]
		en := verbs(m[English])
		for _, lang := range Languages {
			f, ok := m[lang]
			if !ok || f == "" {
				t.Errorf("%s: no %s text", k, lang)
				continue
			}
			if got := verbs(f); strings.Join(got, " ") != strings.Join(en, " ") {
				t.Errorf("%s (%s): verbs %v, English has %v", k, lang, got, en)
			}
		}
	}
	if got := Format(Japanese, MsgHintNext, 1, 3, "forwarding", "sysctl"); got != `"forwarding" のヒント 1/3: sysctl` {
		t.Errorf("reordered format = %q", got)
	}
	if got := Format("fr", MsgCheckPassed); got != "PASSED" {
		t.Errorf("fallback = %q", got)
	}
	if got := Format(English, Key("nope")); got != "nope" {
		t.Errorf("unknown key = %q", got)
	}
	if NewPrinter("xx").Lang != English || NewPrinter("ja").Sprintf(MsgCheckFailed) != "不合格" {
		t.Error("printer")
	}
}

func TestLocalizer(t *testing.T) {
	// A message renders its Localizer arguments in the same language.
	m := M(MsgCkServiceIs, "nginx", M(MsgCkNotRunning))
	if got := m.In(English); got != "service nginx is not running" {
		t.Errorf("en = %q", got)
	}
	if got := m.In(Japanese); got != "サービス nginx は停止中" {
		t.Errorf("ja = %q", got)
	}
	if m.String() != m.In(English) || m.In("fr") != m.In(English) {
		t.Errorf("String/fallback differ")
	}
	// Lists take each language's separator; raw text stays as it is.
	j := Join(SepProblems, M(MsgCkModeWant, 0o755, 0o700), Raw("head: Permission denied"))
	if got := j.In(English); got != "mode 0755, want 0700; head: Permission denied" {
		t.Errorf("en = %q", got)
	}
	if got := j.In(Japanese); got != "パーミッション 0755（期待値 0700）、head: Permission denied" {
		t.Errorf("ja = %q", got)
	}
	if In(nil, Japanese) != "" || Join(SepList).In(English) != "" {
		t.Errorf("empty texts")
	}
	// Arguments are not changed in place (a message renders twice).
	args := []any{"web", M(MsgCkReachable)}
	_ = Format(Japanese, MsgCkHostWant, append(args, M(MsgCkUnreachable))...)
	if _, ok := args[1].(Msg); !ok {
		t.Errorf("arguments rewritten: %#v", args)
	}
	// Counts: English has plurals, Japanese counters do not.
	for _, c := range []struct {
		n      int
		en, ja string
	}{{1, "1 node", "ノード 1 台"}, {3, "3 nodes", "ノード 3 台"}} {
		got := Count(c.n, MsgCountNode, MsgCountNodes)
		if got.In(English) != c.en || got.In(Japanese) != c.ja {
			t.Errorf("Count(%d) = %q / %q", c.n, got.In(English), got.In(Japanese))
		}
	}
}

// TestEveryKeyHasMessages: every Key constant declared in the package has
// catalog entries (a constant without them would print its id).
func TestEveryKeyHasMessages(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	n := 0
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Key" {
					continue
				}
				for i, name := range vs.Names {
					lit := vs.Values[i].(*ast.BasicLit)
					key, _ := strconv.Unquote(lit.Value)
					n++
					if _, ok := catalog[Key(key)]; !ok {
						t.Errorf("%s (%q) has no messages", name.Name, key)
					}
				}
			}
		}
	}
	if n < 100 || n != len(catalog) {
		t.Errorf("%d Key constants, %d catalog entries", n, len(catalog))
	}
}

func TestRegisterTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a message defined twice did not panic")
		}
	}()
	register(map[Key]map[string]string{MsgCheckPassed: {English: "x", Japanese: "x"}})
}

func TestError(t *testing.T) {
	err := Errorf(MsgHintNone, "forwarding")
	if err.Error() != `Goal "forwarding" has no hints.` {
		t.Errorf("Error = %q", err.Error())
	}
	if got := ErrorText(err).In(Japanese); got != `課題 "forwarding" にヒントはありません。` {
		t.Errorf("ja = %q", got)
	}
	if got := ErrorText(fmt.Errorf("plain")).In(Japanese); got != "plain" {
		t.Errorf("plain error = %q", got)
	}
}
