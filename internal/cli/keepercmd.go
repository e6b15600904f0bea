package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/labdojo/labdojo/internal/engine"
	"github.com/labdojo/labdojo/internal/session"
	"github.com/labdojo/labdojo/internal/state"
)

// keeperConfig reads --no-keep, DOJO_NO_KEEP and DOJO_KEEP_IDLE (a Go
// duration, e.g. 30m; default 10m).
func (a *app) keeperConfig() session.KeeperConfig {
	off := !a.keep || a.noKeep
	if v := a.opts.Getenv("DOJO_NO_KEEP"); v != "" && v != "0" && v != "false" {
		off = true
	}
	var idle time.Duration
	if v := a.opts.Getenv("DOJO_KEEP_IDLE"); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			idle = d
		}
	}
	return session.KeeperConfig{Enabled: !off, Idle: idle}
}

// keeperCmd is the hidden `dojo keeper INSTANCE`: the connection keeper
// process that check, ssh, solve and friends start and use. It prints
// nothing; its state directory's keeper.log gets its errors.
func (a *app) keeperCmd() *cobra.Command {
	var idle time.Duration
	var engineKey string
	cmd := &cobra.Command{
		Use:    "keeper INSTANCE",
		Short:  "Keep an instance's SSH connections warm for other dojo commands (started automatically)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if idle <= 0 {
				idle = session.DefaultKeeperIdle
			}
			ctx := cmd.Context()
			if (a.transport == "" || a.transport == "direct") && engineKey == "" {
				// Direct TCP to the default engine's nodes needs the
				// state directory and SSH, not the engine: the keeper
				// starts in milliseconds even when the engine is busy.
				st, err := state.OpenEnv(a.opts.Getenv)
				if err != nil {
					return withCode(ExitEnviron, err)
				}
				svc := &session.Service{Engine: &engine.Engine{Store: st}, Version: version()}
				return svc.ServeKeeper(ctx, args[0], idle)
			}
			// The exec transport, or another engine's state: the
			// engine the starting command used (same environment).
			svc, err := a.service(ctx)
			if err != nil {
				return err
			}
			if got := svc.Engine.Identity.Key; got != engineKey {
				return fmt.Errorf("keeper for engine %q started against engine %q", engineKey, got)
			}
			return svc.ServeKeeper(ctx, args[0], idle)
		},
	}
	cmd.Flags().DurationVar(&idle, "idle", session.DefaultKeeperIdle, "exit after this long without clients")
	cmd.Flags().StringVar(&engineKey, "engine-key", "", "the engine's state key (set by the starting command)")
	return cmd
}
