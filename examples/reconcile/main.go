// Command reconcile totals every payment of every client of a BILLmanager by status and
// currency, exactly in decimal, and prints the table:
//
//	STATUS       CURRENCY  PAYMENTS          AMOUNT
//	1 New        RUB           2501          305.00
//	…
//
// By default it reads an in-memory BILLmanager of package billmgrtest, seeded with a few
// clients and a few thousand payments in rubles and dollars, so it needs no billing server:
//
//	go run ./examples/reconcile
//
// To reconcile a real BILLmanager (it only reads), set
//
//	BILLMGR_URL=https://billing.example.com:1500/billmgr BILLMGR_USER=admin BILLMGR_PASSWORD=… go run ./examples/reconcile
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/shopspring/decimal"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

func main() {
	lang := flag.String("lang", "en", "language of the status labels: en or ru")
	timeout := flag.Duration("timeout", 30*time.Minute, "give up after this `duration`")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := run(ctx, os.Stdout, *lang); err != nil {
		fmt.Fprintln(os.Stderr, "reconcile:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, lang string) error {
	c, closeBilling, err := connect(w, lang)
	if err != nil {
		return err
	}
	defer closeBilling()
	report, err := Reconcile(ctx, c)
	if err != nil {
		return err
	}
	return report.Print(w)
}

// connect returns a client for BILLMGR_URL, or for a fresh in-memory BILLmanager loaded
// with the demo data.
func connect(w io.Writer, lang string) (*billmgr.Client, func(), error) {
	opts := []billmgr.Option{billmgr.WithLang(lang)}
	if url := os.Getenv("BILLMGR_URL"); url != "" {
		c, err := billmgr.NewClient(url, append(opts, billmgr.WithSession(os.Getenv("BILLMGR_USER"), os.Getenv("BILLMGR_PASSWORD")))...)
		return c, func() {}, err
	}
	srv := newDemoServer()
	fmt.Fprintln(w, "Reading the built-in fake BILLmanager with demo data (set BILLMGR_URL to read a real one).")
	fmt.Fprintln(w)
	c, err := billmgr.NewClient(srv.URL, append(opts, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))...)
	return c, srv.Close, err
}

// demoSeed is a few clients in rubles and dollars with payments in various states, on an
// installation that gave the dollar its symbol: dollar amounts read "1.10 $".
func demoSeed() billmgrtest.Seed {
	pay := func(amount string, status int) billmgrtest.SeedPayment {
		return billmgrtest.SeedPayment{Amount: decimal.RequireFromString(amount), Status: status}
	}
	return billmgrtest.Seed{Currencies: []billmgrtest.SeedCurrency{{ISO: "USD", Symbol: "$"}}, Accounts: []billmgrtest.SeedAccount{
		{Email: "ann@example.com", Name: "Ann", Payments: []billmgrtest.SeedPayment{
			pay("100.10", 4), pay("0.20", 4), pay("0.10", 4), pay("250.00", 1), pay("75.50", 6),
		}},
		{Email: "bob@example.com", Name: "Bob", Currency: "USD", Payments: []billmgrtest.SeedPayment{
			pay("19.99", 4), pay("5.01", 9), pay("0.01", 4),
		}},
		{Email: "cat@example.com", Name: "Cat", Payments: []billmgrtest.SeedPayment{
			pay("1000.00", 2), pay("33.33", 4),
		}},
		{Email: "dan@example.com", Name: "Dan", Currency: "USD"},
	}}
}

// newDemoServer starts a fake with demoSeed and bulk payments on top: 500 of 0.07 for
// Ann, 1500 of 1.10 for Bob (in dollars), and two more clients with 1000 of 0.01 each,
// 4010 payments in all.
func newDemoServer() *billmgrtest.Server {
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(demoSeed()))
	srv.AddPayments(srv.AccountID("ann@example.com"), 500, decimal.RequireFromString("0.07"))
	srv.AddPayments(srv.AccountID("bob@example.com"), 1500, decimal.RequireFromString("1.10"))
	for _, id := range srv.AddAccounts(2) {
		srv.AddPayments(id, 1000, decimal.RequireFromString("0.01"))
	}
	return srv
}
