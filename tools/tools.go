//go:build tools

// Package tools pins the versions of the programs the project's checks run, in a module of
// its own so that their requirements (staticcheck needs Go 1.26) stay out of the SDK's
// go.mod, whose go line is the oldest Go the SDK supports. .ci/run builds them from here:
//
//	(cd tools && go build -o ../.bin/staticcheck honnef.co/go/tools/cmd/staticcheck)
package tools

import (
	_ "honnef.co/go/tools/cmd/staticcheck"
)
