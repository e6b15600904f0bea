package session

import (
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// closeInheritedFiles closes every descriptor above stderr that this
// process inherited (every one without close-on-exec: Go opens its own
// with it). A keeper outlives the command that started it by minutes, so
// it must not keep that command's parent's files open: a pipe another
// program waits on to end, or a lock (`flock FILE dojo check` would
// otherwise stay locked until the keeper's idle exit).
func closeInheritedFiles() {
	var fds []int
	if ents, err := os.ReadDir("/dev/fd"); err == nil {
		for _, e := range ents {
			if fd, err := strconv.Atoi(e.Name()); err == nil {
				fds = append(fds, fd)
			}
		}
	} else {
		for fd := 3; fd < 1024; fd++ {
			fds = append(fds, fd)
		}
	}
	for _, fd := range fds {
		if fd <= 2 {
			continue
		}
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
		if err == nil && flags&unix.FD_CLOEXEC == 0 {
			_ = unix.Close(fd)
		}
	}
}
