package billmgr

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Crediting money that arrived outside BILLmanager exactly once. BILLmanager has no
// idempotency key, so the key lives on the payment itself: the number and date of the
// payment document that brought the money (a bank's payment order, a payment system's
// transaction), in the payment form's documentnumber and documentdate. Every call looks
// the document up on the server before it writes, and again after a write whose outcome is
// unknown (ErrOutcomeUnknown), so that calling it again, after a crash, a timeout or a lost
// reply, never credits twice and never loses the payment.
//
// A write whose outcome is unknown is never sent again by the same call. Such an outcome
// often means that the server is still carrying the write out (the client's deadline ran
// out, a proxy answered 502 or 504 after its own timeout, the connection was cut in the
// middle of the transaction), so a lookup right after it cannot prove that it was not
// applied: the call goes on from an effect it sees, and otherwise returns an error that
// wraps ErrOutcomeUnknown, for a later call to look up again.

// Document is the payment document that brought a client money: a bank's payment order,
// a payment system's transaction. Number and Date are its key within the client: the
// payment credited for it carries them (documentnumber, documentdate).
type Document struct {
	Number string    // as the document's issuer wrote it; compared exactly, spaces around it aside
	Date   time.Time // only the calendar day counts, in Date's own location
}

// String reads like "No. 123 of 2024-05-06".
func (d Document) String() string {
	return fmt.Sprintf("No. %s of %s", d.Number, d.Date.Format(time.DateOnly))
}

// on reports whether payment p carries the document.
func (d Document) on(p *PaymentDetails) bool {
	return strings.TrimSpace(p.DocumentNumber) == strings.TrimSpace(d.Number) && !p.DocumentDate.IsZero() &&
		sameDay(p.DocumentDate, d.Date)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// Receipt is money a client paid outside BILLmanager, to be credited to the client's
// balance once.
type Receipt struct {
	Document Document
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

// The outcomes of a credit that succeeded.
const (
	// CreditCreated: a payment was created for the document and credited.
	CreditCreated CreditOutcome = "created"
	// CreditCredited: a payment that was there already was credited: the invoice, or a
	// payment for the document that an interrupted call had created.
	CreditCredited CreditOutcome = "credited"
	// CreditAlreadyCredited: the document was credited before; nothing changed.
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

// The reasons of a CreditConflict.
const (
	// ConflictAmount: the payment or invoice is for another amount or currency.
	ConflictAmount ConflictReason = "amount"
	// ConflictCredited: the invoice is credited already, but not for this document (another
	// bank transfer, a card payment, by hand).
	ConflictCredited ConflictReason = "credited"
	// ConflictDocument: the invoice carries another document, or the document is recorded
	// on another payment of the client than the invoice.
	ConflictDocument ConflictReason = "document"
	// ConflictStatus: the payment cannot be credited in its status (cancelled, refunded,
	// fraudulent, being deleted).
	ConflictStatus ConflictReason = "status"
	// ConflictDuplicate: several payments of the client carry the document.
	ConflictDuplicate ConflictReason = "duplicate"
)

// CreditConflict is the error of CreditReceipt and CreditInvoice when they would have to
// guess: the invoice is credited already, the amounts differ, several payments carry the
// document. Nothing was changed by the call that returned it, unless its error wraps
// ErrOutcomeUnknown too: then the conflict was found by the lookup after a write of the
// call whose outcome is unknown. errors.Is(err, ErrCreditConflict) holds for it.
type CreditConflict struct {
	AccountID int64
	Document  Document
	Reason    ConflictReason
	Payments  []int64 // the payments in question
	Detail    string  // what differs, for people
}

// ErrCreditConflict is the errors.Is target of every *CreditConflict.
var ErrCreditConflict = errors.New("credit conflict")

// Error reads like "billmgr: credit document No. 123 of 2024-05-06 to client 12: amount
// (payment 45): the invoice is for 1500.00, the receipt for 1400.00".
func (e *CreditConflict) Error() string {
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
func (e *CreditConflict) Is(target error) bool { return target == ErrCreditConflict }

// recentDays is how long before its document's date a payment for it may have been paid:
// a margin for time zones between the document's issuer and the server.
const recentDays = 2

// FindByDocument returns the payments of client accountID that carry doc
// (documentnumber and documentdate), in the server's order: none, one, or several when
// the document was recorded twice.
//
// The payment list does not show the document, so it walks the list and reads the form
// of each payment that could carry it: a payment of amount (of any amount when amount is
// zero) that is unpaid, or was paid no earlier than two days before the document's date.
// Its cost is the client's payment list, a page per thousand payments, and a form per
// such candidate.
//
// A filter saved for the payment list (see SaveFilter) hides payments from it; when it
// finds nothing while such a filter is active, it fails rather than report an absence it
// cannot prove.
//
// API: account.payment, payment.edit, account.payment.filter
func (s *PaymentsService) FindByDocument(ctx context.Context, accountID int64, doc Document, amount decimal.Decimal) ([]PaymentDetails, error) {
	const fn = "account.payment"
	if strings.TrimSpace(doc.Number) == "" || doc.Date.IsZero() {
		return nil, argError(fn, "a document needs a number and a date")
	}
	earliest := doc.Date.AddDate(0, 0, -recentDays)
	var candidates []int64
	for p, err := range s.All(ctx, accountID, nil) {
		if err != nil {
			return nil, err
		}
		if (amount.IsZero() || p.SubaccountAmount.Amount.Equal(amount)) && (p.PayDate.IsZero() || !p.PayDate.Before(earliest)) {
			candidates = append(candidates, p.ID)
		}
	}
	var found []PaymentDetails
	for _, id := range candidates {
		p, err := s.Get(ctx, accountID, id)
		if errors.Is(err, ErrNotFound) {
			continue // deleted since the list was read
		}
		if err != nil {
			return nil, err
		}
		if doc.on(p) {
			found = append(found, *p)
		}
	}
	if len(found) == 0 {
		f, err := s.GetFilter(ctx, accountID)
		if err != nil {
			return nil, err
		}
		if f.Active() {
			return nil, fmt.Errorf("billmgr: %s: a filter saved for the payment list hides payments of client %d, "+
				"so the absence of document %s cannot be proved; reset it (ResetFilter) and call again", fn, accountID, doc)
		}
	}
	return found, nil
}

// CreditReceipt credits r to client accountID once, however often it is called for the
// same document: it looks the document up (FindByDocument), creates a payment for it
// when none carries it (payment.edit, with documentnumber and documentdate) and credits
// the payment (payment.setpaid) unless it is credited already. The payment is created and
// credited in two steps, so that a create the server carries out late is never credited
// by itself.
//
// Each write is sent at most once per call. After a write that fails with
// ErrOutcomeUnknown the call looks again: a payment found, or a credit seen, is taken up
// from where it is (a payment found uncredited is credited). When the write does not show
// yet, the server may still be carrying it out, so the call does not send it again: its
// error wraps ErrOutcomeUnknown and says so. Call it again later, once the server can no
// longer be working on the request (longer than the timeout of the panel's proxy, minutes
// rather than seconds): that call looks the document up first, and an absence it finds
// then is proved. A call that fails otherwise left nothing half done that a later call
// cannot finish: call it again with the same receipt.
//
// A payment found for the document with another amount or currency, in a status that
// cannot be credited, or found twice, is not guessed at: the error is a *CreditConflict.
//
// API: account.payment, payment.edit, account.payment.filter, payment.setpaid
func (s *PaymentsService) CreditReceipt(ctx context.Context, accountID int64, r *Receipt) (*CreditResult, error) {
	if err := r.check("payment.edit"); err != nil {
		return nil, err
	}
	p, created, err := s.receiptPayment(ctx, accountID, r)
	if err != nil {
		return nil, err
	}
	credited, err := s.credit(ctx, accountID, r, p)
	if err != nil {
		return nil, err
	}
	return &CreditResult{PaymentID: p.ID, Outcome: outcome(created, credited)}, nil
}

// receiptPayment returns the payment that carries r's document, creating it when none
// does, and reports whether this call created it.
func (s *PaymentsService) receiptPayment(ctx context.Context, accountID int64, r *Receipt) (*PaymentDetails, bool, error) {
	p, err := s.findReceipt(ctx, accountID, r)
	if err != nil || p != nil {
		return p, false, err
	}
	id, err := s.Create(ctx, accountID, r.params())
	if err == nil {
		return &PaymentDetails{ID: id, Status: PaymentNew}, true, nil
	}
	if !errors.Is(err, ErrOutcomeUnknown) {
		return nil, false, err
	}
	p, lerr := s.findReceipt(ctx, accountID, r)
	switch {
	case lerr != nil:
		return nil, false, lookupFailed(err, lerr)
	case p == nil:
		return nil, false, r.notVisible(accountID, "the payment created (payment.edit)", err)
	}
	return p, true, nil
}

// findReceipt returns the payment of the client that carries r's document, or nil when
// none does. A payment that disagrees with r, or several, are a conflict.
func (s *PaymentsService) findReceipt(ctx context.Context, accountID int64, r *Receipt) (*PaymentDetails, error) {
	found, err := s.FindByDocument(ctx, accountID, r.Document, r.Amount)
	switch {
	case err != nil:
		return nil, err
	case len(found) == 0:
		return nil, nil
	case len(found) > 1:
		return nil, r.conflict(accountID, ConflictDuplicate, found, fmt.Sprintf("%d payments carry the document", len(found)))
	}
	if err := r.compare(accountID, &found[0]); err != nil {
		return nil, err
	}
	return &found[0], nil
}

// CreditInvoice credits invoice invoiceID of client accountID (an unpaid payment, issued
// before the money came) with the money of r, once, however often it is called for the
// same document: it records the document on the invoice (payment.edit: documentnumber,
// documentdate) and credits it (payment.setpaid). r.Description and r.Paymethod are not
// used: the invoice keeps its own.
//
// It is not guessed at, and the error is a *CreditConflict, when the invoice is for
// another amount or currency than r, is credited already but not for this document,
// carries another document, cannot be credited in its status, or when another payment of
// the client carries the document (see FindByDocument).
//
// Writes whose outcome is unknown are looked up, and the credit is never sent twice, as in
// CreditReceipt. Recording the document is the exception: it sets two fields to the values
// they are to have, which a second send leaves as they are, so when the invoice does not
// show the document after an unknown outcome, it is sent once more.
//
// API: account.payment, payment.edit, account.payment.filter, payment.setpaid
func (s *PaymentsService) CreditInvoice(ctx context.Context, accountID, invoiceID int64, r *Receipt) (*CreditResult, error) {
	const fn = "payment.edit"
	if err := checkID(fn, "payment", invoiceID); err != nil {
		return nil, err
	}
	if err := r.check(fn); err != nil {
		return nil, err
	}
	inv, err := s.invoice(ctx, accountID, invoiceID, r)
	if err == nil && !r.Document.on(inv) {
		inv, err = s.recordDocument(ctx, accountID, inv, r)
	}
	if err != nil {
		return nil, err
	}
	credited, err := s.credit(ctx, accountID, r, inv)
	if err != nil {
		return nil, err
	}
	return &CreditResult{PaymentID: invoiceID, Outcome: outcome(false, credited)}, nil
}

// invoice reads invoice invoiceID, and refuses it when r cannot credit it without a guess.
func (s *PaymentsService) invoice(ctx context.Context, accountID, invoiceID int64, r *Receipt) (*PaymentDetails, error) {
	found, err := s.FindByDocument(ctx, accountID, r.Document, r.Amount)
	if err != nil {
		return nil, err
	}
	if err := r.elsewhere(accountID, invoiceID, found); err != nil {
		return nil, err
	}
	inv, err := s.Get(ctx, accountID, invoiceID)
	if err != nil {
		return nil, err
	}
	if err := r.checkInvoice(accountID, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// recordDocument records r's document on invoice inv and returns the invoice to credit.
// After an unknown outcome it reads the invoice again, and sends the same fields once more
// when they do not show (see CreditInvoice).
func (s *PaymentsService) recordDocument(ctx context.Context, accountID int64, inv *PaymentDetails, r *Receipt) (*PaymentDetails, error) {
	fields := &PaymentParams{DocumentNumber: Ptr(strings.TrimSpace(r.Document.Number)), DocumentDate: DateOf(r.Document.Date)}
	err := s.Update(ctx, accountID, inv.ID, fields)
	if !errors.Is(err, ErrOutcomeUnknown) {
		return inv, err
	}
	now, lerr := s.invoice(ctx, accountID, inv.ID, r)
	switch {
	case lerr != nil:
		return nil, lookupFailed(err, lerr)
	case r.Document.on(now):
		return now, nil
	}
	return now, s.Update(ctx, accountID, inv.ID, fields)
}

// credit credits p unless it is credited already, and reports whether this call credited
// it. A payment in a status that cannot be credited is a conflict. After a credit whose
// outcome is unknown it reads the payment again, and does not send the credit again when
// it does not show (see CreditReceipt).
func (s *PaymentsService) credit(ctx context.Context, accountID int64, r *Receipt, p *PaymentDetails) (bool, error) {
	switch {
	case p.Status == PaymentCredited:
		return false, nil
	case !creditable(p.Status):
		return false, statusConflict(r, accountID, p)
	}
	err := s.SetPaid(ctx, p.ID)
	if !errors.Is(err, ErrOutcomeUnknown) {
		return err == nil, err
	}
	now, lerr := s.Get(ctx, accountID, p.ID)
	switch {
	case lerr != nil:
		return false, lookupFailed(err, lerr)
	case now.Status != PaymentCredited:
		return false, r.notVisible(accountID, fmt.Sprintf("the credit of payment %d (payment.setpaid)", p.ID), err)
	}
	return true, nil
}

// creditable reports whether payment.setpaid credits a payment in this status.
func creditable(status string) bool {
	switch status {
	case PaymentNew, PaymentInPay, PaymentPromised, PaymentInitiated:
		return true
	}
	return false
}

func statusConflict(r *Receipt, accountID int64, p *PaymentDetails) error {
	return r.conflict(accountID, ConflictStatus, []PaymentDetails{*p},
		fmt.Sprintf("the payment is in status %s, which cannot be credited", p.Status))
}

func outcome(created, credited bool) CreditOutcome {
	switch {
	case created:
		return CreditCreated
	case credited:
		return CreditCredited
	}
	return CreditAlreadyCredited
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

// check refuses a receipt that cannot be credited before anything is sent.
func (r *Receipt) check(fn string) error {
	switch {
	case r == nil:
		return argError(fn, "nil receipt")
	case strings.TrimSpace(r.Document.Number) == "" || r.Document.Date.IsZero():
		return argError(fn, "the receipt's document needs a number and a date")
	case !r.Amount.IsPositive():
		return argError(fn, "the receipt's amount %s is not positive", r.Amount)
	case !r.Amount.Equal(r.Amount.Round(2)):
		return argError(fn, "the receipt's amount %s has more than two decimals", r.Amount)
	}
	return nil
}

// params are the fields of the payment created for r.
func (r *Receipt) params() *PaymentParams {
	p := &PaymentParams{
		SubaccountAmount: DecimalOf(r.Amount),
		DocumentNumber:   Ptr(strings.TrimSpace(r.Document.Number)),
		DocumentDate:     DateOf(r.Document.Date),
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
	if r.Currency != 0 && p.Currency != r.Currency {
		return r.conflict(accountID, ConflictAmount, []PaymentDetails{*p},
			fmt.Sprintf("the payment is in currency %d, the receipt in currency %d", p.Currency, r.Currency))
	}
	return nil
}

// elsewhere refuses the credit of an invoice when another payment of the client carries
// the document.
func (r *Receipt) elsewhere(accountID, invoiceID int64, found []PaymentDetails) error {
	var others []PaymentDetails
	for _, p := range found {
		if p.ID != invoiceID {
			others = append(others, p)
		}
	}
	if len(others) == 0 {
		return nil
	}
	return r.conflict(accountID, ConflictDocument, others, fmt.Sprintf("the document is recorded on another payment than invoice %d", invoiceID))
}

// checkInvoice refuses an invoice that r cannot credit without a guess, before anything
// is written to it.
func (r *Receipt) checkInvoice(accountID int64, inv *PaymentDetails) error {
	ours := r.Document.on(inv)
	switch {
	case !ours && strings.TrimSpace(inv.DocumentNumber) != "":
		return r.conflict(accountID, ConflictDocument, []PaymentDetails{*inv},
			fmt.Sprintf("the invoice carries document No. %s of %s", inv.DocumentNumber, inv.DocumentDate.Format(time.DateOnly)))
	case !ours && inv.Status == PaymentCredited:
		return r.conflict(accountID, ConflictCredited, []PaymentDetails{*inv}, "the invoice is credited already, without this document")
	case inv.Status != PaymentCredited && !creditable(inv.Status):
		return statusConflict(r, accountID, inv)
	}
	return r.compare(accountID, inv)
}

// conflict builds a *CreditConflict about payments.
func (r *Receipt) conflict(accountID int64, reason ConflictReason, payments []PaymentDetails, detail string) *CreditConflict {
	e := &CreditConflict{AccountID: accountID, Document: r.Document, Reason: reason, Detail: detail}
	for _, p := range payments {
		e.Payments = append(e.Payments, p.ID)
	}
	return e
}
