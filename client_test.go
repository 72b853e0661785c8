package billmgr

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const okDoc = `<?xml version="1.0" encoding="UTF-8"?><doc lang="en" func="x"><ok/></doc>`

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://billing.example.com", "https://billing.example.com/billmgr"},
		{"https://billing.example.com/", "https://billing.example.com/billmgr"},
		{"https://billing.example.com:1500/billmgr", "https://billing.example.com:1500/billmgr"},
		{"https://my.example.com/manager/billmgr/", "https://my.example.com/manager/billmgr"},
	}
	for _, tt := range tests {
		c, err := NewClient(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, c.BaseURL())
	}
	for _, bad := range []string{
		"", "billing.example.com", "ftp://billing.example.com", "https://",
		"https://billing.example.com/billmgr?authinfo=admin:pw", "https://admin:pw@billing.example.com",
	} {
		_, err := NewClient(bad)
		require.Error(t, err, bad)
		assertNoSecret(t, err.Error(), "admin:pw")
	}
}

func TestOptionsValidateTheirInput(t *testing.T) {
	t.Parallel()
	bad := map[string]Option{
		"empty user":      WithAuthInfo("", "pw"),
		"empty password":  WithSession("admin", ""),
		"colon in user":   WithAuthInfo("a:b", "pw"),
		"empty session":   WithSessionID(" "),
		"nil http client": WithHTTPClient(nil),
		"lang":            WithLang("en&x=1"),
		"nil location":    WithLocation(nil),
		"nil logger":      WithLogger(nil),
		"nil trace":       WithTrace(nil),
		"retry attempts":  WithRetry(RetryPolicy{MaxAttempts: 0}),
		"retry delays":    WithRetry(RetryPolicy{MaxAttempts: 2, MinDelay: time.Second, MaxDelay: time.Millisecond}),
		"user agent":      WithUserAgent("a\r\nb"),
		"max bytes":       WithMaxResponseBytes(10),
		"nil roots":       WithRootCAs(nil),
		"pin":             WithPinnedCertificate("abc"),
	}
	for name, opt := range bad {
		_, err := NewClient("https://billing.example.com", opt)
		assert.Error(t, err, name)
	}
	_, err := NewClient("https://billing.example.com", WithHTTPClient(&http.Client{}), WithInsecureSkipVerify())
	assert.ErrorContains(t, err, "TLS options")
}

func TestWithHTTPClientIsNotModified(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Timeout: time.Second}
	_, err := NewClient("https://billing.example.com", WithHTTPClient(hc))
	require.NoError(t, err)
	assert.Nil(t, hc.CheckRedirect)
	assert.Equal(t, time.Second, hc.Timeout)
}

func TestWireEveryCallIsAFormPOST(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(okDoc))}, WithLang("ru"), WithUserAgent("signup/1.0"))
	require.NoError(t, c.As("client@example.com").act(context.Background(), "payment.setpaid", 0, []int64{1, 2, 3}))

	reqs := s.requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/billmgr", r.URL, "nothing travels in the URL")
	assert.Empty(t, r.RawQuery)
	assert.Equal(t, url.Values{
		"func":     {"payment.setpaid"},
		"out":      {"xml"},
		"lang":     {"ru"},
		"su":       {"client@example.com"},
		"elid":     {"1, 2, 3"},
		"authinfo": {testUser + ":" + testPassword},
	}, r.Form)
}

func TestWireHeaders(t *testing.T) {
	t.Parallel()
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		fmt.Fprint(w, okDoc)
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, WithSessionID("sid-123"))
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "whoami", nil)
	require.NoError(t, err)
	assert.Equal(t, "application/x-www-form-urlencoded; charset=utf-8", got.Get("Content-Type"))
	assert.Equal(t, "billmgr-go/"+Version, got.Get("User-Agent"))
}

func TestCallRefusesReservedParams(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(okDoc))})
	for _, k := range reservedParams {
		_, err := c.Call(context.Background(), "whoami", url.Values{k: {"x"}})
		assert.ErrorContains(t, err, k)
	}
	_, err := c.Call(context.Background(), "bad func", nil)
	assert.Error(t, err)
	assert.Empty(t, s.requests())
}

func TestErrorTypesMapToSentinels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ      string
		sentinel error
	}{
		{"auth", ErrAuth}, {"access", ErrAccess}, {"missed", ErrNotFound}, {"exists", ErrExists}, {"value", ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			t.Parallel()
			body := fmt.Sprintf(`<doc lang="en" func="account.edit"><error type=%q object="email" lang="en"><param name="object" type="msg" msg="E-mail">email</param><param name="value">x@</param><msg>Invalid e-mail </msg><detail>The e-mail is invalid</detail></error></doc>`, tt.typ)
			c, _ := newStub(t, []stubReply{xmlReply([]byte(body))})
			_, err := c.Call(context.Background(), "account.edit", nil)
			require.ErrorIs(t, err, tt.sentinel)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, &Error{
				Func: "account.edit", Type: tt.typ, Object: "email", Value: "x@", Lang: "en",
				Params: map[string]string{"object": "email", "value": "x@"},
				Msg:    "Invalid e-mail", Detail: "The e-mail is invalid",
				Attrs: map[string]string{"type": tt.typ, "object": "email", "lang": "en"},
			}, apiErr)
			assert.Equal(t, "billmgr: account.edit: "+tt.typ+"(email): Invalid e-mail", err.Error())
			for _, other := range []error{ErrAuth, ErrAccess, ErrNotFound, ErrExists, ErrInvalid} {
				if other != tt.sentinel {
					assert.NotErrorIs(t, err, other)
				}
			}
		})
	}
}

func TestUnknownErrorTypeIsKept(t *testing.T) {
	t.Parallel()
	c, _ := newStub(t, []stubReply{xmlReply([]byte(`<doc><error type="captcha_verification_failed"><msg>Captcha</msg></error></doc>`))})
	_, err := c.Call(context.Background(), "auth", nil)
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "captcha_verification_failed", apiErr.Type)
	assert.Equal(t, "billmgr: auth: captcha_verification_failed: Captcha", err.Error())
	for _, s := range []error{ErrAuth, ErrAccess, ErrNotFound, ErrExists, ErrInvalid} {
		assert.NotErrorIs(t, err, s)
	}
}

// failureReplies are the replies a proxy or a broken panel sends instead of a document.
func failureReplies(t *testing.T) map[string]struct {
	reply stubReply
	check func(t *testing.T, err error)
} {
	isHTTP := func(code int) func(*testing.T, error) {
		return func(t *testing.T, err error) {
			var he *HTTPError
			require.ErrorAs(t, err, &he)
			assert.Equal(t, code, he.StatusCode)
		}
	}
	unexpected := func(t *testing.T, err error) { require.ErrorIs(t, err, ErrUnexpectedResponse) }
	html := []byte("<html><head><title>502 Bad Gateway</title></head><body>nginx " + testPassword + "</body></html>")
	return map[string]struct {
		reply stubReply
		check func(t *testing.T, err error)
	}{
		"502 html": {stubReply{status: 502, body: html, header: http.Header{"Content-Type": {"text/html"}}}, isHTTP(502)},
		"302 login": {stubReply{status: 302, header: http.Header{"Location": {"/billmgr?func=logon&authinfo=" + url.QueryEscape(testUser+":"+testPassword)}}}, func(t *testing.T, err error) {
			unexpected(t, err)
			assert.Contains(t, err.Error(), "302")
		}},
		"empty":     {stubReply{}, unexpected},
		"json":      {stubReply{body: []byte(`{"doc":{"error":{"$type":"auth"}}}`)}, unexpected},
		"html 200":  {stubReply{body: []byte("<!DOCTYPE html><html><body>Login</body></html>")}, unexpected},
		"echo auth": {stubReply{body: []byte(`<doc><error type="auth" object="badpassword"><param name="value">` + testPassword + `</param><msg>Invalid ` + testPassword + `</msg></error></doc>`)}, func(t *testing.T, err error) { require.ErrorIs(t, err, ErrAuth) }},
	}
}

func TestFailuresGiveTheDocumentedErrorAndLeakNoSecret(t *testing.T) {
	t.Parallel()
	for name, tt := range failureReplies(t) {
		for _, mode := range []string{"authinfo", "session"} {
			t.Run(name+"/"+mode, func(t *testing.T) {
				t.Parallel()
				var logs bytes.Buffer
				logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				auth := WithAuthInfo(testUser, testPassword)
				replies := []stubReply{tt.reply}
				if mode == "session" {
					auth = WithSession(testUser, testPassword)
					replies = []stubReply{xmlReply([]byte(`<doc><auth id="SESSION-77aa" level="29">SESSION-77aa</auth></doc>`)), tt.reply}
				}
				c, _ := newStub(t, replies, auth, WithLogger(logger))
				_, err := c.Call(context.Background(), "account.edit", nil)
				require.Error(t, err)
				tt.check(t, err)
				assertNoSecret(t, err.Error(), "SESSION-77aa")
				assertNoSecret(t, fmt.Sprintf("%+v %#v", err, err), "SESSION-77aa")
				assertNoSecret(t, logs.String(), "SESSION-77aa")
				var he *HTTPError
				if errors.As(err, &he) {
					assertNoSecret(t, he.Body)
				}
			})
		}
	}
}

func TestResponseBodyIsBounded(t *testing.T) {
	t.Parallel()
	big := "<doc><x>" + strings.Repeat("a", 4096) + "</x></doc>"
	c, _ := newStub(t, []stubReply{xmlReply([]byte(big))}, WithMaxResponseBytes(2048))
	_, err := c.Call(context.Background(), "x", nil)
	assert.ErrorContains(t, err, "size limit")
}

func TestReadIsRetriedAfter503(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{{status: 503, body: []byte("busy")}, xmlReply([]byte(`<doc><elem><id>1</id></elem></doc>`))})
	page, err := listPage[struct {
		ID int64 `xml:"id"`
	}](context.Background(), c, "account", nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)
	assert.Len(t, s.requests(), 2)
}

func TestReadGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{{status: 504}})
	_, err := listPage[struct{}](context.Background(), c, "account", nil)
	var he *HTTPError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, 504, he.StatusCode)
	assert.Len(t, s.requests(), 3)
}

func TestWriteIsSentExactlyOnce(t *testing.T) {
	t.Parallel()
	for _, status := range []int{502, 503, 504, 429} {
		c, s := newStub(t, []stubReply{{status: status}, xmlReply([]byte(okDoc))})
		err := c.act(context.Background(), "payment.setpaid", 0, []int64{7})
		var he *HTTPError
		require.ErrorAs(t, err, &he, status)
		assert.Len(t, s.requests(), 1, "status %d", status)
		// A proxy's 5xx may come after the panel ran the call; a 4xx is a refusal.
		assert.Equal(t, status >= 500, errors.Is(err, ErrOutcomeUnknown), "status %d", status)
	}
}

func TestWriteIsNotRetriedAfterAConnectionFailure(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword), WithRetry(RetryPolicy{MaxAttempts: 5, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	err = c.act(context.Background(), "payment.setpaid", 0, []int64{7})
	require.Error(t, err)
	assert.EqualValues(t, 1, hits.Load())

	_, err = listPage[struct{}](context.Background(), c, "account", nil)
	require.Error(t, err)
	assert.EqualValues(t, 6, hits.Load(), "a read is tried MaxAttempts times")
}

func TestCancelledContextStopsTheBackoffAtOnce(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{{status: 503}}, WithRetry(RetryPolicy{MaxAttempts: 5, MinDelay: time.Hour, MaxDelay: time.Hour}))
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for len(s.requests()) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	_, err := listPage[struct{}](ctx, c, "account", nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Len(t, s.requests(), 1)
}

func TestContextErrorWins(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm() // with the body read, the server notices the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.Call(ctx, "account", nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assertNoSecret(t, err.Error())
}

// sessionServer is a BILLmanager stand-in that issues sessions and counts logins.
type sessionServer struct {
	*httptest.Server
	logins  atomic.Int32
	calls   sync.Map // func → *atomic.Int32
	mu      sync.Mutex
	valid   map[string]bool
	counter int
}

func newSessionServer(t *testing.T) *sessionServer {
	s := &sessionServer{valid: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *sessionServer) serve(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	fn := r.PostForm.Get("func")
	n, _ := s.calls.LoadOrStore(fn, new(atomic.Int32))
	n.(*atomic.Int32).Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if fn == "auth" {
		s.logins.Add(1)
		time.Sleep(20 * time.Millisecond) // let concurrent callers pile up
		if r.PostForm.Get("password") != testPassword {
			fmt.Fprint(w, `<doc><error type="auth" object="badpassword"><msg>Invalid username or password</msg></error></doc>`)
			return
		}
		s.counter++
		id := fmt.Sprintf("sess%04d", s.counter)
		s.valid[id] = true
		fmt.Fprintf(w, `<doc func="auth"><auth id=%q level="29">%s</auth></doc>`, id, id)
		return
	}
	if !s.valid[r.PostForm.Get("auth")] {
		fmt.Fprint(w, `<doc><error type="auth" object="session"><msg>Session expired</msg></error></doc>`)
		return
	}
	fmt.Fprintf(w, `<doc func=%q><ok/><tparams><auth>%s</auth></tparams></doc>`, fn, r.PostForm.Get("auth"))
}

func (s *sessionServer) expireAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.valid)
}

func (s *sessionServer) hits(fn string) int {
	n, ok := s.calls.Load(fn)
	if !ok {
		return 0
	}
	return int(n.(*atomic.Int32).Load())
}

// countingServer answers func=auth with login and every other call with call, and counts
// both.
func countingServer(t *testing.T, login, call http.HandlerFunc) (srv *httptest.Server, logins, calls *atomic.Int32) {
	logins, calls = new(atomic.Int32), new(atomic.Int32)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("func") == "auth" {
			logins.Add(1)
			login(w, r)
			return
		}
		calls.Add(1)
		call(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, logins, calls
}

// replyWith answers body with HTTP status.
func replyWith(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// sessionClient is a client of url with a session login and quick retries, attempts tries.
func sessionClient(t *testing.T, url string, attempts int) *Client {
	c, err := NewClient(url, WithSession(testUser, testPassword),
		WithRetry(RetryPolicy{MaxAttempts: attempts, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	return c
}

const (
	sessionReply = `<doc><auth id="s1">s1</auth></doc>`
	proxy503     = "<html><body><h1>503 Service Unavailable</h1></body></html>"
)

func TestSessionConcurrentCallersShareOneLogin(t *testing.T) {
	t.Parallel()
	s := newSessionServer(t)
	c, err := NewClient(s.URL, WithSession(testUser, testPassword))
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Call(context.Background(), "whoami", nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, 1, s.logins.Load())
	assert.Equal(t, 50, s.hits("whoami"))
}

func TestSessionExpiredIsRenewedOnce(t *testing.T) {
	t.Parallel()
	s := newSessionServer(t)
	c, err := NewClient(s.URL, WithSession(testUser, testPassword))
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "whoami", nil)
	require.NoError(t, err)
	s.expireAll()

	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Call(context.Background(), "whoami", nil)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 2, s.logins.Load(), "one login, one renewal")
}

func TestAuthErrorOnAWriteLogsInOnceAndSendsOnceMore(t *testing.T) {
	t.Parallel()
	s := newSessionServer(t)
	c, err := NewClient(s.URL, WithSession(testUser, testPassword))
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "whoami", nil)
	require.NoError(t, err)
	s.expireAll()

	require.NoError(t, c.act(context.Background(), "payment.setpaid", 0, []int64{5}))
	assert.EqualValues(t, 2, s.logins.Load())
	assert.Equal(t, 2, s.hits("payment.setpaid"), "refused unexecuted once, then sent once more")
}

func TestAuthErrorAfterRenewalIsReturned(t *testing.T) {
	t.Parallel()
	srv, logins, sends := countingServer(t, replyWith(http.StatusOK, sessionReply),
		replyWith(http.StatusOK, `<doc><error type="auth" object="session"><msg>no</msg></error></doc>`))
	c, err := NewClient(srv.URL, WithSession(testUser, testPassword))
	require.NoError(t, err)
	err = c.act(context.Background(), "payment.setpaid", 0, []int64{5})
	require.ErrorIs(t, err, ErrAuth)
	assert.EqualValues(t, 2, logins.Load())
	assert.EqualValues(t, 2, sends.Load())
}

func TestBadPasswordLoginFails(t *testing.T) {
	t.Parallel()
	s := newSessionServer(t)
	c, err := NewClient(s.URL, WithSession(testUser, "wrong-"+testPassword))
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "whoami", nil)
	require.ErrorIs(t, err, ErrAuth)
	assert.Equal(t, 0, s.hits("whoami"))
	assertNoSecret(t, err.Error(), "wrong-"+testPassword)
}

func TestNewLoginKey(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(okDoc))})
	link, err := c.NewLoginKey(context.Background(), "client@example.com")
	require.NoError(t, err)
	form := s.last(t)
	key := form.Get("key")
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{32}$`), key)
	assert.Equal(t, "session.newkey", form.Get("func"))
	assert.Equal(t, "client@example.com", form.Get("username"))
	u, err := url.Parse(link)
	require.NoError(t, err)
	assert.Equal(t, "/billmgr", u.Path)
	assert.Equal(t, url.Values{"func": {"auth"}, "username": {"client@example.com"}, "key": {key}, "checkcookie": {"no"}}, u.Query())

	other, err := c.NewLoginKey(context.Background(), "client@example.com")
	require.NoError(t, err)
	assert.NotEqual(t, link, other)
	assert.Empty(t, s.requests()[0].RawQuery)
}

func TestTLSVerification(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, okDoc) }))
	defer srv.Close()
	cert := srv.Certificate()
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	wrong := sha256.Sum256([]byte("another key"))
	noRetry := WithRetry(RetryPolicy{MaxAttempts: 1})
	tests := []struct {
		name string
		opt  Option
		ok   bool
	}{
		{"default refuses self-signed", WithUserAgent("x"), false},
		{"root CAs", WithRootCAs(pool), true},
		{"pin", WithPinnedCertificate(hex.EncodeToString(sum[:])), true},
		{"wrong pin", WithPinnedCertificate(hex.EncodeToString(wrong[:])), false},
		{"insecure", WithInsecureSkipVerify(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword), noRetry, tt.opt)
			require.NoError(t, err)
			_, err = c.Call(context.Background(), "whoami", nil)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				require.Error(t, err)
				assertNoSecret(t, err.Error())
			}
		})
	}
}

func TestClientPrintsNoSecret(t *testing.T) {
	t.Parallel()
	for _, opt := range []Option{WithAuthInfo(testUser, testPassword), WithSession(testUser, testPassword), WithSessionID("SESSION-77aa")} {
		c, err := NewClient("https://billing.example.com", opt)
		require.NoError(t, err)
		var logs bytes.Buffer
		slog.New(slog.NewJSONHandler(&logs, nil)).Info("client", "c", c, "as", c.As("client@example.com"))
		for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v %#v %v", c, c, *c), logs.String()} {
			assertNoSecret(t, s, "SESSION-77aa")
		}
		assert.Contains(t, c.String(), "https://billing.example.com/billmgr")
	}
}

func TestDryRunSendsNoWrite(t *testing.T) {
	t.Parallel()
	type sent struct {
		fn     string
		params url.Values
	}
	var got []sent
	record := func(fn string, params url.Values) { got = append(got, sent{fn, params}) }
	c, s := newStub(t, []stubReply{xmlReply([]byte(`<doc><elem><id>1</id></elem></doc>`))}, WithDryRun(record))
	ctx := context.Background()

	err := c.As("client@example.com").act(ctx, "payment.setpaid", 0, []int64{1, 2})
	require.ErrorIs(t, err, ErrDryRun)
	_, err = c.submit(ctx, "account.edit", url.Values{"elid": {"5"}, "passwd": {testPassword}, "confirm": {testPassword}})
	require.ErrorIs(t, err, ErrDryRun)
	_, err = c.Call(ctx, "payment.send", url.Values{"elid": {"3"}})
	require.ErrorIs(t, err, ErrDryRun)
	assert.Empty(t, s.requests(), "no write reached the server")

	_, err = listPage[pagedRow](ctx, c, "account", nil)
	require.NoError(t, err, "reads are sent")
	assert.Len(t, s.requests(), 1)

	assert.Equal(t, []sent{
		{"payment.setpaid", url.Values{"func": {"payment.setpaid"}, "elid": {"1, 2"}, "su": {"client@example.com"}}},
		{"account.edit", url.Values{"func": {"account.edit"}, "elid": {"5"}, "sok": {"ok"}, "passwd": {redacted}, "confirm": {redacted}}},
		{"payment.send", url.Values{"func": {"payment.send"}, "elid": {"3"}}},
	}, got)
	assertNoSecret(t, fmt.Sprint(got))
}

// TestRetryPolicyBoundsTheLoginsOfACall: with a login answering 503, one read makes as many
// tries as the policy allows, logins included, instead of a full policy of logins for each
// of its tries (16 for 4). So does a write, whose login may be tried again since nothing of
// the write went out; it says it was not sent.
func TestRetryPolicyBoundsTheLoginsOfACall(t *testing.T) {
	t.Parallel()
	srv, logins, calls := countingServer(t, replyWith(http.StatusServiceUnavailable, proxy503), replyWith(http.StatusOK, okDoc))
	c := sessionClient(t, srv.URL, 4)

	_, err := listPage[pagedRow](context.Background(), c, "account", nil)
	var he *HTTPError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, http.StatusServiceUnavailable, he.StatusCode)
	assert.EqualValues(t, 4, logins.Load(), "one login per try, four tries")
	assert.Zero(t, calls.Load())

	logins.Store(0)
	err = c.act(context.Background(), "payment.setpaid", 0, []int64{7})
	require.ErrorAs(t, err, &he)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown, "the write was not sent")
	assert.ErrorContains(t, err, "billmgr: payment.setpaid: not sent, the login failed: auth: HTTP 503")
	assert.EqualValues(t, 4, logins.Load(), "one login per try, four tries")
	assert.Zero(t, calls.Load())
}

// TestRetryPolicyCountsAGoodLoginOnce: once logged in, the tries of a read are its own
// requests: one login, then four tries of a read answered with 503.
func TestRetryPolicyCountsAGoodLoginOnce(t *testing.T) {
	t.Parallel()
	srv, logins, calls := countingServer(t, replyWith(http.StatusOK, sessionReply), replyWith(http.StatusServiceUnavailable, proxy503))
	c := sessionClient(t, srv.URL, 4)
	_, err := listPage[pagedRow](context.Background(), c, "account", nil)
	require.Error(t, err)
	assert.EqualValues(t, 1, logins.Load())
	assert.EqualValues(t, 4, calls.Load())
}

// stallingServer answers with the start of a document and then stalls until the client
// leaves; it counts the requests.
func stallingServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><doc lang="en" func="account"><elem><id>1</id>`)
		w.(http.Flusher).Flush()
		select { // one byte a minute: the next would come after the client gave up
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

// TestStalledReplyFailsAfterTheIdleTimeout: on the SDK's own transport, a reply whose next
// byte does not come within the idle timeout fails the call, even with no deadline: a
// write with ErrOutcomeUnknown, a read after its tries.
func TestStalledReplyFailsAfterTheIdleTimeout(t *testing.T) {
	t.Parallel()
	srv, requests := stallingServer(t)
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword),
		WithRetry(RetryPolicy{MaxAttempts: 2, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	assert.Equal(t, defaultIdleTimeout, c.idle, "the documented default")
	c.idle = 200 * time.Millisecond

	start := time.Now()
	_, err = c.Call(context.Background(), "payment.setpaid", url.Values{"elid": {"7"}})
	assert.ErrorIs(t, err, errStalled)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorContains(t, err, "no byte came for 200ms")
	assert.Less(t, time.Since(start), 5*time.Second)

	start = time.Now()
	_, err = listPage[pagedRow](context.Background(), c, "account", nil)
	assert.ErrorIs(t, err, errStalled)
	assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	assert.EqualValues(t, 3, requests.Load(), "the write once, the read twice")
	assert.Less(t, time.Since(start), 5*time.Second)
}

// TestIdleTimeoutIsNotTheCallersTransport: with WithHTTPClient the caller's transport
// decides; the SDK adds no idle timeout, and the context's deadline ends the call.
func TestIdleTimeoutIsNotTheCallersTransport(t *testing.T) {
	t.Parallel()
	srv, _ := stallingServer(t)
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword), WithHTTPClient(srv.Client()))
	require.NoError(t, err)
	assert.Zero(t, c.idle)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = c.Call(ctx, "account", nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, errStalled)
}

// TestIdleTimeoutDoesNotCountTheLoopBody: the time the caller spends in its loop over All
// is not a stall of the reply.
func TestIdleTimeoutDoesNotCountTheLoopBody(t *testing.T) {
	t.Parallel()
	var page strings.Builder
	page.WriteString(`<?xml version="1.0" encoding="UTF-8"?><doc lang="en" func="account">`)
	for i := 1; i <= 2000; i++ {
		fmt.Fprintf(&page, "<elem><id>%d</id><name>Client number %d with a long enough name</name></elem>", i, i)
	}
	page.WriteString("<p_cnt>2000</p_cnt><p_elems>2000</p_elems><p_num>1</p_num></doc>")
	c, _ := newStub(t, []stubReply{xmlReply([]byte(page.String()))}) // the SDK's own transport
	c.idle = 100 * time.Millisecond
	n := 0
	for _, err := range listAll(context.Background(), c, "account", url.Values{"p_cnt": {"2000"}}, pagedRowKey) {
		require.NoError(t, err)
		if n++; n == 1 {
			time.Sleep(3 * c.idle) // the rest of the page is read after this
		}
	}
	assert.Equal(t, 2000, n)
}

// TestOwnTransportLimits: the SDK's own transport waits a minute for a reply to start,
// keeps 64 idle connections per host and caps none.
func TestOwnTransportLimits(t *testing.T) {
	t.Parallel()
	tr := tlsOptions{}.transport()
	assert.Equal(t, time.Minute, tr.ResponseHeaderTimeout)
	assert.Equal(t, 64, tr.MaxIdleConnsPerHost)
	assert.Zero(t, tr.MaxConnsPerHost, "a cap deadlocks callers nesting calls in All")

	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_ = r.ParseForm()    // with the body read, the server notices the client leaving
		<-r.Context().Done() // no reply at all
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword))
	require.NoError(t, err)
	c.hc.Transport.(redirectsAsReplies).rt.(*http.Transport).ResponseHeaderTimeout = 100 * time.Millisecond
	_, err = c.Call(context.Background(), "payment.setpaid", url.Values{"elid": {"7"}})
	assert.ErrorContains(t, err, "timeout awaiting response headers")
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
}

func TestRedactValueFindsEveryEncoding(t *testing.T) {
	t.Parallel()
	const secret = "pa ss/wörd!%1"
	for _, form := range []string{
		secret,
		url.QueryEscape(secret), // pa+ss%2Fw%C3%B6rd%21%251
		strings.ReplaceAll(url.QueryEscape(secret), "+", "%20"),                 // %20 for the space
		strings.ToLower(url.QueryEscape(secret)),                                // lower-case hex
		"pa%20ss/w%c3%b6rd!%251",                                                // some bytes encoded, some not
		"%70%61%20%73%73%2F%77%C3%B6%72%64%21%25%31",                            // every byte encoded
		strings.ReplaceAll(strings.ToLower(url.PathEscape(secret)), "%2f", "/"), // a path
	} {
		got := redactValue("<p>before "+form+" after</p>", secret)
		assert.Equal(t, "<p>before "+redacted+" after</p>", got, form)
	}
	assert.Equal(t, "a %25 b", redactValue("a %25 b", "%%"), "no match, no change")
	assert.Equal(t, redacted, redactValue("%25", "%"), "a percent sign, encoded")
	assert.Equal(t, "x"+redacted+redacted, redactValue("x%41A", "A"))
	assert.Equal(t, "plain text", redactValue("plain text", ""))

	const escaped = `a&b<c>'d"e`
	for _, form := range []string{
		"a&amp;b&lt;c&gt;&apos;d&quot;e",   // as a document writes it
		"a&amp;b&lt;c>'d\"e",               // in text
		"a&#38;b&#x3c;c&#62;&#39;d&#x22;e", // character references
		"a%26b&lt;c%3E'd&quot;e",           // both
	} {
		assert.Equal(t, "<p>"+redacted+"</p>", redactValue("<p>"+form+"</p>", escaped), form)
	}
	assert.Equal(t, "a&amp;b&#1234;c", redactValue("a&amp;b&#1234;c", "a&b<c"), "no match, no change")
}

// TestHTTPErrorBodyIsRedactedBeforeItIsCut: a proxy page echoing the password across the
// 512-byte cut leaves nothing of it in HTTPError.Body, in any URL encoding.
func TestHTTPErrorBodyIsRedactedBeforeItIsCut(t *testing.T) {
	t.Parallel()
	const password = "pa ss/wörd!42"
	for _, echo := range []string{password, url.QueryEscape(password), strings.ReplaceAll(url.QueryEscape(password), "+", "%20"), strings.ToLower(url.QueryEscape(password))} {
		for _, at := range []int{0, 500, 505, 510, 511} {
			page := "<html><body>" + strings.Repeat("x", at) + echo + " and more " + strings.Repeat("y", 600) + "</body></html>"
			var logs bytes.Buffer
			c, _ := newStub(t, []stubReply{{status: 502, body: []byte(page), header: http.Header{"Content-Type": {"text/html"}}}},
				WithAuthInfo(testUser, password), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			_, err := c.Call(context.Background(), "account", nil)
			var he *HTTPError
			require.ErrorAs(t, err, &he)
			assert.LessOrEqual(t, len(he.Body), httpErrorKeep)
			for _, text := range []string{he.Body, err.Error(), logs.String()} {
				for _, prefix := range []string{"pa s", "pa+s", "pa%2", "ss/w", "ss%2", "rd!4", "rd%21", "wörd", "w%C3", "w%c3"} {
					assert.NotContains(t, text, prefix, "echo %q at %d", echo, at)
				}
			}
		}
	}
}

// errorEchoing is an <error> that echoes value in every field the SDK hands back.
func errorEchoing(value string) []byte {
	esc := strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;").Replace(value)
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<doc lang="en" func="register"><error type="value" object="passwd" value="` + esc + `" lang="en"><param name="object" type="msg" msg="Password">passwd</param><param name="value">` + esc + `</param><stack><action level="30" user="admin">register</action></stack><group>Weak password</group><msg>The password '` + esc + `' is too weak</msg><detail>Rejected: ` + url.QueryEscape(value) + `</detail></error><tparams><passwd>` + esc + `</passwd><confirm>` + esc + `</confirm><new_password>` + esc + `</new_password></tparams></doc>`)
}

// TestPasswordsACallSendsAreRedacted: every password the caller sends, not only the
// client's own (a new client's passwd, passwd and confirm of an account, any parameter
// whose name says password), is redacted when the server echoes it: in the error, the
// fields of *Error, the log and an HTTP error page.
func TestPasswordsACallSendsAreRedacted(t *testing.T) {
	t.Parallel()
	const theirs = "N3w client pw!"
	calls := map[string]func(c *Client) error{
		"Register": func(c *Client) error {
			_, err := c.Accounts.Register(context.Background(), &RegisterParams{Email: "a@example.com", Password: theirs})
			return err
		},
		"Accounts.Create": func(c *Client) error {
			_, err := c.Accounts.Create(context.Background(), &AccountParams{Email: Ptr("a@example.com"), Password: Ptr(theirs), Confirm: Ptr(theirs)})
			return err
		},
		"Accounts.Update": func(c *Client) error {
			return c.Accounts.Update(context.Background(), 5, &AccountParams{Password: Ptr(theirs), Confirm: Ptr(theirs)})
		},
		"Call new_password": func(c *Client) error {
			_, err := c.Call(context.Background(), "usrparam", url.Values{"new_password": {theirs}, "sok": {"ok"}})
			return err
		},
	}
	replies := map[string]stubReply{
		"an <error>":   xmlReply(errorEchoing(theirs)),
		"a proxy page": {status: 502, body: []byte("<html><body>" + strings.Repeat("x", 500) + url.QueryEscape(theirs) + "</body></html>")},
	}
	for name, call := range calls {
		for replyName, reply := range replies {
			var logs bytes.Buffer
			c, _ := newStub(t, []stubReply{reply}, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
			err := call(c)
			require.Error(t, err, name)
			texts := []string{err.Error(), fmt.Sprintf("%+v %#v", err, err), logs.String()}
			var apiErr *Error
			if errors.As(err, &apiErr) {
				assert.Equal(t, redacted, apiErr.Value, name)
				texts = append(texts, fmt.Sprintf("%#v", *apiErr))
			}
			var he *HTTPError
			if errors.As(err, &he) {
				texts = append(texts, he.Body)
			}
			for _, text := range texts {
				for _, leak := range []string{theirs, url.QueryEscape(theirs), "N3w"} {
					assert.NotContains(t, text, leak, "%s, %s", name, replyName)
				}
			}
		}
	}

	// The echo in <tparams> of a reply Call returns.
	c, _ := newStub(t, []stubReply{xmlReply([]byte(`<doc><ok/><tparams><func>usrparam</func><new_password>` + theirs + `</new_password><old_pwd>` + theirs + `</old_pwd></tparams></doc>`))})
	doc, err := c.Call(context.Background(), "usrparam", url.Values{"new_password": {theirs}})
	require.NoError(t, err)
	assert.Equal(t, redacted, doc.Child("tparams").Value("new_password"))
	assert.Equal(t, redacted, doc.Child("tparams").Value("old_pwd"))
}

// TestRedirectLocationShowsNoUserInformation: a redirect is shown with where it points, but
// without the user information of its Location, however it is encoded, nor its query.
func TestRedirectLocationShowsNoUserInformation(t *testing.T) {
	t.Parallel()
	for loc, shown := range map[string]string{
		"https://admin:s3cr3t@panel.example.com/billmgr?func=logon": `"https://panel.example.com/billmgr"`,
		"https://admin:s3%20cr3t@panel.example.com/login":           `"https://panel.example.com/login"`,
		"https://admin%40corp:s3cr3t@panel.example.com/":            `"https://panel.example.com/"`,
		"//admin:s3cr3t@panel.example.com/login":                    `"//panel.example.com/login"`,
		"https://admin:s3 cr3t@panel.example.com/":                  "a location that is not a URL",
		"https://admin:s3%zzcr3t@panel.example.com/":                "a location that is not a URL",
		"https://panel.example.com/admin%3As3cr3t%40x/login":        `"https://panel.example.com/…/login"`,
		"https:%2F%2Fadmin:s3cr3t@panel.example.com":                "a location that is not a URL",
		"http://admin%3As3cr3t%40panel.example.com/":                "a location that is not a URL",
		"http://admin%40s3cr3t.example.com/":                        "a location that is not a URL",
		"/billmgr?func=logon&authinfo=admin:s3cr3t":                 `"/billmgr"`,
		"": "nowhere (no Location)",
	} {
		c, _ := newStub(t, []stubReply{{status: http.StatusFound, header: http.Header{"Location": {loc}}}})
		_, err := c.Call(context.Background(), "account", nil)
		require.ErrorIs(t, err, ErrUnexpectedResponse, loc)
		assert.Contains(t, err.Error(), "HTTP 302 Found redirect to "+shown, loc)
		for _, leak := range []string{"s3cr3t", "s3%20cr3t", "s3 cr3t", "s3%zz", "admin"} {
			assert.NotContains(t, err.Error(), leak, loc)
		}
	}
}

func TestBaseURLWithCredentialsIsRefusedWithoutRepeatingIt(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"https://admin:s3cr3t@billing.example.com",
		"https://admin:s3%20cr3t@billing.example.com/billmgr",
		"https://admin:s3 cr3t@billing.example.com",
		"https://admin:s3%zzcr3t@billing.example.com",
		"https://admin%40corp:s3cr3t@billing.example.com",
		"https://admin:s3cr3t%40billing.example.com",
		"admin:s3cr3t@billing.example.com",
		"ftp://admin:s3cr3t@billing.example.com",
		"https://admin:s3/cr3t@billing.example.com",
		"https://admin:s3?cr3t@billing.example.com",
		"https://billing.example.com/billmgr?authinfo=admin:s3cr3t",
		"ftp://billing.example.com/billmgr?authinfo=admin:s3cr3t",
		"https://billing.example.com:s3cr3t/billmgr",
		"s3cr3t",
	} {
		_, err := NewClient(raw)
		require.Error(t, err, raw)
		for _, leak := range []string{"s3cr3t", "s3%20", "s3 ", "s3%zz", "s3/", "s3?", "admin"} {
			assert.NotContains(t, err.Error(), leak, raw)
		}
	}
}

// TestDryRunRedactsEveryPassword: WithDryRun hands over a request with every parameter
// whose name says password redacted, whatever function it goes to.
func TestDryRunRedactsEveryPassword(t *testing.T) {
	t.Parallel()
	var got url.Values
	c, s := newStub(t, []stubReply{xmlReply([]byte(okDoc))}, WithDryRun(func(_ string, p url.Values) { got = p }))
	_, err := c.Call(context.Background(), "usrparam", url.Values{
		"new_password": {"n3w-pw"}, "old_pwd": {"0ld-pw"}, "client_secret": {"s3cr3t"}, "PassWord2": {"pw2"}, "name": {"kept"},
	})
	require.ErrorIs(t, err, ErrDryRun)
	assert.Empty(t, s.requests())
	assert.Equal(t, url.Values{
		"func": {"usrparam"}, "new_password": {redacted}, "old_pwd": {redacted}, "client_secret": {redacted},
		"PassWord2": {redacted}, "name": {"kept"},
	}, got)
}

// TestRetryPolicyBoundsSharedLogins: concurrent calls share each login; a call counts the
// logins it waited for as its own tries, so however many calls wait, none makes more than
// the policy's tries, and the logins stay far below one policy per call.
func TestRetryPolicyBoundsSharedLogins(t *testing.T) {
	t.Parallel()
	const callers, attempts = 20, 3
	slow503 := func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // let the callers pile up on one login
		replyWith(http.StatusServiceUnavailable, proxy503)(w, r)
	}
	srv, logins, _ := countingServer(t, slow503, replyWith(http.StatusServiceUnavailable, proxy503))
	c := sessionClient(t, srv.URL, attempts)
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := listPage[pagedRow](context.Background(), c, "account", nil)
			var he *HTTPError
			assert.ErrorAs(t, err, &he)
		}()
	}
	wg.Wait()
	assert.GreaterOrEqual(t, logins.Load(), int32(attempts))
	assert.LessOrEqual(t, logins.Load(), int32(callers*attempts))
	t.Logf("%d callers, %d tries each: %d logins", callers, attempts, logins.Load())
}
