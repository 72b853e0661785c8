package billmgr

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// Per-call benchmarks: small calls to a loopback server that answers like BILLmanager.

// callServer answers func=auth with a session and every other function with the <ok/>
// reply of testdata/samples, counting logins and new connections.
type callServer struct {
	*httptest.Server
	logins atomic.Int64
	conns  atomic.Int64

	mu       sync.Mutex
	lastForm url.Values
}

func newCallServer(tb testing.TB) *callServer {
	tb.Helper()
	ok, err := os.ReadFile("testdata/samples/billmgr6_ok_payment_setinpay_wire.xml")
	if err != nil {
		tb.Fatal(err)
	}
	auth, err := os.ReadFile("testdata/samples/billmgr5_auth_session_ok.xml")
	if err != nil {
		tb.Fatal(err)
	}
	s := &callServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.lastForm = r.PostForm
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		if r.PostForm.Get("func") == "auth" {
			s.logins.Add(1)
			_, _ = w.Write(auth)
			return
		}
		_, _ = w.Write(ok)
	}))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

func (s *callServer) form() url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastForm
}

// setPaidByHand is the baseline: the POST a user would write with net/http, the same form
// as the SDK's, and a check for <error> in the reply.
func setPaidByHand(hc *http.Client, endpoint string, form url.Values) error {
	resp, err := hc.PostForm(endpoint, form)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(body, []byte("<error")) {
		return errors.New("payment.setpaid failed")
	}
	return nil
}

// BenchmarkSetPaid compares one Payments.SetPaid with the hand-written POST, one call at a
// time, on the same loopback server.
func BenchmarkSetPaid(b *testing.B) {
	srv := newCallServer(b)
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Payments.SetPaid(ctx, 7); err != nil {
		b.Fatal(err)
	}
	form := srv.form() // exactly what the SDK sent
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	if err := setPaidByHand(hc, srv.URL, form); err != nil {
		b.Fatal(err)
	}
	if !reflect.DeepEqual(srv.form(), form) {
		b.Fatalf("the forms differ: %v and %v", srv.form(), form)
	}
	b.Run("impl=net-http", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := setPaidByHand(hc, srv.URL, form); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := c.Payments.SetPaid(ctx, 7); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSessions makes 1,000 calls per operation with a new client: WithSession logs
// in once for all of them, WithAuthInfo never. It fails on any other count.
func BenchmarkSessions(b *testing.B) {
	const calls = 1000
	for _, tt := range []struct {
		name   string
		opt    Option
		logins int64
	}{
		{"auth=authinfo", WithAuthInfo(testUser, testPassword), 0},
		{"auth=session", WithSession(testUser, testPassword), 1},
	} {
		b.Run(tt.name, func(b *testing.B) {
			srv := newCallServer(b)
			ctx := context.Background()
			for i := 0; i < b.N; i++ {
				c, err := NewClient(srv.URL, tt.opt)
				if err != nil {
					b.Fatal(err)
				}
				before := srv.logins.Load()
				for j := 0; j < calls; j++ {
					if err := c.Payments.SetPaid(ctx, 7); err != nil {
						b.Fatal(err)
					}
				}
				if logins := srv.logins.Load() - before; logins != tt.logins {
					b.Fatalf("%d calls made %d logins, want %d", calls, logins, tt.logins)
				}
			}
			b.ReportMetric(float64(srv.logins.Load())/float64(b.N), "logins/1000calls")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*calls), "ns/call")
		})
	}
}

// BenchmarkParallelCalls runs SetPaid from 64 goroutines and counts the connections the
// server accepted. Kept alive, they stay near the client's idle pool (64 per host) however
// many calls are made; closed after each call, there would be one per call. The SDK's own
// transport does not cap connections per host (a cap deadlocks callers that nest calls in
// All), so a caller quicker than net/http's return of a connection to the pool now and then
// dials one more; the benchmark fails above twice the pool.
func BenchmarkParallelCalls(b *testing.B) {
	const goroutines, idlePool = 64, 64
	for _, tt := range []struct {
		name     string
		opts     []Option
		maxConns int64
	}{
		{"transport=sdk", nil, 2 * idlePool},
	} {
		b.Run(tt.name, func(b *testing.B) {
			srv := newCallServer(b)
			c, err := NewClient(srv.URL, append([]Option{WithAuthInfo(testUser, testPassword)}, tt.opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism((goroutines + procs - 1) / procs)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := c.Payments.SetPaid(ctx, 7); err != nil {
						b.Error(err)
						return
					}
				}
			})
			conns := srv.conns.Load()
			b.ReportMetric(float64(conns), "conns")
			if conns > tt.maxConns {
				b.Fatalf("%d connections for %d calls from %d goroutines: connections are not kept alive", conns, b.N, goroutines)
			}
		})
	}
}
