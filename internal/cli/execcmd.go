package cli

import (
	"bytes"
	"io"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/report"
	"github.com/labdojo/labdojo/internal/session"
)

func (a *app) execCmd() *cobra.Command {
	var name string
	var all bool
	var groups []string
	cmd := &cobra.Command{
		Use:   "exec [NODE[,NODE...]...] [--group GROUP] [--all] -- COMMAND...",
		Short: "Run one command on many nodes; output prefixed by node, exit status the worst",
		Long: `Run COMMAND on several nodes of an instance at once (over SSH, like
` + "`dojo ssh NODE -- COMMAND`" + `), as clab exec and kathara exec do. Select nodes by
name (a list, or comma-separated), by inventory group with --group (a network
as net_<network>, or a node block such as web for web-1, web-2; see
` + "`dojo inventory`" + `), or every running node with --all. Each output line is
prefixed with its node's name. The exit status is the worst of all nodes
(255 for a node the command could not run on).`,
		Example: `  dojo exec --all -- ip -br addr
  dojo exec web-1,web-2 -- systemctl is-active nginx
  dojo exec --group net_dmz -- ping -c1 10.0.0.1`,
		Args: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() < 0 || cmd.ArgsLenAtDash() == len(args) {
				return usageErr("no command: write it after --, e.g. dojo exec --all -- uptime")
			}
			return nil
		},
	}
	nameFlag(cmd, &name)
	cmd.Flags().BoolVar(&all, "all", false, "run on every running node")
	cmd.Flags().StringArrayVar(&groups, "group", nil, "run on the nodes of an inventory group (net_<network>, a node block); repeatable")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		dash := cmd.ArgsLenAtDash()
		var nodes []string
		for _, a := range args[:dash] {
			for _, n := range strings.Split(a, ",") {
				if n = strings.TrimSpace(n); n != "" {
					nodes = append(nodes, n)
				}
			}
		}
		svc, err := a.service(cmd.Context())
		if err != nil {
			return err
		}
		var mu sync.Mutex
		var writers []*prefixWriter
		req := session.ExecRequest{Instance: name, Nodes: nodes, Groups: groups, All: all,
			Command: strings.Join(args[dash:], " "),
			Output: func(node string) (io.Writer, io.Writer) {
				o := &prefixWriter{mu: &mu, w: a.streams.Out, prefix: report.SanitizeLine(node) + " | "}
				e := &prefixWriter{mu: &mu, w: a.streams.Err, prefix: report.SanitizeLine(node) + " | "}
				mu.Lock()
				writers = append(writers, o, e)
				mu.Unlock()
				return o, e
			}}
		_, results, worst, err := svc.Exec(cmd.Context(), req)
		for _, w := range writers {
			w.flush()
		}
		if err != nil {
			return err
		}
		for _, r := range results {
			if r.Err != nil {
				a.errOut.printf("%s | dojo: %v\n", r.Node, r.Err)
			} else if r.ExitCode != 0 && !a.quiet {
				a.errOut.printf("%s | dojo: exit status %d\n", r.Node, r.ExitCode)
			}
		}
		if worst != 0 {
			return withCode(worst, nil)
		}
		return nil
	}
	return cmd
}

// prefixWriter writes whole lines to w, each starting with prefix; lines
// of different nodes never interleave (they share mu). The output itself
// passes as it is, as with ssh.
type prefixWriter struct {
	mu     *sync.Mutex
	w      io.Writer
	prefix string
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	i := bytes.LastIndexByte(p.buf, '\n')
	if i < 0 {
		return len(b), nil
	}
	p.emit(p.buf[:i+1])
	p.buf = append(p.buf[:0], p.buf[i+1:]...)
	return len(b), nil
}

func (p *prefixWriter) emit(chunk []byte) {
	var out bytes.Buffer
	for _, line := range bytes.SplitAfter(chunk, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		out.WriteString(p.prefix)
		out.Write(line)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, _ = p.w.Write(out.Bytes())
}

// flush writes an unterminated last line.
func (p *prefixWriter) flush() {
	if len(p.buf) > 0 {
		p.emit(append(p.buf, '\n'))
		p.buf = nil
	}
}
