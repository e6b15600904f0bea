package evidence

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Errors Verify wraps; every one means "do not trust this report".
var (
	ErrNotReport    = errors.New("not a labdojo report")
	ErrNotSigned    = errors.New("the report is not signed")
	ErrBadSignature = errors.New("the signature does not match the report: it was changed after signing")
	ErrWrongKey     = errors.New("the report was signed with a different key than the one expected")
	ErrModified     = errors.New("the visible report differs from the signed data: it was changed after signing")
)

// Verification is what Verify found in a report whose signature holds.
type Verification struct {
	Format      string // html, md or json
	Label       string // self-check or instructor
	Fingerprint string // SHA256:... of the signing key
	PublicKey   string // authorized_keys form
	SignedAt    time.Time
	// PayloadSHA256 is the hex digest of the signed data.
	PayloadSHA256 string
	// RenderingChecked is true when the whole file was re-rendered from the
	// signed data and matched byte for byte. It is false only for a report
	// rendered by a different renderer version (see Warnings); then only
	// the embedded data is proven.
	RenderingChecked bool
	Warnings         []string
	Evidence         *Evidence
}

// VerifyOptions tune Verify.
type VerifyOptions struct {
	// Expected, when set, is the only key accepted.
	Expected ssh.PublicKey
}

const (
	htmlOpen = `<script type="application/json" id="` + scriptID + `">`
	mdOpen   = "<!-- " + scriptID + "\n"
)

// extract finds the embedded document of a rendering and names the format.
func extract(data []byte) (format string, doc []byte, err error) {
	// The data is the last embedded block: a recorded command may show the
	// marker text earlier (in a Markdown code block). Whatever else the
	// file holds is compared with a fresh rendering afterwards.
	one := func(open, close string) ([]byte, error) {
		i := bytes.LastIndex(data, []byte(open)) + len(open)
		j := bytes.Index(data[i:], []byte(close))
		if j < 0 {
			return nil, fmt.Errorf("%w: embedded report is not closed", ErrNotReport)
		}
		return data[i : i+j], nil
	}
	trimmed := bytes.TrimSpace(data)
	h, m := bytes.LastIndex(data, []byte(htmlOpen)), bytes.LastIndex(data, []byte(mdOpen))
	switch {
	case bytes.HasPrefix(trimmed, []byte("{")):
		return "json", data, nil
	case h >= 0 && h > m: // the data block comes last in both renderings
		d, err := one(htmlOpen, "</script>")
		return "html", d, err
	case m >= 0:
		d, err := one(mdOpen, "\n-->")
		return "md", d, err
	}
	return "", nil, fmt.Errorf("%w: no embedded report data found (is this an html, md or json report from dojo report?)", ErrNotReport)
}

// Verify checks a rendered report (html, md or json, detected from the
// content): the ed25519 signature over the canonical data and its digest,
// the key when opts.Expected is set, and that the file is exactly the
// rendering of the signed data, so a change of any byte fails.
func Verify(data []byte, opts VerifyOptions) (*Verification, error) {
	format, raw, err := extract(data)
	if err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var generic map[string]any
	if err := d.Decode(&generic); err != nil {
		return nil, fmt.Errorf("%w: embedded data: %v", ErrBadSignature, err)
	}
	if d.More() {
		return nil, fmt.Errorf("%w: data after the report", ErrBadSignature)
	}
	sig, ok := generic["signature"].(map[string]any)
	if !ok {
		return nil, ErrNotSigned
	}
	str := func(k string) string { s, _ := sig[k].(string); return s }
	if str("algorithm") != "ed25519" || str("canonicalization") != canonicalization {
		return nil, fmt.Errorf("%w: algorithm %q, canonicalization %q (want ed25519, %s)", ErrBadSignature, str("algorithm"), str("canonicalization"), canonicalization)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(str("public_key")))
	if err != nil || pub.Type() != ssh.KeyAlgoED25519 {
		return nil, fmt.Errorf("%w: unreadable public key", ErrBadSignature)
	}
	fp := ssh.FingerprintSHA256(pub)
	if str("fingerprint") != fp {
		return nil, fmt.Errorf("%w: fingerprint %q is not that of the public key (%s)", ErrBadSignature, str("fingerprint"), fp)
	}
	if opts.Expected != nil && !bytes.Equal(opts.Expected.Marshal(), pub.Marshal()) {
		return nil, fmt.Errorf("%w: signed by %s, expected %s", ErrWrongKey, fp, ssh.FingerprintSHA256(opts.Expected))
	}
	if got := payloadHash(generic); got != str("payload_sha256") {
		return nil, fmt.Errorf("%w: data digest %s, signed digest %s", ErrBadSignature, got, str("payload_sha256"))
	}
	value, err := base64.StdEncoding.DecodeString(str("value"))
	if err != nil || len(value) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: malformed signature value", ErrBadSignature)
	}
	payload, err := signedPayload(generic)
	if err != nil {
		return nil, err
	}
	cryptoPub := pub.(ssh.CryptoPublicKey).CryptoPublicKey().(ed25519.PublicKey)
	if !ed25519.Verify(cryptoPub, payload, value) {
		return nil, ErrBadSignature
	}

	var doc Document
	td := json.NewDecoder(bytes.NewReader(raw))
	td.DisallowUnknownFields()
	if err := td.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: signed data does not fit %s: %v", ErrNotReport, SchemaVersion, err)
	}
	if doc.Schema != SchemaVersion {
		return nil, fmt.Errorf("%w: schema %q, this dojo reads %s", ErrNotReport, doc.Schema, SchemaVersion)
	}
	v := &Verification{
		Format: format, Label: doc.Signature.Label, Fingerprint: fp, PublicKey: str("public_key"),
		SignedAt: doc.Signature.SignedAt, PayloadSHA256: doc.Signature.PayloadSHA256, Evidence: &doc.Evidence,
	}
	if doc.Signature.Format != format {
		return nil, fmt.Errorf("%w: signed as %s, found in a %s file", ErrModified, doc.Signature.Format, format)
	}
	if doc.Signature.Renderer != rendererName {
		v.Warnings = append(v.Warnings, fmt.Sprintf("rendered by %s, this dojo renders %s: the signed data is verified, the visible text was not compared", doc.Signature.Renderer, rendererName))
		return v, nil
	}
	again, err := render(&doc, format)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(again, data) {
		return nil, fmt.Errorf("%w (first difference at %s)", ErrModified, firstDiff(again, data))
	}
	v.RenderingChecked = true
	return v, nil
}

func firstDiff(a, b []byte) string {
	line := 1
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf("line %d, byte %d", line, i)
		}
		if a[i] == '\n' {
			line++
		}
	}
	return fmt.Sprintf("line %d, byte %d (length %d, want %d)", line, min(len(a), len(b)), len(b), len(a))
}

// Summary says in lang ("en" or "ja") who signed the report and what it
// states, for `dojo verify` to print.
func (v *Verification) Summary(lang string) string {
	// A report is untrusted input: no control characters reach the
	// terminal.
	c := *v.Evidence
	for _, s := range []*string{&c.Learner, &c.Scenario.Name, &c.Scenario.Track, &c.Scenario.Lab, &c.Environment.LabHash, &c.Environment.ScenarioHash, &c.Environment.DojoVersion} {
		*s = printable(*s)
	}
	e := &c
	var b strings.Builder
	result := label(lang, "not_passed")
	if e.Passed {
		result = label(lang, "passed")
	}
	if lang == "ja" {
		fmt.Fprintf(&b, "署名は有効です: 鍵 %s(%s)、署名日時 %s、%s 形式。\n", v.Fingerprint, signerLabel(lang, v.Label), fmtTime(v.SignedAt), v.Format)
		fmt.Fprintf(&b, "内容: 受講者 %s、シナリオ %s(%s、レベル %d)、得点 %d/%d(%s、合格ライン %d%%)、%s。\n", e.Learner, e.Scenario.Name, e.Scenario.Track, e.Scenario.Level, e.Score, e.MaxScore, pct(e.Percent), e.PassPercent, result)
		fmt.Fprintf(&b, "ラボ %s sha256:%s、シナリオ sha256:%s、dojo %s。\n", e.Scenario.Lab, e.Environment.LabHash, e.Environment.ScenarioHash, e.Environment.DojoVersion)
		if v.RenderingChecked {
			b.WriteString("ファイル全体が署名済みデータと 1 バイト単位で一致しました。\n")
		}
	} else {
		fmt.Fprintf(&b, "Signature OK: key %s, %s, signed %s (%s file).\n", v.Fingerprint, signerLabel(lang, v.Label), fmtTime(v.SignedAt), v.Format)
		fmt.Fprintf(&b, "It states: learner %s, scenario %s (%s, level %d), score %d/%d (%s, pass mark %d%%), %s.\n", e.Learner, e.Scenario.Name, e.Scenario.Track, e.Scenario.Level, e.Score, e.MaxScore, pct(e.Percent), e.PassPercent, result)
		fmt.Fprintf(&b, "Lab %s sha256:%s, scenario sha256:%s, dojo %s.\n", e.Scenario.Lab, e.Environment.LabHash, e.Environment.ScenarioHash, e.Environment.DojoVersion)
		if v.RenderingChecked {
			b.WriteString("The whole file matches the signed data byte for byte.\n")
		}
	}
	for _, w := range v.Warnings {
		b.WriteString("! " + w + "\n")
	}
	return b.String()
}

// printable replaces control characters (C0, DEL, C1) with U+FFFD.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return '\uFFFD'
		}
		return r
	}, s)
}
