package billmgrtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFailNext(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.FailNext(2, http.StatusBadGateway)
	for range 2 {
		resp, body := post(t, srv, params(srv, "func", "account"))
		assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
		assert.Equal(t, "text/html", resp.Header.Get("Content-Type"))
		assert.Contains(t, string(body), "<title>502 Bad Gateway</title>")
		assert.Contains(t, string(body), "nginx")
	}
	mustOK(t, srv, "func", "account")
	assert.Equal(t, 3, srv.Hits("account"))

	srv.FailNext(1, http.StatusTooManyRequests)
	resp, body := post(t, srv, params(srv, "func", "payment.setpaid", "elid", "1"))
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Contains(t, string(body), "429 Too Many Requests")
	assert.Equal(t, 1, srv.Hits("payment.setpaid"))
}

func TestDropNext(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.DropNext(1)
	_, err := srv.Client().PostForm(srv.URL, params(srv, "func", "account"))
	require.Error(t, err)
	mustOK(t, srv, "func", "account")
	assert.Equal(t, 2, srv.Hits("account"))
}

func TestSetDelay(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	srv.SetDelay(time.Minute)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, strings.NewReader(params(srv, "func", "account").Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	start := time.Now()
	_, err = srv.Client().Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 10*time.Second)

	srv.SetDelay(30 * time.Millisecond)
	start = time.Now()
	mustOK(t, srv, "func", "account")
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
}

func TestConcurrentCredits(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	ann := srv.AccountID(annEmail)
	payments := srv.AddPayments(ann, 100, decimal.RequireFromString("1.01"))

	var wg sync.WaitGroup
	for _, id := range payments {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := srv.Client().PostForm(srv.URL, params(srv, "func", "payment.setpaid", "elid", itoa(id)))
			if !assert.NoError(t, err) { // not require: this is not the test's goroutine
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			assert.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.NotContains(t, string(body), "<error")
		}()
	}
	wg.Wait()
	assert.Equal(t, "101.00", srv.Balance(ann).StringFixed(2))
	assert.True(t, srv.Balance(ann).Equal(decimal.RequireFromString("101")))
	assert.Equal(t, 100, srv.Hits("payment.setpaid"))
}

func TestRequestShapes(t *testing.T) {
	t.Parallel()
	srv := newFake(t)

	e := mustFail(t, srv, "missed", "func", "func", "account.frobnicate")
	assert.Equal(t, "Function 'account.frobnicate' not found. The management module may not be loaded", e.get("msg"))
	mustFail(t, srv, "missed", "func", "func", "-")
	mustFail(t, srv, "value", "out", "func", "account", "out", "json")
	mustFail(t, srv, "auth", "", "func", "account.frobnicate", "authinfo", "-") // credentials come first

	// GET with a query works as POST does.
	resp, err := srv.Client().Get(srv.URL + "?" + params(srv, "func", "account").Encode())
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	req, err := http.NewRequest(http.MethodPut, srv.URL, nil)
	require.NoError(t, err)
	resp, err = srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestBareHandler(t *testing.T) {
	t.Parallel()
	h := NewHandler(WithAdmin("boss", "pw"))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/manager/billmgr",
		strings.NewReader("func=account&out=xml&authinfo=boss%3Apw"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	d := parseDoc(t, rec.Body.Bytes())
	assert.Equal(t, "http://example.com", d.attr("host"))
	assert.True(t, d.has("p_elems"))
	assert.Equal(t, 1, h.Hits("account"))
}

func TestPaging(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()), WithPageSize(1000))
	ann := srv.AccountID(annEmail)
	ids := srv.AddPayments(ann, 2500, decimal.NewFromInt(5))

	page := func(kv ...string) *xnode {
		return mustOK(t, srv, append([]string{"func", "account.payment", "elid", itoa(ann)}, kv...)...)
	}
	d := page()
	assert.Len(t, d.elems(), 1000, "the default page size")
	assert.Equal(t, "1000", d.get("p_cnt"))
	assert.Equal(t, "2500", d.get("p_elems"))
	assert.Equal(t, itoa(ids[2499]), d.elems()[0].get("id"), "newest first")

	d = page("p_cnt", "1000", "p_num", "3")
	assert.Len(t, d.elems(), 500)
	last := d.column("id")
	assert.Equal(t, itoa(ids[0]), last[499])

	d = page("p_cnt", "1000", "p_num", "4")
	assert.Equal(t, "3", d.get("p_num"), "a page past the end is the last page")
	assert.Equal(t, last, d.column("id"))

	d = page("p_cnt", "10", "p_num", "1", "p_sort", "id", "p_order", "desc")
	assert.Equal(t, itoa(ids[2499]), d.elems()[0].get("id"))
	assert.Equal(t, "id", d.get("p_sort"))
	assert.Equal(t, "desc", d.get("p_order"))

	d = page("p_cnt", "10", "p_sort", "no_such_column")
	assert.Equal(t, "id", d.get("p_sort"), "an unknown sort column is ignored")

	mustFail(t, srv, "value", "p_cnt", "func", "account.payment", "elid", itoa(ann), "p_cnt", "0")
	mustFail(t, srv, "value", "p_num", "func", "account.payment", "elid", itoa(ann), "p_num", "x")
	mustFail(t, srv, "value", "p_order", "func", "account.payment", "elid", itoa(ann), "p_order", "up")

	// An empty list has one (empty) page.
	bob := create(t, srv, "func", "register", "sok", "ok", "email", "bob@example.com", "passwd", "pw")
	d = mustOK(t, srv, "func", "account.payment", "elid", itoa(bob), "p_num", "7")
	assert.Empty(t, d.elems())
	assert.Equal(t, "1", d.get("p_num"))
	assert.Equal(t, "0", d.get("p_elems"))
}

func TestSortByMoney(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Payments: []SeedPayment{
		{Amount: decimal.NewFromInt(100)}, {Amount: decimal.NewFromInt(9)}, {Amount: decimal.RequireFromString("20.5")},
	}}}}))
	d := mustOK(t, srv, "func", "account.payment", "elid", itoa(srv.AccountID(annEmail)), "p_sort", "subaccountamount_iso")
	assert.Equal(t, []string{"9.00 RUB", "20.50 RUB", "100.00 RUB"}, d.column("subaccountamount_iso"), "by value, not text")
}
