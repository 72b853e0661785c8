package billmgr

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Per-call benchmarks: small calls to a loopback server that answers like BILLmanager.

// callServer answers func=auth with a session, payment.edit with a real-weight form
// (realWeightForm) and every other function with the <ok/> reply of testdata/samples,
// counting logins and new connections.
type callServer struct {
	*httptest.Server
	logins atomic.Int64
	conns  atomic.Int64

	mu       sync.Mutex
	lastForm url.Values
}

func newCallServer(tb testing.TB) *callServer {
	tb.Helper()
	ok := fixture(tb, "samples/billmgr6_ok_payment_setinpay_wire.xml")
	auth := fixture(tb, "samples/billmgr5_auth_session_ok.xml")
	form := realWeightForm(tb)
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
		switch r.PostForm.Get("func") {
		case "auth":
			s.logins.Add(1)
			_, _ = w.Write(auth)
		case "payment.edit":
			_, _ = w.Write(form)
		default:
			_, _ = w.Write(ok)
		}
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

// realWeightForm is the payment.edit form of testdata/payment.edit/form_en.xml with the
// furniture a real form reply carries: the root attributes, metadata and messages of
// samples/billmgr6_form_payment_add_method_internal.xml (about 16 KB in all).
func realWeightForm(tb testing.TB) []byte {
	tb.Helper()
	real := fixture(tb, "samples/billmgr6_form_payment_add_method_internal.xml")
	fields := fixture(tb, "payment.edit/form_en.xml")
	furniture := string(real[:bytes.Index(real, []byte("</messages>"))+len("</messages>\n")])
	f := string(fields)
	values := f[strings.Index(f, "</metadata>")+len("</metadata>\n"):]
	return []byte(furniture + values)
}

// setPaidByHand is the baseline: the POST a user would write with net/http, the same form
// as the SDK's, and encoding/xml to read <ok/> or <error> from the reply.
func setPaidByHand(hc *http.Client, endpoint string, form url.Values) error {
	body, err := postByHand(hc, endpoint, form)
	if err != nil {
		return err
	}
	var reply struct {
		Error *struct {
			Type string `xml:"type,attr"`
			Msg  string `xml:"msg"`
		} `xml:"error"`
		OK *struct{} `xml:"ok"`
	}
	if err := xml.Unmarshal(body, &reply); err != nil {
		return err
	}
	if reply.Error != nil || reply.OK == nil {
		return errors.New("payment.setpaid failed")
	}
	return nil
}

func postByHand(hc *http.Client, endpoint string, form url.Values) ([]byte, error) {
	resp, err := hc.PostForm(endpoint, form)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status)
	}
	return body, nil
}

// getByHand is the baseline of Payments.Get: the POST, encoding/xml, and the conversion
// a user writes to get the form's values typed.
func getByHand(hc *http.Client, endpoint string, form url.Values) (*PaymentDetails, error) {
	body, err := postByHand(hc, endpoint, form)
	if err != nil {
		return nil, err
	}
	var v struct {
		Error *struct {
			Type string `xml:"type,attr"`
		} `xml:"error"`
		ID               string `xml:"elid"`
		AccountID        string `xml:"plid"`
		Number           string `xml:"number"`
		CreateDate       string `xml:"createdate"`
		PayDate          string `xml:"paydate"`
		DocumentNumber   string `xml:"documentnumber"`
		DocumentDate     string `xml:"documentdate"`
		Description      string `xml:"description"`
		Sender           string `xml:"sender"`
		SubaccountAmount string `xml:"subaccountamount"`
		UsedAmount       string `xml:"usedamount"`
		PaymethodAmount  string `xml:"paymethodamount"`
		CommissionAmount string `xml:"commissionamount"`
		TaxAmount        string `xml:"taxamount_readonly"`
		Status           string `xml:"status"`
		Paymethod        string `xml:"paymethod"`
		RestrictRefund   string `xml:"restrictrefund"`
		Info             string `xml:"info"`
		Note             string `xml:"note"`
		Currency         string `xml:"currency"`
	}
	if err := xml.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	if v.Error != nil {
		return nil, errors.New("payment.edit failed: " + v.Error.Type)
	}
	var errs []error
	id := func(s string) int64 {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		errs = append(errs, err)
		return n
	}
	amount := func(s string) decimal.Decimal {
		d, err := decimal.NewFromString(strings.TrimSpace(s))
		errs = append(errs, err)
		return d
	}
	date := func(layout, s string) time.Time {
		t, err := time.ParseInLocation(layout, strings.TrimSpace(s), time.UTC)
		errs = append(errs, err)
		return t
	}
	p := &PaymentDetails{
		ID: id(v.ID), AccountID: id(v.AccountID), Number: strings.TrimSpace(v.Number),
		CreateDate: date(dateTimeLayout, v.CreateDate), PayDate: date(dateTimeLayout, v.PayDate),
		DocumentNumber: strings.TrimSpace(v.DocumentNumber), DocumentDate: date(dateLayout, v.DocumentDate),
		Description: strings.TrimSpace(v.Description), Sender: id(v.Sender),
		SubaccountAmount: amount(v.SubaccountAmount), UsedAmount: amount(v.UsedAmount),
		PaymethodAmount: amount(v.PaymethodAmount), CommissionAmount: amount(v.CommissionAmount),
		TaxAmount: amount(v.TaxAmount), Status: strings.TrimSpace(v.Status), Paymethod: id(v.Paymethod),
		RestrictRefund: strings.TrimSpace(v.RestrictRefund) == "on", Info: strings.TrimSpace(v.Info),
		Note: strings.TrimSpace(v.Note), Currency: id(v.Currency),
	}
	return p, errors.Join(errs...)
}

// newCallBench starts a callServer, a client of it and the http.Client of the
// hand-written calls.
func newCallBench(b *testing.B) (*callServer, *Client, *http.Client) {
	srv := newCallServer(b)
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword))
	if err != nil {
		b.Fatal(err)
	}
	return srv, c, &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// benchCall is one way to make a call, run as impl=name.
type benchCall struct {
	name string
	call func() error
}

// compareCalls runs each way of making a call: by hand (impl=net-http) and with the SDK
// (impl=sdk, …).
func compareCalls(b *testing.B, calls ...benchCall) {
	for _, impl := range calls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := impl.call(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSetPaid compares one Payments.SetPaid with the hand-written POST, one call at a
// time, on the same loopback server answering with the real <ok/> reply; impl=sdk-trace
// is the SDK with WithTrace, handing each exchange to a function that does nothing.
func BenchmarkSetPaid(b *testing.B) {
	srv, c, hc := newCallBench(b)
	ctx := context.Background()
	if err := c.Payments.SetPaid(ctx, 7); err != nil {
		b.Fatal(err)
	}
	form := srv.form() // exactly what the SDK sent
	if err := setPaidByHand(hc, srv.URL, form); err != nil {
		b.Fatal(err)
	}
	if !reflect.DeepEqual(srv.form(), form) {
		b.Fatalf("the forms differ: %v and %v", srv.form(), form)
	}
	traced, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword), WithTrace(func(context.Context, Trace) {}))
	if err != nil {
		b.Fatal(err)
	}
	compareCalls(b,
		benchCall{"net-http", func() error { return setPaidByHand(hc, srv.URL, form) }},
		benchCall{"sdk", func() error { return c.Payments.SetPaid(ctx, 7) }},
		benchCall{"sdk-trace", func() error { return traced.Payments.SetPaid(ctx, 7) }})
}

// BenchmarkGet compares one Payments.Get with the hand-written POST and encoding/xml, on
// the same loopback server answering with a real-weight payment.edit form.
func BenchmarkGet(b *testing.B) {
	srv, c, hc := newCallBench(b)
	ctx := context.Background()
	sdk, err := c.Payments.Get(ctx, 12, 345)
	if err != nil {
		b.Fatal(err)
	}
	form := srv.form()
	byHand, err := getByHand(hc, srv.URL, form)
	if err != nil {
		b.Fatal(err)
	}
	if !reflect.DeepEqual(sdk, byHand) {
		b.Fatalf("the SDK read %+v, the baseline %+v", sdk, byHand)
	}
	compareCalls(b, benchCall{"net-http", func() error {
		_, err := getByHand(hc, srv.URL, form)
		return err
	}}, benchCall{"sdk", func() error {
		_, err := c.Payments.Get(ctx, 12, 345)
		return err
	}})
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
