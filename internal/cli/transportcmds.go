package cli

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/session"
)

// printEngine prints which engine runs an instance and how SSH reached it,
// so that instances of the same name on two engines are told apart.
func (a *app) printEngine(st *engine.InstanceStatus) {
	if st.Engine == "" {
		return
	}
	via := ""
	if st.Transport != "" {
		via = ", SSH " + st.Transport
	}
	a.out.printf("  engine %s%s\n", st.Engine, via)
}

// addTransportFlag declares the global --transport flag.
func (a *app) addTransportFlag(root *cobra.Command) {
	root.PersistentFlags().StringVar(&a.transport, "transport", "",
		"how SSH reaches nodes: auto, direct (TCP to the management address) or exec (sshd -i through the engine); default $"+session.TransportEnv+", else auto")
}

// useEngine identifies the engine and sets the transport on svc:
// --transport, else $DOJO_TRANSPORT, else auto.
func (a *app) useEngine(ctx context.Context, svc *session.Service) error {
	tr := a.transport
	if tr == "" {
		tr = a.opts.Getenv(session.TransportEnv)
	}
	if exe, err := os.Executable(); err == nil {
		svc.Executable = exe
	}
	return svc.UseEngine(ctx, tr)
}

func (a *app) proxyCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "proxy INSTANCE NODE",
		Short:  "Bridge stdin/stdout to a node's sshd through the engine (OpenSSH ProxyCommand)",
		Hidden: true,
		Args:   cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := a.service(cmd.Context())
			if err != nil {
				return err
			}
			return svc.Proxy(cmd.Context(), args[0], args[1], a.streams.In, a.streams.Out)
		},
	}
}
