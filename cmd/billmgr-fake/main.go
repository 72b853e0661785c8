// Command billmgr-fake runs the in-memory BILLmanager of package billmgrtest as a
// process, for the integration tests of clients in any language: a stand-in for a panel
// on port 1500, over HTTPS with a certificate it makes at start.
//
//	billmgr-fake [--addr 127.0.0.1:1500] [--demo] [--seed seed.json] [--http | --cert FILE --key FILE]
//	             [--password-min-length 6] [--commit-lag DURATION]
//
// It prints the API URL, the certificate's SHA-256 pin, the administrator's credentials
// and commands to try, then serves until SIGINT or SIGTERM. It answers on the panel's
// path, /billmgr, alone (any other path gets 404), in out=xml, json and sjson;
// docs/wire.md lists the functions and the shapes. billmgr fake is the same server.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/go-billmgr/billmgr/cmd/internal/fakeserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `Usage: billmgr-fake [flags]

Runs an in-memory BILLmanager (the account API, as package billmgrtest fakes it) until
interrupted, for the tests of integrations in any language: by default on
https://127.0.0.1:1500/billmgr with a self-signed certificate made at start. It prints the
URL, the certificate's pin, the administrator's credentials and commands to try. It
answers on the path /billmgr alone: any other path gets 404 Not Found.

Flags:
`

// run runs the command and returns its exit code: 0 after an interrupt or --help, 2 for
// bad flags or a server that cannot start.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var f fakeserver.Flags
	flags := flag.NewFlagSet("billmgr-fake", flag.ContinueOnError)
	f.Register(flags)
	flags.SetOutput(io.Discard)
	err := flags.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		flags.VisitAll(func(f *flag.Flag) { printFlag(stdout, f) })
		return 0
	case err == nil && flags.NArg() > 0:
		err = fmt.Errorf("unexpected arguments: %q", flags.Args())
	}
	if err != nil {
		fmt.Fprintf(stderr, "billmgr-fake: %v\n(billmgr-fake --help lists the flags)\n", err)
		return 2
	}
	srv, err := fakeserver.Start(f)
	if err != nil {
		fmt.Fprintln(stderr, "billmgr-fake:", err)
		return 2
	}
	fmt.Fprint(stdout, srv.Banner())
	if err := srv.Run(ctx); err != nil {
		fmt.Fprintln(stderr, "billmgr-fake:", err)
		return 1
	}
	return 0
}

// printFlag writes the help of a flag as billmgr fake --help does: --name value, its
// meaning and its default.
func printFlag(w io.Writer, f *flag.Flag) {
	value, meaning := flag.UnquoteUsage(f)
	name := "--" + f.Name
	if value != "" {
		name += " " + value
	}
	if f.DefValue != "" && f.DefValue != "false" {
		meaning += " (default " + f.DefValue + ")"
	}
	fmt.Fprintf(w, "  %-18s %s\n", name, meaning)
}
