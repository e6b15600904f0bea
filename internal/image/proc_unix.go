//go:build unix

package image

import (
	"os/exec"
	"syscall"
)

// setProcessGroup runs cmd in its own process group, and makes cancelling
// stop the whole group (the tool's apt and dpkg children too).
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	}
}
