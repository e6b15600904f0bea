package scenario

import (
	"strings"
	"testing"
	"testing/fstest"
)

// loadSrc loads one scenario.hcl held in memory (with a BRIEF.ja.md).
func loadSrc(t *testing.T, src string) (*Scenario, string) {
	t.Helper()
	fsys := fstest.MapFS{
		"s/scenario.hcl": {Data: []byte(src)},
		"s/BRIEF.md":     {Data: []byte("# Brief\n")},
		"s/BRIEF.ja.md":  {Data: []byte("# 概要\n")},
	}
	s, files, diags := LoadFS(fsys, "s", Options{LabNodes: labNodes, Checks: testCatalog})
	return s, diagText(files, diags)
}

const localizedSrc = `
scenario "loc" {
  title = { en = "Join two subnets", ja = "2 つのサブネットを接続する" }
  lab   = "two-subnets"
  track = "network"
  brief = { en = file("BRIEF.md"), ja = file("BRIEF.ja.md") }
}
goal "plain" {
  title = "Plain title"
  hints = ["one", "two"]
  check "sysctl" {
    on    = "router"
    key   = "net.ipv4.ip_forward"
    value = "1"
  }
}
goal "both" {
  title = { en = "Routes stay", ja = "経路を維持する" }
  guard = true
  hints = { en = ["a", "b"], ja = ["あ", "い"] }
  check "route" {
    on          = "client"
    destination = "10.10.2.0/24"
  }
}
goal "failover" {
  title = { en = "Survives", ja = "冗長" }
  hints = { en = ["x"], ja = ["エックス"] }
  needs = ["plain"]
  fault "link_down" {
    node      = "router"
    interface = "eth2"
  }
  fault "node_down" {
    node = "web"
  }
  check "ping" {
    on   = "client"
    host = "10.10.2.10"
  }
}
`

func TestLocalizedText(t *testing.T) {
	s, diags := loadSrc(t, localizedSrc)
	if s == nil {
		t.Fatal(diags)
	}
	if s.Title != "Join two subnets" || s.Titles.In("ja") != "2 つのサブネットを接続する" {
		t.Errorf("titles: %q %v", s.Title, s.Titles)
	}
	if s.Brief != "# Brief\n" || s.Briefs.In("ja") != "# 概要\n" {
		t.Errorf("briefs: %v", s.Briefs)
	}
	plain, both, fo := s.GoalByName("plain"), s.GoalByName("both"), s.GoalByName("failover")
	if plain.Title != "Plain title" || plain.Titles.In("ja") != "Plain title" || len(plain.HintsByLang.In("ja")) != 2 || plain.Guard {
		t.Errorf("plain goal: %+v", plain)
	}
	if !both.Guard || both.Hints[1] != "b" || both.HintsByLang.In("ja")[0] != "あ" {
		t.Errorf("localized goal: %+v", both)
	}
	if len(fo.Faults) != 2 || fo.Faults[0].Type != FaultLinkDown || fo.Faults[0].Interface != "eth2" || fo.Faults[1].Node != "web" {
		t.Errorf("faults: %+v", fo.Faults)
	}
	ja := s.Localize("ja")
	if ja.Title != "2 つのサブネットを接続する" || ja.Brief != "# 概要\n" || ja.GoalByName("both").Title != "経路を維持する" ||
		ja.GoalByName("both").Hints[0] != "あ" || ja.GoalByName("plain").Title != "Plain title" {
		t.Errorf("Localize(ja): %q %q %+v", ja.Title, ja.Brief, ja.GoalByName("both"))
	}
	if s.GoalByName("both").Title != "Routes stay" {
		t.Error("Localize changed the original")
	}
	if en := s.Localize("fr"); en.Title != s.Title {
		t.Errorf("unsupported language should fall back: %q", en.Title)
	}
	// "plain" has English only, so the scenario is complete in English only.
	if got := strings.Join(s.Languages(), ","); got != "en" {
		t.Errorf("Languages = %s", got)
	}
	full := strings.Replace(localizedSrc, `title = "Plain title"
  hints = ["one", "two"]`, `title = { en = "P", ja = "ピー" }
  hints = { en = ["one"], ja = ["いち"] }`, 1)
	s2, diags := loadSrc(t, full)
	if s2 == nil {
		t.Fatal(diags)
	}
	if got := strings.Join(s2.Languages(), ","); got != "en,ja" {
		t.Errorf("Languages = %s", got)
	}
}

func TestLocalizedTextErrors(t *testing.T) {
	base := `
scenario "bad" {
  title = TITLE
  lab   = "two-subnets"
  track = "network"
}
goal "g" {
  hints = HINTS
  GOALEXTRA
  check "sysctl" {
    on    = "router"
    key   = "net.ipv4.ip_forward"
    value = "1"
  }
}
`
	cases := []struct {
		title, hints, extra, want string
	}{
		{`{ ja = "だけ" }`, `[]`, ``, `has no "en"`},
		{`{ en = "x", fr = "y" }`, `[]`, ``, `text for "fr"`},
		{`{ en = "x", jp = "y" }`, `[]`, ``, `Did you mean "ja"`},
		{`{ en = ["x"] }`, `[]`, ``, `must be a string`},
		{`"x"`, `{ en = "one" }`, ``, `must be a list of strings`},
		{`"x"`, `{ ja = ["いち"] }`, ``, `has no "en"`},
		{`"x"`, `[]`, `guard = "yes"`, `bool is required`},
		{`"x"`, `[]`, `fault "link_down" { node = "router" }`, `"interface" is required`},
		{`"x"`, `[]`, `fault "link_down" {
    node = "router"
    interface = "eth0"
  }`, `eth0 is the management interface`},
		{`"x"`, `[]`, `fault "node_down" { node = "ghost" }`, `fault "node_down" of goal "g" names node "ghost"`},
		{`"x"`, `[]`, `fault "reboot" { node = "router" }`, `no fault type "reboot"`},
	}
	for _, c := range cases {
		src := strings.NewReplacer("TITLE", c.title, "HINTS", c.hints, "GOALEXTRA", c.extra).Replace(base)
		s, diags := loadSrc(t, src)
		if s != nil || !strings.Contains(diags, c.want) {
			t.Errorf("title %s hints %s extra %s: want an error containing %q, got:\n%s", c.title, c.hints, c.extra, c.want, diags)
		}
		if s == nil && !strings.Contains(diags, "scenario.hcl line") {
			t.Errorf("diagnostic without file:line:\n%s", diags)
		}
	}
}
