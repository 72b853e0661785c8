package bankimport

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-billmgr/billmgr"
)

// Outcome is what happened to a line.
type Outcome string

// The outcomes.
const (
	Created        Outcome = "created"
	Credited       Outcome = "credited"
	WouldCreate    Outcome = "would_create" // dry run
	WouldCredit    Outcome = "would_credit" // dry run
	AlreadyPresent Outcome = "already_present"
	SettledByHand  Outcome = "settled_by_hand"
	Skipped        Outcome = "skipped"
	Unmatched      Outcome = "unmatched"
	Failed         Outcome = "failed"
)

// Care says what a line calls for; of several lines, the greatest is the one to act on
// first.
type Care int

// The cares, in order.
const (
	Settled   Care = iota // nothing: created, credited, present, settled or skipped
	ForPerson             // a person acts (Result.Next); running again changes nothing until then
	Rerun                 // it failed with nothing written: run again
	LookFirst             // a write's outcome is unknown: run again later, which looks it up first
)

// Result is the report of one line.
type Result struct {
	Line     int // the line of the statement where the transfer starts
	Outcome  Outcome
	Document string // the bank document's number
	Date     time.Time
	Amount   billmgr.Money // zero when the amount does not read
	Payer    string
	INN      string
	Account  int64  // the client; 0 when none
	Invoices string // the numbers of the invoices credited, "pfx/36, pfx/37"
	Payments string // the ids of the payments credited
	Reason   string
	Next     Step // for a line left for a person: what to do
	Care     Care
}

// Importer runs a statement: it settles each line once, in order, and reports it.
type Importer struct {
	Client  *billmgr.Client // with billmgr.WithDryRun for a dry run
	Matcher *Matcher
	Journal *Journal
	DryRun  bool // look every line up, write nothing (the journal neither)
	// LineTimeout bounds the requests of one line; 0 for no limit. A line past it fails
	// alone, and the run goes on.
	LineTimeout time.Duration

	paid map[int64]paidBy // the invoices the run credited, or would credit in a dry run
}

// paidBy is the line of a run that pays an invoice, and its document.
type paidBy struct {
	line int
	doc  billmgr.PaymentDocument
}

// InterruptedError ends a run whose context ended (Ctrl-C, a signal): the lines not
// reached are unfinished.
type InterruptedError struct {
	Line    int  // the line in progress
	Unknown bool // a write of that line may have been applied
	Err     error
}

func (e *InterruptedError) Error() string {
	if e.Unknown {
		return fmt.Sprintf("interrupted at line %d, whose write may have been applied (the next run looks it up): %v", e.Line, e.Err)
	}
	return fmt.Sprintf("interrupted at line %d: %v", e.Line, e.Err)
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// Run settles every line of st and hands its report to emit, in order. idx is the first
// pass over st (NewIndex). It records the lines a person settled (named to NewIndex) in
// the journal first. It returns an *InterruptedError when ctx ends, the error of a line the
// server refused for its credentials (auth, badpassword) or whose certificate is not
// trusted (billmgr.ErrUntrustedCertificate), as every line would fail alike, a journal's
// *FileError when the journal cannot be written (ErrJournalChanged: it was removed or
// replaced meanwhile), and emit's error.
func (im *Importer) Run(ctx context.Context, st *Statement, idx *Index, emit func(Result) error) error {
	im.paid = map[int64]paidBy{}
	if !im.DryRun {
		for _, n := range slices.Sorted(maps.Keys(idx.settled)) {
			if err := im.Journal.record(record{Event: eventSettled, Key: idx.settled[n], Line: n}); err != nil {
				return err
			}
		}
	}
	return st.each(func(l *Line) error {
		r, err := im.lineWithin(ctx, l, idx)
		if err != nil {
			return err
		}
		return emit(r)
	})
}

// errLineTimeout ends a line that took longer than LineTimeout.
var errLineTimeout = errors.New("the line took longer than its timeout")

// lineWithin settles line l within LineTimeout. The deadline of one line fails that line,
// as a network failure or an unknown outcome, and the run goes on with the next; an
// interrupted run ends there.
func (im *Importer) lineWithin(ctx context.Context, l *Line, idx *Index) (Result, error) {
	if im.LineTimeout <= 0 {
		return im.line(ctx, l, idx)
	}
	lineCtx, cancel := context.WithTimeoutCause(ctx, im.LineTimeout, errLineTimeout)
	defer cancel()
	return im.line(lineCtx, l, idx)
}

// interrupted reports whether the run ended under the line with context ctx, rather than
// the line's own timeout.
func interrupted(ctx context.Context) bool {
	return ctx.Err() != nil && !errors.Is(context.Cause(ctx), errLineTimeout)
}

func resultOf(l *Line) Result {
	r := Result{Line: l.Line, Document: l.Number, Date: l.Date, Payer: l.Payer, INN: l.INN}
	if !l.Amount.IsZero() {
		r.Amount = billmgr.Money{Amount: l.Amount, Currency: l.Currency}
	}
	return r
}

func (r Result) with(o Outcome, reason string) Result {
	r.Outcome, r.Reason = o, reason
	return r
}

// leave marks a line that is not settled: what it calls for, and the next step.
func (r Result) leave(c Care, next Step) Result {
	r.Care, r.Next = c, next
	return r
}

func (im *Importer) line(ctx context.Context, l *Line, idx *Index) (Result, error) {
	r := resultOf(l)
	if l.Skip != "" {
		return r.with(Skipped, l.Skip), nil
	}
	key := l.Key()
	if _, ok := idx.settled[l.Line]; ok || im.Journal.settled(key) {
		return r.with(SettledByHand, "settled by hand"), nil
	}
	if l.Malformed != "" {
		return r.with(Failed, "malformed: "+l.Malformed).leave(ForPerson, StepFix), nil
	}
	switch same, other := idx.duplicate(l); {
	case other != 0:
		return r.with(Unmatched, fmt.Sprintf("document %s is given again on line %d with another amount: "+
			"none of its lines is credited", l.Document(), other)).leave(ForPerson, StepFix), nil
	case same != 0:
		return r.with(Skipped, fmt.Sprintf("the same transfer as line %d", same)), nil
	}
	if e, ok := im.Journal.finished(key); ok {
		r.Account, r.Invoices, r.Payments = e.account, e.invoice, e.payment
		return r.with(AlreadyPresent, "finished in an earlier run ("+e.result+"), as the journal records"), nil
	}
	p, err := im.Matcher.match(ctx, l)
	if err != nil {
		return im.failed(ctx, r, key, err, false)
	}
	r.Account = p.account
	numbers, ids := make([]string, len(p.invoices)), make([]int64, len(p.invoices))
	for i, inv := range p.invoices {
		numbers[i], ids[i] = inv.number, inv.id
	}
	r.Invoices = strings.Join(numbers, ", ")
	if err := im.paidEarlier(l, p); err != nil {
		return im.failed(ctx, r, key, err, false)
	}
	resumed := im.Journal.interrupted(key)
	if !im.DryRun {
		if err := im.Journal.record(record{Event: eventStart, Key: key, Line: l.Line, Account: p.account, Invoice: r.Invoices}); err != nil {
			return r, err
		}
	}
	var credits []billmgr.CreditResult
	if len(ids) > 0 {
		credits, err = im.Client.Payments.CreditInvoices(ctx, p.account, ids, &p.receipt)
	} else {
		var res *billmgr.CreditResult
		if res, err = im.Client.Payments.CreditReceipt(ctx, p.account, &p.receipt); res != nil {
			credits = []billmgr.CreditResult{*res}
		}
	}
	switch {
	case errors.Is(err, billmgr.ErrDryRun) && len(ids) > 0:
		im.pays(l, p)
		r.Payments = idList(ids)
		return r.with(WouldCredit, "the invoice is not credited yet"), nil
	case errors.Is(err, billmgr.ErrDryRun):
		return r.with(WouldCreate, "no payment carries the document yet"), nil
	case err != nil:
		return im.failed(ctx, r, key, err, true)
	}
	im.pays(l, p)
	r.Outcome = AlreadyPresent
	paid := make([]int64, len(credits))
	for i, c := range credits {
		paid[i] = c.PaymentID
		switch {
		case c.Outcome == billmgr.CreditCreated:
			r.Outcome = Created
		case c.Outcome == billmgr.CreditCredited && r.Outcome != Created:
			r.Outcome = Credited
		}
	}
	r.Payments = idList(paid)
	if resumed {
		r.Reason = "resumed after an interrupted run"
	}
	if im.DryRun {
		return r, nil
	}
	return r, im.Journal.record(record{Event: eventDone, Key: key, Line: l.Line, Result: string(r.Outcome),
		Account: p.account, Invoice: r.Invoices, Payment: r.Payments})
}

// pays notes that line l pays the invoices of plan p: credited by this run, or to be
// credited by the real run of a dry one.
func (im *Importer) pays(l *Line, p *plan) {
	for _, inv := range p.invoices {
		im.paid[inv.id] = paidBy{line: l.Line, doc: l.Document()}
	}
}

// paidEarlier refuses line l when it names an invoice an earlier line of the run pays. The
// server refuses it once the earlier line credited the invoice, which then carries another
// document; a dry run credits nothing for the server to refuse, and reports the line as
// the real run does from what the run noted.
func (im *Importer) paidEarlier(l *Line, p *plan) error {
	for _, inv := range p.invoices {
		if by, ok := im.paid[inv.id]; ok {
			return &billmgr.CreditConflictError{AccountID: inv.account, Document: l.Document(), Reason: billmgr.ConflictDocument,
				Payments: []int64{inv.id}, Detail: fmt.Sprintf("line %d of this statement pays invoice %s, with document %s", by.line, inv.number, by.doc)}
		}
	}
	return nil
}

// failed reports a line that could not be matched or credited, and records the outcome
// of its writes when they were started.
func (im *Importer) failed(ctx context.Context, r Result, key string, err error, started bool) (Result, error) {
	if interrupted(ctx) {
		// The journal keeps the line's intent, and the next run looks the line up.
		return r, &InterruptedError{Line: r.Line, Unknown: errors.Is(err, billmgr.ErrOutcomeUnknown), Err: ctx.Err()}
	}
	var (
		conflict *billmgr.CreditConflictError
		leftErr  *leftError
		apiErr   *billmgr.Error
		event    = eventFailed
	)
	if errors.Is(err, billmgr.ErrUntrustedCertificate) ||
		(errors.As(err, &apiErr) && apiErr.Type == "auth" && apiErr.Object == "badpassword") {
		// The server refused the credentials, or is not the one trusted: every line
		// would fail alike, and nothing of this one was done. The run ends.
		return r, err
	}
	switch {
	case errors.As(err, &conflict):
		r, event = r.with(Unmatched, fmt.Sprintf("%s (%s)", conflict.Detail, conflict.Reason)).leave(ForPerson, StepSettle), eventUnmatched
		if len(conflict.Payments) > 0 {
			r.Payments = idList(conflict.Payments)
		}
	case errors.As(err, &leftErr):
		r, event = r.with(Unmatched, leftErr.reason).leave(ForPerson, leftErr.step), eventUnmatched
	case errors.Is(err, billmgr.ErrOutcomeUnknown):
		// A write of the line may still be running on the server: the journal keeps the
		// line unfinished, and the next run looks it up before writing anything.
		r = r.with(Failed, "outcome unknown, rerun later: "+err.Error()).leave(LookFirst, StepNone)
	case errors.Is(err, billmgr.ErrAuth):
		// A session that ended again right after the SDK logged in anew: nothing was done.
		r = r.with(Failed, "the session ended: "+err.Error()).leave(Rerun, StepNone)
	case errors.Is(err, billmgr.ErrInvalidArgument):
		r = r.with(Failed, "refused before sending: "+err.Error()).leave(ForPerson, StepFix)
	case errors.As(err, &apiErr):
		r = r.with(Failed, "refused by the server: "+err.Error()).leave(ForPerson, StepSettle)
	default:
		r = r.with(Failed, err.Error()).leave(Rerun, StepNone)
	}
	if im.DryRun || !started {
		return r, nil
	}
	return r, im.Journal.record(record{Event: event, Key: key, Line: r.Line, Reason: r.Reason})
}

// idList reads "12" or "12, 13".
func idList(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, ", ")
}
