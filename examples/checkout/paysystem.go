package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/go-billmgr/billmgr"
)

// The payment system's side of a payment: once the client has paid on the page, the
// payment system tells the panel's payment module, which reports the payment taken
// (payment.setinpay, the payment system's id of it in externalid, its report in info) and
// credits it when the money arrives (payment.setpaid). The shop sees the effect on the
// payment; it makes none of these calls.

// simulatePaymentSystem makes the payment module's calls for payment id of client
// accountID on the built-in fake, and prints the status after each. Never on a real panel:
// there it would credit money nobody paid.
func simulatePaymentSystem(ctx context.Context, w io.Writer, admin *billmgr.Client, accountID, id int64) error {
	fmt.Fprint(w, "\n3. The payment system reports the payment to the panel's payment module, not to the shop.\n"+
		"   Simulated on the fake with the module's calls:\n\n")
	table := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, step := range []struct {
		call, what string
		run        func() error
	}{
		{"payment.setinpay", "the payment system took the payment", func() error {
			_, err := admin.Call(ctx, "payment.setinpay", url.Values{"elid": {strconv.FormatInt(id, 10)},
				"externalid": {"4373191790"}, "info": {`{"Status": "AUTHORIZED"}`}})
			return err
		}},
		{"payment.setpaid", "the money arrived", func() error { return admin.Payments.SetPaid(ctx, id) }},
	} {
		if err := step.run(); err != nil {
			return err
		}
		p, err := find(ctx, admin, accountID, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(table, "   %s\t%s\t-> %s\n", step.call, step.what, p.Status.Label)
	}
	return table.Flush()
}

// awaitCredit waits on a real panel, for at most o.wait, until payment id of client
// accountID is credited, looking at it every o.poll, and prints each status it goes
// through. A payment the panel will not credit any more (cancelled, fraudulent) ends the
// wait with an error.
func awaitCredit(ctx context.Context, w io.Writer, admin *billmgr.Client, accountID, id int64, o options) error {
	fmt.Fprintf(w, "\n3. The payment system reports the payment to the panel's payment module, not to the shop.\n"+
		"   Pay on that page; waiting up to %s for the panel to credit the payment (Ctrl-C stops):\n\n", o.wait)
	ctx, cancel := context.WithTimeout(ctx, o.wait)
	defer cancel()
	var last billmgr.Status
	for {
		p, err := find(ctx, admin, accountID, id)
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("stopped waiting: payment %d is still %s, and the payment system may still report it: %w", id, last, ctx.Err())
		case err != nil:
			return err
		}
		if p.Status.Code != last.Code {
			fmt.Fprintf(w, "   %s  %s\n", time.Now().Format(time.TimeOnly), p.Status.Label)
			last = p.Status
		}
		switch p.Status.Code {
		case billmgr.PaymentCredited:
			return nil
		case billmgr.PaymentCancelled, billmgr.PaymentFraudulent:
			return fmt.Errorf("payment %s is %s: it will not be credited", p.Number, p.Status.Label)
		}
		select {
		case <-ctx.Done(): // the next look reports it
		case <-time.After(o.poll):
		}
	}
}
