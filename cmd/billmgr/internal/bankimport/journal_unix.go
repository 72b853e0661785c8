//go:build unix

package bankimport

import (
	"errors"
	"os"
	"syscall"
)

// openJournalFile opens path without following a symbolic link, and without blocking on a
// FIFO (the caller refuses what is not a regular file).
func openJournalFile(path string, write bool) (*os.File, error) {
	flags := syscall.O_RDONLY
	if write {
		flags = syscall.O_RDWR | syscall.O_CREAT
	}
	fd, err := syscall.Open(path, flags|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0o644)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// isSymlinkError reports whether opening failed on a symbolic link (O_NOFOLLOW).
func isSymlinkError(err error) bool { return errors.Is(err, syscall.ELOOP) }

// lockFile takes an exclusive lock on f, or fails at once when another process holds one.
// The system releases it when the process ends, however it ends.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
