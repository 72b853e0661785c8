//go:build !unix

package bankimport

import (
	"errors"
	"os"
)

// errSymlink is the error of a journal path that names a symbolic link.
var errSymlink = errors.New("a symbolic link")

// openJournalFile opens path, refusing a symbolic link. Without O_NOFOLLOW the check and
// the open are two steps.
func openJournalFile(path string, write bool) (*os.File, error) {
	if info, err := os.Lstat(path); err == nil && info.Mode()&os.ModeSymlink != 0 {
		return nil, &os.PathError{Op: "open", Path: path, Err: errSymlink}
	}
	if write {
		return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	}
	return os.Open(path)
}

func isSymlinkError(err error) bool { return errors.Is(err, errSymlink) }

// lockFile does not lock where the system has no flock (Windows): there, do not run two
// imports on one journal at once.
func lockFile(*os.File) error { return nil }
