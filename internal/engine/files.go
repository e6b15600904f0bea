package engine

import (
	"archive/tar"
	"bytes"
	"path"
	"strings"
	"time"
)

// tarEntry is one file placed into a node before it starts.
type tarEntry struct {
	Path    string // absolute path inside the node
	Mode    int64
	Dir     bool
	Content []byte
}

// buildTar packs entries into a tar stream to extract at "/". Parent
// directories that are not listed are created by the engine with default
// permissions.
func buildTar(entries []tarEntry, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		name := strings.TrimPrefix(path.Clean(e.Path), "/")
		h := &tar.Header{Name: name, Mode: e.Mode, ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatPAX}
		if e.Dir {
			h.Typeflag = tar.TypeDir
			h.Name += "/"
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(e.Content))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if !e.Dir {
			if _, err := tw.Write(e.Content); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
