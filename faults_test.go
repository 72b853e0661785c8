package billmgr_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// The fault suite: each fault of the network, the proxy or the server is injected into
// one read (Payments.List) and one write (Payments.Create) against the in-memory
// BILLmanager, and the test checks the documented error (errors.Is/As), that the read is
// retried and the write sent exactly once (counted at the server), whether the write
// landed, that no credential went into a URL, that neither the password nor a session id
// appears in an error or a log record, and that no goroutine is left behind.
//
// These tests are not parallel: goleak looks at every goroutine of the process.

// faultEnv is a fake BILLmanager behind a recorder and a fault injector, and a client
// with its own transport, session login, a debug log and quick retries.
type faultEnv struct {
	fake    *billmgrtest.Handler
	wire    *wire
	srv     *httptest.Server
	tr      *http.Transport
	c       *billmgr.Client
	log     *syncBuffer
	account int64

	accepted  atomic.Int64 // connections the server accepted
	resets    atomic.Int64 // connections to reset before reading the request
	dialFails atomic.Int64 // dials to send to a closed port (refused) instead
	mu        sync.Mutex
	inject    func(w http.ResponseWriter, r *http.Request, next http.Handler) // the armed fault
	injectFn  string                                                          // the function it waits for; "" for any
	injectN   int                                                             // how many more requests it serves
}

// newFaultEnv starts the env; cleanup closes the server and the idle connections and
// then checks for leaked goroutines, so call it first in the test.
func newFaultEnv(t *testing.T, opts ...billmgr.Option) *faultEnv {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
	e := &faultEnv{fake: billmgrtest.NewHandler(), log: &syncBuffer{}}
	e.wire = newWire(http.HandlerFunc(e.serve), billmgrtest.DefaultAdminPassword)
	e.srv = httptest.NewUnstartedServer(e.wire)
	e.srv.Listener = &resettingListener{Listener: e.srv.Listener, env: e}
	e.srv.Start()
	e.tr = http.DefaultTransport.(*http.Transport).Clone()
	e.tr.DialContext = e.dial(t)
	t.Cleanup(func() {
		e.srv.CloseClientConnections()
		e.srv.Close()
		e.tr.CloseIdleConnections()
	})
	all := append([]billmgr.Option{
		billmgr.WithHTTPClient(&http.Client{Transport: e.tr}),
		billmgr.WithSession(billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword),
		billmgr.WithLogger(debugLogger(e.log)),
		billmgr.WithRetry(billmgr.RetryPolicy{MaxAttempts: 3, MinDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}),
	}, opts...)
	var err error
	e.c, err = billmgr.NewClient(e.srv.URL, all...)
	require.NoError(t, err)
	e.account = e.fake.AddAccounts(1)[0]
	e.fake.AddPayments(e.account, 3, decimal.RequireFromString("10.00"))
	_, err = e.c.Payments.List(context.Background(), e.account, nil) // log in before any fault
	require.NoError(t, err)
	return e
}

func (e *faultEnv) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	e.mu.Lock()
	inject := e.inject
	if e.injectFn != "" && e.injectFn != form.Get("func") {
		inject = nil
	}
	if inject != nil {
		if e.injectN--; e.injectN <= 0 {
			e.inject = nil
		}
	}
	e.mu.Unlock()
	if inject != nil {
		inject(w, r, e.fake)
		return
	}
	e.fake.ServeHTTP(w, r)
}

// arm makes the next request that reaches the server meet fault.
func (e *faultEnv) arm(fault func(w http.ResponseWriter, r *http.Request, next http.Handler)) {
	e.armFor("", 1, fault)
}

// armFor makes the next n requests of the function fn meet fault.
func (e *faultEnv) armFor(fn string, n int, fault func(w http.ResponseWriter, r *http.Request, next http.Handler)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.inject, e.injectFn, e.injectN = fault, fn, n
}

// dial dials the server, or a closed port while dialFails is positive: the connection is
// refused and nothing is sent.
func (e *faultEnv) dial(t *testing.T) func(ctx context.Context, network, addr string) (net.Conn, error) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refusing := closed.Addr().String()
	closed.Close()
	d := &net.Dialer{Timeout: 5 * time.Second}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if e.dialFails.Add(-1) < 0 {
			e.dialFails.Add(1)
			return d.DialContext(ctx, network, addr)
		}
		return d.DialContext(ctx, network, refusing)
	}
}

// payments counts the client's payments in the fake, with a client of its own.
func (e *faultEnv) payments(t *testing.T) int {
	t.Helper()
	c, err := billmgr.NewClient(e.srv.URL, billmgr.WithAuthInfo(billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword),
		billmgr.WithHTTPClient(&http.Client{Transport: e.tr}))
	require.NoError(t, err)
	page, err := c.Payments.List(context.Background(), e.account, nil)
	require.NoError(t, err)
	return page.Total
}

// assertNoLeak checks the error and the log for secrets and the URLs for credentials.
func (e *faultEnv) assertNoLeak(t *testing.T, err error) {
	t.Helper()
	assert.Empty(t, secretsLeak(e.wire.secrets(), append(errorTexts(err), e.log.String())...))
	billmgr.AssertOnePrefix(t, err)
	e.wire.assertNoCredentialInURL(t)
}

// resettingListener resets (RST) the connections it is told to before anything is read
// from them: the request never reaches the server.
type resettingListener struct {
	net.Listener
	env *faultEnv
}

func (l *resettingListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.env.accepted.Add(1)
		if l.env.resets.Add(-1) < 0 {
			l.env.resets.Add(1)
			return conn, nil
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST
		}
		conn.Close()
	}
}

// The faults. Each serves one request in place of the fake, or around it.

// proxyStatus is a reverse proxy answering an HTML error page; the fake never sees it.
func proxyStatus(status int) func(http.ResponseWriter, *http.Request, http.Handler) {
	return func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html><head><title>%d %s</title></head><body><center><h1>%[1]d %[2]s</h1></center><hr><center>nginx</center></body></html>",
			status, http.StatusText(status))
	}
}

// loginRedirect is a panel in front of the API sending the caller to its login page.
func loginRedirect(w http.ResponseWriter, r *http.Request, _ http.Handler) {
	_ = r.ParseForm()
	w.Header().Set("Location", "/billmgr?func=logon&authinfo="+url.QueryEscape(r.PostForm.Get("auth")))
	w.WriteHeader(http.StatusFound)
}

func plainBody(contentType, body string) func(http.ResponseWriter, *http.Request, http.Handler) {
	return func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		w.Header().Set("Content-Type", contentType)
		fmt.Fprint(w, body)
	}
}

// dropAfterExecuting runs the call, then closes the connection without a reply: the write
// happened and the caller cannot know.
func dropAfterExecuting(w http.ResponseWriter, r *http.Request, next http.Handler) {
	next.ServeHTTP(httptest.NewRecorder(), r)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

// replyOf runs the call and returns its reply body.
func replyOf(r *http.Request, next http.Handler) string {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	return rec.Body.String()
}

// cutInElem sends the reply up to the middle of its first <elem> (or of the document when
// it has none) and breaks the connection.
func cutInElem(w http.ResponseWriter, r *http.Request, next http.Handler) {
	body := replyOf(r, next)
	cut := len(body) / 2
	if i := strings.Index(body, "<elem>"); i >= 0 {
		end := strings.Index(body[i:], "</elem>")
		cut = i + end/2
	}
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	io.WriteString(w, body[:cut])
	http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler)
}

// neverEnds sends the start of the reply and then nothing, until the caller gives up.
func neverEnds(w http.ResponseWriter, r *http.Request, next http.Handler) {
	body := replyOf(r, next)
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	io.WriteString(w, body[:len(body)/3])
	http.NewResponseController(w).Flush()
	<-r.Context().Done()
}

// oversized pads the reply past the client's limit (faultMaxBytes) with valid XML.
func oversized(w http.ResponseWriter, r *http.Request, next http.Handler) {
	body := replyOf(r, next)
	pad := "<pad>" + strings.Repeat("x", 2*faultMaxBytes) + "</pad></doc>"
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	io.WriteString(w, strings.Replace(body, "</doc>", pad, 1))
}

// noReply runs the call and never answers, until the caller gives up.
func noReply(w http.ResponseWriter, r *http.Request, next http.Handler) {
	replyOf(r, next)
	<-r.Context().Done()
}

// verdictDropped runs the call and answers its reply without the verdict: the document
// with its furniture, but neither <ok/> (nor the new id) nor <error>.
func verdictDropped(w http.ResponseWriter, r *http.Request, next http.Handler) {
	body := replyOf(r, next)
	body = regexp.MustCompile(`<ok/>|<ok>[^<]*</ok>|<id>[^<]*</id>`).ReplaceAllString(body, "")
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	io.WriteString(w, body)
}

// refusedAmount is the <error> document BILLmanager sends for a value it refuses (the
// shape of samples/billmgr5_error_value_elid_user_edit.xml).
const refusedAmount = `<?xml version="1.0" encoding="UTF-8"?>
<doc lang="en" func="payment.edit" binary="/billmgr" host="https://billing.example.com"><error type="value" object="subaccountamount" lang="en"><param name="object" type="msg" msg="Amount">subaccountamount</param><param name="value">25.00</param><stack><action level="30" user="admin">payment.edit</action></stack><group>The value of the field '__object__' is invalid</group><msg>The value of the field 'Amount' is invalid</msg></error></doc>`

const faultMaxBytes = 256 << 10

// outcome is the class of a failed write (see ErrOutcomeUnknown).
type outcome int

const (
	notSent      outcome = iota + 1 // nothing of it went out: safe to send again
	refused                         // refused as it came (<error>, HTTP 4xx): not applied
	mayBeApplied                    // wraps ErrOutcomeUnknown: look it up before sending again
	// notSentOrUnknown is a race of the network: not sent when the transport saw the
	// connection fail before it read the request body, may have been applied when it saw
	// it after. Either answer is honest; which one comes depends on timing.
	notSentOrUnknown
)

type faultCase struct {
	name string
	// The fault, one or more of: arm serves the next request (or the next armTimes
	// requests of the function armFn, when set) in place of the fake, or around it; fake
	// injects it with the fake's own hooks;
	// resets resets that many new connections before they are read; dialFails refuses that
	// many dials; cancelled ends the call's context before it starts, deadline 300 ms after.
	arm                 func(w http.ResponseWriter, r *http.Request, next http.Handler)
	armFn               string
	armTimes            int
	fake                func(h *billmgrtest.Handler)
	resets, dialFails   int
	cancelled, deadline bool
	// The read: whether it gets through (by retrying), and how many of its requests reach
	// the server. noRead skips it: the fault is no fault to a list.
	readOK   bool
	readHits int
	noRead   bool
	// The write: how many of its requests reach the server, whether it lands, and the
	// class of its error.
	writeHits  int
	writeLands bool
	outcome    outcome
	// check examines the error of the failed call.
	check func(t *testing.T, err error)
}

func isHTTPStatus(code int) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		var he *billmgr.HTTPError
		require.ErrorAs(t, err, &he)
		assert.Equal(t, code, he.StatusCode)
		assert.Contains(t, he.Body, http.StatusText(code))
		assert.NotErrorIs(t, err, billmgr.ErrUnexpectedResponse)
	}
}

func isUnexpected(says string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		require.ErrorIs(t, err, billmgr.ErrUnexpectedResponse)
		assert.Contains(t, err.Error(), says)
		var he *billmgr.HTTPError
		assert.False(t, errors.As(err, &he))
	}
}

// isConnectionFailure is a broken connection: the *url.Error of net/http, wrapped.
func isConnectionFailure(t *testing.T, err error) {
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	assert.NotErrorIs(t, err, billmgr.ErrUnexpectedResponse)
}

// isCutShort is a reply that broke off: io.ErrUnexpectedEOF, wrapped.
func isCutShort(t *testing.T, err error) {
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.NotErrorIs(t, err, billmgr.ErrUnexpectedResponse)
}

func isDeadline(t *testing.T, err error) {
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func isCanceled(t *testing.T, err error) {
	require.ErrorIs(t, err, context.Canceled)
}

func isRefusedValue(t *testing.T, err error) {
	var apiErr *billmgr.Error
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, billmgr.ErrInvalid)
	assert.Equal(t, "subaccountamount", apiErr.Object)
}

func failNext(status int) func(*billmgrtest.Handler) {
	return func(h *billmgrtest.Handler) { h.FailNext(1, status) }
}

var faultCases = []faultCase{
	{name: "HTTP 502 with an HTML page", fake: failNext(502), readOK: true, readHits: 2, writeHits: 1, outcome: mayBeApplied, check: isHTTPStatus(502)},
	{name: "HTTP 503 with an HTML page", fake: failNext(503), readOK: true, readHits: 2, writeHits: 1, outcome: mayBeApplied, check: isHTTPStatus(503)},
	{name: "HTTP 504 with an HTML page", fake: failNext(504), readOK: true, readHits: 2, writeHits: 1, outcome: mayBeApplied, check: isHTTPStatus(504)},
	{name: "HTTP 503 from a proxy in front", arm: proxyStatus(503), readOK: true, readHits: 2, writeHits: 1, outcome: mayBeApplied, check: isHTTPStatus(503)},
	{name: "HTTP 429 from a proxy in front", arm: proxyStatus(429), readOK: true, readHits: 2, writeHits: 1, outcome: refused, check: isHTTPStatus(429)},
	{name: "HTTP 403 from a firewall in front", arm: proxyStatus(403), readHits: 1, writeHits: 1, outcome: refused, check: isHTTPStatus(403)},
	{name: "302 to a login page", arm: loginRedirect, readHits: 1, writeHits: 1, outcome: mayBeApplied, check: isUnexpected("302")},
	{name: "connection refused", dialFails: 1, readOK: true, readHits: 1, writeHits: 0, outcome: notSent, check: isConnectionFailure},
	{name: "connection reset before the server read the request", resets: 1, readOK: true, readHits: 1, writeHits: 0, outcome: notSentOrUnknown, check: isConnectionFailure},
	{name: "connection closed after the request was sent", fake: func(h *billmgrtest.Handler) { h.DropNext(1) }, readOK: true, readHits: 2, writeHits: 1, outcome: mayBeApplied, check: isConnectionFailure},
	{name: "connection reset after the call ran", arm: dropAfterExecuting, readOK: true, readHits: 2, writeHits: 1, writeLands: true, outcome: mayBeApplied, check: isConnectionFailure},
	{name: "body cut in the middle of an elem", arm: cutInElem, readOK: true, readHits: 2, writeHits: 1, writeLands: true, outcome: mayBeApplied, check: isCutShort},
	{name: "no reply before the deadline", arm: noReply, deadline: true, readHits: 1, writeHits: 1, writeLands: true, outcome: mayBeApplied, check: isDeadline},
	{name: "a reply that never ends", arm: neverEnds, deadline: true, readHits: 1, writeHits: 1, writeLands: true, outcome: mayBeApplied, check: isDeadline},
	{name: "a reply over the size limit", arm: oversized, readHits: 1, writeHits: 1, writeLands: true, outcome: mayBeApplied, check: isUnexpected("size limit")},
	{name: "JSON where XML was asked", arm: plainBody("application/json", `{"doc":{"error":{"$type":"auth"}}}`), readHits: 1, writeHits: 1, outcome: mayBeApplied, check: isUnexpected("JSON")},
	{name: "HTML where XML was asked", arm: plainBody("text/html", "<!DOCTYPE html><html><body><form>Login</form></body></html>"), readHits: 1, writeHits: 1, outcome: mayBeApplied, check: isUnexpected("HTML")},
	{name: "a document with neither ok nor error", arm: verdictDropped, noRead: true, writeHits: 1, writeLands: true, outcome: mayBeApplied, check: isUnexpected("neither <ok/> nor <error>")},
	{name: "an error document", arm: plainBody("text/xml; charset=UTF-8", refusedAmount), readHits: 1, writeHits: 1, outcome: refused, check: isRefusedValue},
	{name: "session expired and a login refused with 503", fake: func(h *billmgrtest.Handler) { h.ExpireSessions() }, armFn: "auth", arm: proxyStatus(503), readOK: true, readHits: 2, writeHits: 2, writeLands: true},
	{name: "session expired and every login refused with 503", fake: func(h *billmgrtest.Handler) { h.ExpireSessions() }, armFn: "auth", armTimes: 3, arm: proxyStatus(503), readHits: 1, writeHits: 1, outcome: notSent, check: isHTTPStatus(503)},
	{name: "context ended before sending", cancelled: true, readHits: 0, writeHits: 0, outcome: notSent, check: isCanceled},
}

func TestFaults(t *testing.T) {
	for _, fc := range faultCases {
		if !fc.noRead {
			t.Run(fc.name+"/read", func(t *testing.T) { testFaultRead(t, fc) })
		}
		t.Run(fc.name+"/write", func(t *testing.T) { testFaultWrite(t, fc) })
	}
}

// start arms the fault and returns the context of the call under test.
func (e *faultEnv) start(t *testing.T, fc faultCase) context.Context {
	t.Helper()
	e.tr.CloseIdleConnections() // a reset or a refused dial must meet a new connection
	e.resets.Store(int64(fc.resets))
	e.dialFails.Store(int64(fc.dialFails))
	if fc.arm != nil {
		e.armFor(fc.armFn, max(fc.armTimes, 1), fc.arm)
	}
	if fc.fake != nil {
		fc.fake(e.fake)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if fc.deadline {
		ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	}
	t.Cleanup(cancel)
	if fc.cancelled {
		cancel()
	}
	return ctx
}

func testFaultRead(t *testing.T, fc faultCase) {
	e := newFaultEnv(t, billmgr.WithMaxResponseBytes(faultMaxBytes))
	before := e.wire.hits("account.payment")
	page, err := e.c.Payments.List(e.start(t, fc), e.account, nil)
	assert.Equal(t, fc.readHits, e.wire.hits("account.payment")-before, "requests of the read that reached the server")
	if fc.readOK {
		require.NoError(t, err)
		assert.Len(t, page.Items, 3)
	} else {
		require.Error(t, err)
		fc.check(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "billmgr: account.payment: "), err.Error())
		assert.NotErrorIs(t, err, billmgr.ErrOutcomeUnknown, "a read changes nothing")
	}
	e.assertNoLeak(t, err)
}

func testFaultWrite(t *testing.T, fc faultCase) {
	e := newFaultEnv(t, billmgr.WithMaxResponseBytes(faultMaxBytes))
	before, accepted := e.payments(t), e.accepted.Load()
	hits := e.wire.hits("payment.edit")
	_, err := e.c.Payments.Create(e.start(t, fc), e.account, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("25.00")})
	if fc.outcome == 0 { // the fault is one the write gets through
		require.NoError(t, err)
		assert.Equal(t, fc.writeHits, e.wire.hits("payment.edit")-hits)
		assert.Equal(t, before+1, e.payments(t), "payments in the fake")
		e.assertNoLeak(t, nil)
		return
	}
	require.Error(t, err)
	fc.check(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "billmgr: payment.edit: "), err.Error())
	assert.Equal(t, fc.writeHits, e.wire.hits("payment.edit")-hits, "the write reaches the server at most once")
	if fc.resets > 0 || fc.dialFails > 0 {
		assert.EqualValues(t, fc.resets, e.accepted.Load()-accepted, "the write is not tried on a second connection")
	}
	landed := e.payments(t) - before
	assert.Equal(t, map[bool]int{true: 1}[fc.writeLands], landed, "payments in the fake")
	switch fc.outcome {
	case mayBeApplied:
		assert.ErrorIs(t, err, billmgr.ErrOutcomeUnknown, "the write may have been applied")
	case refused:
		var he *billmgr.HTTPError
		assert.True(t, errors.As(err, new(*billmgr.Error)) || errors.As(err, &he) && he.StatusCode/100 == 4, "a refusal")
		assert.NotErrorIs(t, err, billmgr.ErrOutcomeUnknown)
	case notSent:
		assert.NotErrorIs(t, err, billmgr.ErrOutcomeUnknown)
	case notSentOrUnknown:
		t.Logf("outcome unknown: %v", errors.Is(err, billmgr.ErrOutcomeUnknown))
	}
	if landed > 0 {
		assert.ErrorIs(t, err, billmgr.ErrOutcomeUnknown, "a write that landed must never look unapplied")
	}
	e.assertNoLeak(t, err)
}

// TestFaultSessionExpiresInTheMiddleOfAll: the session ends while All is between pages;
// the client logs in once more and All still yields every row exactly once.
func TestFaultSessionExpiresInTheMiddleOfAll(t *testing.T) {
	e := newFaultEnv(t)
	ids := e.fake.AddPayments(e.account, 47, decimal.RequireFromString("1.01"))
	logins := e.wire.logins.Load()
	seen := map[int64]int{}
	opts := &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 10}}
	for p, err := range e.c.Payments.All(context.Background(), e.account, opts) {
		require.NoError(t, err)
		seen[p.ID]++
		if len(seen) == 15 || len(seen) == 35 {
			e.fake.ExpireSessions()
		}
	}
	assert.Len(t, seen, 50)
	for _, id := range ids {
		assert.Equal(t, 1, seen[id], "payment %d", id)
	}
	assert.EqualValues(t, 2, e.wire.logins.Load()-logins, "one login per expiry")
	assert.Equal(t, 5+2+1, e.wire.hits("account.payment"), "five pages, two refused with auth, one List at the start")
	e.assertNoLeak(t, nil)
}

// TestFaultAllStoppedEarlyLeavesNothingBehind: breaking out of All in the middle of a
// streamed page closes the body; no goroutine or connection is left reading it.
func TestFaultAllStoppedEarlyLeavesNothingBehind(t *testing.T) {
	e := newFaultEnv(t)
	e.fake.AddPayments(e.account, 500, decimal.RequireFromString("1.00"))
	n := 0
	for _, err := range e.c.Payments.All(context.Background(), e.account, nil) {
		require.NoError(t, err)
		if n++; n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n)
	e.assertNoLeak(t, nil)
}

// TestFaultAllRetriesACutPageAndAWriteIsNotRetriedAfterRenewal: a page of All cut in the
// middle of a row is fetched again and its rows are not repeated; a write refused with an
// auth error is sent once more after the new login, and lands once.
func TestFaultAllRetriesACutPageAndAWriteIsNotRetriedAfterRenewal(t *testing.T) {
	e := newFaultEnv(t)
	e.fake.AddPayments(e.account, 27, decimal.RequireFromString("2.00"))
	seen := map[int64]int{}
	opts := &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 10}}
	for p, err := range e.c.Payments.All(context.Background(), e.account, opts) {
		require.NoError(t, err)
		if seen[p.ID]++; len(seen) == 12 {
			e.arm(cutInElem) // the next page request: page 3
		}
	}
	assert.Len(t, seen, 30)
	for id, n := range seen {
		assert.Equal(t, 1, n, "payment %d", id)
	}

	before := e.payments(t)
	e.fake.ExpireSessions()
	hits := e.wire.hits("payment.edit")
	_, err := e.c.Payments.Create(context.Background(), e.account, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("3.00")})
	require.NoError(t, err)
	assert.Equal(t, 2, e.wire.hits("payment.edit")-hits, "refused unexecuted, then sent once more")
	assert.Equal(t, before+1, e.payments(t))
	e.assertNoLeak(t, nil)
}

// TestReplyWithByteOrderMark: a reply that starts with a UTF-8 byte order mark (some
// proxies and PHP front ends add one) is a well-formed document.
func TestReplyWithByteOrderMark(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "\ufeff"+`<?xml version="1.0" encoding="UTF-8"?><doc func="whoami"><ok/></doc>`)
	}))
	defer srv.Close()
	c, err := billmgr.NewClient(srv.URL, billmgr.WithAuthInfo("admin", "pw"))
	require.NoError(t, err)
	doc, err := c.Call(context.Background(), "whoami", nil)
	require.NoError(t, err)
	assert.True(t, doc.OK())
}

// TestFaultPanicInTheLoopOfAll: a panic in the caller's loop body over All, in the middle
// of a streamed page, reaches the caller unchanged; the body and the connection are
// released, no goroutine is left, and the client keeps working.
func TestFaultPanicInTheLoopOfAll(t *testing.T) {
	e := newFaultEnv(t)
	e.fake.AddPayments(e.account, 300, decimal.RequireFromString("1.00"))
	walk := func() (recovered any) {
		defer func() { recovered = recover() }()
		n := 0
		for _, err := range e.c.Payments.All(context.Background(), e.account, nil) {
			require.NoError(t, err)
			if n++; n == 100 {
				panic("the caller's own panic")
			}
		}
		return nil
	}
	assert.Equal(t, "the caller's own panic", walk())
	page, err := e.c.Payments.List(context.Background(), e.account, nil)
	require.NoError(t, err)
	assert.Equal(t, 303, page.Total)
	e.assertNoLeak(t, nil)
}
