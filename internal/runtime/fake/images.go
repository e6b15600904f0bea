package fake

import (
	"context"

	"github.com/labdojo/labdojo/internal/runtime"
)

// ListImages implements image.Lister. The fake keeps no images (every
// image "exists", see ImageExists), so it lists none; the labels are
// ignored.
func (f *Runtime) ListImages(context.Context, map[string]string) ([]runtime.ImageInfo, error) {
	return nil, f.check()
}
