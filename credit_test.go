package billmgr_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// The credit-once API on the fake: every outcome, every conflict, and writes whose reply
// is lost, in both languages. The fake's clock is fixedNow; documents are dated the day
// before.

var docDay = fixedNow.AddDate(0, 0, -1)

// creditEnv is a fake with one client, an administrator's client for checking its state
// and one whose transport loses the replies that lose selects.
type creditEnv struct {
	*env
	account int64
	lossy   *billmgr.Client
	lose    *lostReplies
}

func newCreditEnv(t *testing.T, lang string) *creditEnv {
	t.Helper()
	e := newEnv(t, lang)
	lose := &lostReplies{next: e.srv.Client().Transport}
	return &creditEnv{env: e, account: e.srv.AddAccounts(1)[0], lose: lose,
		lossy: e.client(t, billmgr.WithAuthInfo(e.srv.AdminUser, e.srv.AdminPassword),
			billmgr.WithHTTPClient(&http.Client{Transport: lose}))}
}

// lostReplies is a transport that reports the outcome of chosen writes as unknown, as the
// SDK's transport does when a connection breaks after the request went out: either the
// server executed the request and its reply was lost (executed), or the request never
// reached it. It counts the writes of the chosen function, lost or not.
type lostReplies struct {
	next http.RoundTripper

	mu       sync.Mutex
	fn       string // the function whose next writes are lost; "" for none
	n        int    // how many more of its writes to lose
	executed bool
	sent     int // its writes since loseNext
}

// loseNext makes the next n writes of fn report an unknown outcome.
func (l *lostReplies) loseNext(fn string, n int, executed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fn, l.n, l.executed, l.sent = fn, n, executed, 0
}

// sentCount is how many writes of the function of loseNext went out since.
func (l *lostReplies) sentCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent
}

func (l *lostReplies) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body.Close()
	form, _ := url.ParseQuery(string(body))
	l.mu.Lock()
	write := form.Get("func") == l.fn && (form.Get("sok") != "" || l.fn == "payment.setpaid")
	if write {
		l.sent++
	}
	lose := write && l.n > 0
	executed := l.executed
	if lose {
		l.n--
	}
	l.mu.Unlock()
	fresh := req.Clone(req.Context())
	fresh.Body = io.NopCloser(bytes.NewReader(body))
	if !lose {
		return l.next.RoundTrip(fresh)
	}
	if executed {
		resp, err := l.next.RoundTrip(fresh)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return nil, fmt.Errorf("the connection broke after the request went out: %w", billmgr.ErrOutcomeUnknown)
}

func receipt(number, amount string) *billmgr.Receipt {
	return &billmgr.Receipt{
		Document:    billmgr.PaymentDocument{Number: number, Date: docDay},
		Amount:      decimal.RequireFromString(amount),
		Description: "Оплата по договору 17, без НДС",
	}
}

// payments returns the forms of every payment of the client.
func (e *creditEnv) payments(t *testing.T) []billmgr.PaymentDetails {
	t.Helper()
	var out []billmgr.PaymentDetails
	for p, err := range e.c.Payments.All(e.ctx, e.account, nil) {
		require.NoError(t, err)
		d, err := e.c.Payments.Get(e.ctx, e.account, p.ID)
		require.NoError(t, err)
		out = append(out, *d)
	}
	return out
}

// requireOnePayment checks that the client has exactly one payment, credited, carrying
// the receipt's document, and that the balance moved by its amount exactly once.
func (e *creditEnv) requireOnePayment(t *testing.T, r *billmgr.Receipt, id int64) {
	t.Helper()
	ps := e.payments(t)
	require.Len(t, ps, 1, "exactly one payment for the document")
	p := ps[0]
	assert.Equal(t, id, p.ID)
	assert.Equal(t, billmgr.PaymentCredited, p.Status)
	assert.Equal(t, r.Document.Number, p.DocumentNumber)
	assert.Equal(t, r.Document.Date.Format(time.DateOnly), p.DocumentDate.Format(time.DateOnly))
	assert.Equal(t, r.Description, p.Description)
	assert.True(t, r.Amount.Equal(e.srv.Balance(e.account)), "balance %s, want %s", e.srv.Balance(e.account), r.Amount)
}

func forEachLang(t *testing.T, test func(t *testing.T, e *creditEnv)) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			test(t, newCreditEnv(t, lang))
		})
	}
}

func TestCreditReceiptCreatesOnceHoweverOftenCalled(t *testing.T) {
	t.Parallel()
	forEachLang(t, func(t *testing.T, e *creditEnv) {
		r := receipt("123", "1500.00")
		first, err := e.c.Payments.CreditReceipt(e.ctx, e.account, r)
		require.NoError(t, err)
		assert.Equal(t, billmgr.CreditCreated, first.Outcome)
		writes := e.srv.Hits("payment.setpaid")
		for range 3 {
			again, err := e.c.Payments.CreditReceipt(e.ctx, e.account, r)
			require.NoError(t, err)
			assert.Equal(t, billmgr.CreditResult{PaymentID: first.PaymentID, Outcome: billmgr.CreditAlreadyCredited}, *again)
		}
		assert.Equal(t, writes, e.srv.Hits("payment.setpaid"), "nothing credited again")
		e.requireOnePayment(t, r, first.PaymentID)
	})
}

func TestCreditReceiptResumesAnUncreditedPayment(t *testing.T) {
	t.Parallel()
	forEachLang(t, func(t *testing.T, e *creditEnv) {
		r := receipt("77", "250.50")
		// An earlier call created the payment and died before crediting it.
		id, err := e.c.Payments.Create(e.ctx, e.account, &billmgr.PaymentParams{
			SubaccountAmount: billmgr.DecimalOf(r.Amount), DocumentNumber: billmgr.Ptr("77"),
			DocumentDate: billmgr.DateOf(docDay), Description: billmgr.Ptr(r.Description)})
		require.NoError(t, err)
		got, err := e.c.Payments.CreditReceipt(e.ctx, e.account, r)
		require.NoError(t, err)
		assert.Equal(t, billmgr.CreditResult{PaymentID: id, Outcome: billmgr.CreditCredited}, *got)
		e.requireOnePayment(t, r, id)
	})
}

// TestCreditReceiptLostReplies: a write whose reply is lost is looked up. A payment found,
// or a credit seen, is taken up from there; a write that does not show is not sent again:
// the call says the outcome is unknown, and a later call finishes the job.
func TestCreditReceiptLostReplies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fn       string
		executed bool
		later    billmgr.CreditOutcome // what the later call did, when the first failed
	}{
		{"create executed, reply lost: found and credited", "payment.edit", true, ""},
		{"create never arrived: not sent again, created later", "payment.edit", false, billmgr.CreditCreated},
		{"credit executed, reply lost: found credited", "payment.setpaid", true, ""},
		{"credit never arrived: not sent again, credited later", "payment.setpaid", false, billmgr.CreditCredited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachLang(t, func(t *testing.T, e *creditEnv) {
				r := receipt("5001", "99.90")
				e.lose.loseNext(tt.fn, 5, tt.executed)
				got, err := e.lossy.Payments.CreditReceipt(e.ctx, e.account, r)
				assert.Equal(t, 1, e.lose.sentCount(), "%s sent once", tt.fn)
				if tt.executed {
					require.NoError(t, err)
					assert.Equal(t, billmgr.CreditCreated, got.Outcome)
					e.requireOnePayment(t, r, got.PaymentID)
					return
				}
				require.ErrorIs(t, err, billmgr.ErrOutcomeUnknown)
				assert.Contains(t, err.Error(), "does not show yet, and is not sent again")
				billmgr.AssertOnePrefix(t, err)
				assert.Zero(t, e.srv.Hits("payment.setpaid"), "nothing credited")

				got, err = e.c.Payments.CreditReceipt(e.ctx, e.account, r)
				require.NoError(t, err)
				assert.Equal(t, tt.later, got.Outcome)
				e.requireOnePayment(t, r, got.PaymentID)
			})
		})
	}
}

// slowServer is the fake behind a middleware that carries out one chosen write slowly: it
// holds the request until the test releases it, long after the client gave up waiting for
// the reply (its http.Client's Timeout), so that the lookups the client makes meanwhile see
// the server as it was before the write, and the write shows only after them.
type slowServer struct {
	*billmgrtest.Handler
	URL string

	mu      sync.Mutex
	fn      string         // the function whose next write is held; "" for none
	writes  map[string]int // the writes that arrived, by function
	ran     chan struct{}  // closed once the held write ran; nil until one is held
	release chan struct{}  // closed to let it run
	once    sync.Once
}

func newSlowServer(t *testing.T) *slowServer {
	t.Helper()
	s := &slowServer{Handler: billmgrtest.NewHandler(billmgrtest.WithClock(func() time.Time { return fixedNow })),
		writes: map[string]int{}, release: make(chan struct{})}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	t.Cleanup(s.finish) // first: closing the server waits for the held handler
	s.URL = ts.URL
	return s
}

// holdNext holds the next write of fn.
func (s *slowServer) holdNext(fn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fn = fn
}

func (s *slowServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	fn := r.Form.Get("func")
	write := (fn == "payment.edit" && r.Form.Get("sok") != "") || fn == "payment.setpaid"
	var ran chan struct{}
	s.mu.Lock()
	if write {
		s.writes[fn]++
		if fn == s.fn {
			s.fn, s.ran = "", make(chan struct{})
			ran = s.ran
		}
	}
	s.mu.Unlock()
	if ran == nil {
		s.Handler.ServeHTTP(w, r)
		return
	}
	<-s.release
	// The client is gone; the server goes on, as BILLmanager does behind a proxy.
	s.Handler.ServeHTTP(httptest.NewRecorder(), r.WithContext(context.WithoutCancel(r.Context())))
	close(ran)
}

// finish lets the held write run and waits until it did.
func (s *slowServer) finish() {
	s.once.Do(func() { close(s.release) })
	s.mu.Lock()
	ran := s.ran
	s.mu.Unlock()
	if ran != nil {
		<-ran
	}
}

// sent counts the writes of fn that arrived.
func (s *slowServer) sent(fn string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes[fn]
}

// TestCreditNeverResendsAWriteTheServerMayStillBeCarryingOut: the server takes longer over
// a write than the client waits. The lookup after it cannot see the write yet, and the call
// must not send it again (a second payment, a second credit): it says the outcome is
// unknown. Once the server is done, a later call finds the write's effect and finishes.
// Recording the document on an invoice sets the same values again, and is sent again.
func TestCreditNeverResendsAWriteTheServerMayStillBeCarryingOut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		invoice bool
		fn      string
		sent    int                   // how many times the call sent fn
		later   billmgr.CreditOutcome // what a later call did; "" when the first call succeeded
	}{
		{"create", false, "payment.edit", 1, billmgr.CreditCredited},
		{"credit of a payment created", false, "payment.setpaid", 1, billmgr.CreditAlreadyCredited},
		{"credit of an invoice", true, "payment.setpaid", 1, billmgr.CreditAlreadyCredited},
		{"document recorded on an invoice", true, "payment.edit", 2, ""},
	}
	for _, tt := range tests {
		for _, lang := range []string{"en", "ru"} {
			t.Run(tt.name+"/"+lang, func(t *testing.T) {
				t.Parallel()
				s := newSlowServer(t)
				auth := billmgr.WithAuthInfo(billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword)
				admin, err := billmgr.NewClient(s.URL, auth, billmgr.WithLang(lang))
				require.NoError(t, err)
				impatient, err := billmgr.NewClient(s.URL, auth, billmgr.WithLang(lang),
					billmgr.WithHTTPClient(&http.Client{Timeout: 500 * time.Millisecond}))
				require.NoError(t, err)
				ctx := context.Background()
				account := s.AddAccounts(1)[0]
				r := receipt("61", "480.00")
				credit := func(c *billmgr.Client) (*billmgr.CreditResult, error) {
					return c.Payments.CreditReceipt(ctx, account, r)
				}
				if tt.invoice {
					inv, err := admin.Payments.Create(ctx, account, &billmgr.PaymentParams{
						SubaccountAmount: billmgr.DecimalOf(r.Amount), Number: billmgr.Ptr("pfx/61")})
					require.NoError(t, err)
					credit = func(c *billmgr.Client) (*billmgr.CreditResult, error) {
						return c.Payments.CreditInvoice(ctx, account, inv, r)
					}
				}
				before := s.sent(tt.fn)
				s.holdNext(tt.fn)
				got, err := credit(impatient)
				assert.Equal(t, tt.sent, s.sent(tt.fn)-before, "%s sent by the call", tt.fn)
				if tt.later == "" {
					require.NoError(t, err)
					assert.Equal(t, billmgr.CreditCredited, got.Outcome)
				} else {
					require.ErrorIs(t, err, billmgr.ErrOutcomeUnknown)
					assert.Contains(t, err.Error(), "does not show yet, and is not sent again")
					billmgr.AssertOnePrefix(t, err)
					s.finish()
					got, err = credit(admin)
					require.NoError(t, err)
					assert.Equal(t, tt.later, got.Outcome)
				}
				s.finish()
				var payments []billmgr.Payment
				for p, err := range admin.Payments.All(ctx, account, nil) {
					require.NoError(t, err)
					payments = append(payments, p)
				}
				require.Len(t, payments, 1, "one payment for the document")
				assert.Equal(t, got.PaymentID, payments[0].ID)
				assert.Equal(t, billmgr.PaymentCredited, payments[0].Status.Code)
				assert.Equal(t, 1, s.Hits("payment.setpaid"), "credited once")
				assert.True(t, r.Amount.Equal(s.Balance(account)), "balance %s, want %s", s.Balance(account), r.Amount)
			})
		}
	}
}

// TestCreditReceiptConnectionCutAfterBody cuts the real connection after the server
// executed the create, and expects the call to look the payment up and finish. It needs
// the transport to classify a reply lost after the body went out as ErrOutcomeUnknown.
func TestCreditReceiptConnectionCutAfterBody(t *testing.T) {
	t.Parallel()
	h := billmgrtest.NewHandler(billmgrtest.WithClock(func() time.Time { return fixedNow }))
	var cut sync.Once
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ParseForm() == nil && r.Form.Get("func") == "payment.edit" && r.Form.Get("sok") != "" {
			executed := false
			cut.Do(func() {
				h.ServeHTTP(httptest.NewRecorder(), r)
				executed = true
			})
			if executed {
				if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
					conn.Close()
				}
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	c, err := billmgr.NewClient(ts.URL, billmgr.WithAuthInfo(billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword))
	require.NoError(t, err)
	account := h.AddAccounts(1)[0]
	r := receipt("31", "1200.00")
	got, err := c.Payments.CreditReceipt(context.Background(), account, r)
	require.NoError(t, err, "a reply lost after the body went out must be looked up, not reported")
	assert.Equal(t, billmgr.CreditCreated, got.Outcome)
	assert.Equal(t, 1, countPayments(t, c, account))
	assert.True(t, r.Amount.Equal(h.Balance(account)))
}

func countPayments(t *testing.T, c *billmgr.Client, account int64) int {
	t.Helper()
	n := 0
	for _, err := range c.Payments.All(context.Background(), account, nil) {
		require.NoError(t, err)
		n++
	}
	return n
}

// create makes a payment of the client that carries document number of docDay, in status
// (PaymentNew when ""), with info.
func (e *creditEnv) create(t *testing.T, number, amount, status, info string) int64 {
	t.Helper()
	p := &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal(amount), DocumentNumber: billmgr.Ptr(number),
		DocumentDate: billmgr.DateOf(docDay)}
	if info != "" {
		p.Info = billmgr.Ptr(info)
	}
	id, err := e.c.Payments.Create(e.ctx, e.account, p)
	require.NoError(t, err)
	switch status {
	case "", billmgr.PaymentNew:
	case billmgr.PaymentCredited:
		require.NoError(t, e.c.Payments.SetPaid(e.ctx, id))
	default:
		require.NoError(t, e.c.Payments.Update(e.ctx, e.account, id, &billmgr.PaymentParams{Status: billmgr.Ptr(status)}))
	}
	return id
}

func TestCreditReceiptConflicts(t *testing.T) {
	t.Parallel()
	forEachLang(t, func(t *testing.T, e *creditEnv) {
		twice := []int64{e.create(t, "40", "300.00", billmgr.PaymentCredited, ""), e.create(t, "40", "300.00", billmgr.PaymentCredited, "")}
		cancelled := e.create(t, "41", "300.00", billmgr.PaymentCancelled, "")
		otherAmount := e.create(t, "42", "299.00", "", "")
		open := e.create(t, "43", "300.00", "", "")
		paying := e.create(t, "43", "300.00", billmgr.PaymentInitiated, "")
		balance := e.srv.Balance(e.account)

		for _, tt := range []struct {
			number   string
			reason   billmgr.ConflictReason
			payments []int64
			detail   string
		}{
			{"40", billmgr.ConflictCreditedTwice, twice, "refund all but one"},
			{"41", billmgr.ConflictStatus, []int64{cancelled}, "cannot be credited"},
			{"42", billmgr.ConflictAmount, []int64{otherAmount}, "the payment is for 299.00, the receipt for 300.00"},
			{"43", billmgr.ConflictDuplicate, []int64{open, paying}, "settle the two by hand"},
		} {
			setpaid, deletes := e.srv.Hits("payment.setpaid"), e.srv.Hits("payment.delete")
			_, err := e.c.Payments.CreditReceipt(e.ctx, e.account, receipt(tt.number, "300.00"))
			var conflict *billmgr.CreditConflictError
			require.ErrorAs(t, err, &conflict)
			require.ErrorIs(t, err, billmgr.ErrCreditConflict)
			assert.Equal(t, tt.reason, conflict.Reason)
			assert.ElementsMatch(t, tt.payments, conflict.Payments)
			assert.Equal(t, e.account, conflict.AccountID)
			assert.Contains(t, err.Error(), "document No. "+tt.number+" of 2024-05-06")
			assert.Contains(t, conflict.Detail, tt.detail)
			assert.Equal(t, setpaid, e.srv.Hits("payment.setpaid"), "nothing credited")
			assert.Equal(t, deletes, e.srv.Hits("payment.delete"), "nothing removed")
		}
		assert.Len(t, e.payments(t), 6, "nothing created")
		assert.True(t, balance.Equal(e.srv.Balance(e.account)))
	})
}

// TestCreditReceiptConverges: whatever callers left behind for a document, a call settles
// on one credited payment by the rule: the credited one, else the lowest id, wins; the
// other new payments that carry the document are removed.
func TestCreditReceiptConverges(t *testing.T) {
	t.Parallel()
	forEachLang(t, func(t *testing.T, e *creditEnv) {
		lowest := e.create(t, "50", "120.00", "", "")
		e.create(t, "50", "120.00", "", "")
		e.create(t, "50", "120.00", "", "")
		got, err := e.c.Payments.CreditReceipt(e.ctx, e.account, receipt("50", "120.00"))
		require.NoError(t, err)
		assert.Equal(t, billmgr.CreditResult{PaymentID: lowest, Outcome: billmgr.CreditCredited}, *got, "the lowest id wins")

		e.create(t, "51", "80.00", "", "")
		credited := e.create(t, "51", "80.00", billmgr.PaymentCredited, "")
		got, err = e.c.Payments.CreditReceipt(e.ctx, e.account, receipt("51", "80.00"))
		require.NoError(t, err)
		assert.Equal(t, billmgr.CreditResult{PaymentID: credited, Outcome: billmgr.CreditAlreadyCredited}, *got, "the credited one wins")

		ps := e.payments(t)
		require.Len(t, ps, 2, "the losers are removed")
		for _, p := range ps {
			assert.Equal(t, billmgr.PaymentCredited, p.Status)
		}
		assert.True(t, decimal.RequireFromString("200").Equal(e.srv.Balance(e.account)))
	})
}

// TestCreditReceiptFindsADocumentWhateverItsPayDate: a payment credited days before its
// document's date (a promised payment, a date typed by hand) is still the document's.
func TestCreditReceiptFindsADocumentWhateverItsPayDate(t *testing.T) {
	t.Parallel()
	e := newCreditEnv(t, "en")
	later := &billmgr.Receipt{Document: billmgr.PaymentDocument{Number: "70", Date: fixedNow.AddDate(0, 0, 10)},
		Amount: decimal.RequireFromString("10.00")}
	id, err := e.c.Payments.Create(e.ctx, e.account, &billmgr.PaymentParams{SubaccountAmount: billmgr.DecimalOf(later.Amount),
		DocumentNumber: billmgr.Ptr("70"), DocumentDate: billmgr.DateOf(later.Document.Date)})
	require.NoError(t, err)
	require.NoError(t, e.c.Payments.SetPaid(e.ctx, id))
	got, err := e.c.Payments.CreditReceipt(e.ctx, e.account, later)
	require.NoError(t, err)
	assert.Equal(t, billmgr.CreditResult{PaymentID: id, Outcome: billmgr.CreditAlreadyCredited}, *got)
}

// TestCreditReceiptPayers: the payer is part of the document's key, kept in the payment's
// info; a payment that records none is any payer's.
func TestCreditReceiptPayers(t *testing.T) {
	t.Parallel()
	forEachLang(t, func(t *testing.T, e *creditEnv) {
		from := func(payer, amount string) *billmgr.Receipt {
			r := receipt("1", amount)
			r.Document.Payer = payer
			return r
		}
		first, err := e.c.Payments.CreditReceipt(e.ctx, e.account, from("7701234567", "500.00"))
		require.NoError(t, err)
		second, err := e.c.Payments.CreditReceipt(e.ctx, e.account, from("500100732259", "500.00"))
		require.NoError(t, err)
		assert.Equal(t, billmgr.CreditCreated, first.Outcome)
		assert.Equal(t, billmgr.CreditCreated, second.Outcome, "another payer's order No. 1 of the day is another document")
		assert.NotEqual(t, first.PaymentID, second.PaymentID)

		d, err := e.c.Payments.Get(e.ctx, e.account, first.PaymentID)
		require.NoError(t, err)
		assert.Equal(t, "Payer: 7701234567", d.Info)

		again, err := e.c.Payments.CreditReceipt(e.ctx, e.account, from(" 7701234567 ", "500.00"))
		require.NoError(t, err)
		assert.Equal(t, billmgr.CreditResult{PaymentID: first.PaymentID, Outcome: billmgr.CreditAlreadyCredited}, *again)

		_, err = e.c.Payments.CreditReceipt(e.ctx, e.account, from("7701234567", "5000.00"))
		var conflict *billmgr.CreditConflictError
		require.ErrorAs(t, err, &conflict, "the same payer's document with another amount")
		assert.Equal(t, billmgr.ConflictAmount, conflict.Reason)
		assert.Equal(t, []int64{first.PaymentID}, conflict.Payments)

		byHand := e.create(t, "2", "42.00", billmgr.PaymentCredited, "")
		got, err := e.c.Payments.CreditReceipt(e.ctx, e.account, func() *billmgr.Receipt {
			r := from("7701234567", "42.00")
			r.Document.Number = "2"
			return r
		}())
		require.NoError(t, err)
		assert.Equal(t, billmgr.CreditResult{PaymentID: byHand, Outcome: billmgr.CreditAlreadyCredited}, *got,
			"a payment recorded by hand without a payer is the document's")
		assert.True(t, decimal.RequireFromString("1042").Equal(e.srv.Balance(e.account)))
	})
}

// TestFindByDocumentIsExact: a document is found by its number and date exactly, never by
// a number that contains it or the same number on another day.
func TestFindByDocumentIsExact(t *testing.T) {
	t.Parallel()
	e := newCreditEnv(t, "ru")
	create := func(number string, day time.Time) int64 {
		id, err := e.c.Payments.Create(e.ctx, e.account, &billmgr.PaymentParams{
			SubaccountAmount: billmgr.MustDecimal("50.00"), DocumentNumber: billmgr.Ptr(number), DocumentDate: billmgr.DateOf(day)})
		require.NoError(t, err)
		return id
	}
	create("1123", docDay)
	create("12", docDay)
	create("123", docDay.AddDate(0, 0, -1))
	want := create("123", docDay)

	found, err := e.c.Payments.FindByDocument(e.ctx, e.account, billmgr.PaymentDocument{Number: " 123 ", Date: docDay}, decimal.RequireFromString("50"))
	require.NoError(t, err)
	require.Len(t, found, 1)
	assert.Equal(t, want, found[0].ID)

	// The amount narrows the search; a miss reads every payment before it reports an absence.
	found, err = e.c.Payments.FindByDocument(e.ctx, e.account, billmgr.PaymentDocument{Number: "123", Date: docDay}, decimal.RequireFromString("51"))
	require.NoError(t, err)
	require.Len(t, found, 1, "recorded with another amount, still the document's")
	assert.Equal(t, want, found[0].ID)

	found, err = e.c.Payments.FindByDocument(e.ctx, e.account, billmgr.PaymentDocument{Number: "124", Date: docDay}, decimal.RequireFromString("50"))
	require.NoError(t, err)
	assert.Empty(t, found)

	// A document in another time zone is the same calendar day.
	moscow := time.FixedZone("MSK", 3*3600)
	found, err = e.c.Payments.FindByDocument(e.ctx, e.account,
		billmgr.PaymentDocument{Number: "123", Date: time.Date(2024, 5, 6, 0, 0, 0, 0, moscow)}, decimal.Zero)
	require.NoError(t, err)
	assert.Len(t, found, 1)
}

func TestFindByDocumentRefusesToProveAbsenceUnderASavedFilter(t *testing.T) {
	t.Parallel()
	e := newCreditEnv(t, "en")
	require.NoError(t, e.c.Payments.SaveFilter(e.ctx, e.account, &billmgr.PaymentFilter{Status: billmgr.PaymentNew}))
	_, err := e.c.Payments.CreditReceipt(e.ctx, e.account, receipt("8", "10.00"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ResetFilter")
	assert.Empty(t, e.payments(t), "nothing created")

	require.NoError(t, e.c.Payments.ResetFilter(e.ctx, e.account))
	got, err := e.c.Payments.CreditReceipt(e.ctx, e.account, receipt("8", "10.00"))
	require.NoError(t, err)
	assert.Equal(t, billmgr.CreditCreated, got.Outcome)
}

func TestCreditRefusesBadReceipts(t *testing.T) {
	t.Parallel()
	e := newCreditEnv(t, "en")
	bad := map[string]*billmgr.Receipt{
		"nil":                             nil,
		"no number":                       {Document: billmgr.PaymentDocument{Date: docDay}, Amount: decimal.NewFromInt(1)},
		"no date":                         {Document: billmgr.PaymentDocument{Number: "1"}, Amount: decimal.NewFromInt(1)},
		"zero amount":                     {Document: billmgr.PaymentDocument{Number: "1", Date: docDay}},
		"negative":                        {Document: billmgr.PaymentDocument{Number: "1", Date: docDay}, Amount: decimal.NewFromInt(-5)},
		"sub-kopeck":                      {Document: billmgr.PaymentDocument{Number: "1", Date: docDay}, Amount: decimal.RequireFromString("1.005")},
		"blank number":                    {Document: billmgr.PaymentDocument{Number: "  ", Date: docDay}, Amount: decimal.NewFromInt(1)},
		"control character in the number": {Document: billmgr.PaymentDocument{Number: "12\x0b3", Date: docDay}, Amount: decimal.NewFromInt(1)},
		"line break in the number":        {Document: billmgr.PaymentDocument{Number: "12\n3", Date: docDay}, Amount: decimal.NewFromInt(1)},
		"number not UTF-8":                {Document: billmgr.PaymentDocument{Number: "12\xff", Date: docDay}, Amount: decimal.NewFromInt(1)},
		"line break in the payer":         {Document: billmgr.PaymentDocument{Number: "1", Date: docDay, Payer: "77\r01"}, Amount: decimal.NewFromInt(1)},
		"NUL in the purpose":              {Document: billmgr.PaymentDocument{Number: "1", Date: docDay}, Amount: decimal.NewFromInt(1), Description: "Оплата\x00"},
	}
	for name, r := range bad {
		_, err := e.c.Payments.CreditReceipt(e.ctx, e.account, r)
		assert.ErrorIs(t, err, billmgr.ErrInvalidArgument, name)
		_, err = e.c.Payments.CreditInvoice(e.ctx, e.account, 1, r)
		assert.ErrorIs(t, err, billmgr.ErrInvalidArgument, name)
	}
	_, err := e.c.Payments.CreditInvoice(e.ctx, e.account, 0, receipt("1", "1.00"))
	assert.ErrorIs(t, err, billmgr.ErrInvalidArgument)
	assert.Zero(t, e.srv.Hits("account.payment")+e.srv.Hits("payment.edit"), "nothing sent")

	// Each fault names the receipt's field, and wraps the server's sentinel for it too.
	_, err = e.c.Payments.CreditReceipt(e.ctx, e.account, &billmgr.Receipt{
		Document: billmgr.PaymentDocument{Number: "12\n3", Payer: "77\x0001"}, Amount: decimal.RequireFromString("1.005")})
	var fields []string
	for _, fe := range billmgr.FieldErrors(err) {
		fields = append(fields, fe.Field)
	}
	assert.Equal(t, []string{"Document.Number", "Document.Date", "Document.Payer", "Amount"}, fields)
	assert.ErrorIs(t, err, billmgr.ErrInvalid)
	billmgr.AssertOnePrefix(t, err)
}

// TestCreditNamesTheReceiptFieldTheServerRefuses: a refusal of the payment created for a
// receipt names the Receipt's field, not the payment form's.
func TestCreditNamesTheReceiptFieldTheServerRefuses(t *testing.T) {
	t.Parallel()
	e := newCreditEnv(t, "ru")
	e.srv.RefuseNext("payment.edit", 1, billmgrtest.Refusal{Type: "value", Object: "documentnumber", Value: "A-1",
		When: func(p url.Values) bool { return p.Get("sok") != "" }})
	_, err := e.c.Payments.CreditReceipt(e.ctx, e.account, receipt("A-1", "10.00"))
	var fe *billmgr.FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Document.Number", fe.Field)
	assert.Equal(t, "documentnumber", fe.Param)
	assert.ErrorIs(t, err, billmgr.ErrInvalid)
	assert.True(t, e.srv.Balance(e.account).IsZero())
}

// invoice creates an unpaid invoice of amount for the client.
func (e *creditEnv) invoice(t *testing.T, amount string) int64 {
	t.Helper()
	id, err := e.c.Payments.Create(e.ctx, e.account, &billmgr.PaymentParams{
		SubaccountAmount: billmgr.MustDecimal(amount), Number: billmgr.Ptr("pfx/" + strings.ReplaceAll(amount, ".", ""))})
	require.NoError(t, err)
	return id
}

func TestCreditInvoiceOnce(t *testing.T) {
	t.Parallel()
	forEachLang(t, func(t *testing.T, e *creditEnv) {
		inv := e.invoice(t, "1500.00")
		r := receipt("123", "1500.00")
		got, err := e.c.Payments.CreditInvoice(e.ctx, e.account, inv, r)
		require.NoError(t, err)
		assert.Equal(t, billmgr.CreditResult{PaymentID: inv, Outcome: billmgr.CreditCredited}, *got)
		for range 2 {
			again, err := e.c.Payments.CreditInvoice(e.ctx, e.account, inv, r)
			require.NoError(t, err)
			assert.Equal(t, billmgr.CreditAlreadyCredited, again.Outcome)
		}
		// The same document as a payment without invoice is the invoice's, not a new one.
		again, err := e.c.Payments.CreditReceipt(e.ctx, e.account, r)
		require.NoError(t, err)
		assert.Equal(t, billmgr.CreditResult{PaymentID: inv, Outcome: billmgr.CreditAlreadyCredited}, *again)

		ps := e.payments(t)
		require.Len(t, ps, 1)
		assert.Equal(t, billmgr.PaymentCredited, ps[0].Status)
		assert.Equal(t, "123", ps[0].DocumentNumber)
		assert.Equal(t, 1, e.srv.Hits("payment.setpaid"))
		assert.True(t, r.Amount.Equal(e.srv.Balance(e.account)))
	})
}

// TestCreditInvoiceLostReplies: the document recorded on the invoice is sent again when it
// does not show after a lost reply (the same values again); the credit is not, and a later
// call makes it.
func TestCreditInvoiceLostReplies(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		fn       string
		executed bool
		sent     int // how many times the call sent fn
	}{
		{"payment.edit", true, 1},
		{"payment.edit", false, 2},
		{"payment.setpaid", true, 1},
		{"payment.setpaid", false, 1},
	} {
		t.Run(fmt.Sprintf("%s executed=%v", tt.fn, tt.executed), func(t *testing.T) {
			forEachLang(t, func(t *testing.T, e *creditEnv) {
				inv := e.invoice(t, "700.00")
				r := receipt("55", "700.00")
				e.lose.loseNext(tt.fn, 1, tt.executed)
				got, err := e.lossy.Payments.CreditInvoice(e.ctx, e.account, inv, r)
				assert.Equal(t, tt.sent, e.lose.sentCount(), "%s sent by the call", tt.fn)
				if tt.fn == "payment.setpaid" && !tt.executed {
					require.ErrorIs(t, err, billmgr.ErrOutcomeUnknown)
					assert.Zero(t, e.srv.Hits("payment.setpaid"), "nothing credited")
					got, err = e.c.Payments.CreditInvoice(e.ctx, e.account, inv, r)
				}
				require.NoError(t, err)
				assert.Equal(t, billmgr.CreditResult{PaymentID: inv, Outcome: billmgr.CreditCredited}, *got)
				assert.True(t, decimal.RequireFromString("700").Equal(e.srv.Balance(e.account)))
				assert.Len(t, e.payments(t), 1)
			})
		})
	}
}

func TestCreditInvoiceConflicts(t *testing.T) {
	t.Parallel()
	forEachLang(t, func(t *testing.T, e *creditEnv) {
		byCard := e.invoice(t, "100.00")
		require.NoError(t, e.c.Payments.SetPaid(e.ctx, byCard))
		otherDoc := e.invoice(t, "200.00")
		require.NoError(t, e.c.Payments.Update(e.ctx, e.account, otherDoc, &billmgr.PaymentParams{
			DocumentNumber: billmgr.Ptr("999"), DocumentDate: billmgr.DateOf(docDay)}))
		cancelled := e.invoice(t, "300.00")
		require.NoError(t, e.c.Payments.Update(e.ctx, e.account, cancelled, &billmgr.PaymentParams{Status: billmgr.Ptr(billmgr.PaymentCancelled)}))
		open := e.invoice(t, "400.00")
		elsewhere, err := e.c.Payments.CreditReceipt(e.ctx, e.account, receipt("12", "400.00"))
		require.NoError(t, err)
		balance := e.srv.Balance(e.account)

		for _, tt := range []struct {
			name     string
			invoice  int64
			r        *billmgr.Receipt
			reason   billmgr.ConflictReason
			payments []int64
		}{
			{"credited by another payment", byCard, receipt("10", "100.00"), billmgr.ConflictCredited, []int64{byCard}},
			{"another document recorded", otherDoc, receipt("11", "200.00"), billmgr.ConflictDocument, []int64{otherDoc}},
			{"cancelled", cancelled, receipt("13", "300.00"), billmgr.ConflictStatus, []int64{cancelled}},
			{"another amount", open, receipt("14", "399.99"), billmgr.ConflictAmount, []int64{open}},
			{"document on another payment", open, receipt("12", "400.00"), billmgr.ConflictDocument, []int64{elsewhere.PaymentID}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := e.c.Payments.CreditInvoice(e.ctx, e.account, tt.invoice, tt.r)
				var conflict *billmgr.CreditConflictError
				require.ErrorAs(t, err, &conflict)
				assert.Equal(t, tt.reason, conflict.Reason, err.Error())
				assert.ElementsMatch(t, tt.payments, conflict.Payments) // in the server's order, newest first
			})
		}
		assert.True(t, balance.Equal(e.srv.Balance(e.account)), "nothing credited")
		d, err := e.c.Payments.Get(e.ctx, e.account, open)
		require.NoError(t, err)
		assert.Empty(t, d.DocumentNumber, "nothing recorded on the invoice")
		assert.Equal(t, billmgr.PaymentNew, d.Status)
	})
}

// TestCreditInvoices: one transfer paying several invoices credits each when their amounts
// add up to it exactly; any other sum is for a person, and nothing is written.
func TestCreditInvoices(t *testing.T) {
	t.Parallel()
	forEachLang(t, func(t *testing.T, e *creditEnv) {
		a, b := e.invoice(t, "1000.00"), e.invoice(t, "234.50")
		r := receipt("300", "1234.50")
		r.Document.Payer = "7701234567"

		_, err := e.c.Payments.CreditInvoices(e.ctx, e.account, []int64{a, b}, receipt("300", "1234.00"))
		var conflict *billmgr.CreditConflictError
		require.ErrorAs(t, err, &conflict)
		assert.Equal(t, billmgr.ConflictAmount, conflict.Reason)
		assert.Contains(t, conflict.Detail, "the invoices add up to 1234.50, the transfer is for 1234.00")
		assert.ElementsMatch(t, []int64{a, b}, conflict.Payments)
		assert.Zero(t, e.srv.Hits("payment.setpaid"))

		got, err := e.c.Payments.CreditInvoices(e.ctx, e.account, []int64{a, b}, r)
		require.NoError(t, err)
		assert.Equal(t, []billmgr.CreditResult{{PaymentID: a, Outcome: billmgr.CreditCredited}, {PaymentID: b, Outcome: billmgr.CreditCredited}}, got)
		again, err := e.c.Payments.CreditInvoices(e.ctx, e.account, []int64{a, b}, r)
		require.NoError(t, err)
		assert.Equal(t, []billmgr.CreditResult{{PaymentID: a, Outcome: billmgr.CreditAlreadyCredited}, {PaymentID: b, Outcome: billmgr.CreditAlreadyCredited}}, again)

		for _, id := range []int64{a, b} {
			d, err := e.c.Payments.Get(e.ctx, e.account, id)
			require.NoError(t, err)
			assert.Equal(t, "300", d.DocumentNumber)
			assert.Equal(t, "Payer: 7701234567", d.Info)
		}
		assert.True(t, r.Amount.Equal(e.srv.Balance(e.account)))

		_, err = e.c.Payments.CreditInvoices(e.ctx, e.account, []int64{a, a}, r)
		assert.ErrorIs(t, err, billmgr.ErrInvalidArgument)
		_, err = e.c.Payments.CreditInvoices(e.ctx, e.account, nil, r)
		assert.ErrorIs(t, err, billmgr.ErrInvalidArgument)
	})
}

// TestCreditInvoiceKeepsTheInvoiceInfo: the payer's line is added to what the invoice's
// info says already.
func TestCreditInvoiceKeepsTheInvoiceInfo(t *testing.T) {
	t.Parallel()
	e := newCreditEnv(t, "en")
	inv := e.invoice(t, "10.00")
	require.NoError(t, e.c.Payments.Update(e.ctx, e.account, inv, &billmgr.PaymentParams{Info: billmgr.Ptr("card declined 2024-05-05")}))
	r := receipt("5", "10.00")
	r.Document.Payer = "40702810900000012345"
	_, err := e.c.Payments.CreditInvoice(e.ctx, e.account, inv, r)
	require.NoError(t, err)
	d, err := e.c.Payments.Get(e.ctx, e.account, inv)
	require.NoError(t, err)
	assert.Equal(t, "card declined 2024-05-05\nPayer: 40702810900000012345", d.Info)
}
