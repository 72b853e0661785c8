package main

import (
	"flag"
	"fmt"

	"github.com/go-billmgr/billmgr/cmd/internal/fakeserver"
	"github.com/spf13/cobra"
)

// fakeCommand: billmgr fake runs the in-memory fake BILLmanager of package billmgrtest in
// the foreground until interrupted: the server of billmgr-fake, with its flags, its demo
// data, its TLS and its banner.
func (a *app) fakeCommand() *cobra.Command {
	var f fakeserver.Flags
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Run the built-in fake BILLmanager until interrupted, to try commands and test scripts",
		Long: `Run the built-in fake BILLmanager (package billmgrtest) until interrupted: the server of
billmgr-fake. By default it listens on https://127.0.0.1:1500/billmgr with a self-signed
certificate made at start, and prints the URL, the certificate's pin, the administrator's
credentials and commands that work as printed. Its state lives in memory only.`,
		Args: idArgs(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv, err := fakeserver.Start(f)
			if err != nil {
				return usageErr("%v", err)
			}
			fmt.Fprint(a.out, srv.Banner())
			if err := a.out.Flush(); err != nil {
				return err
			}
			return srv.Run(cmd.Context())
		},
	}
	ownTimeout(cmd, "none: the fake serves until it is stopped")
	flags := flag.NewFlagSet("fake", flag.ContinueOnError)
	f.Register(flags)
	cmd.Flags().AddGoFlagSet(flags)
	return cmd
}
