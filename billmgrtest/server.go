package billmgrtest

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
)

// fake names the Handler embedded in a Server, so that Server can have a
// Handler method too.
type fake = Handler

// Server is a fake BILLmanager listening on a loopback port. The methods of
// its Handler (Hits, FailNext, DropNext, SetDelay, ExpireSessions, Refuse, RefuseNext,
// ClearRefusals, Balance, AddPayments, AddAccounts, AccountID, PaymentIDs, Outbox) are
// available on it directly.
type Server struct {
	*fake

	// URL is the API endpoint, http://127.0.0.1:PORT/billmgr (https:// from NewTLSServer).
	URL string
	// AdminUser and AdminPassword are the administrator's credentials.
	AdminUser, AdminPassword string

	ts *httptest.Server
}

// NewServer starts a fake on 127.0.0.1 and a free port, over plain HTTP. Close it when
// done.
func NewServer(opts ...Option) *Server { return newServer(httptest.NewServer, opts) }

// NewTLSServer starts a fake on 127.0.0.1 and a free port over HTTPS, as a panel serves
// port 1500, with a self-signed certificate that Client trusts. Pin it as a client of a
// real panel would:
//
//	billmgr.WithPinnedCertificate(billmgr.PublicKeyPin(srv.Certificate()))
func NewTLSServer(opts ...Option) *Server { return newServer(httptest.NewTLSServer, opts) }

func newServer(start func(http.Handler) *httptest.Server, opts []Option) *Server {
	h := NewHandler(opts...)
	ts := start(h)
	return &Server{
		fake:          h,
		URL:           ts.URL + APIPath,
		AdminUser:     h.st.cfg.adminUser,
		AdminPassword: h.st.cfg.adminPassword,
		ts:            ts,
	}
}

// Close ends the connections in flight (requests waiting out SetDelay get no
// reply) and stops the server.
func (s *Server) Close() {
	s.ts.CloseClientConnections()
	s.ts.Close()
}

// Client returns an HTTP client for the server; from NewTLSServer, one that trusts its
// certificate.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Certificate returns the certificate of a server from NewTLSServer, nil for a plain one.
func (s *Server) Certificate() *x509.Certificate { return s.ts.Certificate() }

// Handler returns the server's handler.
func (s *Server) Handler() *Handler { return s.fake }
