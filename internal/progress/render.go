package progress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"
)

var labels = map[string][2]string{
	"title":            {"Learning route", "学習ルート"},
	"subtitle":         {"From operations to build to design: scenarios passed per track and level.", "運用から構築、設計へ: トラック・レベルごとの合格シナリオ数"},
	"passed":           {"passed", "合格"},
	"attempted":        {"attempted", "挑戦"},
	"available":        {"available", "公開中"},
	"best":             {"best", "最高"},
	"time":             {"time spent", "所要時間"},
	"runs":             {"graded runs", "採点回数"},
	"level":            {"Level", "レベル"},
	"total":            {"Total", "合計"},
	"none":             {"not started", "未着手"},
	"generated":        {"Generated", "作成日時"},
	"scenario":         {"Scenario", "シナリオ"},
	"stage.operations": {"Operations", "運用・監視"},
	"stage.build":      {"Build", "構築"},
	"stage.design":     {"Design", "設計"},
	"stage.other":      {"Other tracks", "その他のトラック"},
	"track.operations": {"Operations", "運用・障害対応"},
	"track.server":     {"Server", "サーバ構築"},
	"track.network":    {"Network", "ネットワーク構築"},
	"track.cloud-ops":  {"Cloud ops", "運用保守(バックアップ・パッチ適用)"},
	"track.automation": {"Automation", "自動化(シェル・Ansible)"},
	"track.database":   {"Database", "データベース構築"},
	"track.design":     {"Design", "基本設計・詳細設計"},
	"track.documents":  {"Documents", "手順書作成"},
}

func label(lang, k string) string {
	l, ok := labels[k]
	if !ok {
		return strings.TrimPrefix(strings.TrimPrefix(k, "track."), "stage.")
	}
	if lang == "ja" {
		return l[1]
	}
	return l[0]
}

// Formats lists the renderings Write accepts.
func Formats() []string { return []string{"html", "json", "text"} }

// Write renders p as "text", "json" or "html".
func Write(w io.Writer, p *Progress, format string) error {
	var b []byte
	switch format {
	case "json":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(p); err != nil {
			return err
		}
		b = buf.Bytes()
	case "html":
		b = []byte(renderHTML(p))
	case "text":
		b = []byte(renderText(p))
	default:
		return fmt.Errorf("unknown progress format %q (want one of %s)", format, strings.Join(Formats(), ", "))
	}
	_, err := w.Write(b)
	return err
}

func dur(sec int64) string {
	h, m := sec/3600, sec/60%60
	if h > 0 {
		return fmt.Sprintf("%dh %02dm", h, m)
	}
	return fmt.Sprintf("%dm", m)
}

func pct(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0") + "%" }

func renderText(p *Progress) string {
	L := func(k string) string { return label(p.Lang, k) }
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s %d/%d, %s %d, %s %s\n", L("title"), L("passed"), p.Passed, p.Attempted, L("available"), p.Available, L("time"), dur(p.TimeSpentSeconds))
	for i, s := range p.Stages {
		arrow := "  "
		if i > 0 && s.Name != "other" {
			arrow = "→ "
		}
		fmt.Fprintf(&b, "\n%s%s\n", arrow, L("stage."+s.Name))
		for _, t := range s.Tracks {
			if t.Available == 0 && t.Attempted == 0 {
				fmt.Fprintf(&b, "    %-12s %s\n", t.Name, L("none"))
				continue
			}
			fmt.Fprintf(&b, "    %-12s %s %d/%d (%s %d)  %s %s\n", t.Name, L("passed"), t.Passed, t.Attempted, L("available"), t.Available, L("time"), dur(t.TimeSpentSeconds))
			for _, l := range t.Levels {
				best := "—"
				if l.Attempted > 0 {
					best = pct(l.BestPercent)
				}
				fmt.Fprintf(&b, "      %s %d  %s  %s %d/%d/%d  %s %s\n", L("level"), l.Level, bar(l.Passed, l.Available, 10), L("passed")+"/"+L("attempted")+"/"+L("available"), l.Passed, l.Attempted, l.Available, L("best"), best)
			}
		}
	}
	return b.String()
}

func bar(n, of, width int) string {
	if of <= 0 {
		return "[" + strings.Repeat(".", width) + "]"
	}
	f := n * width / of
	return "[" + strings.Repeat("#", f) + strings.Repeat(".", width-f) + "]"
}

const css = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK JP","Hiragino Sans",Meiryo,sans-serif;color:#1b1f24;margin:0;line-height:1.4;font-size:14px}
main{max-width:270mm;margin:0 auto;padding:10mm}
h1{font-size:22px;margin:0}
.sub{color:#57606a;margin:4px 0 12px}
.totals{display:flex;gap:18px;margin:8px 0 16px;font-size:15px}
.totals b{font-size:20px}
.route{display:flex;gap:10px;align-items:stretch}
.stage{flex:1;border:1px solid #d0d7de;border-radius:8px;padding:8px;background:#f6f8fa;break-inside:avoid}
.stage h2{font-size:15px;margin:0 0 6px}
.arrow{align-self:center;font-size:22px;color:#57606a}
.track{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:6px 8px;margin:6px 0;break-inside:avoid}
.track h3{font-size:13.5px;margin:0 0 2px}
.muted{color:#57606a;font-size:12px}
.lv{display:grid;grid-template-columns:4.5em 1fr 5.5em;gap:6px;align-items:center;font-size:12px;margin-top:3px}
.bar{height:8px;background:#eaeef2;border-radius:4px;overflow:hidden}
.bar span{display:block;height:100%;background:#1a7f37}
.none{color:#8c959f;font-size:12px}
@page{size:A4 landscape;margin:10mm}
@media print{*{-webkit-print-color-adjust:exact;print-color-adjust:exact}main{padding:0}}
`

func renderHTML(p *Progress) string {
	esc := html.EscapeString
	L := func(k string) string { return esc(label(p.Lang, k)) }
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", esc(p.Lang), L("title"), css)
	fmt.Fprintf(&b, "<h1>%s</h1>\n<p class=\"sub\">%s · %s %s</p>\n", L("title"), L("subtitle"), L("generated"), esc(p.Generated.Format("2006-01-02 15:04 UTC")))
	fmt.Fprintf(&b, "<div class=\"totals\" id=\"totals\"><span><b>%d</b> %s</span><span><b>%d</b> %s</span><span><b>%d</b> %s</span><span><b>%d</b> %s</span><span><b>%s</b> %s</span></div>\n",
		p.Passed, L("passed"), p.Attempted, L("attempted"), p.Available, L("available"), p.Runs, L("runs"), esc(dur(p.TimeSpentSeconds)), L("time"))
	b.WriteString("<div class=\"route\">\n")
	for i, s := range p.Stages {
		if i > 0 && s.Name != "other" {
			b.WriteString("<div class=\"arrow\">→</div>\n")
		} else if i > 0 {
			b.WriteString("<div class=\"arrow\"> </div>\n")
		}
		fmt.Fprintf(&b, "<section class=\"stage\" id=\"stage-%s\">\n<h2>%s</h2>\n", esc(s.Name), L("stage."+s.Name))
		for _, t := range s.Tracks {
			fmt.Fprintf(&b, "<div class=\"track\" id=\"track-%s\">\n<h3>%s</h3>\n", esc(t.Name), L("track."+t.Name))
			if t.Attempted == 0 && t.Available == 0 {
				fmt.Fprintf(&b, "<div class=\"none\">%s</div>\n</div>\n", L("none"))
				continue
			}
			fmt.Fprintf(&b, "<div class=\"muted\">%s %d / %s %d / %s %d · %s %s</div>\n", L("passed"), t.Passed, L("attempted"), t.Attempted, L("available"), t.Available, L("time"), esc(dur(t.TimeSpentSeconds)))
			for _, l := range t.Levels {
				w := 0
				if l.Available > 0 {
					w = l.Passed * 100 / l.Available
				}
				best := "—"
				if l.Attempted > 0 {
					best = pct(l.BestPercent)
				}
				var names []string
				for _, sc := range l.Scenarios {
					mark := "○"
					if sc.Passed {
						mark = "✔"
					} else if sc.Runs > 0 {
						mark = "△"
					}
					names = append(names, mark+" "+sc.Name)
				}
				fmt.Fprintf(&b, "<div class=\"lv\" title=\"%s\"><span>%s %d</span><span class=\"bar\"><span style=\"width:%d%%\"></span></span><span>%d/%d · %s</span></div>\n",
					esc(strings.Join(names, ", ")), L("level"), l.Level, w, l.Passed, l.Available, esc(best))
			}
			b.WriteString("</div>\n")
		}
		b.WriteString("</section>\n")
	}
	b.WriteString("</div>\n</main>\n</body>\n</html>\n")
	return b.String()
}
