package billmgrtest

import (
	"net/http"
	"net/http/httptest"
)

// fake names the Handler embedded in a Server, so that Server can have a
// Handler method too.
type fake = Handler

// Server is a fake BILLmanager listening on a loopback port. The methods of
// its Handler (Hits, FailNext, DropNext, SetDelay, ExpireSessions, Balance,
// AddPayments, AddAccounts, AccountID, Outbox) are available on it directly.
type Server struct {
	*fake

	// URL is the API endpoint, http://127.0.0.1:PORT/billmgr.
	URL string
	// AdminUser and AdminPassword are the administrator's credentials.
	AdminUser, AdminPassword string

	ts *httptest.Server
}

// NewServer starts a fake on 127.0.0.1 and a free port. Close it when done.
func NewServer(opts ...Option) *Server {
	h := NewHandler(opts...)
	ts := httptest.NewServer(h)
	return &Server{
		fake:          h,
		URL:           ts.URL + "/billmgr",
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

// Client returns an HTTP client for the server (plain HTTP; TLS is not used).
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Handler returns the server's handler.
func (s *Server) Handler() *Handler { return s.fake }
