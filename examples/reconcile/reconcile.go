package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"github.com/go-billmgr/billmgr"
)

// Key groups payments: by status code, refunds apart, and by the currency of the amount
// credited to the client's personal account.
type Key struct {
	Status   string // a payment status code, billmgr.PaymentNew …
	Refund   bool   // the payments are refunds: money given back, with negative amounts
	Currency string // the ISO code, "USD", even where the server prints a symbol ("5.00 $")
}

// Total is the number and the exact sum of the payments of a Key.
type Total struct {
	Count  int
	Amount decimal.Decimal
}

// Report is the outcome of Reconcile.
type Report struct {
	Clients  int
	Payments int
	Totals   map[Key]Total
	Labels   map[string]string // status code → the label the server gave it
}

// errSavedFilter is returned when a filter saved on the server would hide clients or
// payments from the lists Reconcile reads.
var errSavedFilter = errors.New("a filter saved on the server would hide rows")

// Reconcile reads every payment of every client and totals them by status and currency.
//
// It first lists the clients (Accounts.All, keeping only their ids), then streams each
// client's payments (Payments.All), one page in memory at a time; the client list is read
// to the end before the payments so that no list response is held open across other calls.
// An installation may print a currency's symbol instead of its code ("5.00 $"), so each
// client's personal accounts, which name the code beside the balance, tell which code a
// payment's currency stands for.
// A saved filter of the client list or the payment list would silently leave rows out, so
// Reconcile refuses to run while one is set (reset them in the panel or with ResetFilter).
func Reconcile(ctx context.Context, c *billmgr.Client) (*Report, error) {
	accounts, err := accountIDs(ctx, c)
	if err != nil {
		return nil, err
	}
	r := &Report{Clients: len(accounts), Totals: map[Key]Total{}, Labels: map[string]string{}}
	if len(accounts) > 0 {
		f, err := c.Payments.GetFilter(ctx, accounts[0])
		if err != nil {
			return nil, fmt.Errorf("read the payment filter: %w", err)
		}
		if f.Active() {
			return nil, fmt.Errorf("payment list: %w: %+v", errSavedFilter, *f)
		}
	}
	for _, id := range accounts {
		symbols, err := currencySymbols(ctx, c, id)
		if err != nil {
			return nil, err
		}
		for p, err := range c.Payments.All(ctx, id, nil) {
			if err != nil {
				return nil, fmt.Errorf("payments of client %d: %w", id, err)
			}
			iso, err := symbols.ISO(p.SubaccountAmount)
			if err != nil {
				return nil, fmt.Errorf("payment %d of client %d: %w", p.ID, id, err)
			}
			r.add(p, iso)
		}
	}
	return r, nil
}

// currencySymbols learns the currency symbols of a client from its personal accounts.
func currencySymbols(ctx context.Context, c *billmgr.Client, account int64) (billmgr.CurrencySymbols, error) {
	var subs []billmgr.Subaccount
	for sa, err := range c.Subaccounts.All(ctx, account, nil) {
		if err != nil {
			return nil, fmt.Errorf("personal accounts of client %d: %w", account, err)
		}
		subs = append(subs, sa)
	}
	return billmgr.CurrencySymbolsOf(subs)
}

// accountIDs returns the ids of every client, after checking that no saved filter cuts
// the list.
func accountIDs(ctx context.Context, c *billmgr.Client) ([]int64, error) {
	f, err := c.Accounts.GetFilter(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the client filter: %w", err)
	}
	if *f != (billmgr.AccountFilter{}) {
		return nil, fmt.Errorf("client list: %w: %+v", errSavedFilter, *f)
	}
	var ids []int64
	for a, err := range c.Accounts.All(ctx, nil) {
		if err != nil {
			return nil, fmt.Errorf("list clients: %w", err)
		}
		ids = append(ids, a.ID)
	}
	return ids, nil
}

func (r *Report) add(p billmgr.Payment, currency string) {
	k := Key{Status: p.Status.Code, Refund: bool(p.Refund), Currency: currency}
	t := r.Totals[k]
	t.Count++
	t.Amount = t.Amount.Add(p.SubaccountAmount.Amount)
	r.Totals[k] = t
	r.Labels[k.Status] = p.Status.Label
	r.Payments++
}

// Keys returns the keys of the report by status code (as numbers), payments before
// refunds, then currency.
func (r *Report) Keys() []Key {
	keys := make([]Key, 0, len(r.Totals))
	for k := range r.Totals {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b Key) int {
		if c := compareCodes(a.Status, b.Status); c != 0 {
			return c
		}
		if a.Refund != b.Refund {
			if a.Refund {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Currency, b.Currency)
	})
	return keys
}

// compareCodes orders numeric codes by value and puts other codes after them.
func compareCodes(a, b string) int {
	x, errX := strconv.Atoi(a)
	y, errY := strconv.Atoi(b)
	switch {
	case errX == nil && errY == nil:
		return x - y
	case errX == nil:
		return -1
	case errY == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// Print writes the report as a table: one line per status and currency, the total of the
// payments in that status; refunds on lines of their own. Statuses are not added up: a
// new invoice, a credited payment and a refunded one are different money. Amounts are
// exact, with at least two decimals and their currency.
func (r *Report) Print(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "STATUS\t%8s\t%18s\n", "PAYMENTS", "AMOUNT")
	for _, k := range r.Keys() {
		status := k.Status + " " + r.Labels[k.Status]
		if k.Refund {
			status += ", refunds"
		}
		t := r.Totals[k]
		fmt.Fprintf(tw, "%s\t%8d\t%18s\n", status, t.Count, amount(t.Amount)+" "+k.Currency)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d payments of %d clients\n", r.Payments, r.Clients)
	return err
}

// amount prints d exactly with at least two decimals: 305 → "305.00", 0.125 → "0.125".
func amount(d decimal.Decimal) string {
	if d.Exponent() >= -2 {
		return d.StringFixed(2)
	}
	return d.String()
}
