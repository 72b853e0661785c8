package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/go-billmgr/billmgr/billmgrtest"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
)

// fakeCommand: billmgr fake runs the in-memory fake BILLmanager of package billmgrtest in
// the foreground until interrupted.
func (a *app) fakeCommand() *cobra.Command {
	var (
		addr, seedFile string
		demo           bool
	)
	cmd := &cobra.Command{
		Use:   "fake",
		Short: "Run the built-in fake BILLmanager until interrupted, to try commands and test scripts",
		Args:  idArgs(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			seed, err := fakeSeed(seedFile, demo)
			if err != nil {
				return err
			}
			opts := []billmgrtest.Option{billmgrtest.WithSeed(seed)}
			base, user, password := "", billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword
			if addr == "" {
				srv := billmgrtest.NewServer(opts...)
				defer srv.Close()
				base, user, password = srv.URL, srv.AdminUser, srv.AdminPassword
			} else {
				ln, err := net.Listen("tcp", addr)
				if err != nil {
					return usageErr("--addr: %v", err)
				}
				hs := &http.Server{Handler: billmgrtest.NewHandler(opts...), ReadHeaderTimeout: 10 * time.Second}
				go func() { _ = hs.Serve(ln) }()
				defer hs.Close()
				base = "http://" + ln.Addr().String() + "/billmgr"
			}
			fmt.Fprintf(a.out, `BILLmanager fake running (Ctrl-C stops it); its state lives in memory only.
url:      %[1]s
user:     %[2]s
password: %[3]s

Try, in another shell (the fake's password may sit in the environment; a real one belongs
in BILLMGR_PASSWORD_FILE):
  export BILLMGR_URL=%[1]s BILLMGR_USER=%[2]s BILLMGR_PASSWORD=%[3]s
  printf 'ann-secret\n' | billmgr accounts register --email ann@example.com --realname Ann --passwd -
  billmgr accounts list
  billmgr payments create --account ID --subaccountamount 100.50
  billmgr payments setpaid PAYMENT_ID
  billmgr payments list --account ID -o table
`, base, user, password)
			if err := a.out.Flush(); err != nil {
				return err
			}
			<-cmd.Context().Done()
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "", "listen on this `address`, e.g. 127.0.0.1:1500 (default a free loopback port)")
	cmd.Flags().StringVar(&seedFile, "seed", "", "load the initial data from this JSON `file` (billmgrtest.Seed)")
	cmd.Flags().BoolVar(&demo, "demo", false, "add two demo clients with payments and an expense")
	return cmd
}

// fakeSeed reads the seed file, adds the demo clients when asked, and validates the lot.
func fakeSeed(file string, demo bool) (billmgrtest.Seed, error) {
	var seed billmgrtest.Seed
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return seed, usageErr("--seed: %v", err)
		}
		if err := json.Unmarshal(b, &seed); err != nil {
			return seed, usageErr("--seed %s: %v", file, err)
		}
	}
	if demo {
		seed.Accounts = append(seed.Accounts, demoAccounts()...)
	}
	if err := seed.Validate(); err != nil {
		return seed, usageErr("--seed: %v", err)
	}
	return seed, nil
}

func demoAccounts() []billmgrtest.SeedAccount {
	d := decimal.RequireFromString
	return []billmgrtest.SeedAccount{
		{
			Email: "ann@example.com", Password: "ann-secret", Name: "Ann", Balance: d("100.00"),
			Payments: []billmgrtest.SeedPayment{
				{Amount: d("100.00"), Status: 4, Description: "first top-up"},
				{Amount: d("250.50"), Description: "invoice, not paid yet"},
				{Amount: d("40.00"), Paymethod: 2},
			},
			Expenses: []billmgrtest.SeedExpense{{Name: "Hosting", Operation: "prolong", Amount: d("10.00")}},
		},
		{
			Email: "bob@example.com", Password: "bob-secret", Name: "Bob", Currency: "USD",
			Payments: []billmgrtest.SeedPayment{{Amount: d("20.00")}},
		},
	}
}
