// Package image makes the default labdojo node image: Debian 12 (bookworm)
// with an SSH server and the tools the lab tracks need. The image is built
// either by the engine from a local Debian base image, or offline from the
// Debian package mirror with mmdebstrap (or debootstrap) and imported into
// the engine. Its tag is derived from the recipe, so a changed recipe makes a
// new image.
package image

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"
)

// FormatVersion is bumped when the way images are built changes in a way the
// recipe files do not show.
const FormatVersion = 1

// Repository is the image repository of node images.
const Repository = "labdojo/node"

// Suite is the Debian release node images are made from.
const Suite = "bookworm"

// InitPath is where the node init script lives in the image; it is the
// image's command.
const InitPath = "/usr/local/sbin/dojo-init"

// BaseImages are the local engine images the engine build starts from, in
// order of preference. They are never pulled.
var BaseImages = []string{"debian:bookworm", "debian:12"}

// Packages installed in the node image (besides Debian's minbase).
var Packages = []string{
	"openssh-server", "sudo", "iproute2", "iputils-ping", "iptables", "nftables",
	"curl", "ca-certificates", "dnsutils", "netcat-openbsd", "procps", "less",
	"vim-tiny", "nano", "nginx-light", "dnsmasq-base", "isc-dhcp-client", "tcpdump",
	"cron", "rsync", "python3", "python3-apt", "init-system-helpers", "traceroute", "kmod",
}

//go:embed files
var files embed.FS

// file names inside the embedded files directory, with their place in the
// image.
var imageFiles = []struct {
	name, dest string
	mode       int64
}{
	{"dojo-init", InitPath, 0o755},
	{"dpkg-nodoc", "/etc/dpkg/dpkg.cfg.d/01-dojo-nodoc", 0o644},
}

// finalizeScript is run on the finished root filesystem (argument: its
// path); it is not kept in the image.
const finalizeScript = "dojo-finalize"

func mustFile(name string) []byte {
	b, err := files.ReadFile("files/" + name)
	if err != nil {
		panic(fmt.Sprintf("image: embedded file %s missing: %v", name, err))
	}
	return b
}

// env and cmd of the image, as Dockerfile instructions.
var imageChanges = []string{
	"ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	`CMD ["` + InitPath + `"]`,
	// Not io.labdojo.tool: containers started from the image by hand must
	// not look like labdojo's own.
	"LABEL io.labdojo.image=node",
}

// recipeHash returns the hex sha256 of everything that defines the image.
func recipeHash(format int, suite string, packages []string, fileContents map[string][]byte, changes []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "labdojo-node-image format=%d\nsuite=%s\n", format, suite)
	pk := append([]string(nil), packages...)
	sort.Strings(pk)
	fmt.Fprintf(h, "packages=%s\n", strings.Join(pk, ","))
	names := make([]string, 0, len(fileContents))
	for n := range fileContents {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(h, "file=%s len=%d\n", n, len(fileContents[n]))
		_, _ = h.Write(fileContents[n])
	}
	for _, c := range changes {
		fmt.Fprintf(h, "change=%s\n", c)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func recipeFiles() map[string][]byte {
	m := map[string][]byte{finalizeScript: mustFile(finalizeScript)}
	for _, f := range imageFiles {
		m[f.dest] = mustFile(f.name)
	}
	return m
}

// RecipeHash returns the hex sha256 of the default node image recipe:
// format version, suite, packages, files placed in the image and image
// settings.
func RecipeHash() string {
	return recipeHash(FormatVersion, Suite, Packages, recipeFiles(), imageChanges)
}

// DefaultRef returns the reference of the default node image:
// labdojo/node:<first 12 hex digits of RecipeHash>.
func DefaultRef() string {
	return Repository + ":" + RecipeHash()[:12]
}

// InitScript returns the node init script placed at InitPath.
func InitScript() []byte { return mustFile("dojo-init") }

// dockerfile returns the Dockerfile of the engine build from base.
func dockerfile(base string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "FROM %s\n", base)
	b.WriteString("ARG DEBIAN_FRONTEND=noninteractive\n")
	for _, f := range imageFiles {
		fmt.Fprintf(&b, "COPY %s %s\n", f.name, f.dest)
	}
	fmt.Fprintf(&b, "COPY %s /tmp/%s\n", finalizeScript, finalizeScript)
	fmt.Fprintf(&b, "RUN apt-get update \\\n && apt-get install -y --no-install-recommends %s \\\n && apt-get clean \\\n && sh /tmp/%s /\n",
		strings.Join(Packages, " "), finalizeScript)
	for _, c := range imageChanges {
		b.WriteString(c + "\n")
	}
	return b.String()
}

// writeBuildContext writes the engine build context (Dockerfile and files)
// as a tar stream.
func writeBuildContext(w io.Writer, base string) error {
	tw := newTarWriter(w)
	if err := tw.file("Dockerfile", []byte(dockerfile(base)), 0o644); err != nil {
		return err
	}
	for _, f := range imageFiles {
		if err := tw.file(f.name, mustFile(f.name), f.mode); err != nil {
			return err
		}
	}
	if err := tw.file(finalizeScript, mustFile(finalizeScript), 0o755); err != nil {
		return err
	}
	return tw.Close()
}
