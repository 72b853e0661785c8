package billmgr

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// Crediting money that arrived outside BILLmanager exactly once, for any number of callers
// at once, in any processes on any machines. The key is the payment document
// (PaymentDocument), kept on the payment; every call looks it up on the server before it
// writes, and again after each of its writes. The rule every caller applies the same way:
//
//   - The payments of the client that carry the document are the document's. They must
//     agree with the receipt (amount, currency) and be in a status that can be credited;
//     otherwise a person decides (*CreditConflictError).
//   - The winner is the credited one, else the one with the lowest id. A call creates a
//     payment only when none carries the document, and looks again after its create.
//   - Before it credits the winner, a call removes every other new payment that carries
//     the document (payment.delete; a loser another caller created, or its own). A removal
//     or a credit the server refuses (the payment was credited, or removed, meanwhile) sends
//     the call back to look again.
//   - After its credit, a call looks once more: two credited payments for one document are
//     reported as a conflict naming both (ConflictCreditedTwice), never passed over.
//
// The server carries out each write on one payment atomically: of a payment.delete and a
// payment.setpaid of the same payment, one wins and the other is refused. With that, two
// callers can credit two payments only if each saw just its own; but whichever looked
// last looked after both creates were answered. So the rule leaves no window on a server
// that answers a create after the payment is visible to others, even when it hands out ids
// before it commits (ids out of commit order). It cannot close the window of a server
// that answers before the payment is visible (a lagging replica behind the list): two
// callers may then each see only their own payment and credit it. The look after the
// credit reports such a double credit as a conflict naming both payments.
//
// A write whose outcome is unknown (ErrOutcomeUnknown) is never sent again by the same
// call. It often means the server is still carrying it out (the client's deadline ran out,
// a proxy answered 502 or 504 after its own timeout), so a lookup right after it cannot
// prove it was not applied: the call goes on from an effect it sees, and otherwise returns
// an error that wraps ErrOutcomeUnknown, for a later call to look up again.

// Receipt is money a client paid outside BILLmanager, to be credited to the client's
// balance once.
type Receipt struct {
	Document PaymentDocument
	Amount   decimal.Decimal // positive, at most two decimals; credited to the client (subaccountamount)
	// Currency is the currency id of the client's personal account the money goes to, as
	// in PaymentParams.Currency; 0 means the client's main account, and then the currency
	// of a payment found for the document is not compared.
	Currency    int64
	Description string // the purpose of payment, as the payer wrote it (description)
	Paymethod   int64  // the payment method id; 0 leaves the server's default
}

// CreditOutcome says what CreditReceipt or CreditInvoice did.
type CreditOutcome string

// The outcomes of a credit that succeeded. Of all the calls for one document, exactly one
// reports created or credited.
const (
	// CreditCreated: a payment was created for the document and credited.
	CreditCreated CreditOutcome = "created"
	// CreditCredited: a payment that was there already was credited: the invoice, or a
	// payment for the document that another call had created.
	CreditCredited CreditOutcome = "credited"
	// CreditAlreadyCredited: the document was credited before, or by another call at the
	// same time; nothing was credited by this call.
	CreditAlreadyCredited CreditOutcome = "already_credited"
)

// CreditResult is what a credit did, and to which payment.
type CreditResult struct {
	PaymentID int64
	Outcome   CreditOutcome
}

// ConflictReason says why a credit was not made: what the server holds disagrees with the
// receipt in a way only a person can settle.
type ConflictReason string

// The reasons of a CreditConflictError.
const (
	// ConflictAmount: the payment or invoice is for another amount or currency, or the
	// invoices a transfer pays do not add up to it.
	ConflictAmount ConflictReason = "amount"
	// ConflictCredited: the invoice is credited already, but not for this document (another
	// bank transfer, a card payment, by hand).
	ConflictCredited ConflictReason = "credited"
	// ConflictDocument: the invoice carries another document, or the document is recorded
	// on another payment of the client than the invoices.
	ConflictDocument ConflictReason = "document"
	// ConflictStatus: the payment cannot be credited in its status (cancelled, refunded,
	// fraudulent).
	ConflictStatus ConflictReason = "status"
	// ConflictDuplicate: several payments carry the document, and one of them cannot be
	// removed (it is being paid through a payment system).
	ConflictDuplicate ConflictReason = "duplicate"
	// ConflictCreditedTwice: two or more credited payments carry the document: the client
	// was credited twice for it. Refund all but one (payment.refund).
	ConflictCreditedTwice ConflictReason = "credited_twice"
)

// CreditConflictError is the error of CreditReceipt and CreditInvoice when they would have
// to guess: the invoice is credited already, the amounts differ, the document was credited
// twice. errors.Is(err, ErrCreditConflict) holds for it.
//
// A conflict found before the call wrote anything changed nothing. One found after its own
// create removes the payment it created; one found by the look after its credit
// (ConflictCreditedTwice) comes after money was credited, which the error says. When the
// error also wraps ErrOutcomeUnknown, the conflict was found by the lookup after a write
// whose outcome is unknown.
type CreditConflictError struct {
	AccountID int64
	Document  PaymentDocument
	Reason    ConflictReason
	Payments  []int64 // the payments in question
	Detail    string  // what differs, and what to do, for people
}

// ErrCreditConflict is the errors.Is target of every *CreditConflictError.
var ErrCreditConflict = errors.New("credit conflict")

// Error reads like "billmgr: credit document No. 123 of 2024-05-06 to client 12: amount
// (payment 45): the invoice is for 1500.00, the receipt for 1400.00".
func (e *CreditConflictError) Error() string {
	s := fmt.Sprintf("billmgr: credit document %s to client %d: %s", e.Document, e.AccountID, e.Reason)
	if len(e.Payments) > 0 {
		ids := make([]string, len(e.Payments))
		for i, id := range e.Payments {
			ids[i] = idText(id)
		}
		s += " (payment " + strings.Join(ids, ", ") + ")"
	}
	return s + ": " + e.Detail
}

// Is makes errors.Is(err, ErrCreditConflict) hold.
func (e *CreditConflictError) Is(target error) bool { return target == ErrCreditConflict }

// FindByDocument returns the payments of client accountID that carry doc (see
// PaymentDocument), oldest first: none, one, or several when the document was recorded
// twice.
//
// The payment list does not show the document, so it walks the list and reads the form of
// each payment that could carry it. amount, when not zero, narrows the search to the
// payments of that amount; when none of them carries the document, every other payment of
// the client is read before the absence is reported, so a document recorded with another
// amount is found too. Its cost is the client's payment list (a page per thousand
// payments) and a form per payment read.
//
// A filter saved for the payment list (see SaveFilter) hides payments from it; when it
// finds nothing while such a filter is active, it fails rather than report an absence it
// cannot prove.
//
// API: account.payment, payment.edit, account.payment.filter
func (s *PaymentsService) FindByDocument(ctx context.Context, accountID int64, doc PaymentDocument, amount decimal.Decimal) ([]PaymentDetails, error) {
	f := &fieldFaults{fn: "account.payment", fields: receiptFields}
	if doc.check(f); f.err() != nil {
		return nil, f.err()
	}
	var amounts []decimal.Decimal
	if !amount.IsZero() {
		amounts = append(amounts, amount)
	}
	return s.find(ctx, accountID, doc, amounts)
}

// find is FindByDocument narrowed to the payments of any of amounts (all of them when
// amounts is empty), falling back to the whole list on a miss.
func (s *PaymentsService) find(ctx context.Context, accountID int64, doc PaymentDocument, amounts []decimal.Decimal) ([]PaymentDetails, error) {
	var rows []Payment
	for p, err := range s.All(ctx, accountID, nil) {
		if err != nil {
			return nil, err
		}
		rows = append(rows, p)
	}
	read := make(map[int64]bool, len(rows))
	var found []PaymentDetails
	pass := func(want func(Payment) bool) error {
		for _, row := range rows {
			if read[row.ID] || !want(row) {
				continue
			}
			read[row.ID] = true
			p, err := s.Get(ctx, accountID, row.ID)
			if errors.Is(err, ErrNotFound) {
				continue // deleted since the list was read
			}
			if err != nil {
				return err
			}
			if p.Carries(doc) {
				found = append(found, *p)
			}
		}
		return nil
	}
	if len(amounts) > 0 {
		err := pass(func(p Payment) bool {
			return slices.ContainsFunc(amounts, p.SubaccountAmount.Amount.Equal)
		})
		if err != nil || len(found) > 0 {
			return found, err
		}
	}
	if err := pass(func(Payment) bool { return true }); err != nil || len(found) > 0 {
		return found, err
	}
	f, err := s.GetFilter(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if f.Active() {
		return nil, fmt.Errorf("billmgr: account.payment: a filter saved for the payment list hides payments of client %d, "+
			"so the absence of document %s cannot be proved; reset it (ResetFilter) and call again", accountID, doc)
	}
	return nil, nil
}

// maxRounds bounds the looks of one call. Each round after the first follows a write of
// another caller (a payment credited or removed meanwhile); a document contested by more
// rounds than this is left for the next call.
const maxRounds = 16

// CreditReceipt credits r to client accountID once, however often and by however many
// callers at once it is called for the same document: it looks the document up
// (FindByDocument), creates a payment for it when none carries it (payment.edit, with
// documentnumber, documentdate and the payer in info), looks again, and credits the one
// payment every caller agrees on (payment.setpaid), removing the others (payment.delete).
// The rule is written at the top of credit.go and in the README. The payment is created
// and credited in two steps, so that a create the server carries out late is never
// credited by itself.
//
// Each write is sent at most once per call. After a write that fails with
// ErrOutcomeUnknown the call looks again: a payment found, or a credit seen, is taken up
// from where it is. When the write does not show yet, the server may still be carrying it
// out, so the call does not send it again: its error wraps ErrOutcomeUnknown and says so.
// Call it again later, once the server can no longer be working on the request (longer
// than the timeout of the panel's proxy, minutes rather than seconds): that call looks the
// document up first. A call that fails otherwise left nothing half done that a later call
// cannot finish: call it again with the same receipt.
//
// A payment found for the document with another amount or currency, in a status that
// cannot be credited, or credited twice, is not guessed at: the error is a
// *CreditConflictError.
//
// API: account.payment, payment.edit, account.payment.filter, payment.setpaid, payment.delete
func (s *PaymentsService) CreditReceipt(ctx context.Context, accountID int64, r *Receipt) (*CreditResult, error) {
	if err := r.check("payment.edit"); err != nil {
		return nil, err
	}
	c := &receiptCredit{s: s, account: accountID, r: r}
	res, err := c.run(ctx)
	if err != nil {
		return nil, c.abandon(ctx, err)
	}
	return res, nil
}

// receiptCredit is one call of CreditReceipt.
type receiptCredit struct {
	s        *PaymentsService
	account  int64
	r        *Receipt
	mine     int64 // the payment this call created; 0 before
	unknown  error // the create whose outcome is unknown, when this call sent one
	credited int64 // the payment this call credited; 0 before
}

func (c *receiptCredit) run(ctx context.Context) (*CreditResult, error) {
	for range maxRounds {
		found, err := c.s.find(ctx, c.account, c.r.Document, []decimal.Decimal{c.r.Amount})
		if err != nil {
			return nil, c.lookupFailed(err)
		}
		if len(found) == 0 {
			switch {
			case c.unknown != nil:
				return nil, c.r.notVisible(c.account, "the payment created (payment.edit)", c.unknown)
			case c.mine != 0:
				// Another call removed this call's payment for a winner this look did not
				// meet (its list was read before the winner committed, its form after the
				// loser was gone): look again, never create a second time.
				continue
			}
			if err := c.create(ctx); err != nil {
				return nil, err
			}
			continue
		}
		d, err := c.r.decide(c.account, found)
		if err != nil {
			return nil, err
		}
		if len(d.losers) > 0 {
			again, err := c.remove(ctx, d.losers)
			if err != nil {
				return nil, err
			}
			if again {
				continue
			}
		}
		if d.winner.Status == PaymentCredited {
			return &CreditResult{PaymentID: d.winner.ID, Outcome: CreditAlreadyCredited}, nil
		}
		credited, _, err := c.s.setPaid(ctx, c.account, c.r, &d.winner)
		switch {
		case err != nil:
			return nil, err
		case !credited:
			continue // refused: credited or removed meanwhile
		}
		c.credited = d.winner.ID
		if err := c.s.afterCredit(ctx, c.account, c.r, []int64{d.winner.ID}, []decimal.Decimal{c.r.Amount}); err != nil {
			return nil, err
		}
		outcome := CreditCredited
		if d.winner.ID == c.mine || (c.mine == 0 && c.unknown != nil) {
			outcome = CreditCreated
		}
		return &CreditResult{PaymentID: d.winner.ID, Outcome: outcome}, nil
	}
	return nil, fmt.Errorf("billmgr: credit document %s to client %d: other callers changed its payments %d times while "+
		"this call looked; call again", c.r.Document, c.account, maxRounds)
}

// create creates the payment for the receipt. After an unknown outcome it returns nil, for
// the next look to find the payment or report the outcome unknown.
func (c *receiptCredit) create(ctx context.Context) error {
	id, err := c.s.Create(ctx, c.account, c.r.params())
	switch {
	case err == nil:
		c.mine = id
	case errors.Is(err, ErrOutcomeUnknown):
		c.unknown = err
	default:
		return fieldOf(err)
	}
	return nil
}

// remove deletes the losers one by one, and reports whether to look again: the server
// refused to remove one (it was credited meanwhile). A loser removed meanwhile by another
// call is gone as it should be.
func (c *receiptCredit) remove(ctx context.Context, losers []int64) (again bool, err error) {
	for _, id := range losers {
		err := c.s.Delete(ctx, id)
		var apiErr *Error
		switch {
		case err == nil, errors.Is(err, ErrNotFound):
		case errors.As(err, &apiErr):
			return true, nil
		case errors.Is(err, ErrOutcomeUnknown):
			return false, &chainError{
				msg: fmt.Sprintf("billmgr: credit document %s to client %d: removing payment %d, a duplicate it found (payment.delete), "+
					"has an unknown outcome, and is not sent again; call again, which looks first: %s",
					c.r.Document, c.account, id, unprefixed(err)),
				errs: []error{err},
			}
		default:
			return false, err
		}
	}
	return false, nil
}

// lookupFailed is the error of a failed look: after a create whose outcome is unknown, the
// outcome is still unknown.
func (c *receiptCredit) lookupFailed(err error) error {
	if c.unknown != nil {
		return lookupFailed(c.unknown, err)
	}
	return err
}

// abandon returns err, after removing the payment this call created when err is a
// conflict: a conflict leaves nothing of the call behind.
func (c *receiptCredit) abandon(ctx context.Context, err error) error {
	var conflict *CreditConflictError
	if c.mine == 0 || c.mine == c.credited || !errors.As(err, &conflict) {
		return err
	}
	// The server refuses to remove a payment another call credited meanwhile: the conflict
	// names it already. Any other failure leaves this call's payment for a person.
	derr := c.s.Delete(ctx, c.mine)
	var refused *Error
	if derr != nil && !errors.As(derr, &refused) {
		conflict.Detail += fmt.Sprintf("; the payment %d this call created for the document could not be removed (%s): remove it",
			c.mine, unprefixed(derr))
	}
	return err
}

// decision is what a look found: the payment to credit (or credited already), and the
// others that carry the document, to remove.
type decision struct {
	winner PaymentDetails
	losers []int64
}

// decide applies the rule to the payments found for the document: a conflict when one
// disagrees with the receipt or cannot be settled, else the winner and the losers.
func (r *Receipt) decide(accountID int64, found []PaymentDetails) (*decision, error) {
	var credited, open []PaymentDetails
	for i := range found {
		p := &found[i]
		if err := r.compare(accountID, p); err != nil {
			return nil, err
		}
		switch {
		case p.Status == PaymentCredited:
			credited = append(credited, *p)
		case p.Status == PaymentBeingDeleted:
		case PaymentCreditable(p.Status):
			open = append(open, *p)
		default:
			return nil, statusConflict(r, accountID, p)
		}
	}
	if len(credited) > 1 {
		return nil, r.conflict(accountID, ConflictCreditedTwice, credited, creditedTwice(len(credited)))
	}
	d := &decision{}
	if len(credited) == 1 {
		d.winner = credited[0]
	} else if len(open) > 0 {
		d.winner = slices.MinFunc(open, func(a, b PaymentDetails) int { return cmp.Compare(a.ID, b.ID) })
	} else {
		return nil, fmt.Errorf("billmgr: credit document %s to client %d: every payment that carries it is being deleted; call again", r.Document, accountID)
	}
	for _, p := range open {
		switch {
		case p.ID == d.winner.ID:
		case p.Status != PaymentNew:
			return nil, r.conflict(accountID, ConflictDuplicate, []PaymentDetails{d.winner, p},
				fmt.Sprintf("payment %d carries the document too, and is being paid through a payment system (status %s), "+
					"so it is not removed: settle the two by hand", p.ID, p.Status))
		default:
			d.losers = append(d.losers, p.ID)
		}
	}
	return d, nil
}

func creditedTwice(n int) string {
	return fmt.Sprintf("%d credited payments carry the document: the client was credited %d times for it; "+
		"refund all but one (payment.refund) and tell the client", n, n)
}

// CreditInvoice credits invoice invoiceID of client accountID (an unpaid payment, issued
// before the money came) with the money of r, once, however often and by however many
// callers it is called for the same document. It is CreditInvoices with one invoice.
//
// API: account.payment, payment.edit, account.payment.filter, payment.setpaid
func (s *PaymentsService) CreditInvoice(ctx context.Context, accountID, invoiceID int64, r *Receipt) (*CreditResult, error) {
	res, err := s.CreditInvoices(ctx, accountID, []int64{invoiceID}, r)
	if err != nil {
		return nil, err
	}
	return &res[0], nil
}

// CreditInvoices credits invoices of client accountID (unpaid payments, issued before the
// money came) with the money of r, one transfer that pays them all, once: it records the
// document on each invoice (payment.edit: documentnumber, documentdate, the payer in info)
// and credits it (payment.setpaid). The invoices must add up to r.Amount exactly.
// r.Description and r.Paymethod are not used: each invoice keeps its own. The results
// are in the order of invoiceIDs.
//
// It is not guessed at, and the error is a *CreditConflictError, when the invoices add up
// to another amount than r or are in another currency, when one is credited already but
// not for this document, carries another document, or cannot be credited in its status,
// or when another payment of the client carries the document (see FindByDocument). A
// credit the server refuses because another call credited the invoice meanwhile is
// reported already_credited.
//
// Writes whose outcome is unknown are looked up, and the credit is never sent twice, as in
// CreditReceipt. Recording the document is the exception: it sets fields to the values
// they are to have, which a second send leaves as they are, so when the invoice does not
// show the document after an unknown outcome, it is sent once more.
//
// API: account.payment, payment.edit, account.payment.filter, payment.setpaid
func (s *PaymentsService) CreditInvoices(ctx context.Context, accountID int64, invoiceIDs []int64, r *Receipt) ([]CreditResult, error) {
	const fn = "payment.edit"
	if len(invoiceIDs) == 0 {
		return nil, argError(fn, "no invoice to credit")
	}
	for i, id := range invoiceIDs {
		if err := checkID(fn, "payment", id); err != nil {
			return nil, err
		}
		if slices.Contains(invoiceIDs[:i], id) {
			return nil, argError(fn, "invoice %d is named twice", id)
		}
	}
	if err := r.check(fn); err != nil {
		return nil, err
	}
	invoices, err := s.invoices(ctx, accountID, invoiceIDs, r)
	if err != nil {
		return nil, err
	}
	results := make([]CreditResult, len(invoices))
	amounts := make([]decimal.Decimal, len(invoices))
	for i := range invoices {
		inv := &invoices[i]
		amounts[i] = inv.SubaccountAmount
		if !inv.Carries(r.Document) || (r.Document.withPayer(inv.Info) != inv.Info && inv.Status != PaymentCredited) {
			if inv, err = s.recordDocument(ctx, accountID, invoiceIDs, inv, r); err != nil {
				return nil, err
			}
		}
		results[i] = CreditResult{PaymentID: inv.ID, Outcome: CreditAlreadyCredited}
		if inv.Status == PaymentCredited {
			continue
		}
		credited, now, err := s.setPaid(ctx, accountID, r, inv)
		switch {
		case err != nil:
			return nil, err
		case credited:
			results[i].Outcome = CreditCredited
		case now == nil:
			return nil, fmt.Errorf("billmgr: credit document %s to client %d: invoice %d was deleted while this call credited it",
				r.Document, accountID, inv.ID)
		}
	}
	if slices.ContainsFunc(results, func(c CreditResult) bool { return c.Outcome == CreditCredited }) {
		if err := s.afterCredit(ctx, accountID, r, invoiceIDs, amounts); err != nil {
			return nil, err
		}
	}
	return results, nil
}

// invoices reads the invoices, and refuses them when r cannot credit them without a guess.
func (s *PaymentsService) invoices(ctx context.Context, accountID int64, ids []int64, r *Receipt) ([]PaymentDetails, error) {
	invoices := make([]PaymentDetails, len(ids))
	amounts := make([]decimal.Decimal, len(ids))
	sum := decimal.Zero
	for i, id := range ids {
		inv, err := s.Get(ctx, accountID, id)
		if err != nil {
			return nil, err
		}
		if err := r.checkInvoice(accountID, inv, len(ids) == 1); err != nil {
			return nil, err
		}
		invoices[i], amounts[i] = *inv, inv.SubaccountAmount
		sum = sum.Add(inv.SubaccountAmount)
	}
	if len(ids) > 1 && !sum.Equal(r.Amount) {
		return nil, r.conflict(accountID, ConflictAmount, invoices, fmt.Sprintf("the invoices add up to %s, the transfer is for %s: "+
			"credit them by hand, or each with its own part of the money", formatAmount(sum), formatAmount(r.Amount)))
	}
	found, err := s.find(ctx, accountID, r.Document, amounts)
	if err != nil {
		return nil, err
	}
	var others []PaymentDetails
	for _, p := range found {
		if !slices.Contains(ids, p.ID) {
			others = append(others, p)
		}
	}
	if len(others) > 0 {
		return nil, r.conflict(accountID, ConflictDocument, others, fmt.Sprintf("the document is recorded on another payment than invoice %s", idList(ids)))
	}
	return invoices, nil
}

// recordDocument records r's document on invoice inv and returns the invoice to credit.
// After an unknown outcome it reads the invoice again, and sends the same fields once more
// when they do not show (see CreditInvoices).
func (s *PaymentsService) recordDocument(ctx context.Context, accountID int64, ids []int64, inv *PaymentDetails, r *Receipt) (*PaymentDetails, error) {
	fields := &PaymentParams{DocumentNumber: Ptr(strings.TrimSpace(r.Document.Number)), DocumentDate: DateOf(r.Document.Date)}
	if info := r.Document.withPayer(inv.Info); info != inv.Info {
		fields.Info = Ptr(info)
	}
	err := s.Update(ctx, accountID, inv.ID, fields)
	if err == nil {
		return inv, nil
	}
	if !errors.Is(err, ErrOutcomeUnknown) {
		return nil, fieldOf(err)
	}
	now, lerr := s.Get(ctx, accountID, inv.ID)
	if lerr == nil {
		lerr = r.checkInvoice(accountID, now, len(ids) == 1)
	}
	switch {
	case lerr != nil:
		return nil, lookupFailed(err, lerr)
	case now.Carries(r.Document) && (fields.Info == nil || recordedPayer(now.Info) != ""):
		return now, nil
	}
	return now, s.Update(ctx, accountID, inv.ID, fields)
}

// setPaid credits p, and reports whether this call credited it. A credit the server
// refuses is looked up: a payment credited meanwhile (by another call) is not credited by
// this one, and is returned; one removed meanwhile returns nil. After a credit whose
// outcome is unknown it reads the payment again, and does not send the credit again when
// it does not show (see CreditReceipt).
func (s *PaymentsService) setPaid(ctx context.Context, accountID int64, r *Receipt, p *PaymentDetails) (credited bool, now *PaymentDetails, err error) {
	err = s.SetPaid(ctx, p.ID)
	if err == nil {
		return true, p, nil
	}
	var apiErr *Error
	unknown := errors.Is(err, ErrOutcomeUnknown)
	if !unknown && !errors.As(err, &apiErr) {
		return false, nil, err // not sent
	}
	now, lerr := s.Get(ctx, accountID, p.ID)
	if unknown {
		switch {
		case lerr != nil:
			return false, nil, lookupFailed(err, lerr)
		case now.Status != PaymentCredited:
			return false, nil, r.notVisible(accountID, fmt.Sprintf("the credit of payment %d (payment.setpaid)", p.ID), err)
		}
		return true, now, nil
	}
	switch {
	case errors.Is(lerr, ErrNotFound):
		return false, nil, nil // removed meanwhile, by another call
	case lerr != nil:
		return false, nil, err
	case now.Status == PaymentCredited:
		return false, now, nil // credited meanwhile, by another call
	case !PaymentCreditable(now.Status):
		return false, nil, statusConflict(r, accountID, now)
	}
	return false, nil, err
}

// afterCredit looks the document up once more after this call credited it, and reports a
// credited payment for the document besides ours (the invoices credited) as
// ConflictCreditedTwice: the money was credited twice, and a person refunds one.
func (s *PaymentsService) afterCredit(ctx context.Context, accountID int64, r *Receipt, ours []int64, amounts []decimal.Decimal) error {
	found, err := s.find(ctx, accountID, r.Document, amounts)
	if err != nil {
		return fmt.Errorf("billmgr: credit document %s to client %d: credited, but the look for a second credit "+
			"failed (%s); check the client's payments for the document", r.Document, accountID, unprefixed(err))
	}
	var credited []PaymentDetails
	others := false
	for _, p := range found {
		if p.Status == PaymentCredited {
			credited = append(credited, p)
			others = others || !slices.Contains(ours, p.ID)
		}
	}
	if !others {
		return nil
	}
	return r.conflict(accountID, ConflictCreditedTwice, credited, creditedTwice(len(credited)))
}

func statusConflict(r *Receipt, accountID int64, p *PaymentDetails) error {
	return r.conflict(accountID, ConflictStatus, []PaymentDetails{*p},
		fmt.Sprintf("the payment is in status %s, which cannot be credited", p.Status))
}

// lookupFailed is the error of the lookup after a write whose outcome is unknown: the
// outcome is still unknown.
func lookupFailed(unknown, err error) error {
	return &chainError{
		msg:  fmt.Sprintf("%v; looking it up afterwards failed: %s", unknown, unprefixed(err)),
		errs: []error{unknown, err},
	}
}

// notVisible is the error of a write whose outcome is unknown (unknown) and whose effect
// (what) the lookup after it did not find.
func (r *Receipt) notVisible(accountID int64, what string, unknown error) error {
	return &chainError{
		msg: fmt.Sprintf("billmgr: credit document %s to client %d: %s does not show yet, and is not sent again "+
			"while the server may still be carrying it out; call again later, which looks it up first: %s",
			r.Document, accountID, what, unprefixed(unknown)),
		errs: []error{unknown},
	}
}

// receiptFields are the fields of a Receipt by the parameter of the payment each goes to,
// so that an error about one names the Receipt's field (a *FieldError).
var receiptFields = func() *paramFields {
	fs := &paramFields{byParam: map[string]int{}, byName: map[string]int{}}
	for _, f := range [][2]string{
		{"Document.Number", "documentnumber"}, {"Document.Date", "documentdate"}, {"Document.Payer", "info"},
		{"Amount", "subaccountamount"}, {"Currency", "currency"}, {"Description", "description"}, {"Paymethod", "paymethod"},
	} {
		fs.byParam[f[1]], fs.byName[f[0]] = len(fs.list), len(fs.list)
		fs.list = append(fs.list, paramField{name: f[0], param: f[1]})
	}
	return fs
}()

// check refuses a receipt that cannot be credited before anything is sent: each field at
// fault is a *FieldError that wraps ErrInvalidArgument and ErrInvalid.
func (r *Receipt) check(fn string) error {
	if r == nil {
		return argError(fn, "nil receipt")
	}
	f := &fieldFaults{fn: fn, fields: receiptFields}
	r.Document.check(f)
	switch {
	case !r.Amount.IsPositive():
		f.add("Amount", "the receipt's amount %s is not positive", r.Amount)
	case !r.Amount.Equal(r.Amount.Round(2)):
		f.add("Amount", "the receipt's amount %s has more than two decimals", r.Amount)
	}
	if why := storable(r.Description, true); why != "" {
		f.add("Description", "the receipt's description %q %s", r.Description, why)
	}
	return f.err()
}

// fieldOf is err with a *FieldError about a payment's parameter (from Create or Update)
// naming the Receipt's field instead; a parameter that is no field of the Receipt leaves
// the error it wraps.
func fieldOf(err error) error {
	fe, ok := err.(*FieldError)
	if !ok {
		return err
	}
	if name, ok := receiptFields.field(fe.Param); ok {
		return &FieldError{Field: name, Param: fe.Param, Err: fe.Err}
	}
	return fe.Err
}

// params are the fields of the payment created for r.
func (r *Receipt) params() *PaymentParams {
	p := &PaymentParams{
		SubaccountAmount: DecimalOf(r.Amount),
		DocumentNumber:   Ptr(strings.TrimSpace(r.Document.Number)),
		DocumentDate:     DateOf(r.Document.Date),
	}
	if info := r.Document.withPayer(""); info != "" {
		p.Info = Ptr(info)
	}
	if r.Currency != 0 {
		p.Currency = Ptr(r.Currency)
	}
	if r.Description != "" {
		p.Description = Ptr(r.Description)
	}
	if r.Paymethod != 0 {
		p.Paymethod = Ptr(r.Paymethod)
	}
	return p
}

// compare refuses payment p when its amount or currency differ from r's.
func (r *Receipt) compare(accountID int64, p *PaymentDetails) error {
	if !p.SubaccountAmount.Equal(r.Amount) {
		return r.conflict(accountID, ConflictAmount, []PaymentDetails{*p},
			fmt.Sprintf("the payment is for %s, the receipt for %s", formatAmount(p.SubaccountAmount), formatAmount(r.Amount)))
	}
	return r.compareCurrency(accountID, p)
}

func (r *Receipt) compareCurrency(accountID int64, p *PaymentDetails) error {
	if r.Currency != 0 && p.Currency != r.Currency {
		return r.conflict(accountID, ConflictAmount, []PaymentDetails{*p},
			fmt.Sprintf("the payment is in currency %d, the receipt in currency %d", p.Currency, r.Currency))
	}
	return nil
}

// checkInvoice refuses an invoice that r cannot credit without a guess, before anything
// is written to it. alone says whether it is the only invoice r pays, whose amount must
// then be r's.
func (r *Receipt) checkInvoice(accountID int64, inv *PaymentDetails, alone bool) error {
	ours := inv.Carries(r.Document)
	switch {
	case !ours && strings.TrimSpace(inv.DocumentNumber) != "":
		return r.conflict(accountID, ConflictDocument, []PaymentDetails{*inv},
			fmt.Sprintf("the invoice carries another document, %s", PaymentDocument{Number: inv.DocumentNumber,
				Date: inv.DocumentDate, Payer: recordedPayer(inv.Info)}))
	case !ours && inv.Status == PaymentCredited:
		return r.conflict(accountID, ConflictCredited, []PaymentDetails{*inv}, "the invoice is credited already, without this document")
	case inv.Status != PaymentCredited && !PaymentCreditable(inv.Status):
		return statusConflict(r, accountID, inv)
	case alone:
		return r.compare(accountID, inv)
	}
	return r.compareCurrency(accountID, inv)
}

// conflict builds a *CreditConflictError about payments.
func (r *Receipt) conflict(accountID int64, reason ConflictReason, payments []PaymentDetails, detail string) *CreditConflictError {
	e := &CreditConflictError{AccountID: accountID, Document: r.Document, Reason: reason, Detail: detail}
	for _, p := range payments {
		e.Payments = append(e.Payments, p.ID)
	}
	return e
}

// idList reads "12" or "12, 13".
func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = idText(id)
	}
	return strings.Join(s, ", ")
}
