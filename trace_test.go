package billmgr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// traces collects what WithTrace hands over, and everything a caller may print of each
// trace at the moment it gets it: its String, its fields with %#v, its error's fields.
type traces struct {
	mu    sync.Mutex
	list  []Trace
	shown strings.Builder
}

func (ts *traces) option() Option {
	return WithTrace(func(_ context.Context, t Trace) {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		ts.list = append(ts.list, t)
		ts.shown.WriteString(t.String())
		fmt.Fprintf(&ts.shown, "%#v\n", t)
		ts.shown.WriteString(strings.Join(errorFields(t.Err), "\n"))
	})
}

func (ts *traces) all() []Trace {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]Trace(nil), ts.list...)
}

func (ts *traces) text() string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.shown.String()
}

// errorFields are the texts of err and of the *Error or *HTTPError it wraps.
func errorFields(err error) []string {
	if err == nil {
		return nil
	}
	texts := []string{err.Error()}
	var apiErr *Error
	if errors.As(err, &apiErr) {
		texts = append(texts, fmt.Sprintf("%#v", *apiErr))
	}
	var he *HTTPError
	if errors.As(err, &he) {
		texts = append(texts, he.Body)
	}
	return texts
}

// encodings are the forms a secret takes in a reply: as it is, URL-encoded (with "+" and
// "%20", upper- and lower-case hex) and XML-escaped.
func encodings(secret string) []string {
	q := url.QueryEscape(secret)
	return []string{secret, q, strings.ReplaceAll(q, "+", "%20"), lowerHex(q), html.EscapeString(secret)}
}

// lowerHex writes the percent escapes of q in lower-case hex.
func lowerHex(q string) string {
	return regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(q, strings.ToLower)
}

// leaks returns the forms of the secrets, or their starts of at least 4 bytes, found in text.
func leaks(text string, secrets ...string) []string {
	var found []string
	for _, s := range secrets {
		for _, form := range encodings(s) {
			if start := form[:min(len(form), 4)]; strings.Contains(text, start) {
				found = append(found, fmt.Sprintf("%q (from %q)", start, form))
			}
		}
	}
	return found
}

func TestTraceShowsTheRequestAndTheReply(t *testing.T) {
	t.Parallel()
	ok := fixture(t, "payment.setpaid/ok.xml")
	var ts traces
	c, stub := newStub(t, []stubReply{xmlReply(ok)}, ts.option())
	require.NoError(t, c.Payments.SetPaid(context.Background(), 345, 346))

	got := ts.all()
	require.Len(t, got, 1)
	tr := got[0]
	assert.Equal(t, "payment.setpaid", tr.Func)
	assert.Equal(t, http.MethodPost, tr.Method)
	assert.Equal(t, stub.srv.URL+"/billmgr", tr.URL, "the base URL, with no query: every parameter, credentials included, went in the body")
	assert.Equal(t, 1, tr.Attempt)
	assert.Equal(t, url.Values{
		"func": {"payment.setpaid"}, "elid": {"345, 346"}, "out": {"xml"}, "lang": {"en"}, "authinfo": {redacted},
	}, tr.Params)
	assert.Equal(t, 200, tr.Status)
	assert.Equal(t, "text/xml; charset=UTF-8", tr.ContentType)
	assert.Equal(t, string(ok), tr.Body, "the reply as it came")
	assert.EqualValues(t, len(ok), tr.Size)
	assert.Zero(t, tr.Omitted)
	assert.False(t, tr.Binary)
	assert.NoError(t, tr.Err)
	assert.Positive(t, tr.Duration)

	shown := tr.String()
	assert.True(t, strings.HasPrefix(shown, "> POST "+tr.URL+"\n> func=payment.setpaid\n> authinfo=[REDACTED]\n> elid=345, 346\n> lang=en\n> out=xml\n< HTTP 200 text/xml; charset=UTF-8 (361 B, "), shown)
	assert.True(t, strings.HasSuffix(shown, " ms)\n"+string(ok)), shown)
	assertNoSecret(t, ts.text())
}

// TestTraceChangesNothingTheCallReads: with WithTrace, a call reads the same reply into
// the same values as without it.
func TestTraceChangesNothingTheCallReads(t *testing.T) {
	t.Parallel()
	files := []string{"account/list_ru.xml", "payment.edit/form_en.xml"}
	var ts traces
	var pages []*Page[Account]
	var forms []*PaymentDetails
	for _, opts := range [][]Option{nil, {ts.option()}} {
		c, _ := newStub(t, []stubReply{xmlReply(fixture(t, files[0])), xmlReply(fixture(t, files[1]))}, opts...)
		page, err := c.Accounts.List(context.Background(), nil)
		require.NoError(t, err)
		form, err := c.Payments.Get(context.Background(), 12, 345)
		require.NoError(t, err)
		pages, forms = append(pages, page), append(forms, form)
	}
	assert.Equal(t, pages[0], pages[1])
	assert.Equal(t, forms[0], forms[1])
	got := ts.all()
	require.Len(t, got, 2)
	assert.Equal(t, string(fixture(t, files[0])), got[0].Body)
	assert.Equal(t, string(fixture(t, files[1])), got[1].Body)
}

// echoDoc is a reply that echoes secret everywhere a server may: in <tparams>, in an
// attribute, and URL-encoded in a link, XML-escaped as a document writes it.
func echoDoc(secret string) string {
	esc := html.EscapeString(secret)
	return `<?xml version="1.0" encoding="UTF-8"?>
<doc lang="en" func="x" note="` + esc + `"><ok/><link href="https://panel.example.com/?p=` + url.QueryEscape(secret) +
		`&amp;q=` + lowerHex(url.QueryEscape(secret)) + `"/><tparams><auth>` + esc + `</auth><note>` + esc + `</note></tparams></doc>`
}

// TestTraceRedactsEverySecret: no secret reaches a trace: the password of WithAuthInfo and
// of WithSession, the session id the login issued, an id of WithSessionID, a login key,
// the password a call sends for a new client; as they are, URL-encoded and XML-escaped, in
// the parameters, the reply's <tparams>, its attributes, an <error>'s texts and a proxy's
// page.
func TestTraceRedactsEverySecret(t *testing.T) {
	t.Parallel()
	const (
		password = "pa&ss <wörd> 'q'"
		theirs   = "N3w client&pw!"
		sid      = "sess-7f3a9c01"
	)
	t.Run("password", func(t *testing.T) {
		t.Parallel()
		var ts traces
		c, _ := newStub(t, []stubReply{xmlReply([]byte(echoDoc(password)))}, WithAuthInfo(testUser, password), ts.option())
		_, err := c.Call(context.Background(), "whoami", nil)
		require.NoError(t, err)
		require.Len(t, ts.all(), 1)
		assert.Contains(t, ts.all()[0].Body, `note="[REDACTED]"`)
		assert.Empty(t, leaks(ts.text(), password))
	})
	t.Run("session", func(t *testing.T) {
		t.Parallel()
		var ts traces
		srv, _, _ := countingServer(t, replyWith(http.StatusOK, `<doc func="auth"><auth id="`+sid+`" level="29">`+sid+`</auth><tparams><password>`+html.EscapeString(password)+`</password></tparams></doc>`),
			replyWith(http.StatusOK, echoDoc(sid)))
		c, err := NewClient(srv.URL, WithSession(testUser, password), ts.option())
		require.NoError(t, err)
		_, err = c.Call(context.Background(), "whoami", nil)
		require.NoError(t, err)
		got := ts.all()
		require.Len(t, got, 2)
		assert.Equal(t, "auth", got[0].Func)
		assert.Equal(t, url.Values{"func": {"auth"}, "username": {testUser}, "password": {redacted}, "out": {"xml"}, "lang": {"en"}}, got[0].Params)
		assert.Contains(t, got[0].Body, `<auth id="[REDACTED]" level="29">[REDACTED]</auth>`, "the login's own reply")
		assert.Equal(t, redacted, got[1].Params.Get("auth"))
		assert.Empty(t, leaks(ts.text(), password, sid))
	})
	t.Run("session id", func(t *testing.T) {
		t.Parallel()
		var ts traces
		c, _ := newStub(t, []stubReply{xmlReply([]byte(echoDoc(sid)))}, WithSessionID(sid), ts.option())
		_, err := c.Call(context.Background(), "whoami", nil)
		require.NoError(t, err)
		assert.Empty(t, leaks(ts.text(), sid))
	})
	t.Run("login key", func(t *testing.T) {
		t.Parallel()
		var ts traces
		var key string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key = r.PostFormValue("key")
			io.WriteString(w, strings.Replace(echoDoc(key), "<ok/>", "<ok/><key>"+key+"</key>", 1))
		}))
		defer srv.Close()
		c, err := NewClient(srv.URL, WithAuthInfo(testUser, password), ts.option())
		require.NoError(t, err)
		_, err = c.NewLoginKey(context.Background(), "client@example.com")
		require.NoError(t, err)
		require.NotEmpty(t, key)
		assert.Equal(t, redacted, ts.all()[0].Params.Get("key"))
		assert.Empty(t, leaks(ts.text(), key, password))
	})
	for name, reply := range map[string]stubReply{
		"register refused": xmlReply(errorEchoing(theirs)),
		"register echoed":  xmlReply([]byte(echoDoc(theirs))),
		"a proxy page":     {status: 502, body: []byte("<html><body>" + strings.Repeat("x", 500) + url.QueryEscape(theirs) + html.EscapeString(theirs) + "</body></html>")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var ts traces
			c, _ := newStub(t, []stubReply{reply}, WithAuthInfo(testUser, password), ts.option())
			_, err := c.Accounts.Register(context.Background(), &RegisterParams{Email: "a@example.com", Password: theirs})
			got := ts.all()
			require.Len(t, got, 1)
			assert.Equal(t, err, got[0].Err, "the trace's error is the call's")
			assert.Equal(t, redacted, got[0].Params.Get("passwd"))
			var apiErr *Error
			if errors.As(got[0].Err, &apiErr) {
				assert.Equal(t, redacted, apiErr.Value, "the fields of the error in the trace")
			}
			assert.Empty(t, leaks(ts.text(), theirs, password))
		})
	}
}

// TestTraceCutsTheReplyAtTheLimitAndNoSecretOnTheCut: a reply longer than 64 KiB is shown
// up to the limit, saying how much was left out, and a secret the cut falls inside leaves
// nothing of itself, in any encoding, at any offset.
func TestTraceCutsTheReplyAtTheLimitAndNoSecretOnTheCut(t *testing.T) {
	t.Parallel()
	head := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<doc lang="en" func="x"><ok/><tparams><note>`
	cases := []struct{ password, form string }{{"pa55 wörd%42", "pa55 wörd%42"}} // a document cannot hold "&" as it is
	for _, form := range encodings("pa&ss wörd%42")[1:] {
		cases = append(cases, struct{ password, form string }{"pa&ss wörd%42", form})
	}
	for _, tt := range cases {
		password, form := tt.password, tt.form
		for _, back := range []int{1, 2, 3, 4, 5, 8, len(form) - 1} {
			pad := traceBodyLimit - len(head) - len(form) + back // the cut falls back bytes before the echo ends
			body := head + strings.Repeat("x", pad) + form + strings.Repeat("y", 1000) + "</note></tparams></doc>"
			var ts traces
			c, _ := newStub(t, []stubReply{xmlReply([]byte(body))}, WithAuthInfo(testUser, password), ts.option())
			_, err := c.Call(context.Background(), "whoami", nil)
			require.NoError(t, err)
			got := ts.all()
			require.Len(t, got, 1)
			tr := got[0]
			assert.EqualValues(t, len(body), tr.Size)
			assert.LessOrEqual(t, len(tr.Body), traceBodyLimit)
			assert.True(t, strings.HasPrefix(tr.Body, head+"xxx"))
			assert.True(t, strings.HasSuffix(tr.Body, "x"), "%q cut %d bytes before its end: the body ends before it: %q", form, back, tr.Body[len(tr.Body)-20:])
			assert.EqualValues(t, len(body)-len(tr.Body), tr.Omitted, "what is not shown")
			assert.Contains(t, tr.String(), fmt.Sprintf("< … %s more not shown\n", showSize(tr.Omitted)))
			assert.Empty(t, leaks(ts.text(), password), "%q cut %d bytes before its end", form, back)
		}
	}
}

// TestTraceHoldsNoMoreThanTheLimit: however long the reply, the trace keeps the limit.
func TestTraceHoldsNoMoreThanTheLimit(t *testing.T) {
	t.Parallel()
	x := &exchange{body: io.NopCloser(strings.NewReader(strings.Repeat("<doc>", 1<<20)))}
	n, err := io.Copy(io.Discard, x)
	require.NoError(t, err)
	assert.EqualValues(t, 5<<20, n, "the call reads everything")
	assert.Len(t, x.kept, traceBodyLimit)
	assert.Equal(t, traceBodyLimit, cap(x.kept))
}

func TestTraceShowsEachTryOfARetriedRead(t *testing.T) {
	t.Parallel()
	var ts traces
	c, s := newStub(t, []stubReply{
		{status: 503, body: []byte(proxy503), header: http.Header{"Content-Type": {"text/html"}}},
		{status: 502, body: []byte("bad gateway"), header: http.Header{"Content-Type": {"text/plain"}}},
		xmlReply(fixture(t, "account/list_en.xml")),
	}, ts.option())
	_, err := c.Accounts.List(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, s.requests(), 3)
	got := ts.all()
	require.Len(t, got, 3)
	for i, want := range []struct {
		status int
		body   string
	}{{503, proxy503}, {502, "bad gateway"}, {200, string(fixture(t, "account/list_en.xml"))}} {
		assert.Equal(t, i+1, got[i].Attempt)
		assert.Equal(t, "account", got[i].Func)
		assert.Equal(t, want.status, got[i].Status)
		assert.Equal(t, want.body, got[i].Body)
	}
	var he *HTTPError
	require.ErrorAs(t, got[0].Err, &he)
	assert.Equal(t, 503, he.StatusCode)
	assert.Contains(t, got[1].String(), "> func=account  (attempt 2)\n")
	assert.Contains(t, got[1].String(), "< HTTP 502 text/plain (11 B, ")
	assert.Contains(t, got[1].String(), "bad gateway\n< error: billmgr: account: HTTP 502 Bad Gateway: bad gateway\n")
}

func TestTraceOfAListWalkShowsEachPage(t *testing.T) {
	t.Parallel()
	var ts traces
	pages := []string{"account/list_en.xml", "account/list_en_page2.xml"}
	c, _ := newStub(t, []stubReply{xmlReply(fixture(t, pages[0])), xmlReply(fixture(t, pages[1]))}, ts.option())
	var ids []int64
	for a, err := range c.Accounts.All(context.Background(), &AccountListOptions{ListOptions: ListOptions{PerPage: 2}}) {
		require.NoError(t, err)
		ids = append(ids, a.ID)
	}
	assert.Equal(t, []int64{12, 13, 14}, ids)
	got := ts.all()
	require.Len(t, got, 2)
	for i, tr := range got {
		assert.Equal(t, fmt.Sprint(i+1), tr.Params.Get("p_num"))
		assert.Equal(t, string(fixture(t, pages[i])), tr.Body)
	}

	// A walk the caller leaves after its first row traces the page as far as it was read.
	var left traces
	c, _ = newStub(t, []stubReply{xmlReply(fixture(t, pages[0]))}, left.option())
	for range c.Accounts.All(context.Background(), &AccountListOptions{ListOptions: ListOptions{PerPage: 2}}) {
		break
	}
	require.Len(t, left.all(), 1)
	assert.ErrorContains(t, left.all()[0].Err, "billmgr: account: iteration stopped by the caller")
	assert.True(t, strings.HasPrefix(string(fixture(t, pages[0])), left.all()[0].Body))
}

// TestTraceOfAFailedReplyShowsWhatArrived: a reply cut short, one that is not a document,
// and no reply at all are traced with what arrived and the error.
func TestTraceOfAFailedReplyShowsWhatArrived(t *testing.T) {
	t.Parallel()
	half := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<doc lang="en" func="account"><elem><id>12</id><name>Ann`
	cutShort := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("Content-Length", "100000")
		io.WriteString(w, half)
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer cutShort.Close()
	var ts traces
	c, err := NewClient(cutShort.URL, WithAuthInfo(testUser, testPassword), WithRetry(RetryPolicy{MaxAttempts: 1}), ts.option())
	require.NoError(t, err)
	_, err = c.Accounts.List(context.Background(), nil)
	require.Error(t, err)
	got := ts.all()
	require.Len(t, got, 1)
	assert.Equal(t, half, got[0].Body)
	assert.EqualValues(t, len(half), got[0].Size)
	assert.Equal(t, err.Error(), got[0].Err.Error())
	assert.Contains(t, got[0].String(), "<name>Ann\n< error: billmgr: account: ")

	var html traces
	c, _ = newStub(t, []stubReply{{body: []byte("<html><body>Log in</body></html>"), header: http.Header{"Content-Type": {"text/html"}}}}, html.option())
	_, err = c.Payments.Create(context.Background(), 5, &PaymentParams{SubaccountAmount: MustDecimal("1.00")})
	require.ErrorIs(t, err, ErrOutcomeUnknown)
	require.Len(t, html.all(), 1)
	assert.Equal(t, "<html><body>Log in</body></html>", html.all()[0].Body)
	assert.ErrorIs(t, html.all()[0].Err, ErrUnexpectedResponse)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	var none traces
	c, err = NewClient("http://"+addr, WithAuthInfo(testUser, testPassword), WithRetry(RetryPolicy{MaxAttempts: 1}), none.option())
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "account", nil)
	require.Error(t, err)
	require.Len(t, none.all(), 1)
	assert.Zero(t, none.all()[0].Status)
	assert.Contains(t, none.all()[0].String(), "< no reply (")
	assert.Contains(t, none.all()[0].String(), "connection refused")
}

// TestTraceOfABinaryReplySaysItsSize: a PDF is traced as its size and type when the caller
// closes it, and never dumped.
func TestTraceOfABinaryReplySaysItsSize(t *testing.T) {
	t.Parallel()
	pdf := fixture(t, "payment.print.pdf/invoice.pdf")
	var ts traces
	c, _ := newStub(t, []stubReply{typed("application/pdf", pdf)}, ts.option())
	rc, err := c.Payments.PDF(context.Background(), 345)
	require.NoError(t, err)
	assert.Empty(t, ts.all(), "traced once the caller is done with it")
	_, err = io.ReadAll(rc)
	require.NoError(t, err)
	require.NoError(t, rc.Close())
	got := ts.all()
	require.Len(t, got, 1)
	assert.True(t, got[0].Binary)
	assert.Empty(t, got[0].Body)
	assert.EqualValues(t, len(pdf), got[0].Size)
	assert.Contains(t, got[0].String(), fmt.Sprintf("< %d bytes of application/pdf, not shown\n", len(pdf)))
	assert.NotContains(t, got[0].String(), "%PDF")

	for contentType, text := range map[string]bool{
		"text/xml; charset=UTF-8": true, "application/xml": true, "text/html": true, "application/json": true,
		"application/xhtml+xml": true, "": true, "application/pdf": false, "Application/PDF; x": false,
		"application/octet-stream": false, "image/png": false,
	} {
		assert.Equal(t, text, textual(contentType), contentType)
	}
}

func TestLogTraceLogsAtDebugLevel(t *testing.T) {
	t.Parallel()
	var debug, info bytes.Buffer
	for _, tt := range []struct {
		buf   *bytes.Buffer
		level slog.Level
	}{{&debug, slog.LevelDebug}, {&info, slog.LevelInfo}} {
		l := slog.New(slog.NewTextHandler(tt.buf, &slog.HandlerOptions{Level: tt.level}))
		c, _ := newStub(t, []stubReply{xmlReply(fixture(t, "payment.setpaid/ok.xml"))}, WithTrace(LogTrace(l)))
		require.NoError(t, c.Payments.SetPaid(context.Background(), 345))
	}
	assert.Empty(t, info.String())
	assert.Contains(t, debug.String(), `level=DEBUG msg="billmgr: exchange" func=payment.setpaid attempt=1 status=200 duration=`)
	assert.Contains(t, debug.String(), `params.authinfo=[REDACTED] params.elid=345 params.func=payment.setpaid params.lang=en params.out=xml body="<?xml`)
	assertNoSecret(t, debug.String())
}

func TestTraceLeaksNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var ts traces
	srv, _, _ := countingServer(t, replyWith(http.StatusOK, sessionReply), replyWith(http.StatusOK, okDoc))
	c, err := NewClient(srv.URL, WithSession(testUser, testPassword), ts.option())
	require.NoError(t, err)
	for range 3 {
		_, err = c.Call(context.Background(), "whoami", nil)
		require.NoError(t, err)
	}
	assert.Len(t, ts.all(), 4, "a login and three calls")
	c.hc.CloseIdleConnections()
	srv.Close()
}
