package engine

import (
	"context"
	"errors"
	"io"

	"github.com/labdojo/labdojo/internal/runtime"
)

// ExecStream implements runtime.Runtime: this fake has no exec transport.
func (f *fakeRT) ExecStream(context.Context, string, []string) (io.ReadWriteCloser, error) {
	return nil, errors.New("fakeRT: no exec stream")
}

// Identity implements runtime.Runtime.
func (f *fakeRT) Identity(context.Context) (runtime.EngineIdentity, error) {
	return runtime.EngineIdentity{Endpoint: "fake://", Local: true}, nil
}
