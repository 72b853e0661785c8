//go:build !unix

package main

import "os"

// lockFile does not lock where the system has no flock (Windows): there, do not run two
// imports on one journal at once (README, "The accountant's daily run").
func lockFile(*os.File) error { return nil }
