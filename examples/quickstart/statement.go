package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/go-billmgr/billmgr"
)

// statement is a client's personal account as a billing engineer reads it: the movements
// of money in time order with the balance after each, the invoices not paid (which move
// nothing), the totals by status, and the balance the server reports.
type statement struct {
	movements []line
	unpaid    []line
	totals    []total
	balance   billmgr.Money
}

// line is a row of the statement: a day, what happened, and the amount.
type line struct {
	day    time.Time
	what   string
	amount decimal.Decimal
}

// total is the number and the sum of the rows of a kind: payments of a status, refunds,
// expenses.
type total struct {
	kind   string
	count  int
	amount decimal.Decimal
	moves  bool // the rows move the balance
}

// readStatement reads the payments and expenses of client accountID and the balance of its
// personal account subaccountID.
//
// A credited payment (PaymentCredited, or PaymentRefunded once refunded in full) brings its
// amount on the day it was paid; a refund is a payment of its own (Refund), credited with
// a negative amount; an expense takes its amount on the day it is debited; a payment in
// any other status moves nothing yet. The movements are in order of their days, and within
// a day in the order of the lists: payments by number, then expenses.
func readStatement(ctx context.Context, c *billmgr.Client, accountID, subaccountID int64) (*statement, error) {
	s := &statement{}
	oldestFirst := &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{Order: "asc"}}
	for p, err := range c.Payments.All(ctx, accountID, oldestFirst) { // every page, one page in memory
		if err != nil {
			return nil, err
		}
		amount := p.SubaccountAmount.Amount
		switch code := p.Status.Code; {
		case bool(p.Refund):
			s.move(line{p.PayDate, "refund " + p.Number, amount}, "refunds")
		case code == billmgr.PaymentCredited || code == billmgr.PaymentRefunded:
			s.move(line{p.PayDate, "payment " + p.Number + ", " + p.Status.Label, amount}, "payments, "+p.Status.Label)
		default:
			s.unpaid = append(s.unpaid, line{p.CreateDate, "invoice " + p.Number + ", " + p.Status.Label, amount})
			s.count("invoices, "+p.Status.Label+" (not paid)", amount, false)
		}
	}
	for e, err := range c.Expenses.All(ctx, accountID, nil) {
		if err != nil {
			return nil, err
		}
		s.move(line{e.RealDate, "expense: " + e.Name, e.Amount.Amount.Neg()}, "expenses")
	}
	slices.SortStableFunc(s.movements, func(a, b line) int { return day(a.day).Compare(day(b.day)) })

	accounts, err := c.Subaccounts.List(ctx, accountID, nil)
	if err != nil {
		return nil, err
	}
	for _, a := range accounts.Items {
		if a.ID == subaccountID {
			s.balance = a.Balance
			return s, nil
		}
	}
	return nil, fmt.Errorf("personal account %d disappeared", subaccountID)
}

// move adds a movement, counted under kind.
func (s *statement) move(l line, kind string) {
	s.movements = append(s.movements, l)
	s.count(kind, l.amount, true)
}

// count adds amount to the total of kind.
func (s *statement) count(kind string, amount decimal.Decimal, moves bool) {
	i := slices.IndexFunc(s.totals, func(t total) bool { return t.kind == kind })
	if i < 0 {
		s.totals = append(s.totals, total{kind: kind, moves: moves})
		i = len(s.totals) - 1
	}
	s.totals[i].count++
	s.totals[i].amount = s.totals[i].amount.Add(amount)
}

// day is the date of t, without the time of day.
func day(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// print writes the statement, and fails unless the movements add up to the balance the
// server reports.
func (s *statement) print(w io.Writer) error {
	currency := s.balance.Currency
	money := func(d decimal.Decimal) string { return billmgr.Money{Amount: d, Currency: currency}.String() }

	var running decimal.Decimal
	rows := [][]string{{"DATE", "MOVEMENT", "AMOUNT", "BALANCE"}}
	for _, m := range s.movements {
		running = running.Add(m.amount)
		rows = append(rows, []string{m.day.Format(time.DateOnly), m.what, money(m.amount), money(running)})
	}
	for _, u := range s.unpaid {
		rows = append(rows, []string{u.day.Format(time.DateOnly), u.what, money(u.amount), "not paid"})
	}
	totals := [][]string{{"TOTALS BY STATUS", "COUNT", "AMOUNT"}}
	for _, moves := range []bool{true, false} {
		for _, t := range s.totals {
			if t.moves == moves {
				totals = append(totals, []string{t.kind, fmt.Sprint(t.count), money(t.amount)})
			}
		}
		if moves {
			totals = append(totals, []string{"balance", "", money(running)})
		}
	}
	table(w, rows, 2)
	fmt.Fprintln(w)
	table(w, totals, 1)
	if !s.balance.Amount.Equal(running) {
		return fmt.Errorf("the server reports a balance of %s, the movements add up to %s", s.balance, money(running))
	}
	_, err := fmt.Fprintf(w, "\nThe server reports a balance of %s: the movements add up to it.\n", s.balance)
	return err
}

// table writes rows in columns two spaces apart, the columns from right on aligned to the
// right, as amounts are.
func table(w io.Writer, rows [][]string, right int) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, cell := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i >= right {
				cells[i] = pad + cell
			} else {
				cells[i] = cell + pad
			}
		}
		fmt.Fprintln(w, strings.TrimRight(strings.Join(cells, "  "), " "))
	}
}
