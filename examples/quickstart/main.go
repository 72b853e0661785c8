// Command quickstart walks through the life of a client's money with the billmgr SDK:
// it registers a client, creates a payment and credits it, charges an expense, refunds part
// of the payment, lists the client's payments and prints an account statement.
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
	"text/tabwriter"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
	"github.com/shopspring/decimal"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// connect returns a client for BILLMGR_URL, or for a fresh in-memory BILLmanager.
func connect(w io.Writer) (*billmgr.Client, func(), error) {
	if url := os.Getenv("BILLMGR_URL"); url != "" {
		c, err := billmgr.NewClient(url, billmgr.WithSession(os.Getenv("BILLMGR_USER"), os.Getenv("BILLMGR_PASSWORD")))
		return c, func() {}, err
	}
	srv := billmgrtest.NewServer()
	fmt.Fprintf(w, "Using the built-in fake BILLmanager at %s (set BILLMGR_URL to use a real one).\n\n", srv.URL)
	c, err := billmgr.NewClient(srv.URL, billmgr.WithSession(srv.AdminUser, srv.AdminPassword))
	return c, srv.Close, err
}

func run(ctx context.Context, w io.Writer) error {
	c, closeServer, err := connect(w)
	if err != nil {
		return err
	}
	defer closeServer()

	email := fmt.Sprintf("ada+%d@example.com", time.Now().UnixNano())
	reg, err := c.Accounts.Register(ctx, &billmgr.RegisterParams{Email: email, Password: "correct horse battery staple", RealName: "Ada Lovelace"})
	if errors.Is(err, billmgr.ErrExists) {
		return fmt.Errorf("%s is already registered: %w", email, err)
	}
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	fmt.Fprintf(w, "Registered %s as client %d.\n", reg.Email, reg.AccountID)

	paymentID, err := c.Payments.Create(ctx, reg.AccountID, &billmgr.PaymentParams{
		SubaccountAmount: billmgr.MustDecimal("1500.00"),
		Description:      billmgr.Ptr("Top-up by bank transfer"),
	})
	if err != nil {
		return fmt.Errorf("create payment: %w", err)
	}
	if err := c.Payments.SetPaid(ctx, paymentID); err != nil {
		return fmt.Errorf("credit payment %d: %w", paymentID, err)
	}
	fmt.Fprintf(w, "Created payment %d for 1500.00 and credited it.\n", paymentID)

	accounts, err := c.Subaccounts.List(ctx, reg.AccountID, nil)
	if err != nil {
		return fmt.Errorf("list personal accounts: %w", err)
	}
	if len(accounts.Items) == 0 {
		return errors.New("the new client has no personal account")
	}
	subaccount := accounts.Items[0]
	if _, err := c.Expenses.Create(ctx, reg.AccountID, &billmgr.ExpenseParams{
		Subaccount: billmgr.Ptr(subaccount.ID),
		Amount:     billmgr.MustDecimal("349.90"),
		Name:       billmgr.Ptr("Shared hosting, one month"),
		Operation:  billmgr.Ptr("prolong"),
	}); err != nil {
		return fmt.Errorf("charge expense: %w", err)
	}
	fmt.Fprintln(w, "Charged an expense of 349.90.")

	if _, err := c.Payments.Refund(ctx, reg.AccountID, paymentID, &billmgr.RefundParams{
		Amount: billmgr.MustDecimal("200.00"), Description: "Goodwill refund",
	}); err != nil {
		return fmt.Errorf("refund: %w", err)
	}
	fmt.Fprintln(w, "Refunded 200.00 of the payment.")

	return statement(ctx, w, c, reg, subaccount.ID)
}

// statement prints every payment and expense of the client and the final balance, and
// checks the balance the server reports against the sum of the movements.
func statement(ctx context.Context, w io.Writer, c *billmgr.Client, reg *billmgr.Registration, subaccountID int64) error {
	fmt.Fprintf(w, "\nAccount statement of %s (client %d)\n\n", reg.Email, reg.AccountID)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tMOVEMENT\tSTATUS\tAMOUNT\t")
	var sum decimal.Decimal
	for p, err := range c.Payments.All(ctx, reg.AccountID, nil) {
		if err != nil {
			return fmt.Errorf("list payments: %w", err)
		}
		amount := p.SubaccountAmount.Amount
		if p.Status.Code == billmgr.PaymentCredited || p.Status.Code == billmgr.PaymentRefunded {
			sum = sum.Add(amount)
		}
		fmt.Fprintf(tw, "%s\tpayment %s\t%s\t%s\t\n", p.CreateDate.Format(time.DateOnly), p.Number, p.Status.Label, p.SubaccountAmount)
	}
	for e, err := range c.Expenses.All(ctx, reg.AccountID, nil) {
		if err != nil {
			return fmt.Errorf("list expenses: %w", err)
		}
		sum = sum.Sub(e.Amount.Amount)
		fmt.Fprintf(tw, "%s\t%s\t\t-%s\t\n", e.RealDate.Format(time.DateOnly), e.Name, e.Amount)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	accounts, err := c.Subaccounts.List(ctx, reg.AccountID, nil)
	if err != nil {
		return fmt.Errorf("read the balance: %w", err)
	}
	for _, a := range accounts.Items {
		if a.ID == subaccountID {
			fmt.Fprintf(w, "\nBalance: %s (movements add up to %s)\n", a.Balance, sum.StringFixed(2))
			if !a.Balance.Amount.Equal(sum) {
				return fmt.Errorf("the balance %s does not match the movements %s", a.Balance, sum.StringFixed(2))
			}
			return nil
		}
	}
	return fmt.Errorf("personal account %d disappeared", subaccountID)
}
