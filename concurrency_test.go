package billmgr_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
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

// The soak: soakWorkers goroutines share one client (a renewable session) and mix reads
// and writes against the in-memory BILLmanager, while the server's sessions expire every
// second and 503s and dropped connections are injected. At the end every write the SDK
// reported done is in the fake exactly once and no failed one is, the balances add up to
// the kopeck, there was one login per expiry, no read failed, no credential went into a
// URL, no secret into the log, and no goroutine is left.
//
// It runs for BILLMGR_SOAK (a Go duration, such as 20s), else 2 s under -short and
// defaultSoak otherwise. RELIABILITY.md records a full run.

const (
	soakWorkers  = 200
	soakAccounts = 20
	defaultSoak  = 20 * time.Second
)

func soakDuration(t *testing.T) time.Duration {
	if s := os.Getenv("BILLMGR_SOAK"); s != "" {
		d, err := time.ParseDuration(s)
		require.NoError(t, err, "BILLMGR_SOAK")
		return d
	}
	if testing.Short() {
		return 2 * time.Second
	}
	return defaultSoak
}

// soakLedger is what the workers did, as the SDK reported it.
type soakLedger struct {
	mu       sync.Mutex
	created  map[int64]int64           // payment id → account
	credited map[int64]decimal.Decimal // account → sum of the payments SetPaid reported done
	paid     map[int64]bool            // payment ids SetPaid reported done

	reads, writes, writeFailures, readRows atomic.Int64
	readErrors                             []error
	writeErrors                            map[string]int
	// expiries counts the session expiries so far. A call renews its session once: when
	// the session expires twice during one call (possible here only because the soak
	// expires sessions every two seconds while the race detector makes calls slow), the
	// call fails with ErrAuth, as documented. Such calls are counted apart.
	expiries     atomic.Int64
	twiceExpired atomic.Int64
}

// expiredTwice reports whether err is the documented outcome of two expiries since the
// call began with expiries at e0.
func (l *soakLedger) expiredTwice(err error, e0 int64) bool {
	if errors.Is(err, billmgr.ErrAuth) && l.expiries.Load()-e0 >= 2 {
		l.twiceExpired.Add(1)
		return true
	}
	return false
}

func (l *soakLedger) readFailed(err error, e0 int64) {
	if l.expiredTwice(err, e0) {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.readErrors = append(l.readErrors, err)
}

// writeFailed records a failed write; only the faults the soak injects may cause one.
func (l *soakLedger) writeFailed(err error, e0 int64) {
	l.writeFailures.Add(1)
	var he *billmgr.HTTPError
	var ue *url.Error
	kind := "other: " + err.Error()
	switch {
	case l.expiredTwice(err, e0):
		kind = "session expired twice"
	case errors.As(err, &he) && he.StatusCode == http.StatusServiceUnavailable:
		kind = "HTTP 503"
	case errors.As(err, &ue):
		kind = "connection dropped"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writeErrors[kind]++
}

func TestConcurrentClientUnderFaults(t *testing.T) {
	duration := soakDuration(t)
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })

	fake := billmgrtest.NewHandler()
	w := newWire(fake, billmgrtest.DefaultAdminPassword)
	srv := httptest.NewServer(w)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = soakWorkers
	t.Cleanup(func() {
		srv.Close()
		tr.CloseIdleConnections()
	})
	logs := &syncBuffer{}
	// Ten tries: a failed login is a failed try of every call waiting for it, and after an
	// expiry only logins are in flight, so the faults of the next 100 ms all land on them.
	c, err := billmgr.NewClient(srv.URL,
		billmgr.WithHTTPClient(&http.Client{Transport: tr}),
		billmgr.WithSession(billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword),
		billmgr.WithLogger(debugLogger(logs)),
		billmgr.WithRetry(billmgr.RetryPolicy{MaxAttempts: 10, MinDelay: time.Millisecond, MaxDelay: 20 * time.Millisecond}))
	require.NoError(t, err)
	accounts := fake.AddAccounts(soakAccounts)

	ledger := &soakLedger{created: map[int64]int64{}, credited: map[int64]decimal.Decimal{}, paid: map[int64]bool{}, writeErrors: map[string]int{}}
	ctx, stop := context.WithTimeout(context.Background(), duration)
	defer stop()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range soakWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			for ctx.Err() == nil {
				account := accounts[rng.IntN(len(accounts))]
				if rng.IntN(10) < 4 {
					soakWrite(t, c, ledger, account, decimal.New(rng.Int64N(99999)+1, -2))
				} else {
					soakRead(t, c, ledger, account, rng.IntN(3))
				}
			}
		}()
	}
	runFaults(ctx, fake, w, &ledger.expiries)
	wg.Wait()
	expiries := ledger.expiries.Load()
	elapsed := time.Since(start)

	for _, err := range ledger.readErrors {
		t.Errorf("a read failed: %v", err)
	}
	for kind, n := range ledger.writeErrors {
		assert.NotContains(t, kind, "other", "%d writes failed for a reason the soak did not inject", n)
	}
	verifyLedger(t, srv.URL, tr, accounts, ledger, fake)
	assert.EqualValues(t, expiries+1, w.logins.Load(), "one login, then one per expiry")
	w.assertNoCredentialInURL(t)
	assert.Empty(t, secretsLeak(w.secrets(), logs.String()), "secrets in the log")

	total := decimal.Zero
	for _, sum := range ledger.credited {
		total = total.Add(sum)
	}
	t.Logf("soak: %d workers for %v: %d reads (%d rows), %d writes (%d failed by injected faults: %v): %d payments created, %d credited, %s RUB in balances; %d requests, %d session expiries, %d logins, %d calls met two expiries, %.0f calls/s",
		soakWorkers, elapsed.Round(time.Millisecond), ledger.reads.Load(), ledger.readRows.Load(), ledger.writes.Load(),
		ledger.writeFailures.Load(), ledger.writeErrors, len(ledger.created), len(ledger.paid), total.StringFixed(2),
		w.requests.Load(), expiries, w.logins.Load(), ledger.twiceExpired.Load(),
		float64(ledger.reads.Load()+ledger.writes.Load())/elapsed.Seconds())
}

// soakWrite creates a payment of amount and credits it, recording what the SDK reported.
func soakWrite(t *testing.T, c *billmgr.Client, l *soakLedger, account int64, amount decimal.Decimal) {
	// The writes run to completion even when the soak ends, so that none is cut by it.
	ctx := context.Background()
	e0 := l.expiries.Load()
	l.writes.Add(1)
	id, err := c.Payments.Create(ctx, account, &billmgr.PaymentParams{SubaccountAmount: billmgr.DecimalOf(amount)})
	if err != nil {
		l.writeFailed(err, e0)
		return
	}
	l.mu.Lock()
	_, dup := l.created[id]
	l.created[id] = account
	l.mu.Unlock()
	assert.False(t, dup, "payment id %d returned twice", id)

	l.writes.Add(1)
	if err := c.Payments.SetPaid(ctx, id); err != nil {
		l.writeFailed(err, e0)
		return
	}
	l.mu.Lock()
	l.paid[id] = true
	l.credited[account] = l.credited[account].Add(amount)
	l.mu.Unlock()
}

// soakRead reads a page of payments, every payment (in small pages), or a client's
// personal accounts.
func soakRead(t *testing.T, c *billmgr.Client, l *soakLedger, account int64, kind int) {
	ctx := context.Background()
	e0 := l.expiries.Load()
	l.reads.Add(1)
	switch kind {
	case 0:
		page, err := c.Payments.List(ctx, account, &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 20}})
		if err != nil {
			l.readFailed(err, e0)
			return
		}
		l.readRows.Add(int64(len(page.Items)))
	case 1:
		seen := map[int64]bool{}
		// Payments come newest first by default, and the list grows meanwhile: All walks it
		// oldest first by itself, so that new rows land behind it.
		opts := &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 50}}
		for p, err := range c.Payments.All(ctx, account, opts) {
			if err != nil {
				l.readFailed(err, e0)
				return
			}
			assert.False(t, seen[p.ID], "All yielded payment %d twice", p.ID)
			seen[p.ID] = true
		}
		l.readRows.Add(int64(len(seen)))
	default:
		page, err := c.Subaccounts.List(ctx, account, nil)
		if err != nil {
			l.readFailed(err, e0)
			return
		}
		l.readRows.Add(int64(len(page.Items)))
	}
}

// runFaults, until ctx ends, expires every session each two seconds (after the login
// that followed the previous expiry, so that each expiry is seen) and injects 503s and
// dropped connections every 100 ms. It counts the expiries in expiries.
func runFaults(ctx context.Context, fake *billmgrtest.Handler, w *wire, expiries *atomic.Int64) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if ctx.Err() != nil {
			return // an expiry now might meet no call in flight, and so no login
		}
		switch {
		case n%20 == 0 && w.logins.Load() == expiries.Load()+1:
			fake.ExpireSessions()
			expiries.Add(1)
		case n%2 == 0:
			fake.FailNext(2, http.StatusServiceUnavailable)
		default:
			fake.DropNext(1)
		}
	}
}

// verifyLedger checks the fake against what the SDK reported: the same payments, each
// once; credited exactly those SetPaid reported; balances to the kopeck.
func verifyLedger(t *testing.T, base string, tr *http.Transport, accounts []int64, l *soakLedger, fake *billmgrtest.Handler) {
	t.Helper()
	// A client with authinfo and no faults pending, to read the fake's state.
	fake.FailNext(0, 0)
	fake.DropNext(0)
	c, err := billmgr.NewClient(base, billmgr.WithAuthInfo(billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword),
		billmgr.WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	inFake := 0
	for _, account := range accounts {
		for p, err := range c.Payments.All(context.Background(), account, nil) {
			require.NoError(t, err)
			inFake++
			owner, ok := l.created[p.ID]
			if !assert.True(t, ok, "payment %d is in the fake but no Create reported it", p.ID) {
				continue
			}
			assert.Equal(t, account, owner, "payment %d", p.ID)
			want := billmgr.PaymentNew
			if l.paid[p.ID] {
				want = billmgr.PaymentCredited
			}
			assert.Equal(t, want, p.Status.Code, "payment %d", p.ID)
		}
		assert.True(t, l.credited[account].Equal(fake.Balance(account)), "account %d: balance %s, credited %s",
			account, fake.Balance(account), l.credited[account])
	}
	assert.Equal(t, len(l.created), inFake, "every reported write is in the fake once")
}

// TestNestedCallsInsideAllDoNotDeadlock: 120 goroutines share one client with the SDK's
// own transport; each walks a list with All (which holds its connection while the loop
// body runs) and, inside its loop, waits until every goroutine is inside its own, then
// calls the API: a List and a nested All. With connections capped per host (64, as the
// transport once had) the 65th walk waits for a connection that the first 64 hold until
// the others arrive: they never do. The test runs under a deadline and checks that every
// goroutine got through, and that no goroutine is left.
func TestNestedCallsInsideAllDoNotDeadlock(t *testing.T) {
	const goroutines = 120
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
	fake := billmgrtest.NewHandler()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(fake)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	c, err := billmgr.NewClient(srv.URL, billmgr.WithAuthInfo(billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword))
	require.NoError(t, err)
	account := fake.AddAccounts(1)[0]
	fake.AddPayments(account, 300, decimal.RequireFromString("10.00")) // a page far larger than one read

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var inside atomic.Int64
	everyone := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- nestedWalk(ctx, c, account, &inside, everyone, goroutines)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, goroutines, inside.Load())
	t.Logf("%d goroutines, each inside All calling List and a nested All: %d connections", goroutines, conns.Load())
}

// nestedWalk walks the payments of account; in its first row it waits until all n walks
// are inside theirs, then calls List and a nested All.
func nestedWalk(ctx context.Context, c *billmgr.Client, account int64, inside *atomic.Int64, everyone chan struct{}, n int64) error {
	for _, err := range c.Payments.All(ctx, account, nil) {
		if err != nil {
			return err
		}
		if inside.Add(1) == n {
			close(everyone)
		}
		select {
		case <-everyone:
		case <-ctx.Done():
			return fmt.Errorf("only %d of %d walks got a connection: %w", inside.Load(), n, ctx.Err())
		}
		if _, err := c.Payments.List(ctx, account, &billmgr.PaymentListOptions{ListOptions: billmgr.ListOptions{PerPage: 5}}); err != nil {
			return err
		}
		for _, err := range c.Subaccounts.All(ctx, account, nil) {
			if err != nil {
				return err
			}
		}
		return nil
	}
	return errors.New("no payment")
}
