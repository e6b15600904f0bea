package docker

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/labdojo/labdojo/internal/runtime"
)

// Exec runs a command in a running container, streaming its standard
// streams, and returns its exit code. Without a TTY, stdout and stderr are
// demultiplexed; with one, spec.Resize delivers terminal sizes. Cancelling
// ctx closes the connection and returns ctx's error (the process itself keeps
// running in the container; the engine has no exec kill).
func (r *Runtime) Exec(ctx context.Context, id string, spec runtime.ExecSpec) (runtime.ExecResult, error) {
	if len(spec.Cmd) == 0 {
		return runtime.ExecResult{}, fmt.Errorf("exec in container %q: empty command", id)
	}
	created, err := r.cli.ContainerExecCreate(ctx, id, container.ExecOptions{
		User:         spec.User,
		Tty:          spec.TTY,
		AttachStdin:  spec.Stdin != nil,
		AttachStdout: true,
		AttachStderr: true,
		Env:          spec.Env,
		Cmd:          spec.Cmd,
	})
	if err != nil {
		return runtime.ExecResult{}, wrapErr(err, "exec %q in container %q", spec.Cmd[0], id)
	}
	hijack, err := r.cli.ContainerExecAttach(ctx, created.ID, container.ExecAttachOptions{Tty: spec.TTY})
	if err != nil {
		return runtime.ExecResult{}, wrapErr(err, "exec %q in container %q: attaching", spec.Cmd[0], id)
	}
	defer hijack.Close()

	// Close the hijacked connection when ctx ends so that reads return.
	// Deferred in this order: close(done) runs first, then wg.Wait.
	var wg sync.WaitGroup
	defer wg.Wait()
	done := make(chan struct{})
	defer close(done)
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-ctx.Done():
			hijack.Close()
		case <-done:
		}
	}()

	if spec.TTY && spec.Resize != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case size, ok := <-spec.Resize:
					if !ok {
						return
					}
					// Errors are ignored: a resize racing with the end of
					// the process is harmless.
					_ = r.cli.ContainerExecResize(ctx, created.ID, container.ResizeOptions{Width: size[0], Height: size[1]})
				case <-done:
					return
				case <-ctx.Done():
					return
				}
			}
		}()
	}

	if spec.Stdin != nil {
		// Not waited for: the caller's reader (a terminal) may block
		// forever; the copy ends when the connection closes.
		go func() {
			_, _ = io.Copy(hijack.Conn, spec.Stdin)
			_ = hijack.CloseWrite()
		}()
	}

	stdout, stderr := spec.Stdout, spec.Stderr
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	if spec.TTY {
		_, err = io.Copy(stdout, hijack.Reader)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, hijack.Reader)
	}
	if ctx.Err() != nil {
		return runtime.ExecResult{}, fmt.Errorf("exec %q in container %q: %w", spec.Cmd[0], id, ctx.Err())
	}
	if err != nil {
		return runtime.ExecResult{}, fmt.Errorf("exec %q in container %q: reading output: %w", spec.Cmd[0], id, err)
	}
	code, err := r.execExitCode(ctx, created.ID)
	if err != nil {
		return runtime.ExecResult{}, wrapErr(err, "exec %q in container %q", spec.Cmd[0], id)
	}
	return runtime.ExecResult{ExitCode: code}, nil
}

// execExitCode reads the exit code of a finished exec. The output stream
// ends when the process exits, but a process whose descendants kept the
// streams open, or an engine that records the exit a moment later, can still
// show Running: wait briefly (bounded, ctx-aware) for the record.
func (r *Runtime) execExitCode(ctx context.Context, execID string) (int, error) {
	delay := 5 * time.Millisecond
	for attempt := 0; ; attempt++ {
		ins, err := r.cli.ContainerExecInspect(ctx, execID)
		if err != nil {
			return 0, err
		}
		if !ins.Running {
			return ins.ExitCode, nil
		}
		if attempt == 10 {
			return 0, fmt.Errorf("exec %s: output ended but the process is still running", execID)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, ctx.Err()
		case <-t.C:
		}
		delay *= 2
	}
}
