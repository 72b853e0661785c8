package billmgr_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"

	"github.com/go-billmgr/billmgr"
)

// HTTP/2 replays a request by itself, below the SDK's retry loop, after a stream reset
// (PROTOCOL_ERROR, REFUSED_STREAM) or a GOAWAY, when it can rewind the body with
// Request.GetBody. These tests run a raw HTTP/2 server, built on x/net/http2's Framer
// over TLS with ALPN h2, that reads payment.edit, counts an execution, and then
// misbehaves. Whatever the fault and the transport, the server must count one execution,
// and the call must fail promptly with an error that wraps ErrOutcomeUnknown.

// h2Fault is what the server does once it has read (and executed) a request.
type h2Fault int

const (
	h2ResetProtocol h2Fault = iota // RST_STREAM PROTOCOL_ERROR, then answers later streams
	h2ResetRefused                 // RST_STREAM REFUSED_STREAM, then answers later streams
	h2GoAway                       // GOAWAY claiming no stream was processed, then answers later streams
	h2Cut                          // closes the connection, then answers later connections
	h2ResetEvery                   // RST_STREAM PROTOCOL_ERROR on every stream
)

var h2Faults = []struct {
	name  string
	fault h2Fault
}{
	{"RST_STREAM PROTOCOL_ERROR", h2ResetProtocol},
	{"RST_STREAM REFUSED_STREAM", h2ResetRefused},
	{"GOAWAY after the request", h2GoAway},
	{"connection cut after the body", h2Cut},
	{"every stream reset", h2ResetEvery},
}

// h2Server is the raw HTTP/2 server.
type h2Server struct {
	url        string
	pool       *x509.CertPool // trusts the server's certificate
	fault      h2Fault
	executions atomic.Int64 // payment.edit requests read in full
	ln         net.Listener
	wg         sync.WaitGroup
	mu         sync.Mutex
	conns      []net.Conn
}

func newH2Server(t *testing.T, fault h2Fault) *h2Server {
	t.Helper()
	cert, pool := selfSignedCertificate(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{http2.NextProtoTLS}})
	require.NoError(t, err)
	s := &h2Server{url: "https://" + ln.Addr().String(), pool: pool, fault: fault, ln: ln}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

func (s *h2Server) accept() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, conn)
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			s.serve(conn)
		}()
	}
}

func (s *h2Server) close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// serve speaks HTTP/2 on one connection until it breaks or the fault closes it.
func (s *h2Server) serve(conn net.Conn) {
	tc := conn.(*tls.Conn)
	if tc.Handshake() != nil || tc.ConnectionState().NegotiatedProtocol != http2.NextProtoTLS {
		return
	}
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(conn, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(conn, conn)
	fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	var headers bytes.Buffer
	enc := hpack.NewEncoder(&headers)
	if fr.WriteSettings() != nil {
		return
	}
	bodies := map[uint32][]byte{}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		id, ended := f.Header().StreamID, false
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() && fr.WriteSettingsAck() != nil {
				return
			}
		case *http2.PingFrame:
			if !f.IsAck() && fr.WritePing(true, f.Data) != nil {
				return
			}
		case *http2.MetaHeadersFrame:
			bodies[id], ended = []byte{}, f.StreamEnded()
		case *http2.DataFrame:
			bodies[id], ended = append(bodies[id], f.Data()...), f.StreamEnded()
		case *http2.GoAwayFrame:
			return
		}
		if ended {
			if !s.respond(fr, enc, &headers, id, bodies[id]) {
				return
			}
			delete(bodies, id)
		}
	}
}

// respond executes the request of stream id and then misbehaves, or answers; false closes
// the connection.
func (s *h2Server) respond(fr *http2.Framer, enc *hpack.Encoder, headers *bytes.Buffer, id uint32, body []byte) bool {
	form, _ := url.ParseQuery(string(body))
	n := int64(0)
	if form.Get("func") == "payment.edit" {
		n = s.executions.Add(1)
	}
	first := n == 1
	switch {
	case s.fault == h2ResetEvery || first && s.fault == h2ResetProtocol:
		return fr.WriteRSTStream(id, http2.ErrCodeProtocol) == nil
	case first && s.fault == h2ResetRefused:
		return fr.WriteRSTStream(id, http2.ErrCodeRefusedStream) == nil
	case first && s.fault == h2GoAway:
		return fr.WriteGoAway(0, http2.ErrCodeNo, nil) == nil
	case first && s.fault == h2Cut:
		return false
	}
	headers.Reset()
	_ = enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
	_ = enc.WriteField(hpack.HeaderField{Name: "content-type", Value: "text/xml; charset=UTF-8"})
	if fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: headers.Bytes(), EndHeaders: true}) != nil {
		return false
	}
	return fr.WriteData(id, true, []byte(`<?xml version="1.0" encoding="UTF-8"?><doc func="payment.edit"><ok/><id>7</id></doc>`)) == nil
}

// selfSignedCertificate makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSignedCertificate(t *testing.T) (tls.Certificate, *x509.CertPool) {
	return testCertificate(t, net.IPv4(127, 0, 0, 1), time.Now().Add(time.Hour))
}

// testCertificate makes a self-signed certificate for ip, valid until notAfter, and a pool
// that trusts it.
func testCertificate(t *testing.T, ip net.IP, notAfter time.Time) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "billing test CA"},
		NotBefore:             notAfter.Add(-2 * time.Hour),
		NotAfter:              notAfter,
		IPAddresses:           []net.IP{ip},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// h2Transports are the ways a client reaches the server over HTTP/2: the SDK's own
// transport, and a caller's through WithHTTPClient (net/http's with ForceAttemptHTTP2,
// and x/net's http2.Transport). Each returns the client's options and a cleanup.
var h2Transports = []struct {
	name string
	opts func(pool *x509.CertPool) ([]billmgr.Option, func())
}{
	{"the SDK's transport", func(pool *x509.CertPool) ([]billmgr.Option, func()) {
		return []billmgr.Option{billmgr.WithRootCAs(pool)}, func() {}
	}},
	{"net/http with ForceAttemptHTTP2", func(pool *x509.CertPool) ([]billmgr.Option, func()) {
		tr := &http.Transport{ForceAttemptHTTP2: true, TLSClientConfig: &tls.Config{RootCAs: pool}}
		return []billmgr.Option{billmgr.WithHTTPClient(&http.Client{Transport: tr})}, tr.CloseIdleConnections
	}},
	{"x/net http2.Transport", func(pool *x509.CertPool) ([]billmgr.Option, func()) {
		tr := &http2.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
		return []billmgr.Option{billmgr.WithHTTPClient(&http.Client{Transport: tr})}, tr.CloseIdleConnections
	}},
}

func TestHTTP2NeverReplaysAWrite(t *testing.T) {
	for _, tr := range h2Transports {
		for _, fc := range h2Faults {
			t.Run(tr.name+"/"+fc.name, func(t *testing.T) {
				t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
				srv := newH2Server(t, fc.fault)
				opts, cleanup := tr.opts(srv.pool)
				t.Cleanup(cleanup) // runs before the server closes, after goleak is set
				c, err := billmgr.NewClient(srv.url, append(opts, billmgr.WithAuthInfo("admin", "h2-secret"))...)
				require.NoError(t, err)

				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				start := time.Now()
				id, err := c.Payments.Create(ctx, 5, &billmgr.PaymentParams{SubaccountAmount: billmgr.MustDecimal("25.00")})
				elapsed := time.Since(start)

				assert.EqualValues(t, 1, srv.executions.Load(), "executions counted by the server")
				require.Error(t, err, "created %d", id)
				assert.ErrorIs(t, err, billmgr.ErrOutcomeUnknown)
				assert.NotErrorIs(t, err, context.DeadlineExceeded, "the call must fail by itself, not by the deadline")
				assert.Less(t, elapsed, 5*time.Second, "the call fails promptly")
				assert.Empty(t, secretsLeak([]string{"h2-secret"}, errorTexts(err)...))
				t.Logf("%v after %v: %v", srv.executions.Load(), elapsed.Round(time.Millisecond), err)
			})
		}
	}
}

// TestHTTP2ReadIsRetriedBySDK: a read is not replayed by the transport either: the SDK's
// retry loop sends it again, within its policy, and it succeeds once the server answers.
func TestHTTP2ReadIsRetriedBySDK(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
	srv := newH2Server(t, h2ResetProtocol)
	c, err := billmgr.NewClient(srv.url, billmgr.WithRootCAs(srv.pool), billmgr.WithAuthInfo("admin", "h2-secret"),
		billmgr.WithRetry(billmgr.RetryPolicy{MaxAttempts: 2, MinDelay: time.Millisecond, MaxDelay: time.Millisecond}))
	require.NoError(t, err)
	_, err = c.Payments.Get(context.Background(), 5, 7) // payment.edit without sok: the view
	require.NoError(t, err)
	assert.EqualValues(t, 2, srv.executions.Load(), "the reset stream and the SDK's one retry")
}
