package billmgr

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr/internal/secret"
)

// Shared test helpers: a stub BILLmanager that answers with recorded documents and keeps
// every request it received, so tests assert both what the SDK sent and what it decoded.

const (
	testUser     = "admin"
	testPassword = "Sup3r-s3cret!pw"

	redacted = secret.Redacted // what replaces a secret in what the SDK shows
)

// sentRequest is what the stub received.
type sentRequest struct {
	Method   string
	URL      string // path and query as sent: never holds a credential
	Form     url.Values
	RawQuery string
}

// stub is an httptest server that answers each request with the next reply.
type stub struct {
	srv     *httptest.Server
	mu      sync.Mutex
	reqs    []sentRequest
	replies []stubReply
}

// stubReply is one answer: an HTTP status (200 if 0), headers and a body.
type stubReply struct {
	status int
	header http.Header
	body   []byte
}

// xmlReply answers HTTP 200 with body.
func xmlReply(body []byte) stubReply { return stubReply{body: body} }

// newStub starts a stub that answers with replies in order, repeating the last one, and a
// client for it with authinfo credentials and fast retries. Extra options come after the
// defaults and so override them.
func newStub(t *testing.T, replies []stubReply, opts ...Option) (*Client, *stub) {
	t.Helper()
	s := &stub{replies: replies}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	all := append([]Option{
		WithAuthInfo(testUser, testPassword),
		WithRetry(RetryPolicy{MaxAttempts: 3, MinDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}),
	}, opts...)
	c, err := NewClient(s.srv.URL, all...)
	require.NoError(t, err)
	return c, s
}

// newFixtureStub is newStub answering with testdata files, e.g. "account.payment/list_en.xml".
func newFixtureStub(t *testing.T, files ...string) (*Client, *stub) {
	t.Helper()
	replies := make([]stubReply, len(files))
	for i, f := range files {
		replies[i] = xmlReply(fixture(t, f))
	}
	return newStub(t, replies)
}

func (s *stub) serve(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.RawQuery
	_ = r.ParseForm()
	s.mu.Lock()
	i := min(len(s.reqs), len(s.replies)-1)
	s.reqs = append(s.reqs, sentRequest{Method: r.Method, URL: r.URL.String(), Form: r.PostForm, RawQuery: raw})
	reply := s.replies[i]
	s.mu.Unlock()
	for k, v := range reply.header {
		w.Header()[k] = v
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	}
	if reply.status != 0 {
		w.WriteHeader(reply.status)
	}
	_, _ = w.Write(reply.body)
}

// requests returns every request received so far.
func (s *stub) requests() []sentRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sentRequest(nil), s.reqs...)
}

// last returns the form of the last request; the test fails if there was none.
func (s *stub) last(t *testing.T) url.Values {
	t.Helper()
	reqs := s.requests()
	require.NotEmpty(t, reqs, "no request reached the server")
	return reqs[len(reqs)-1].Form
}

// fixture reads testdata/<name>.
func fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	require.NoError(tb, err)
	return b
}

// functionParams returns the form without the parameters every call carries, leaving
// what the function itself was given (elid, plid, sok, fields).
func functionParams(form url.Values) url.Values {
	out := url.Values{}
	for k, v := range form {
		switch k {
		case "out", "lang", "authinfo", "auth", "su":
			continue
		}
		out[k] = v
	}
	return out
}

// assertNoSecret fails if s holds the test password or anything that looks like it.
func assertNoSecret(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, secret := range append(secrets, testPassword, url.QueryEscape(testPassword)) {
		require.False(t, strings.Contains(s, secret), "secret %q leaked in %q", secret, s)
	}
}

// AssertOnePrefix checks that the message of err says "billmgr:" at most once, however
// many errors of the package it wraps (see errors.go). The fault, bad-input, TLS and
// credit tests run it on every failure they provoke.
func AssertOnePrefix(t *testing.T, err error) bool {
	t.Helper()
	if err == nil {
		return true
	}
	msg := err.Error()
	return assert.LessOrEqual(t, strings.Count(msg, "billmgr:"), 1, "one billmgr: prefix per message: %v", err)
}

// okDoc is the reply of a write that succeeded.
const okDoc = `<?xml version="1.0" encoding="UTF-8"?><doc lang="en" func="x"><ok/></doc>`

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

// sessionReply is a login's reply, and proxy503 the page of a proxy whose panel is down.
const (
	sessionReply = `<doc><auth id="s1">s1</auth></doc>`
	proxy503     = "<html><body><h1>503 Service Unavailable</h1></body></html>"
)
