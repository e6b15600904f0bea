//go:build unix

package lab

import "syscall"

// openFlags opens read-only without blocking (a FIFO opens at once and is
// then refused as not regular) and without acquiring a controlling
// terminal.
const openFlags = syscall.O_RDONLY | syscall.O_NONBLOCK | syscall.O_NOCTTY
