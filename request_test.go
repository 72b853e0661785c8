package billmgr

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
	for _, k := range []string{"func", "out", "auth", "authinfo", "su"} {
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
	}](context.Background(), c, "account", nil, nil)
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)
	assert.Len(t, s.requests(), 2)
}

func TestReadGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{{status: 504}})
	_, err := listPage[struct{}](context.Background(), c, "account", nil, nil)
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

	_, err = listPage[struct{}](context.Background(), c, "account", nil, nil)
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
	_, err := listPage[struct{}](ctx, c, "account", nil, nil)
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
	_, err = c.submit(ctx, "account.edit", url.Values{"elid": {"5"}, "passwd": {testPassword}, "confirm": {testPassword}}, nil)
	require.ErrorIs(t, err, ErrDryRun)
	_, err = c.Call(ctx, "payment.send", url.Values{"elid": {"3"}})
	require.ErrorIs(t, err, ErrDryRun)
	assert.Empty(t, s.requests(), "no write reached the server")

	_, err = listPage[pagedRow](ctx, c, "account", nil, nil)
	require.NoError(t, err, "reads are sent")
	assert.Len(t, s.requests(), 1)

	assert.Equal(t, []sent{
		{"payment.setpaid", url.Values{"func": {"payment.setpaid"}, "elid": {"1, 2"}, "su": {"client@example.com"}}},
		{"account.edit", url.Values{"func": {"account.edit"}, "elid": {"5"}, "sok": {"ok"}, "passwd": {redacted}, "confirm": {redacted}}},
		{"payment.send", url.Values{"func": {"payment.send"}, "elid": {"3"}}},
	}, got)
	assertNoSecret(t, fmt.Sprint(got))
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

// TestRetryPolicyBoundsTheLoginsOfACall: with a login answering 503, one read makes as many
// tries as the policy allows, logins included, instead of a full policy of logins for each
// of its tries (16 for 4). So does a write, whose login may be tried again since nothing of
// the write went out; it says it was not sent.
func TestRetryPolicyBoundsTheLoginsOfACall(t *testing.T) {
	t.Parallel()
	srv, logins, calls := countingServer(t, replyWith(http.StatusServiceUnavailable, proxy503), replyWith(http.StatusOK, okDoc))
	c := sessionClient(t, srv.URL, 4)

	_, err := listPage[pagedRow](context.Background(), c, "account", nil, nil)
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
	_, err := listPage[pagedRow](context.Background(), c, "account", nil, nil)
	require.Error(t, err)
	assert.EqualValues(t, 1, logins.Load())
	assert.EqualValues(t, 4, calls.Load())
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
			_, err := listPage[pagedRow](context.Background(), c, "account", nil, nil)
			var he *HTTPError
			assert.ErrorAs(t, err, &he)
		}()
	}
	wg.Wait()
	assert.GreaterOrEqual(t, logins.Load(), int32(attempts))
	assert.LessOrEqual(t, logins.Load(), int32(callers*attempts))
	t.Logf("%d callers, %d tries each: %d logins", callers, attempts, logins.Load())
}
