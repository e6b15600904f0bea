package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// waitDelay bounds how long a cancelled tool's leftover children may keep
// its output pipes open.
const waitDelay = 5 * time.Second

// command prepares a tool run whose stderr lines go to progress and are kept
// for error messages.
func (b *builder) command(ctx context.Context, name string, args ...string) (*exec.Cmd, *lineWriter) {
	cmd := exec.CommandContext(ctx, name, args...)
	setProcessGroup(cmd)
	cmd.WaitDelay = waitDelay
	lw := &lineWriter{fn: b.opts.Progress, keep: 20}
	cmd.Stderr = lw
	return cmd, lw
}

// run runs a tool to completion.
func (b *builder) run(ctx context.Context, name string, args ...string) error {
	cmd, lw := b.command(ctx, name, args...)
	lw2 := &lineWriter{fn: b.opts.Progress}
	cmd.Stdout = lw2
	err := cmd.Run()
	lw.Flush()
	lw2.Flush()
	if err != nil {
		return toolError(ctx, name, err, lw)
	}
	return nil
}

// importFrom runs a tool that writes a root filesystem tarball on stdout
// and streams it into the engine as ref. A tool failure aborts the upload,
// so a truncated tarball is never tagged.
func (b *builder) importFrom(ctx context.Context, ref, name string, args ...string) error {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd, lw := b.command(cctx, name, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", name, err)
	}
	pr := &procReader{r: stdout, wait: func() error {
		err := cmd.Wait()
		lw.Flush()
		if err != nil {
			return toolError(ctx, name, err, lw)
		}
		return nil
	}}
	ierr := b.eng.ImportImage(ctx, pr, ref, imageChanges)
	stopped := false
	if !pr.waited() {
		// The engine stopped reading early: stop the tool.
		stopped = true
		cancel()
	}
	werr := pr.finish()
	switch {
	case werr != nil && !stopped:
		return werr // the tool failed: its output says why
	case ierr != nil:
		return fmt.Errorf("importing into the engine: %w", ierr)
	case werr != nil:
		return werr
	}
	return nil
}

func toolError(ctx context.Context, name string, err error, lw *lineWriter) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s: %w", name, ctx.Err())
	}
	if tail := lw.Tail(); tail != "" {
		return fmt.Errorf("%s failed: %w; last output:\n%s", name, err, tail)
	}
	return fmt.Errorf("%s failed: %w", name, err)
}

// procReader reads a process's stdout; at end of stream it waits for the
// process and turns a failed exit into a read error.
type procReader struct {
	r    io.Reader
	wait func() error

	mu   sync.Mutex
	done bool
	err  error
}

func (p *procReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if errors.Is(err, io.EOF) {
		if werr := p.finish(); werr != nil {
			return n, werr
		}
	}
	return n, err
}

func (p *procReader) finish() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.done {
		p.done = true
		p.err = p.wait()
	}
	return p.err
}

func (p *procReader) waited() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// lineWriter splits written bytes into lines for a progress callback and
// keeps the last keep lines.
type lineWriter struct {
	fn   func(string)
	keep int

	mu   sync.Mutex
	buf  []byte
	last []string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexAny(w.buf, "\r\n")
		if i < 0 {
			break
		}
		w.line(string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	return len(p), nil
}

func (w *lineWriter) line(s string) {
	s = strings.TrimRight(s, " \t")
	if s == "" {
		return
	}
	if w.fn != nil {
		w.fn(s)
	}
	if w.keep > 0 {
		w.last = append(w.last, s)
		if len(w.last) > w.keep {
			w.last = w.last[len(w.last)-w.keep:]
		}
	}
}

// Flush emits a final unterminated line.
func (w *lineWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.line(string(w.buf))
		w.buf = nil
	}
}

// Tail returns the kept lines.
func (w *lineWriter) Tail() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.last, "\n")
}

// hasMountsUnder reports whether anything is mounted at or below dir (or
// whether that cannot be known).
func hasMountsUnder(dir string) bool {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return true
	}
	defer f.Close()
	dir = filepath.Clean(dir)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := fields[4]
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			return true
		}
	}
	return sc.Err() != nil
}

// defaultMirror is used when the host's apt sources name no Debian mirror.
const defaultMirror = "http://deb.debian.org/debian"

// hostMirror returns the Debian mirror of the host's apt sources under root
// (deb822 .sources files first, then sources.list), or defaultMirror.
func hostMirror(root string) string {
	dir := filepath.Join(root, "etc", "apt", "sources.list.d")
	matches, _ := filepath.Glob(filepath.Join(dir, "*.sources"))
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		if u := mirrorFromDeb822(string(b)); u != "" {
			return u
		}
	}
	lists, _ := filepath.Glob(filepath.Join(dir, "*.list"))
	lists = append([]string{filepath.Join(root, "etc", "apt", "sources.list")}, lists...)
	for _, l := range lists {
		b, err := os.ReadFile(l)
		if err != nil {
			continue
		}
		if u := mirrorFromList(string(b)); u != "" {
			return u
		}
	}
	return defaultMirror
}

// isMainSuite reports whether suite is a release (bookworm, stable, ...)
// rather than security or updates.
func isMainSuite(suite string) bool {
	return suite != "" && !strings.Contains(suite, "-") && !strings.Contains(suite, "/")
}

func isHTTP(u string) bool {
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://")
}

func mirrorFromDeb822(text string) string {
	for _, stanza := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		fields := map[string]string{}
		for _, line := range strings.Split(stanza, "\n") {
			if strings.HasPrefix(line, "#") || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			if ok {
				fields[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
			}
		}
		if strings.EqualFold(fields["enabled"], "no") || !hasField(fields["types"], "deb") {
			continue
		}
		main := false
		for _, s := range strings.Fields(fields["suites"]) {
			main = main || isMainSuite(s)
		}
		if !main {
			continue
		}
		for _, u := range strings.Fields(fields["uris"]) {
			if isHTTP(u) {
				return strings.TrimRight(u, "/")
			}
		}
	}
	return ""
}

func hasField(list, word string) bool {
	for _, f := range strings.Fields(list) {
		if f == word {
			return true
		}
	}
	return false
}

func mirrorFromList(text string) string {
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "deb" {
			continue
		}
		f = f[1:]
		if strings.HasPrefix(f[0], "[") { // options: [arch=amd64 signed-by=...]
			for len(f) > 0 && !strings.HasSuffix(f[0], "]") {
				f = f[1:]
			}
			if len(f) > 0 {
				f = f[1:]
			}
		}
		if len(f) >= 2 && isHTTP(f[0]) && isMainSuite(f[1]) {
			return strings.TrimRight(f[0], "/")
		}
	}
	return ""
}

// tarWriter writes small in-memory files into a tar stream.
type tarWriter struct{ *tar.Writer }

func newTarWriter(w io.Writer) tarWriter { return tarWriter{tar.NewWriter(w)} }

func (t tarWriter) file(name string, data []byte, mode int64) error {
	hdr := &tar.Header{Name: name, Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}
	if err := t.WriteHeader(hdr); err != nil {
		return fmt.Errorf("tar %s: %w", name, err)
	}
	if _, err := t.Write(data); err != nil {
		return fmt.Errorf("tar %s: %w", name, err)
	}
	return nil
}
