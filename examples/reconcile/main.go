// Command reconcile totals every payment of every client of a BILLmanager by status and
// currency, refunds apart, exactly in decimal, and prints the table:
//
//	STATUS                 PAYMENTS              AMOUNT
//	1 New                      2501          305.00 RUB
//	…
//	4 Credited, refunds           1          -75.50 RUB
//	6 Refunded                    1           75.50 RUB
//
// Each line is the payments of one status in one currency: statuses are not added up, since
// an unpaid invoice, a credited payment and a refunded one are different money.
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
	c, closeBilling, err := connect(ctx, w, lang)
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
func connect(ctx context.Context, w io.Writer, lang string) (*billmgr.Client, func(), error) {
	opts := []billmgr.Option{billmgr.WithLang(lang)}
	if url := os.Getenv("BILLMGR_URL"); url != "" {
		c, err := billmgr.NewClient(url, append(opts, billmgr.WithSession(os.Getenv("BILLMGR_USER"), os.Getenv("BILLMGR_PASSWORD")))...)
		return c, func() {}, err
	}
	srv, err := newDemoServer(ctx)
	if err != nil {
		return nil, nil, err
	}
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
		{Email: "ann@example.com", Name: "Ann", Balance: decimal.RequireFromString("175.90"), Payments: []billmgrtest.SeedPayment{
			pay("100.10", 4), pay("0.20", 4), pay("0.10", 4), pay("250.00", 1), pay("75.50", 4),
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

// newDemoServer starts a fake with demoSeed, Ann's payment of 75.50 refunded in full, and
// bulk payments on top: 500 of 0.07 for Ann, 1500 of 1.10 for Bob (in dollars), and two
// more clients with 1000 of 0.01 each, 4011 payments in all.
func newDemoServer(ctx context.Context) (*billmgrtest.Server, error) {
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(demoSeed()))
	ann := srv.AccountID("ann@example.com")
	// A refund, as the panel makes one: the payment becomes Refunded, and a refund of
	// -75.50 is credited to Ann's account.
	c, err := billmgr.NewClient(srv.URL, billmgr.WithAuthInfo(srv.AdminUser, srv.AdminPassword))
	if err == nil {
		_, err = c.Payments.Refund(ctx, ann, srv.PaymentIDs(ann)[4], &billmgr.RefundParams{Amount: billmgr.MustDecimal("75.50")})
	}
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("the demo's refund: %w", err)
	}
	srv.AddPayments(ann, 500, decimal.RequireFromString("0.07"))
	srv.AddPayments(srv.AccountID("bob@example.com"), 1500, decimal.RequireFromString("1.10"))
	for _, id := range srv.AddAccounts(2) {
		srv.AddPayments(id, 1000, decimal.RequireFromString("0.01"))
	}
	return srv, nil
}
