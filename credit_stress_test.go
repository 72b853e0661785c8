package billmgr_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// Many deliveries of the same documents at once: a payment system redelivers its webhook
// while the first delivery runs, two services credit one bank statement. Every document
// must end with exactly one credited payment, whoever delivered it and however often, and
// every call must say created, credited or already_credited: never a raw refusal of the
// server, never a second credit.

// creditLoad is a fake with clients and the documents to credit to them.
type creditLoad struct {
	*env
	accounts []int64
	docs     []stressDoc
}

// stressDoc is a document to credit: a receipt, or the money of an invoice.
type stressDoc struct {
	account int64
	invoice int64 // 0 for a receipt without invoice
	r       *billmgr.Receipt
}

// newCreditLoad starts a fake whose creates commit up to lag after they took their ids
// (billmgrtest.WithCommitLag), with n documents over five clients; invoices makes each
// document pay an invoice issued before.
func newCreditLoad(t *testing.T, n int, lag time.Duration, invoices bool) *creditLoad {
	t.Helper()
	e := newEnv(t, "ru", billmgrtest.WithCommitLag(lag))
	l := &creditLoad{env: e, accounts: e.srv.AddAccounts(5)}
	for i := range n {
		d := stressDoc{account: l.accounts[i%len(l.accounts)], r: &billmgr.Receipt{
			// Several payers' orders share a number and a day: each is a document of its own.
			Document:    billmgr.PaymentDocument{Number: fmt.Sprint(100 + i/3), Date: docDay, Payer: fmt.Sprintf("77%08d", i%3)},
			Amount:      decimal.New(int64(10000+137*i), -2),
			Description: fmt.Sprintf("Оплата по договору %d", i),
		}}
		if invoices {
			id, err := e.c.Payments.Create(e.ctx, d.account, &billmgr.PaymentParams{SubaccountAmount: billmgr.DecimalOf(d.r.Amount)})
			require.NoError(t, err)
			d.invoice = id
		}
		l.docs = append(l.docs, d)
	}
	return l
}

// deliver credits every document from each of callers goroutines, each with a client of
// its own, and returns the outcomes by document. Half the callers take the documents in
// one order, so that they collide on every document; the others each in an order of its
// own.
func (l *creditLoad) deliver(t *testing.T, callers int) [][]billmgr.CreditOutcome {
	t.Helper()
	outcomes := make([][]billmgr.CreditOutcome, len(l.docs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	order := rand.Perm(len(l.docs))
	for n := range callers {
		c := l.client(t, billmgr.WithAuthInfo(l.srv.AdminUser, l.srv.AdminPassword))
		mine := order
		if n%2 == 1 {
			mine = rand.Perm(len(l.docs))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, i := range mine {
				d := l.docs[i]
				var res *billmgr.CreditResult
				var err error
				if d.invoice != 0 {
					res, err = c.Payments.CreditInvoice(context.Background(), d.account, d.invoice, d.r)
				} else {
					res, err = c.Payments.CreditReceipt(context.Background(), d.account, d.r)
				}
				if !assert.NoError(t, err, "document %s", d.r.Document) {
					continue
				}
				mu.Lock()
				outcomes[i] = append(outcomes[i], res.Outcome)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return outcomes
}

// check holds the server to one credited payment per document, nothing else, and the
// balances to the documents' amounts; and the outcomes to one credit per document.
func (l *creditLoad) check(t *testing.T, outcomes [][]billmgr.CreditOutcome, callers int) {
	t.Helper()
	admin, ctx := l.c, l.ctx
	want := map[int64]decimal.Decimal{}
	for i, d := range l.docs {
		want[d.account] = want[d.account].Add(d.r.Amount)
		found, err := admin.Payments.FindByDocument(ctx, d.account, d.r.Document, d.r.Amount)
		require.NoError(t, err)
		if assert.Len(t, found, 1, "document %s: one payment", d.r.Document) {
			assert.Equal(t, billmgr.PaymentCredited, found[0].Status)
			if d.invoice != 0 {
				assert.Equal(t, d.invoice, found[0].ID)
			}
		}
		credits := 0
		for _, o := range outcomes[i] {
			if o != billmgr.CreditAlreadyCredited {
				credits++
			}
		}
		assert.Len(t, outcomes[i], callers, "document %s: every call succeeded", d.r.Document)
		assert.Equal(t, 1, credits, "document %s: one call credited it, the others found it credited: %v", d.r.Document, outcomes[i])
	}
	payments := 0
	for _, a := range l.accounts {
		assert.True(t, want[a].Equal(l.srv.Balance(a)), "client %d: balance %s, want %s", a, l.srv.Balance(a), want[a])
		for _, err := range admin.Payments.All(ctx, a, nil) {
			require.NoError(t, err)
			payments++
		}
	}
	assert.Equal(t, len(l.docs), payments, "no payment left over")
}

// TestCreditReceiptConcurrentDeliveries: 20 callers deliver the same 50 documents at once.
// With a commit lag, creates commit out of id order, as a database's sequence allows.
func TestCreditReceiptConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	for _, lag := range []time.Duration{0, 3 * time.Millisecond} {
		t.Run(fmt.Sprintf("commit lag %s", lag), func(t *testing.T) {
			t.Parallel()
			const callers = 20
			l := newCreditLoad(t, 50, lag, false)
			outcomes := l.deliver(t, callers)
			l.check(t, outcomes, callers)
			t.Logf("50 documents, %d calls: %d credits sent, %d removals of losing payments sent",
				callers*50, l.srv.Hits("payment.setpaid"), l.srv.Hits("payment.delete"))
		})
	}
}

// TestCreditInvoiceConcurrentDeliveries: 20 callers credit the same 50 invoices at once;
// the credits the server refuses because another call made them are already_credited.
func TestCreditInvoiceConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	const callers = 20
	l := newCreditLoad(t, 50, 0, true)
	outcomes := l.deliver(t, callers)
	l.check(t, outcomes, callers)
	assert.Less(t, 50, l.srv.Hits("payment.setpaid"), "the callers raced for the credits")
}

// TestCreditReportsADoubleCredit: two credited payments for one document (left by a
// server whose lists lag behind its writes, or by hand) are reported loudly, naming both,
// whatever the call was about to do.
func TestCreditReportsADoubleCredit(t *testing.T) {
	t.Parallel()
	e := newCreditEnv(t, "ru")
	r := receipt("90", "15.00")
	r.Document.Payer = "7701234567"
	first := e.create(t, "90", "15.00", billmgr.PaymentCredited, "Payer: 7701234567")
	second := e.create(t, "90", "15.00", billmgr.PaymentCredited, "")
	for _, credit := range []func() error{
		func() error { _, err := e.c.Payments.CreditReceipt(e.ctx, e.account, r); return err },
		func() error { _, err := e.c.Payments.CreditInvoice(e.ctx, e.account, first, r); return err },
	} {
		err := credit()
		var conflict *billmgr.CreditConflictError
		require.True(t, errors.As(err, &conflict), "%v", err)
		assert.Contains(t, []billmgr.ConflictReason{billmgr.ConflictCreditedTwice, billmgr.ConflictDocument}, conflict.Reason)
		assert.Contains(t, conflict.Payments, second)
	}
}
