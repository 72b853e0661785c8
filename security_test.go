package billmgr_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
)

// The security checks shared by the fault suite and the concurrency run: a recorder in
// front of the server sees every request the SDK makes and every session the server
// issues, and asserts that no credential ever travels in a URL; secretsLeak finds the
// password or a session id in anything the SDK hands back or logs.

// credentialParams are the parameters that carry a secret and must travel in the body only.
var credentialParams = []string{"authinfo", "auth", "password", "passwd", "key", "confirm"}

// wire is an http.Handler that records what reached the server, then hands the request on.
type wire struct {
	next http.Handler

	mu       sync.Mutex
	perFunc  map[string]int
	sessions []string // every session id issued or used
	bad      []string // requests with a credential in the URL
	requests atomic.Int64
	logins   atomic.Int64 // func=auth answered with a session
	password string
}

func newWire(next http.Handler, password string) *wire {
	return &wire{next: next, perFunc: map[string]int{}, password: password}
}

func (w *wire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	w.requests.Add(1)
	w.mu.Lock()
	fn := form.Get("func")
	w.perFunc[fn]++
	if sid := form.Get("auth"); sid != "" {
		w.sessions = appendNew(w.sessions, sid)
	}
	if problem := urlCarriesCredential(r.URL, w.password, w.sessions); problem != "" {
		w.bad = append(w.bad, fn+": "+problem)
	}
	w.mu.Unlock()
	if fn != "auth" {
		w.next.ServeHTTP(rw, r)
		return
	}
	rec := &capture{ResponseWriter: rw}
	w.next.ServeHTTP(rec, r)
	if sid := sessionOf(rec.body.String()); sid != "" {
		w.logins.Add(1)
		w.mu.Lock()
		w.sessions = appendNew(w.sessions, sid)
		w.mu.Unlock()
	}
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// urlCarriesCredential names what is wrong with a request URL, or returns "".
func urlCarriesCredential(u *url.URL, password string, sessions []string) string {
	q := u.Query()
	for _, k := range credentialParams {
		if q.Has(k) {
			return "the URL carries " + k
		}
	}
	raw := u.RawQuery + " " + u.Path + " " + u.RawPath
	for _, s := range append([]string{password, url.QueryEscape(password)}, sessions...) {
		if s != "" && strings.Contains(raw, s) {
			return "the URL carries a secret"
		}
	}
	return ""
}

// sessionOf returns the session id of a func=auth reply, or "".
func sessionOf(body string) string {
	_, rest, ok := strings.Cut(body, `<auth id="`)
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, `"`)
	return id
}

// capture keeps a copy of the reply body.
type capture struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (c *capture) Write(b []byte) (int, error) {
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}

func (w *wire) hits(fn string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.perFunc[fn]
}

func (w *wire) secrets() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string{w.password, url.QueryEscape(w.password)}, w.sessions...)
}

// assertNoCredentialInURL fails if any request carried a credential in its URL.
func (w *wire) assertNoCredentialInURL(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	assert.Empty(t, w.bad, "credentials in request URLs")
	assert.Positive(t, w.requests.Load(), "the recorder saw no request")
}

// secretsLeak returns the secrets found in the texts, or nil.
func secretsLeak(secrets []string, texts ...string) []string {
	var found []string
	for _, text := range texts {
		for _, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				found = append(found, fmt.Sprintf("%q in %q", s, text))
			}
		}
	}
	return found
}

// errorTexts is everything a caller may print or log of err, the fields of a wrapped
// *Error and *HTTPError included.
func errorTexts(err error) []string {
	if err == nil {
		return nil
	}
	texts := []string{err.Error(), fmt.Sprintf("%v|%+v|%#v|%s", err, err, err, err)}
	var apiErr *billmgr.Error
	if errors.As(err, &apiErr) {
		texts = append(texts, fmt.Sprintf("%#v", *apiErr), apiErr.Error())
	}
	var he *billmgr.HTTPError
	if errors.As(err, &he) {
		texts = append(texts, he.Body, he.Error())
	}
	return texts
}

// debugLogger logs everything to buf.
func debugLogger(buf *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestTLSRefusalSendsNothing extends TestTLSVerification: when verification fails, the
// handshake fails before the request is written, so the server never sees the
// credentials; and a server offering only TLS 1.0/1.1 is refused.
func TestTLSRefusalSendsNothing(t *testing.T) {
	t.Parallel()
	var seen atomic.Int32
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		fmt.Fprint(w, `<doc><ok/></doc>`)
	})
	quiet := log.New(io.Discard, "", 0) // the refused handshakes are expected
	srv := httptest.NewUnstartedServer(handler)
	srv.Config.ErrorLog = quiet
	srv.StartTLS()
	defer srv.Close()
	old := httptest.NewUnstartedServer(handler)
	old.Config.ErrorLog = quiet
	old.TLS = &tls.Config{MaxVersion: tls.VersionTLS11}
	old.StartTLS()
	defer old.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	oldPool := x509.NewCertPool()
	oldPool.AddCert(old.Certificate())

	for _, tt := range []struct {
		name string
		url  string
		opts []billmgr.Option
	}{
		{"self-signed without its CA", srv.URL, nil},
		{"a session login to a self-signed server", srv.URL, []billmgr.Option{billmgr.WithSession("admin", "tls-secret")}},
		{"TLS 1.1 even with its CA", old.URL, []billmgr.Option{billmgr.WithRootCAs(oldPool)}},
	} {
		opts := append([]billmgr.Option{billmgr.WithAuthInfo("admin", "tls-secret"), billmgr.WithRetry(billmgr.RetryPolicy{MaxAttempts: 1})}, tt.opts...)
		c, err := billmgr.NewClient(tt.url, opts...)
		require.NoError(t, err)
		_, err = c.Call(context.Background(), "whoami", nil)
		require.Error(t, err, tt.name)
		assert.Empty(t, secretsLeak([]string{"tls-secret"}, errorTexts(err)...), tt.name)
		billmgr.AssertOnePrefix(t, err)
	}
	assert.Zero(t, seen.Load(), "no request may reach a server that failed verification")

	c, err := billmgr.NewClient(srv.URL, billmgr.WithAuthInfo("admin", "tls-secret"), billmgr.WithRootCAs(pool))
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "whoami", nil)
	require.NoError(t, err)
	assert.EqualValues(t, 1, seen.Load())
}

// TestTLSVerificationFailureIsNotRetried: a certificate that fails verification (an unknown
// authority, another name, expired, not the pinned key) fails the call at the first
// handshake, with authinfo and with a session login alike: retrying cannot help. The error
// wraps ErrUntrustedCertificate and says what to do; a write says it was not sent.
func TestTLSVerificationFailureIsNotRetried(t *testing.T) {
	localhost := net.IPv4(127, 0, 0, 1)
	good, goodPool := testCertificate(t, localhost, time.Now().Add(time.Hour))
	otherName, otherNamePool := testCertificate(t, net.IPv4(127, 0, 0, 2), time.Now().Add(time.Hour))
	expired, expiredPool := testCertificate(t, localhost, time.Now().Add(-time.Hour))
	wrongPin := sha256.Sum256([]byte("another key"))
	for _, tt := range []struct {
		name string
		cert tls.Certificate
		opt  billmgr.Option
	}{
		{"unknown authority", good, billmgr.WithUserAgent("billmgr-test")},
		{"another name", otherName, billmgr.WithRootCAs(otherNamePool)},
		{"expired", expired, billmgr.WithRootCAs(expiredPool)},
		{"pin mismatch", good, billmgr.WithPinnedCertificate(hex.EncodeToString(wrongPin[:]))},
	} {
		for _, auth := range []billmgr.Option{billmgr.WithAuthInfo("admin", "tls-secret"), billmgr.WithSession("admin", "tls-secret")} {
			var hellos atomic.Int32
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				t.Error("a request reached a server that failed verification")
			}))
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			srv.TLS = &tls.Config{Certificates: []tls.Certificate{tt.cert}, GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
				hellos.Add(1)
				return nil, nil
			}}
			srv.StartTLS()
			c, err := billmgr.NewClient(srv.URL, auth, tt.opt,
				billmgr.WithRetry(billmgr.RetryPolicy{MaxAttempts: 4, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}))
			require.NoError(t, err)
			_, err = c.Payments.List(context.Background(), 5, nil)
			require.ErrorIs(t, err, billmgr.ErrUntrustedCertificate, tt.name)
			assert.ErrorContains(t, err, "WithRootCAs or WithPinnedCertificate", tt.name)
			assert.EqualValues(t, 1, hellos.Load(), "%s: handshakes of one read", tt.name)

			_, err = c.Payments.Create(context.Background(), 5, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("1.00")})
			require.ErrorIs(t, err, billmgr.ErrUntrustedCertificate, tt.name)
			assert.NotErrorIs(t, err, billmgr.ErrOutcomeUnknown, "%s: nothing was sent", tt.name)
			assert.Empty(t, secretsLeak([]string{"tls-secret"}, errorTexts(err)...))
			billmgr.AssertOnePrefix(t, err)
			srv.Close()
		}
	}
	// The same server is trusted with its CA.
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `<doc><ok/></doc>`) }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{good}}
	srv.StartTLS()
	defer srv.Close()
	c, err := billmgr.NewClient(srv.URL, billmgr.WithAuthInfo("admin", "tls-secret"), billmgr.WithRootCAs(goodPool))
	require.NoError(t, err)
	_, err = c.Call(context.Background(), "whoami", nil)
	require.NoError(t, err)
}

// TestEchoedSecretsAreRedactedInNestedDocuments: a form that called another one carries
// the inner reply as a nested <doc> with a <tparams> of its own (the recorded
// payment.add.method reply); the credentials and passwords echoed there are redacted too.
func TestEchoedSecretsAreRedactedInNestedDocuments(t *testing.T) {
	sample, err := os.ReadFile("testdata/samples/billmgr6_form_payment_add_method_submitted_extok_internal.xml")
	require.NoError(t, err)
	echo := "<tparams>\n      <auth>SESSION-99ff</auth>\n      <authinfo>admin:nested-secret</authinfo>\n      <passwd>nested-secret</passwd>\n      <deeper><tparams><key>login-key-1</key></tparams></deeper>"
	body := strings.Replace(string(sample), "<tparams>", echo, 1) // the first is the nested document's
	require.Contains(t, body, "<doc lang=\"ru\" func=\"payment.add.method\" binary=\"/billmgr\" host=\"https://192.168.40.4\" themename=\"dragon\" features")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		io.WriteString(w, body)
	}))
	defer srv.Close()
	c, err := billmgr.NewClient(srv.URL, billmgr.WithAuthInfo("admin", "client-secret"))
	require.NoError(t, err)
	doc, err := c.Call(context.Background(), "payment.add.method", url.Values{"amount": {"10.00"}, "sok": {"ok"}})
	require.NoError(t, err)
	assert.True(t, doc.OK())
	nested := doc.Child("doc").Child("tparams")
	require.NotNil(t, nested)
	for _, name := range []string{"auth", "authinfo", "passwd"} {
		assert.Equal(t, "[REDACTED]", nested.Value(name), name)
	}
	assert.Equal(t, "10.00", nested.Value("amount"), "the rest of the echo stays")
	assert.Equal(t, "[REDACTED]", nested.Child("deeper").Child("tparams").Value("key"))
	assert.Empty(t, secretsLeak([]string{"SESSION-99ff", "nested-secret", "login-key-1"}, fmt.Sprintf("%#v", treeText(&doc.Node))))
}

// treeText is every name, attribute and text of the tree under n.
func treeText(n *billmgr.Node) string {
	var b strings.Builder
	b.WriteString(n.Name + " " + n.Text)
	for _, a := range n.Attrs {
		b.WriteString(" " + a.Name + "=" + a.Value)
	}
	for _, c := range n.Children {
		b.WriteString("\n" + treeText(c))
	}
	return b.String()
}
