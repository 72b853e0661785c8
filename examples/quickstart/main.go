// Command quickstart walks through the life of a client's money with the billmgr SDK: it
// registers a client, issues an invoice and credits it when it is paid, charges an expense,
// refunds part of the payment, issues a second invoice the client does not pay, and prints
// the client's account statement: the movements in time order with the balance after each,
// the totals by status, and the balance the server reports, checked to the kopeck.
//
// By default it runs against the in-memory BILLmanager of package billmgrtest, so it needs
// no billing server:
//
//	go run ./examples/quickstart
//
// To run it against a real BILLmanager (it registers a real client there), set
//
//	BILLMGR_URL=https://billing.example.com:1500/billmgr BILLMGR_USER=admin BILLMGR_PASSWORD=… go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	c, email, clock, closeServer, err := connect(w)
	if err != nil {
		return err
	}
	defer closeServer()

	reg, err := c.Accounts.Register(ctx, &billmgr.RegisterParams{
		Email: email, Password: "correct horse battery staple", RealName: "Ada Lovelace"})
	if errors.Is(err, billmgr.ErrExists) {
		return fmt.Errorf("%s is already registered: %w", email, err)
	}
	if err != nil {
		return err
	}
	accounts, err := c.Subaccounts.List(ctx, reg.AccountID, nil)
	if err != nil {
		return err
	}
	account := accounts.Items[0] // a new client has one personal account
	fmt.Fprintf(w, "Registered %s as client %d, with a personal account in %s.\n", reg.Email, reg.AccountID, account.Currency)

	invoice, err := c.Payments.Create(ctx, reg.AccountID, &billmgr.PaymentParams{
		SubaccountAmount: billmgr.MustDecimal("1500.00"),
		Description:      billmgr.Ptr("Top-up by bank transfer")})
	if err != nil {
		return err
	}
	// Two days later the bank transfer arrives.
	clock.wait(2)
	if err := c.Payments.SetPaid(ctx, invoice); err != nil { // sent exactly once, never retried
		return err
	}
	fmt.Fprintf(w, "Issued an invoice for 1500.00 %s; the bank transfer came and it is credited.\n", account.Currency)

	clock.wait(3)
	if _, err := c.Expenses.Create(ctx, reg.AccountID, &billmgr.ExpenseParams{
		Subaccount: billmgr.Ptr(account.ID),
		Amount:     billmgr.MustDecimal("349.90"),
		Name:       billmgr.Ptr("Shared hosting, one month"),
		Operation:  billmgr.Ptr("prolong"),
	}); err != nil {
		return err
	}
	fmt.Fprintf(w, "Charged 349.90 %s for shared hosting.\n", account.Currency)

	clock.wait(10)
	if _, err := c.Payments.Refund(ctx, reg.AccountID, invoice, &billmgr.RefundParams{
		Amount: billmgr.MustDecimal("200.00"), Description: "Goodwill refund"}); err != nil {
		return err
	}
	fmt.Fprintf(w, "Refunded 200.00 %s of the payment.\n", account.Currency)

	clock.wait(5)
	if _, err := c.Payments.Create(ctx, reg.AccountID, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("500.00")}); err != nil {
		return err
	}
	fmt.Fprintf(w, "Issued an invoice for 500.00 %s, not paid yet.\n", account.Currency)

	s, err := readStatement(ctx, c, reg.AccountID, account.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nAccount statement of %s (client %d)\n\n", reg.Email, reg.AccountID)
	return s.print(w)
}

// connect returns a client for BILLMGR_URL and a new e-mail address to register there, or
// a client for a fresh in-memory BILLmanager, whose clock the story moves (see story).
func connect(w io.Writer) (*billmgr.Client, string, *story, func(), error) {
	if url := os.Getenv("BILLMGR_URL"); url != "" {
		c, err := billmgr.NewClient(url, billmgr.WithSession(os.Getenv("BILLMGR_USER"), os.Getenv("BILLMGR_PASSWORD")))
		return c, fmt.Sprintf("ada+%d@example.com", time.Now().Unix()), nil, func() {}, err
	}
	start := time.Date(2024, 5, 6, 10, 0, 0, 0, time.UTC)
	clock := &story{}
	clock.now.Store(start.UnixNano())
	srv := billmgrtest.NewServer(billmgrtest.WithClock(clock.time))
	fmt.Fprintf(w, "On the built-in fake BILLmanager, from %s (set BILLMGR_URL to use a real one).\n\n", start.Format(time.DateOnly))
	c, err := billmgr.NewClient(srv.URL, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))
	return c, "ada@example.com", clock, srv.Close, err
}

// story is the fake's clock: the steps of the walk-through happen days apart, as they
// would, and the statement reads the same on every run. A real server keeps its own time:
// there, story is nil and waits nothing.
type story struct{ now atomic.Int64 } // Unix nanoseconds: the fake reads it while the story moves it

func (s *story) time() time.Time { return time.Unix(0, s.now.Load()).UTC() }

// wait lets days pass on the fake.
func (s *story) wait(days int) {
	if s != nil {
		s.now.Store(s.time().AddDate(0, 0, days).UnixNano())
	}
}
