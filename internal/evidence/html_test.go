package evidence

import (
	"bytes"
	"image/png"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/labdojo/labdojo/internal/image/imagetest"
)

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func attr(n *html.Node, k string) string {
	for _, a := range n.Attr {
		if a.Key == k {
			return a.Val
		}
	}
	return ""
}

func find(n *html.Node, pred func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && pred(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func TestHTMLContent(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		b := signed(t, lang, "html", 200, testSigner(1, LabelSelfCheck))
		root, err := html.Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		byID := func(id string) *html.Node {
			ns := find(root, func(n *html.Node) bool { return attr(n, "id") == id })
			if len(ns) != 1 {
				t.Fatalf("%s: %d elements with id %q", lang, len(ns), id)
			}
			return ns[0]
		}
		if got := text(byID("score")); got != "85 / 100" {
			t.Errorf("%s: score %q", lang, got)
		}
		want := map[string]string{"en": "PASSED", "ja": "合格"}[lang]
		if got := text(byID("result")); !strings.Contains(got, want) || !strings.Contains(got, "70%") {
			t.Errorf("%s: result %q", lang, got)
		}
		if rows := find(byID("goals"), func(n *html.Node) bool { return n.Data == "tr" }); len(rows) != 5 {
			t.Errorf("%s: goal rows %d, want 1+4", lang, len(rows))
		}
		doc := sample(lang, 200)
		if rows := find(byID("timeline"), func(n *html.Node) bool { return n.Data == "tr" }); len(rows) != 1+len(listedRuns(doc.Timeline)) || len(rows) < 50 || len(rows) > 150 {
			t.Errorf("%s: timeline rows %d, want 1+%d", lang, len(rows), len(listedRuns(doc.Timeline)))
		}
		if !strings.Contains(text(root), "200") {
			t.Errorf("%s: the note on omitted runs is missing", lang)
		}
		svgs := find(root, func(n *html.Node) bool { return n.Data == "svg" && strings.Contains(attr(n, "class"), "dojo-topology") })
		if len(svgs) != 1 {
			t.Fatalf("%s: %d topology pictures", lang, len(svgs))
		}
		for _, node := range []string{"router", "fw", "pc-1", "srv-3", "web", "10.10.2.254/24"} {
			if !strings.Contains(text(svgs[0]), node) {
				t.Errorf("%s: topology lacks %q", lang, node)
			}
		}
		if got := text(byID("signature")); !strings.Contains(got, "SHA256:") {
			t.Errorf("%s: signature section %q", lang, got)
		}
		// Self-contained: no external resources, no scripts that run.
		for _, n := range find(root, func(*html.Node) bool { return true }) {
			for _, a := range n.Attr {
				if (a.Key == "src" || a.Key == "href" || a.Key == "xlink:href") && a.Val != "" {
					t.Errorf("%s: external reference <%s %s=%q>", lang, n.Data, a.Key, a.Val)
				}
			}
			if n.Data == "link" || n.Data == "iframe" || n.Data == "img" {
				t.Errorf("%s: <%s> in a self-contained report", lang, n.Data)
			}
			if n.Data == "script" && attr(n, "type") != "application/json" {
				t.Errorf("%s: executable script", lang)
			}
		}
		if regexp.MustCompile(`url\(|@import`).Match(b) {
			t.Errorf("%s: CSS loads something", lang)
		}
		// The procedure is there, secrets are not.
		if !bytes.Contains(b, []byte("sysctl -w net.ipv4.ip_forward=1")) || bytes.Contains(b, []byte("hunter2")) {
			t.Errorf("%s: procedure missing or not redacted", lang)
		}
		if len(b) >= 1<<20 {
			t.Errorf("%s: html is %d bytes, want < 1 MB", lang, len(b))
		}
	}
}

// TestHTMLInChromium opens the report in headless Chromium: the DOM shows
// the score, a screenshot is not blank and shows the green pass badge,
// and printing gives A4 pages. Chromium runs in a node-image variant with
// Debian's chromium package (built once, shared), so the host needs
// nothing but Docker.
func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser in a node container")
	}
	rt := imagetest.Runtime(t)
	img := imagetest.Image(t, rt, "chromium")
	page := signed(t, "en", "html", 200, testSigner(1, LabelSelfCheck))
	node := imagetest.Start(t, rt, img, imagetest.Network(t, rt), []imagetest.File{{Path: "/root/report.html", Data: page}}, []string{"sleep", "infinity"})
	run := func(args ...string) string {
		base := []string{"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=/tmp/profile"}
		out, errOut, code := node.Exec(t, nil, append(base, append(args, "file:///root/report.html")...)...)
		if code != 0 {
			t.Fatalf("chromium %v: exit %d\n%s", args, code, errOut)
		}
		return out
	}
	file := func(path string) []byte {
		out, errOut, code := node.Exec(t, nil, "cat", path)
		if code != 0 {
			t.Fatalf("reading %s: %s", path, errOut)
		}
		return []byte(out)
	}
	dom := run("--dump-dom")
	if !strings.Contains(dom, `id="score">85 / 100<`) {
		t.Errorf("the rendered DOM lacks the score")
	}
	run("--screenshot=/tmp/shot.png", "--window-size=1000,1400", "--hide-scrollbars")
	img2, err := png.Decode(bytes.NewReader(file("/tmp/shot.png")))
	if err != nil {
		t.Fatal(err)
	}
	nonWhite, green := 0, 0
	bnd := img2.Bounds()
	for y := bnd.Min.Y; y < bnd.Max.Y; y += 2 {
		for x := bnd.Min.X; x < bnd.Max.X; x += 2 {
			r, g, b, _ := img2.At(x, y).RGBA()
			r, g, b = r>>8, g>>8, b>>8
			if r < 240 || g < 240 || b < 240 {
				nonWhite++
			}
			if near(r, 0x1a) && near(g, 0x7f) && near(b, 0x37) && y < bnd.Min.Y+400 {
				green++
			}
		}
	}
	total := (bnd.Dx() / 2) * (bnd.Dy() / 2)
	if nonWhite < total/50 {
		t.Errorf("screenshot is nearly blank: %d of %d sampled pixels drawn", nonWhite, total)
	}
	if green < 50 {
		t.Errorf("screenshot lacks the green pass badge near the top (%d pixels)", green)
	}
	run("--print-to-pdf=/tmp/report.pdf", "--no-pdf-header-footer")
	if !regexp.MustCompile(`/MediaBox\s*\[\s*0 0 59[45](\.\d+)? 84[12](\.\d+)?\s*\]`).Match(file("/tmp/report.pdf")) {
		t.Errorf("printed PDF is not A4")
	}
}

func near(v, want uint32) bool { return v+12 >= want && v <= want+12 }

// BenchmarkGenerate builds, redacts, signs and renders the HTML report of a
// 10-node lab with 200 graded runs (the target: < 300 ms, < 1 MB).
func BenchmarkGenerate(b *testing.B) {
	s := testSigner(1, LabelSelfCheck)
	var size int
	for b.Loop() {
		doc := sample("en", 200)
		var buf bytes.Buffer
		if err := Write(&buf, doc, "html", s, t0); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "html-bytes")
}

// BenchmarkVerify verifies that report (target: < 50 ms).
func BenchmarkVerify(b *testing.B) {
	for _, f := range Formats() {
		b.Run(f, func(b *testing.B) {
			data := signed(b, "en", f, 200, testSigner(1, LabelSelfCheck))
			for b.Loop() {
				if _, err := Verify(data, VerifyOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
