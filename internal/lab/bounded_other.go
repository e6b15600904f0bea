//go:build !unix

package lab

import "os"

// openFlags opens read-only.
const openFlags = os.O_RDONLY
