package billmgr_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// A write on a kept-alive HTTP/1 connection that the server closed while it was idle
// fails before a byte of it goes out, and net/http sends it on a new connection: it
// writes the headers of the SDK's body (which it does not know to be in memory) before it
// reads the body, so the body was not read, and onceBody rewinds it. Once bytes of a write
// went out, nothing sends it again.
//
// These tests are not parallel: goleak looks at every goroutine of the process.

// keepAliveServer is the fake BILLmanager behind a real HTTP/1.1 server, plain or TLS,
// which keeps connections alive and counts those it accepted.
type keepAliveServer struct {
	*httptest.Server
	fake    *billmgrtest.Handler
	account int64
	pool    *x509.CertPool // trusts the server's certificate (TLS)
	conns   atomic.Int64
	cutNext atomic.Bool // executes the next call, then cuts the connection instead of replying
}

func newKeepAliveServer(t *testing.T, useTLS bool) *keepAliveServer {
	t.Helper()
	s := &keepAliveServer{fake: billmgrtest.NewHandler()}
	s.account = s.fake.AddAccounts(1)[0]
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	if useTLS {
		s.StartTLS()
		s.pool = x509.NewCertPool()
		s.pool.AddCert(s.Certificate())
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

func (s *keepAliveServer) serve(w http.ResponseWriter, r *http.Request) {
	if !s.cutNext.CompareAndSwap(true, false) {
		s.fake.ServeHTTP(w, r)
		return
	}
	s.fake.ServeHTTP(httptest.NewRecorder(), r) // the call runs; its reply is lost
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		conn.Close()
	}
}

// executions is how many creates reached the fake.
func (s *keepAliveServer) executions() int { return s.fake.Hits("payment.edit") }

// ownTransport is a client on the SDK's own transport; callersTransport one on a
// transport given with WithHTTPClient. Each returns the client's options.
func ownTransport(_ *testing.T, s *keepAliveServer) []billmgr.Option {
	if s.pool == nil {
		return nil
	}
	return []billmgr.Option{billmgr.WithRootCAs(s.pool), billmgr.WithLang("ru")}
}

func callersTransport(t *testing.T, s *keepAliveServer) []billmgr.Option {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.pool}}
	t.Cleanup(tr.CloseIdleConnections)
	return []billmgr.Option{billmgr.WithHTTPClient(&http.Client{Transport: tr})}
}

// failWriteOnReusedConnection makes the next write of a request that gets a kept-alive
// connection fail before any byte goes out, and counts such requests: what net/http meets
// when the server reset the connection while it was idle, made certain. (A real close
// races with net/http's idle-connection reader, which usually notices first and drops the
// connection.) A write deadline in the past fails the write before it reaches the socket;
// net/http reports it as a write that sent nothing, as it does for a reset connection.
func failWriteOnReusedConnection(ctx context.Context, failed *atomic.Int64) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if info.Reused {
			failed.Add(1)
			_ = info.Conn.SetWriteDeadline(time.Unix(1, 0))
		}
	}})
}

// createPayment is the write of these tests.
func createPayment(ctx context.Context, c *billmgr.Client, account int64) (int64, error) {
	return c.Payments.Create(ctx, account, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("100.00")})
}

func TestWriteThatNothingOfWentOutIsSentOnANewConnection(t *testing.T) {
	tests := []struct {
		name      string
		tls       bool
		transport func(*testing.T, *keepAliveServer) []billmgr.Option
	}{
		{"the SDK's transport, HTTP", false, ownTransport},
		{"the SDK's transport, HTTPS", true, ownTransport},
		{"a caller's transport, HTTP", false, callersTransport},
		{"a caller's transport, HTTPS", true, callersTransport},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
			srv := newKeepAliveServer(t, tt.tls)
			c, err := billmgr.NewClient(srv.URL, append(tt.transport(t, srv),
				billmgr.WithAuthInfo(billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword))...)
			require.NoError(t, err)
			ctx := context.Background()
			_, err = createPayment(ctx, c, srv.account)
			require.NoError(t, err, "the first write, which leaves its connection alive")
			require.Equal(t, 1, srv.executions())

			var failed atomic.Int64
			id, err := createPayment(failWriteOnReusedConnection(ctx, &failed), c, srv.account)
			require.EqualValues(t, 1, failed.Load(), "the write got the kept-alive connection")
			require.NoError(t, err)
			assert.Positive(t, id)
			assert.Equal(t, 2, srv.executions(), "the write ran once")
			assert.EqualValues(t, 2, srv.conns.Load(), "net/http sent it on a new connection")
			page, err := c.Payments.List(ctx, srv.account, nil)
			require.NoError(t, err)
			assert.Equal(t, 2, page.Total, "each write made one payment")
		})
	}
}

// TestWriteThatWentOutIsNeverSentAgain: on a kept-alive connection, the server reads the
// write, runs it and cuts the connection instead of replying. Bytes of it went out: the
// call says its outcome is unknown, and nothing sends it again.
func TestWriteThatWentOutIsNeverSentAgain(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		t.Run(map[bool]string{false: "HTTP", true: "HTTPS"}[useTLS], func(t *testing.T) {
			t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
			srv := newKeepAliveServer(t, useTLS)
			c, err := billmgr.NewClient(srv.URL, append(ownTransport(t, srv),
				billmgr.WithAuthInfo(billmgrtest.DefaultAdminUser, billmgrtest.DefaultAdminPassword))...)
			require.NoError(t, err)
			ctx := context.Background()
			_, err = createPayment(ctx, c, srv.account)
			require.NoError(t, err)

			srv.cutNext.Store(true)
			id, err := createPayment(ctx, c, srv.account)
			require.Error(t, err, "created %d", id)
			assert.ErrorIs(t, err, billmgr.ErrOutcomeUnknown)
			assert.Equal(t, 2, srv.executions(), "the write ran once")
			assert.EqualValues(t, 1, srv.conns.Load(), "nothing sent it again")
			page, err := c.Payments.List(ctx, srv.account, nil)
			require.NoError(t, err)
			assert.Equal(t, 2, page.Total, "the write landed, as its error allows")
		})
	}
}
