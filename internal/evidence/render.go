package evidence

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"
	"time"
)

// Formats lists the renderings Render accepts.
func Formats() []string { return []string{"html", "json", "md"} }

// Render writes doc in format ("html", "md" or "json"). The output is
// deterministic: the same document gives the same bytes, which is what lets
// Verify detect a change of any byte of a rendering.
func Render(w io.Writer, doc *Document, format string) error {
	doc.Normalize()
	b, err := render(doc, format)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Write signs doc with s for format at time at (unsigned when s is nil) and
// renders it to w. Call doc.Redact first.
func Write(w io.Writer, doc *Document, format string, s *Signer, at time.Time) error {
	if !validFormat(format) {
		_, err := render(nil, format)
		return err
	}
	doc.Signature = nil
	if s != nil {
		if err := Sign(doc, format, s, at); err != nil {
			return err
		}
	}
	return Render(w, doc, format)
}

func validFormat(f string) bool { return f == "html" || f == "md" || f == "json" }

func render(doc *Document, format string) ([]byte, error) {
	switch format {
	case "html":
		return renderHTML(doc)
	case "md":
		return renderMD(doc)
	case "json":
		return renderJSON(doc)
	}
	return nil, fmt.Errorf("unknown report format %q (want one of %s)", format, strings.Join(Formats(), ", "))
}

func renderJSON(doc *Document) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// embedded is the document as JSON safe inside a <script> element and an
// HTML comment: json.Marshal escapes <, > and & as \u003c etc.
func embedded(doc *Document) ([]byte, error) {
	return json.Marshal(doc)
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func fmtDur(sec int64) string {
	if sec < 0 {
		sec = 0
	}
	h, m, s := sec/3600, sec/60%60, sec%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh %02dm %02ds", h, m, s)
	case m > 0:
		return fmt.Sprintf("%dm %02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

func statusLabel(lang, st string) string {
	switch st {
	case "passed", "failed", "skipped", "error":
		return label(lang, "status."+st)
	}
	return st
}

func pct(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	return strings.TrimSuffix(s, ".0") + "%"
}

func (e *Evidence) timeSpent() string {
	if e.Finished.IsZero() || e.Started.IsZero() {
		return "—"
	}
	return fmtDur(int64(e.Finished.Sub(e.Started) / time.Second))
}

func (e *Evidence) resultWord() string {
	if e.Passed {
		return label(e.Lang, "passed")
	}
	return label(e.Lang, "not_passed")
}

func signerLabel(lang, l string) string {
	if _, ok := labels["label."+l]; ok {
		return label(lang, "label."+l)
	}
	return l
}

const verifyCommand = "dojo verify FILE"

var esc = html.EscapeString

const css = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK JP","Hiragino Sans",Meiryo,sans-serif;color:#1b1f24;margin:0;background:#fff;line-height:1.45;font-size:14px}
main{max-width:190mm;margin:0 auto;padding:12mm 8mm}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:22px 0 8px;padding-bottom:3px;border-bottom:2px solid #d0d7de;break-after:avoid}
h3{font-size:14px;margin:14px 0 4px;break-after:avoid}
.sub{color:#57606a;margin:0 0 12px}
.result{display:flex;gap:16px;align-items:center;border:1px solid #d0d7de;border-radius:8px;padding:12px 16px;margin:12px 0;break-inside:avoid}
.badge{font-weight:700;padding:4px 10px;border-radius:6px;color:#fff;white-space:nowrap}
.pass .badge{background:#1a7f37}.fail .badge{background:#cf222e}
.score{font-size:28px;font-weight:700}
.muted{color:#57606a}
table{border-collapse:collapse;width:100%;margin:6px 0;font-size:13px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
tr{break-inside:avoid}
td.num{text-align:right;white-space:nowrap}
.st-passed{color:#1a7f37;font-weight:600}.st-failed,.st-error{color:#cf222e;font-weight:600}.st-skipped{color:#9a6700}
code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
td code{white-space:pre-wrap;word-break:break-all}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
.figure{border:1px solid #d0d7de;border-radius:8px;padding:6px;break-inside:avoid;text-align:center}
.figure svg{max-width:100%;height:auto}
.chart svg{width:100%;height:auto}
.note{font-size:12px;color:#57606a}
.disclaimer{border-left:4px solid #9a6700;background:#fff8c5;padding:8px 12px;font-size:12.5px;break-inside:avoid}
.hash{word-break:break-all}
@page{size:A4;margin:12mm}
@media print{main{padding:0;max-width:none}body{font-size:11.5px}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit;text-decoration:none}}
`

func renderHTML(doc *Document) ([]byte, error) {
	e := &doc.Evidence
	e.Topology.Lang = e.Lang
	L := func(k string) string { return esc(label(e.Lang, k)) }
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n")
	fmt.Fprintf(&b, "<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", esc(e.Lang))
	fmt.Fprintf(&b, "<title>%s — %s — %s</title>\n", L("doc.title"), esc(e.Scenario.Title), esc(e.Learner))
	fmt.Fprintf(&b, "<meta name=\"generator\" content=\"labdojo %s\">\n", esc(e.Environment.DojoVersion))
	b.WriteString("<style>" + css + "</style>\n</head>\n<body>\n<main>\n")

	fmt.Fprintf(&b, "<h1>%s: %s</h1>\n", L("doc.title"), esc(e.Scenario.Title))
	fmt.Fprintf(&b, "<p class=\"sub\">%s: <strong>%s</strong> · %s %s · %s %d · %s</p>\n",
		L("learner"), esc(e.Learner), L("track"), esc(e.Scenario.Track), L("level"), e.Scenario.Level, esc(fmtTime(e.Finished)))
	cls := "fail"
	if e.Passed {
		cls = "pass"
	}
	fmt.Fprintf(&b, "<section class=\"result %s\" id=\"result\"><span class=\"badge\">%s</span><span class=\"score\" id=\"score\">%d / %d</span><span>%s · %s %d%%</span></section>\n",
		cls, esc(e.resultWord()), e.Score, e.MaxScore, esc(pct(e.Percent)), L("pass_mark"), e.PassPercent)
	if n := len(e.Solutions); n > 0 {
		fmt.Fprintf(&b, "<p class=\"disclaimer\" id=\"solved\">%s</p>\n", esc(fmt.Sprintf(label(e.Lang, "solved"), n, fmtTime(e.Solutions[n-1].Time))))
	}

	fmt.Fprintf(&b, "<h2>%s</h2>\n<table>\n", L("summary"))
	row := func(k, v string) { fmt.Fprintf(&b, "<tr><th>%s</th><td>%s</td></tr>\n", L(k), v) }
	row("scenario", esc(e.Scenario.Title)+" <span class=\"muted mono\">("+esc(e.Scenario.Name)+")</span>")
	row("track", esc(e.Scenario.Track))
	row("level", fmt.Sprint(e.Scenario.Level))
	row("lab", esc(e.Scenario.Lab))
	row("instance", esc(e.Instance))
	row("started", esc(fmtTime(e.Started)))
	row("finished", esc(fmtTime(e.Finished)))
	row("time_spent", esc(e.timeSpent()))
	row("generated", esc(fmtTime(e.Generated)))
	b.WriteString("</table>\n")

	fmt.Fprintf(&b, "<h2>%s</h2>\n<div class=\"figure\">\n%s</div>\n<p class=\"note\">%s</p>\n", L("topology"), e.Topology.SVG(), L("topology.note"))

	fmt.Fprintf(&b, "<h2>%s</h2>\n<table id=\"goals\">\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
		L("goals"), L("goal"), L("status"), L("points"), L("first_pass"), L("hints"))
	for _, g := range e.Goals {
		fp := label(e.Lang, "never")
		if g.FirstPassSeconds != nil {
			fp = fmtDur(*g.FirstPassSeconds)
		}
		hints := fmt.Sprint(g.HintsUsed)
		if g.Penalty > 0 {
			hints += fmt.Sprintf(" (−%d)", g.Penalty)
		}
		fmt.Fprintf(&b, "<tr><td>%s<br><span class=\"muted mono\">%s</span></td><td class=\"st-%s\">%s</td><td class=\"num\">%d / %d</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
			esc(g.Title), esc(g.Name), esc(g.Status), esc(statusLabel(e.Lang, g.Status)), g.Points, g.MaxPoints, esc(fp), esc(hints))
	}
	b.WriteString("</table>\n")

	fmt.Fprintf(&b, "<h2>%s</h2>\n", L("timeline"))
	if len(e.Timeline) == 0 {
		fmt.Fprintf(&b, "<p>%s</p>\n", L("no_runs"))
	} else {
		fmt.Fprintf(&b, "<div class=\"chart\">%s</div>\n", timelineSVG(e))
		fmt.Fprintf(&b, "<table id=\"timeline\">\n<tr><th>#</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", L("time"), L("score"), L("goals_passed"), L("result"))
		for _, i := range listedRuns(e.Timeline) {
			r := e.Timeline[i]
			st, word := "failed", label(e.Lang, "status.failed")
			if r.Passed {
				st, word = "passed", label(e.Lang, "status.passed")
			}
			if r.AfterSolve {
				word += " (" + label(e.Lang, "after_solve") + ")"
			}
			fmt.Fprintf(&b, "<tr><td class=\"num\">%d</td><td>%s</td><td class=\"num\">%d / %d (%s)</td><td class=\"num\">%d / %d</td><td class=\"st-%s\">%s</td></tr>\n",
				i+1, esc(fmtTime(r.Time)), r.Score, r.Max, esc(pct(r.Percent)), r.GoalsPassed, r.Goals, st, esc(word))
		}
		b.WriteString("</table>\n")
		if n := len(listedRuns(e.Timeline)); n < len(e.Timeline) {
			fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(fmt.Sprintf(label(e.Lang, "timeline.note"), n, len(e.Timeline))))
		}
	}

	fmt.Fprintf(&b, "<h2>%s</h2>\n", L("hints_used"))
	if len(e.Hints) == 0 {
		fmt.Fprintf(&b, "<p>%s</p>\n", L("no_hints"))
	} else {
		fmt.Fprintf(&b, "<table>\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", L("time"), L("goal"), L("hint_n"), L("cost"))
		for _, h := range e.Hints {
			fmt.Fprintf(&b, "<tr><td>%s</td><td class=\"mono\">%s</td><td class=\"num\">%d</td><td class=\"num\">%d</td></tr>\n", esc(fmtTime(h.Time)), esc(h.Goal), h.Index+1, h.Cost)
		}
		b.WriteString("</table>\n")
	}

	fmt.Fprintf(&b, "<h2>%s</h2>\n<p class=\"note\">%s</p>\n", L("procedure"), L("procedure.note"))
	if len(e.Procedure) == 0 {
		fmt.Fprintf(&b, "<p>%s</p>\n", L("no_commands"))
	}
	for _, p := range e.Procedure {
		fmt.Fprintf(&b, "<h3 class=\"mono\">%s</h3>\n", esc(p.Node))
		if len(p.Commands) == 0 {
			fmt.Fprintf(&b, "<p>%s</p>\n", L("no_commands"))
		} else {
			fmt.Fprintf(&b, "<table class=\"procedure\">\n<tr><th>%s</th><th>%s</th></tr>\n", L("time"), L("command"))
			for _, c := range p.Commands {
				fmt.Fprintf(&b, "<tr><td class=\"num\">%s</td><td><code>%s</code></td></tr>\n", esc(c.Time.Format("15:04:05")), esc(c.Line))
			}
			b.WriteString("</table>\n")
		}
		if p.Truncated {
			fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", L("truncated"))
		}
	}

	if e.Replay != nil {
		fmt.Fprintf(&b, "<h2>%s</h2>\n<p>%s</p>\n<p class=\"note mono hash\">%s · sha256 %s · %s</p>\n", L("replay"),
			esc(fmt.Sprintf(label(e.Lang, "replay.text"), e.Replay.GoalsPassed, e.Replay.Goals)), esc(e.Replay.Runbook), esc(e.Replay.RunbookHash), esc(fmtTime(e.Replay.Time)))
	}

	fmt.Fprintf(&b, "<h2>%s</h2>\n<table>\n", L("environment"))
	row("dojo_version", "<span class=\"mono\">"+esc(e.Environment.DojoVersion)+"</span>")
	row("image_id", "<span class=\"mono hash\">"+esc(e.Environment.ImageID)+"</span>")
	row("lab_hash", "<span class=\"mono hash\">"+esc(e.Environment.LabHash)+"</span>")
	row("scenario_hash", "<span class=\"mono hash\">"+esc(e.Environment.ScenarioHash)+"</span>")
	if e.Environment.OS != "" {
		row("platform", esc(e.Environment.OS+"/"+e.Environment.Arch))
	}
	row("redactions", fmt.Sprint(e.Redactions))
	b.WriteString("</table>\n")

	fmt.Fprintf(&b, "<h2>%s</h2>\n", L("signature"))
	if s := doc.Signature; s == nil {
		fmt.Fprintf(&b, "<p>%s</p>\n", L("unsigned"))
	} else {
		b.WriteString("<table id=\"signature\">\n")
		row("signer", esc(signerLabel(e.Lang, s.Label)))
		row("signed_by", "<span class=\"mono hash\">"+esc(s.Fingerprint)+"</span> (ed25519)")
		row("signed_at", esc(fmtTime(s.SignedAt)))
		row("verify_with", "<code>"+esc(verifyCommand)+"</code>")
		b.WriteString("</table>\n")
	}
	fmt.Fprintf(&b, "<p class=\"disclaimer\">%s</p>\n", L("disclaimer"))
	b.WriteString("</main>\n")
	data, err := embedded(doc)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "<script type=\"application/json\" id=\"%s\">%s</script>\n</body>\n</html>\n", scriptID, data)
	return []byte(b.String()), nil
}

const scriptID = "dojo-evidence"

// listedRuns picks the runs a table shows: the first, the last and every
// run whose score differs from the one before. The chart and the data keep
// all of them.
func listedRuns(runs []Run) []int {
	var out []int
	for i, r := range runs {
		if i == 0 || i == len(runs)-1 || r.Score != runs[i-1].Score || r.Passed != runs[i-1].Passed {
			out = append(out, i)
		}
	}
	return out
}

func num(f float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0")
}

// timelineSVG is a small line chart of the percentage of each graded run,
// with the pass mark dashed.
func timelineSVG(e *Evidence) string {
	const w, h, pad = 640.0, 120.0, 24.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" font-family="system-ui, sans-serif" font-size="10"><title>%s</title>`, num(w), num(h), esc(label(e.Lang, "timeline")))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>`, num(w), num(h))
	y := func(p float64) float64 { return h - pad - (h-2*pad)*min(max(p, 0), 100)/100 }
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#d0d7de"/>`, num(pad), num(y(0)), num(w-pad), num(y(0)))
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#d0d7de"/>`, num(pad), num(y(100)), num(w-pad), num(y(100)))
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#9a6700" stroke-dasharray="4 3"/>`, num(pad), num(y(float64(e.PassPercent))), num(w-pad), num(y(float64(e.PassPercent))))
	fmt.Fprintf(&b, `<text x="2" y="%s">100%%</text><text x="2" y="%s">0%%</text>`, num(y(100)+3), num(y(0)+3))
	n := len(e.Timeline)
	x := func(i int) float64 {
		if n == 1 {
			return w / 2
		}
		return pad + 10 + (w-2*pad-10)*float64(i)/float64(n-1)
	}
	pts := make([]string, n)
	for i, r := range e.Timeline {
		pts[i] = num(x(i)) + "," + num(y(r.Percent))
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="#3b6ea8" stroke-width="1.5"/>`, strings.Join(pts, " "))
	for i, r := range e.Timeline {
		c := "#cf222e"
		if r.Passed {
			c = "#1a7f37"
		}
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`, num(x(i)), num(y(r.Percent)), c)
	}
	b.WriteString("</svg>")
	return b.String()
}

// mdCell escapes text for a Markdown table cell or inline text on GitHub.
func mdCell(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "#", `\#`, "~", `\~`, "\n", " ", "\r", " ")
	return r.Replace(s)
}

// codeSpan is s as a Markdown code span: backslashes are literal there,
// so nothing is escaped; the delimiter outruns any backticks inside.
func codeSpan(s string) string {
	s = strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
	longest, run := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	d := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return d + s + d
}

// cellCode is a code span inside a table cell, where a pipe must still be
// escaped.
func cellCode(s string) string { return strings.ReplaceAll(codeSpan(s), "|", `\|`) }

// fence returns a code fence longer than any backtick run in s.
func fence(s string) string {
	longest, run := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

func renderMD(doc *Document) ([]byte, error) {
	e := &doc.Evidence
	e.Topology.Lang = e.Lang
	L := func(k string) string { return label(e.Lang, k) }
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", L("doc.title"), mdCell(e.Scenario.Title))
	mark := "❌"
	if e.Passed {
		mark = "✅"
	}
	fmt.Fprintf(&b, "**%s:** %s  \n**%s:** %s %s — **%d / %d** (%s), %s %d%%\n\n", L("learner"), mdCell(e.Learner), L("result"), mark, e.resultWord(), e.Score, e.MaxScore, pct(e.Percent), L("pass_mark"), e.PassPercent)
	if n := len(e.Solutions); n > 0 {
		fmt.Fprintf(&b, "> ⚠ %s\n\n", fmt.Sprintf(L("solved"), n, fmtTime(e.Solutions[n-1].Time)))
	}

	fmt.Fprintf(&b, "## %s\n\n| | |\n|---|---|\n", L("summary"))
	row := func(k, v string) { fmt.Fprintf(&b, "| %s | %s |\n", L(k), v) }
	row("scenario", mdCell(e.Scenario.Title)+" ("+cellCode(e.Scenario.Name)+")")
	row("track", mdCell(e.Scenario.Track))
	row("level", fmt.Sprint(e.Scenario.Level))
	row("lab", mdCell(e.Scenario.Lab))
	row("instance", mdCell(e.Instance))
	row("started", fmtTime(e.Started))
	row("finished", fmtTime(e.Finished))
	row("time_spent", e.timeSpent())
	row("generated", fmtTime(e.Generated))

	fmt.Fprintf(&b, "\n## %s\n\n```mermaid\n%s```\n\n%s\n\n", L("topology"), e.Topology.Mermaid(), L("topology.note"))

	fmt.Fprintf(&b, "## %s\n\n| %s | %s | %s | %s | %s |\n|---|---|--:|--:|--:|\n", L("goals"), L("goal"), L("status"), L("points"), L("first_pass"), L("hints"))
	for _, g := range e.Goals {
		fp := L("never")
		if g.FirstPassSeconds != nil {
			fp = fmtDur(*g.FirstPassSeconds)
		}
		hints := fmt.Sprint(g.HintsUsed)
		if g.Penalty > 0 {
			hints += fmt.Sprintf(" (−%d)", g.Penalty)
		}
		st := statusLabel(e.Lang, g.Status)
		if g.Status == "passed" {
			st = "✅ " + st
		} else {
			st = "❌ " + st
		}
		fmt.Fprintf(&b, "| %s (%s) | %s | %d / %d | %s | %s |\n", mdCell(g.Title), cellCode(g.Name), st, g.Points, g.MaxPoints, fp, hints)
	}

	fmt.Fprintf(&b, "\n## %s\n\n", L("timeline"))
	if len(e.Timeline) == 0 {
		fmt.Fprintf(&b, "%s\n", L("no_runs"))
	} else {
		fmt.Fprintf(&b, "<details><summary>%d %s</summary>\n\n| # | %s | %s | %s | %s |\n|--:|---|--:|--:|---|\n", len(e.Timeline), L("runs"), L("time"), L("score"), L("goals_passed"), L("result"))
		for _, i := range listedRuns(e.Timeline) {
			r := e.Timeline[i]
			word := statusLabel(e.Lang, "failed")
			if r.Passed {
				word = statusLabel(e.Lang, "passed")
			}
			if r.AfterSolve {
				word += " (" + L("after_solve") + ")"
			}
			fmt.Fprintf(&b, "| %d | %s | %d / %d (%s) | %d / %d | %s |\n", i+1, fmtTime(r.Time), r.Score, r.Max, pct(r.Percent), r.GoalsPassed, r.Goals, word)
		}
		if n := len(listedRuns(e.Timeline)); n < len(e.Timeline) {
			fmt.Fprintf(&b, "\n%s\n", fmt.Sprintf(L("timeline.note"), n, len(e.Timeline)))
		}
		b.WriteString("\n</details>\n")
	}

	fmt.Fprintf(&b, "\n## %s\n\n", L("hints_used"))
	if len(e.Hints) == 0 {
		fmt.Fprintf(&b, "%s\n", L("no_hints"))
	} else {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n|---|---|--:|--:|\n", L("time"), L("goal"), L("hint_n"), L("cost"))
		for _, h := range e.Hints {
			fmt.Fprintf(&b, "| %s | %s | %d | %d |\n", fmtTime(h.Time), cellCode(h.Goal), h.Index+1, h.Cost)
		}
	}

	fmt.Fprintf(&b, "\n## %s\n\n%s\n", L("procedure"), L("procedure.note"))
	if len(e.Procedure) == 0 {
		fmt.Fprintf(&b, "\n%s\n", L("no_commands"))
	}
	for _, p := range e.Procedure {
		fmt.Fprintf(&b, "\n### %s\n\n", mdCell(p.Node))
		if len(p.Commands) == 0 {
			fmt.Fprintf(&b, "%s\n", L("no_commands"))
		} else {
			var body strings.Builder
			for _, c := range p.Commands {
				body.WriteString(c.Line)
				body.WriteByte('\n')
			}
			f := fence(body.String())
			fmt.Fprintf(&b, "%s – %s\n\n%ssh node=%s\n%s%s\n", fmtTime(p.Commands[0].Time), fmtTime(p.Commands[len(p.Commands)-1].Time), f, p.Node, body.String(), f)
		}
		if p.Truncated {
			fmt.Fprintf(&b, "\n> %s\n", L("truncated"))
		}
	}

	if e.Replay != nil {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n%s · sha256 %s · %s\n", L("replay"), fmt.Sprintf(L("replay.text"), e.Replay.GoalsPassed, e.Replay.Goals), codeSpan(e.Replay.Runbook), codeSpan(e.Replay.RunbookHash), fmtTime(e.Replay.Time))
	}

	fmt.Fprintf(&b, "\n## %s\n\n| | |\n|---|---|\n", L("environment"))
	row("dojo_version", cellCode(e.Environment.DojoVersion))
	row("image_id", cellCode(e.Environment.ImageID))
	row("lab_hash", cellCode(e.Environment.LabHash))
	row("scenario_hash", cellCode(e.Environment.ScenarioHash))
	if e.Environment.OS != "" {
		row("platform", e.Environment.OS+"/"+e.Environment.Arch)
	}
	row("redactions", fmt.Sprint(e.Redactions))

	fmt.Fprintf(&b, "\n## %s\n\n", L("signature"))
	if s := doc.Signature; s == nil {
		fmt.Fprintf(&b, "%s\n", L("unsigned"))
	} else {
		b.WriteString("| | |\n|---|---|\n")
		row("signer", signerLabel(e.Lang, s.Label))
		row("signed_by", cellCode(s.Fingerprint)+" (ed25519)")
		row("signed_at", fmtTime(s.SignedAt))
		row("verify_with", cellCode(verifyCommand))
	}
	fmt.Fprintf(&b, "\n> %s\n", L("disclaimer"))
	data, err := embedded(doc)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "\n<!-- %s\n%s\n-->\n", scriptID, data)
	return []byte(b.String()), nil
}
