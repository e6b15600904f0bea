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
	Mode    int64  // permission bits plus 04000 setuid, 02000 setgid, 01000 sticky
	Content []byte
	Dir     bool // a directory (Content unused)
}

// buildTar packs regular files into a tar stream to extract at "/". Missing
// parent directories are created by the engine with default permissions.
func buildTar(entries []tarEntry, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		name := strings.TrimPrefix(path.Clean(e.Path), "/")
		h := &tar.Header{Name: name, Typeflag: tar.TypeReg, Size: int64(len(e.Content)), Mode: e.Mode, ModTime: mtime, Uname: "root", Gname: "root", Format: tar.FormatPAX}
		if e.Dir {
			h.Name, h.Typeflag, h.Size = name+"/", tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if e.Dir {
			continue
		}
		if _, err := tw.Write(e.Content); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
