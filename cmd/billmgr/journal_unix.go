//go:build unix

package main

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on f, or fails at once when another process holds one.
// The system releases it when the process ends, however it ends.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}
