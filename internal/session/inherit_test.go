package session

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestCloseInheritedFiles starts this test binary again with an open file
// at descriptor 3 (inherited, as a lock file of `flock FILE dojo …` is):
// after closeInheritedFiles the child no longer holds it, while its
// standard streams still work.
func TestCloseInheritedFiles(t *testing.T) {
	if os.Getenv("DOJO_TEST_INHERIT_CHILD") == "1" {
		_, before := unix.FcntlInt(3, unix.F_GETFD, 0)
		closeInheritedFiles()
		_, after := unix.FcntlInt(3, unix.F_GETFD, 0)
		os.Stdout.WriteString("before=" + errString(before) + " after=" + errString(after) + "\n")
		os.Exit(0)
	}
	f, err := os.CreateTemp(t.TempDir(), "lock")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCloseInheritedFiles$")
	cmd.Env = append(os.Environ(), "DOJO_TEST_INHERIT_CHILD=1")
	cmd.ExtraFiles = []*os.File{f}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "before=ok after="+unix.EBADF.Error()) {
		t.Errorf("child: %s (want fd 3 open before, closed after)", out)
	}
}

func errString(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}
