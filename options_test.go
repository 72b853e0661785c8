package billmgr

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
