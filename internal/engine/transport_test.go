package engine

import (
	"context"
	"errors"
	"io"
	"testing"

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

// SecurityOptions implements runtime.Runtime: what security says, and
// counts the calls.
func (f *fakeRT) SecurityOptions(context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.securityCalls++
	return f.security, nil
}

// TestDialerWithoutRuntime: the connection keeper's engine has no runtime;
// its dialer dials directly instead of panicking on the missing exec API.
func TestDialerWithoutRuntime(t *testing.T) {
	e := &Engine{}
	if d := e.Dialer(); d == nil || d.Exec != nil {
		t.Fatalf("dialer %+v", d)
	}
}
