//go:build !unix

package image

import (
	"os"
	"os/exec"
)

// setProcessGroup does nothing where process groups do not exist.
func setProcessGroup(*exec.Cmd) {}

// tryLock always succeeds where file locks are not available.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlock(*os.File) {}
