package billmgrtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
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

// TestCommitLag: under WithCommitLag a create takes its id on arrival and commits later,
// so that a payment with a lower id becomes visible after one with a higher id was seen.
// The lag of each create is set: the first waits, the second commits at once.
func TestCommitLag(t *testing.T) {
	t.Parallel()
	const lag = 2 * time.Second
	arrived := make(chan struct{})
	creates := 0
	setLags := func(c *config) {
		c.commitDelay = func(upTo time.Duration) time.Duration { // called with the handler locked
			creates++
			if creates == 1 {
				close(arrived)
				return upTo
			}
			return 0
		}
	}
	srv := newFake(t, WithSeed(annSeed()), WithCommitLag(lag), setLags)
	ann := itoa(srv.AccountID(annEmail))
	createPayment := params(srv, "func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "1")

	type result struct {
		body []byte
		err  error
	}
	firstDone := make(chan result, 1)
	go func() {
		resp, err := srv.Client().PostForm(srv.URL, createPayment)
		if err != nil {
			firstDone <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		firstDone <- result{body, err}
	}()
	select {
	case <-arrived:
	case <-firstDone:
		require.Fail(t, "the first create committed without waiting")
	}
	start := time.Now()
	second := create(t, srv, "func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "2")
	listed := mustOK(t, srv, "func", "account.payment", "elid", ann).column("id")
	require.Less(t, time.Since(start), lag, "the first create's lag must outlast the second create and the list")
	assert.Equal(t, []string{itoa(second)}, listed, "the second create is seen, the first not yet")

	r := <-firstDone
	require.NoError(t, r.err)
	first, err := strconv.ParseInt(parseDoc(t, r.body).get("id"), 10, 64)
	require.NoError(t, err)
	assert.Less(t, first, second, "the first create took its id on arrival")
	assert.Equal(t, []string{itoa(second), itoa(first)}, mustOK(t, srv, "func", "account.payment", "elid", ann).column("id"))
	assert.Equal(t, 2, creates)
}

func TestRequestShapes(t *testing.T) {
	t.Parallel()
	srv := newFake(t)

	e := mustFail(t, srv, "missed", "func", "func", "account.frobnicate")
	assert.Equal(t, "Function 'account.frobnicate' not found. The management module may not be loaded", e.get("msg"))
	mustFail(t, srv, "missed", "func", "func", "-")
	mustFail(t, srv, "auth", "", "func", "account.frobnicate", "authinfo", "-") // credentials come first

	req, err := http.NewRequest(http.MethodPut, srv.URL, nil)
	require.NoError(t, err)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

// send sends a request with the body of the content type (GET without a body) and
// returns the Content-Type and the body of the reply, requiring HTTP 200.
func send(t *testing.T, srv *Server, method, query, contentType, body string) (string, []byte) {
	t.Helper()
	target := srv.URL
	if query != "" {
		target += "?" + query
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", reply)
	return resp.Header.Get("Content-Type"), reply
}

// TestRequestForms sends the forms clients use: GET with the query, a POST form, a
// multipart form, the query and a body together; and the ones the fake refuses, in the
// format asked for.
func TestRequestForms(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	auth := url.Values{"authinfo": {srv.AdminUser + ":" + srv.AdminPassword}}.Encode()
	ann := itoa(srv.AccountID(annEmail))

	// names reads the e-mails of a client list.
	emails := func(body []byte) []string { return parseDoc(t, body).column("email") }

	_, body := send(t, srv, http.MethodGet, "func=account&out=xml&"+auth, "", "")
	assert.Equal(t, []string{annEmail}, emails(body), "GET with the query")
	_, body = send(t, srv, http.MethodPost, "", "application/x-www-form-urlencoded", "func=account&"+auth)
	assert.Equal(t, []string{annEmail}, emails(body), "POST form")
	_, body = send(t, srv, http.MethodPost, "func=account", "application/x-www-form-urlencoded", auth)
	assert.Equal(t, []string{annEmail}, emails(body), "the query and the body together")

	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	for _, kv := range [][2]string{{"func", "payment.edit"}, {"plid", ann}, {"sok", "ok"}, {"subaccountamount", "12.50"},
		{"authinfo", srv.AdminUser + ":" + srv.AdminPassword}} {
		require.NoError(t, mw.WriteField(kv[0], kv[1]))
	}
	fw, err := mw.CreateFormFile("attachment", "receipt.txt")
	require.NoError(t, err)
	_, _ = fw.Write([]byte("a file the fake skips"))
	require.NoError(t, mw.Close())
	_, body = send(t, srv, http.MethodPost, "out=xml", mw.FormDataContentType(), form.String())
	d := parseDoc(t, body)
	require.True(t, d.has("ok"), "multipart form: %s", body)
	assert.Equal(t, []string{"out", "plid", "sok", "subaccountamount", "func"}, childNames(d.child("tparams"), nil),
		"the query first, then the fields in order, func last; no password, no file")

	_, body = send(t, srv, http.MethodPost, "func=account&lang=ru", "application/x-www-form-urlencoded", auth+"&lang=en")
	assert.Equal(t, "en", parseDoc(t, body).attr("lang"), "a body value takes precedence over the query's")

	// A JSON body (as one client sends it to payment.edit) is refused, in the format the
	// JSON asks for; so is a body of no type or of another type, and bad URL encoding.
	payments := srv.PaymentIDs(srv.AccountID(annEmail))
	ct, body := send(t, srv, http.MethodPost, "", "application/json",
		`{"func": "payment.edit", "out": "sjson", "authinfo": "`+srv.AdminUser+":"+srv.AdminPassword+`", "plid": "`+ann+`", "sok": "ok", "subaccountamount": "5"}`)
	assert.Equal(t, "application/json; charset=UTF-8", ct)
	e := obj(t, jsonDoc(t, body)["error"], "error")
	assert.Equal(t, "value", e["$type"])
	assert.Equal(t, "body", e["$object"])
	assert.Contains(t, obj(t, e["msg"], "msg")["$"], "application/x-www-form-urlencoded or multipart/form-data")
	assert.NotContains(t, string(body), srv.AdminPassword)
	assert.Equal(t, payments, srv.PaymentIDs(srv.AccountID(annEmail)), "nothing was created")

	for _, c := range []struct{ query, contentType, body, object string }{
		{"", "text/plain", "func=account&" + auth, "body"},
		{"", "", "func=account&" + auth, "body"},
		{"", "application/x-www-form-urlencoded", "func=account&name=%zz&" + auth, "body"},
		{"func=account&x=%&" + auth, "", "", "body"},
	} {
		ct, body := send(t, srv, http.MethodPost, c.query, c.contentType, c.body)
		assert.Equal(t, "text/xml; charset=UTF-8", ct)
		e := parseDoc(t, body).child("error")
		require.NotNil(t, e, "%q %q: %s", c.contentType, c.body, body)
		assert.Equal(t, "value("+c.object+")", e.attr("type")+"("+e.attr("object")+")")
		assert.NotContains(t, string(body), srv.AdminPassword, "the refusal echoes no credentials")
	}
}

// TestOutputFormats checks which out values are served, and that the credentials come
// before the format: a wrong password gets the auth error in the format asked for.
func TestOutputFormats(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	for _, c := range []struct {
		out, authinfo     string
		contentType, want string
	}{
		{"xml", "", "text/xml", ""},
		{"", "", "text/xml", ""},
		{"json", "", "application/json", ""},
		{"sjson", "", "application/json", ""},
		{"json", "admin:wrong", "application/json", "auth(badpassword)"},
		{"sjson", "-", "application/json", "auth()"},
		{"bjson", "", "application/json", "value(out)"},
		{"xjson", "admin:wrong", "application/json", "auth(badpassword)"},
		{"text", "", "text/xml", "value(out)"},
		{"devel", "admin:wrong", "text/xml", "auth(badpassword)"},
	} {
		kv := []string{"func", "account", "out", c.out}
		if c.out == "" {
			kv[3] = "-"
		}
		if c.authinfo != "" {
			kv = append(kv, "authinfo", c.authinfo)
		}
		resp, body := post(t, srv, params(srv, kv...))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, c.contentType+"; charset=UTF-8", resp.Header.Get("Content-Type"), "out=%s", c.out)
		got := ""
		if strings.HasPrefix(c.contentType, "application/json") {
			if e, ok := jsonDoc(t, body)["error"]; ok {
				e := obj(t, e, "error")
				got = e["$type"].(string) + "(" + fmt.Sprint(cmpOr(e["$object"])) + ")"
			}
		} else if e := parseDoc(t, body).child("error"); e != nil {
			got = e.attr("type") + "(" + e.attr("object") + ")"
		}
		assert.Equal(t, c.want, got, "out=%s authinfo=%s: %s", c.out, c.authinfo, body)
	}
}

// cmpOr is v, or "" for nil.
func cmpOr(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func TestBareHandler(t *testing.T) {
	t.Parallel()
	h := NewHandler(WithAdmin("boss", "pw"))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/billmgr",
		strings.NewReader("func=account&out=xml&authinfo=boss%3Apw"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusOK, rec.Code)
	d := parseDoc(t, rec.Body.Bytes())
	assert.Equal(t, "http://example.com", d.attr("host"))
	assert.True(t, d.has("p_elems"))
	assert.Equal(t, 1, h.Hits("account"))

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/manager/billmgr", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code, "BILLmanager 5's path")
}

// TestPanelPath: the API answers on /billmgr alone; any other path gets a 404 HTML page,
// is not counted and takes no fault.
func TestPanelPath(t *testing.T) {
	t.Parallel()
	srv := newFake(t)
	base := strings.TrimSuffix(srv.URL, APIPath)
	srv.FailNext(1, http.StatusBadGateway)
	for _, path := range []string{"/manager/billmgr", "/billmgr/", "/", "", "/billmgr/x", "/BILLMGR", "/billmgrx", "/manager"} {
		for _, method := range []string{http.MethodPost, http.MethodGet, http.MethodPut} {
			req, err := http.NewRequest(method, base+path+"?func=account&out=xml", strings.NewReader(
				params(srv, "func", "account").Encode()))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, err)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s %q", method, path)
			assert.Equal(t, "text/html", resp.Header.Get("Content-Type"), "%s %q", method, path)
			assert.Contains(t, string(body), "<title>404 Not Found</title>", "%s %q", method, path)
		}
	}
	assert.Zero(t, srv.Hits("account"), "no request reached the API")
	resp, _ := post(t, srv, params(srv, "func", "account"))
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode, "the pending fault is the API's")
	mustOK(t, srv, "func", "account")
	_, body := send(t, srv, http.MethodGet, "func=account&authinfo="+url.QueryEscape(srv.AdminUser+":"+srv.AdminPassword), "", "")
	assert.True(t, parseDoc(t, body).has("p_elems"), "GET on /billmgr")
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
	bob := create(t, srv, "func", "register", "sok", "ok", "email", "bob@example.com", "passwd", "bob-secret")
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

// TestHandlerBehindAMiddlewareThatParsedTheForm: a handler in front that read the form
// (to log or route it) spent the body; the fake takes the parsed form instead.
func TestHandlerBehindAMiddlewareThatParsedTheForm(t *testing.T) {
	t.Parallel()
	fake := NewHandler()
	parsed := 0
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.NoError(t, r.ParseForm())
		parsed++
		fake.ServeHTTP(w, r)
	}))
	defer ts.Close()
	resp, err := ts.Client().PostForm(ts.URL+"/billmgr", url.Values{
		"func": {"account"}, "out": {"xml"}, "authinfo": {DefaultAdminUser + ":" + DefaultAdminPassword},
	})
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, 1, parsed)
	assert.NotContains(t, string(body), "<error", "the credentials of the parsed form are read")
	assert.Contains(t, string(body), "<p_elems>")
}
