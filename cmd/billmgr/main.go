// Command billmgr calls the BILLmanager account API from scripts, cron jobs and a support
// engineer's shell: one subcommand per resource and action, output as a table, JSON, JSON
// lines, CSV or bare ids, and exit codes that tell API errors from usage and network
// failures.
//
//	go install github.com/go-billmgr/billmgr/cmd/billmgr@latest
//	export BILLMGR_URL=https://billing.example.com:1500/billmgr BILLMGR_USER=admin
//	export BILLMGR_PASSWORD_FILE=~/.config/billmgr/password
//	billmgr payments list --account 12 --status 1 --all -o ids
//
// Run billmgr --help for the commands, and billmgr fake for a local server to try them on.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
