package billmgr

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr/internal/xmlscan"
)

// Decoding benchmarks: a client's payment list (account.payment) as BILLmanager sends it,
// at 1,000 to 1,000,000 rows. Every page has the head and the tail of
// testdata/samples/billmgr6_list_payment_client_full_internal.xml (metadata, messages,
// tparams, p_cnt, p_num, p_elems) and real-weight rows (appendBenchRow). The list is
// served over loopback HTTP by a server that writes bytes it made once (listServer), so
// that every implementation, the transport's own cost included, reads the same bytes
// the same way, and no list is held in the measured heap.

var benchRowCounts = []int{1000, 10000, 100000, 1000000}

// benchShape is the head and the tail of the sample list: the head up to the first row,
// the tail after the last with %d for p_cnt, p_num and p_elems.
type benchShape struct {
	head []byte
	tail string
}

func loadBenchShape(tb testing.TB) benchShape {
	tb.Helper()
	s := string(fixture(tb, "samples/billmgr6_list_payment_client_full_internal.xml"))
	tail := s[strings.LastIndex(s, "</elem>")+len("</elem>\n"):]
	tail = strings.Replace(tail, "<p_cnt>1000</p_cnt>", "<p_cnt>%d</p_cnt>", 1)
	tail = strings.Replace(tail, "<p_num>1</p_num>", "<p_num>%d</p_num>", 1)
	tail = strings.Replace(tail, "<p_elems>6</p_elems>", "<p_elems>%d</p_elems>", 1)
	return benchShape{head: []byte(s[:strings.Index(s, "  <elem>")]), tail: tail}
}

// appendBenchRow appends a real-weight row: the columns of the sample's rows in their
// order, with the columns of the administrator's list the sample lacks (recipient,
// provider, client), Cyrillic labels, entities in names, " - " for a missing payer or
// recipient, amounts in RUB, ₽ and with four decimals, and every fifth payment unpaid
// (status 1, no pay_date and none of its variants). Rows are about 1.2 KB.
func appendBenchRow(b []byte, id int) []byte {
	day := benchDays[id%len(benchDays)]
	paid := id%5 != 0
	amount := func(b []byte, scale4 bool, currency string) []byte {
		b = strconv.AppendInt(b, int64(id%100000)/10, 10)
		b = append(b, '.', byte('0'+id%100/10), byte('0'+id%10))
		if scale4 {
			b = append(b, "50"...)
		}
		return append(append(b, ' '), currency...)
	}
	text := func(b []byte, name, value string) []byte {
		return append(append(append(append(append(append(b, "    <"...), name...), '>'), value...), "</"...), name+">\n"...)
	}
	b = append(b, "  <elem>\n"...)
	b = text(b, "docflow_pdf_status", strconv.Itoa(id%5))
	b = text(b, "store_payment", "off")
	b = append(b, "    <paymethodamount_iso>"...)
	switch id % 4 {
	case 1:
		b = amount(b, false, "₽")
	case 3:
		b = amount(b, true, "RUB")
	default:
		b = amount(b, false, "RUB")
	}
	b = append(b, "</paymethodamount_iso>\n    <subaccountamount_iso>"...)
	b = amount(b, false, "RUB")
	b = append(b, "</subaccountamount_iso>\n"...)
	b = text(b, "sender_name", benchNames[id%3])
	b = text(b, "recipient_name", benchRecipients[id%2])
	b = text(b, "project", "Хостинг-Центр")
	b = text(b, "account_name", "Клиент №"+strconv.Itoa(id%10000))
	b = append(b, `    <paymethod_name nolink="yes">`...)
	b = append(b, benchMethods[id%2]...)
	b = append(b, "</paymethod_name>\n"...)
	b = text(b, "create_date", day)
	if paid {
		b = text(b, "pay_date", day)
	}
	b = text(b, "allowrefund", "off")
	b = text(b, "refund", "off")
	if paid {
		b = text(b, "real_status", "4")
		b = append(b, `    <status color="green" orig="4">Зачислен</status>`+"\n"...)
	} else {
		b = text(b, "real_status", "1")
		b = append(b, `    <status orig="1">Новый</status>`+"\n"...)
	}
	b = text(b, "number", "pfx/"+strconv.Itoa(id))
	b = text(b, "paymethod_module", benchModules[id%2])
	b = text(b, "id", strconv.Itoa(id))
	dates := []string{"create_date"}
	if paid {
		dates = append(dates, "pay_date")
	}
	d := strconv.Itoa(1 + id%28)
	for _, col := range dates {
		b = text(b, col+"_l", d+" мая 2024 г.")
		b = text(b, col+"_s", d+" май 2024 г.")
		b = text(b, col+"_locale_time", "00:00")
	}
	return append(b, "  </elem>\n"...)
}

var (
	benchNames      = []string{"ИП Петров &amp; партнёры", " - ", " - "}
	benchRecipients = []string{"ООО &quot;Хостинг-Центр&quot;", " - "}
	benchMethods    = []string{"Банковская карта", "ru"}
	benchModules    = []string{"pmtinkoff", "pmtestpayment"}
	// benchDays are the dates of the rows: the year before 2024-05-07.
	benchDays = func() (days []string) {
		day := time.Date(2024, 5, 7, 0, 0, 0, 0, time.UTC)
		for i := 0; i < 365; i++ {
			days = append(days, day.AddDate(0, 0, -i).Format(dateLayout))
		}
		return days
	}()
)

// benchRowID is the id of the row at position pos (0-based) of a list paged by size. The
// ids of a page count down, and the pages alternate between two sets of ids, so that a
// server can serve any page from one of two blocks of rows made once: All, which keeps
// the keys of the page before and of the current page, cannot tell this list from one
// whose ids never repeat.
func benchRowID(pos, size int) int {
	page, j := pos/size, pos%size
	return (page%2)*size + size - j
}

// appendBenchRows appends the rows at positions first to last-1.
func appendBenchRows(b []byte, first, last, size int) []byte {
	for pos := first; pos < last; pos++ {
		b = appendBenchRow(b, benchRowID(pos, size))
	}
	return b
}

// listServer serves a generated list of total rows on loopback HTTP the way BILLmanager
// pages account.payment: p_num is clamped to the last page (asking past the end repeats
// it), every page carries the sample's head and tail. Full pages of up to 10,000 rows are
// made once per size and parity; any other page is made while it is written.
type listServer struct {
	*httptest.Server
	shape benchShape
	total int

	mu     sync.Mutex
	blocks map[[2]int][]byte
}

func newListServer(tb testing.TB, total int) *listServer {
	tb.Helper()
	s := &listServer{shape: loadBenchShape(tb), total: total, blocks: map[[2]int][]byte{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

func (s *listServer) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	size, _ := strconv.Atoi(r.PostForm.Get("p_cnt"))
	if size <= 0 {
		size = allPageSize
	}
	number, _ := strconv.Atoi(r.PostForm.Get("p_num"))
	last := max(1, (s.total+size-1)/size)
	number = min(max(number, 1), last)
	first, end := (number-1)*size, min(number*size, s.total)
	rows := s.block(number, size, first, end)
	tail := fmt.Sprintf(s.shape.tail, size, number, s.total)
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(s.shape.head)+len(rows)+len(tail)))
	_, _ = w.Write(s.shape.head)
	_, _ = w.Write(rows)
	_, _ = io.WriteString(w, tail)
}

// block returns the rows first to end-1 of page number.
func (s *listServer) block(number, size, first, end int) []byte {
	if end-first != size || size > 10000 {
		return appendBenchRows(nil, first, end, size)
	}
	key := [2]int{size, number % 2}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.blocks[key]
	if !ok {
		b = appendBenchRows(make([]byte, 0, size*1300), first, end, size)
		s.blocks[key] = b
	}
	return b
}

// pageBytes is the size of the whole list as served in pages of size rows.
func (s *listServer) pageBytes(size int) int64 {
	var n int64
	for first := 0; first < s.total; first += size {
		end := min(first+size, s.total)
		n += int64(len(s.shape.head) + len(s.block(first/size+1, size, first, end)) + len(fmt.Sprintf(s.shape.tail, size, first/size+1, s.total)))
	}
	return n
}

// postPage is the request a user writes for page number: a form POST as the SDK sends.
func postPage(hc *http.Client, endpoint string, number int) (*http.Response, error) {
	form := url.Values{"func": {"account.payment"}, "elid": {"1"}, "out": {"xml"}, "lang": {"en"},
		"authinfo": {testUser + ":" + testPassword}, "p_num": {strconv.Itoa(number)}, "p_cnt": {strconv.Itoa(allPageSize)}}
	resp, err := hc.PostForm(endpoint, form)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("HTTP %s", resp.Status)
	}
	return resp, nil
}

// byPage runs page on every page of the list, each a POST of its own, until a page is
// short or the total is reached, and returns the rows counted.
func byPage(hc *http.Client, endpoint string, page func(body io.Reader) (rows, total int, err error)) (int, error) {
	n := 0
	for number := 1; ; number++ {
		resp, err := postPage(hc, endpoint, number)
		if err != nil {
			return n, err
		}
		rows, total, err := page(resp.Body)
		resp.Body.Close()
		if err != nil {
			return n, err
		}
		n += rows
		if rows < allPageSize || n >= total {
			return n, nil
		}
	}
}

// baselinePayment has the fields of Payment as a user of encoding/xml declares them.
type baselinePayment struct {
	ID            string `xml:"id"`
	Number        string `xml:"number"`
	CreateDate    string `xml:"create_date"`
	PayDate       string `xml:"pay_date"`
	SenderName    string `xml:"sender_name"`
	RecipientName string `xml:"recipient_name"`
	Project       struct {
		Orig  string `xml:"orig,attr"`
		Label string `xml:",chardata"`
	} `xml:"project"`
	AccountName      string `xml:"account_name"`
	PaymethodName    string `xml:"paymethod_name"`
	PaymethodModule  string `xml:"paymethod_module"`
	SubaccountAmount string `xml:"subaccountamount_iso"`
	PaymethodAmount  string `xml:"paymethodamount_iso"`
	Status           struct {
		Orig  string `xml:"orig,attr"`
		Label string `xml:",chardata"`
	} `xml:"status"`
	RealStatus     string `xml:"real_status"`
	RestrictRefund string `xml:"restrictrefund"`
	AllowRefund    string `xml:"allowrefund"`
	Refund         string `xml:"refund"`
}

type baselineList struct {
	Elems []baselinePayment `xml:"elem"`
	Total int               `xml:"p_elems"`
}

// convert is the conversion a user of encoding/xml writes to get a Payment.
func (p *baselinePayment) convert() (Payment, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(p.ID), 10, 64)
	if err != nil {
		return Payment{}, err
	}
	date := func(s string) (time.Time, error) {
		if s = strings.TrimSpace(s); s == "" {
			return time.Time{}, nil
		}
		return time.ParseInLocation(dateLayout, s, time.UTC)
	}
	money := func(s string) (Money, error) {
		amount, currency, _ := strings.Cut(strings.TrimSpace(s), " ")
		d, err := decimal.NewFromString(amount)
		return Money{Amount: d, Currency: currency}, err
	}
	status := func(orig, label string) Status {
		label = strings.TrimSpace(label)
		if orig == "" {
			orig = label
		}
		return Status{Code: orig, Label: label}
	}
	name := func(s string) string {
		if s = strings.TrimSpace(s); s == "-" {
			return "" // the placeholder of a missing name
		}
		return s
	}
	out := Payment{ID: id, Number: strings.TrimSpace(p.Number), SenderName: name(p.SenderName),
		RecipientName: name(p.RecipientName), AccountName: name(p.AccountName),
		Project:       status(p.Project.Orig, p.Project.Label),
		PaymethodName: name(p.PaymethodName), PaymethodModule: strings.TrimSpace(p.PaymethodModule),
		Status:      status(p.Status.Orig, p.Status.Label),
		RealStatus:  status("", p.RealStatus),
		AllowRefund: p.AllowRefund == "on", Refund: p.Refund == "on", RestrictRefund: p.RestrictRefund == "on"}
	var errs [4]error
	out.CreateDate, errs[0] = date(p.CreateDate)
	out.PayDate, errs[1] = date(p.PayDate)
	out.SubaccountAmount, errs[2] = money(p.SubaccountAmount)
	out.PaymethodAmount, errs[3] = money(p.PaymethodAmount)
	for _, err := range errs {
		if err != nil {
			return Payment{}, err
		}
	}
	return out, nil
}

// benchImpl is one way of reading the whole list from a listServer.
type benchImpl struct {
	name string
	read func(s *listServer) func() (int, error)
}

// benchImpls: the user's encoding/xml code first (benchstat compares the others with the
// first column), the SDK, encoding/xml's tokenizer alone, and the transport alone.
var benchImpls = []benchImpl{
	{"xml.Unmarshal", func(s *listServer) func() (int, error) {
		hc := benchHTTPClient()
		return func() (int, error) {
			return byPage(hc, s.URL, func(body io.Reader) (int, int, error) {
				b, err := io.ReadAll(body)
				if err != nil {
					return 0, 0, err
				}
				var list baselineList
				if err := xml.Unmarshal(b, &list); err != nil {
					return 0, 0, err
				}
				for i := range list.Elems {
					if _, err := list.Elems[i].convert(); err != nil {
						return 0, 0, err
					}
				}
				return len(list.Elems), list.Total, nil
			})
		}
	}},
	{"sdk", func(s *listServer) func() (int, error) {
		c, err := NewClient(s.URL, WithAuthInfo(testUser, testPassword), WithHTTPClient(benchHTTPClient()))
		if err != nil {
			panic(err)
		}
		return func() (int, error) {
			n := 0
			for _, err := range c.Payments.All(context.Background(), 1, nil) {
				if err != nil {
					return n, err
				}
				n++
			}
			return n, nil
		}
	}},
	{"xml.RawToken", func(s *listServer) func() (int, error) {
		hc := benchHTTPClient()
		return func() (int, error) {
			return byPage(hc, s.URL, func(body io.Reader) (int, int, error) {
				rows, err := countRawTokenRows(body)
				return rows, s.total, err
			})
		}
	}},
	{"transport", func(s *listServer) func() (int, error) {
		hc := benchHTTPClient()
		return func() (int, error) {
			return byPage(hc, s.URL, func(body io.Reader) (int, int, error) {
				_, err := io.Copy(io.Discard, body)
				return allPageSize, s.total, err
			})
		}
	}},
}

func benchHTTPClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// countRawTokenRows runs encoding/xml's tokenizer over a page and maps nothing: the floor
// of any decoder built on encoding/xml.
func countRawTokenRows(body io.Reader) (int, error) {
	d := xml.NewDecoder(body)
	rows := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return 0, err
		}
		if e, ok := tok.(xml.EndElement); ok && e.Name.Local == "elem" {
			rows++
		}
	}
}

// BenchmarkDecode reports ns/row, B/row and allocs/row of each implementation reading the
// whole list in pages of 1,000 rows over loopback HTTP (B/row and allocs/row include the
// server's, the same for every implementation). Run it with -benchtime 1x.
func BenchmarkDecode(b *testing.B) {
	for _, rows := range benchRowCounts {
		srv := newListServer(b, rows)
		bytesPerList := srv.pageBytes(allPageSize)
		for _, impl := range benchImpls {
			b.Run(fmt.Sprintf("rows=%d/impl=%s", rows, impl.name), func(b *testing.B) {
				read := impl.read(srv)
				b.SetBytes(bytesPerList)
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					n, err := read()
					if err != nil {
						b.Fatal(err)
					}
					if n != rows {
						b.Fatalf("read %d rows, want %d", n, rows)
					}
				}
				b.StopTimer()
				runtime.ReadMemStats(&after)
				perRow := float64(b.N) * float64(rows)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/perRow, "ns/row")
				b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/perRow, "B/row")
				b.ReportMetric(float64(after.Mallocs-before.Mallocs)/perRow, "allocs/row")
			})
		}
	}
}

// generatedList is a list of n rows made while it is read, for the peak-heap benchmark:
// it takes no memory of its own, so that the heap measured is the decoder's.
type generatedList struct {
	n     int
	shape benchShape
}

// page returns page number of size rows.
func (l *generatedList) page(number, size int) io.Reader {
	first := min((number-1)*size, l.n)
	return &rowStream{list: l, pos: first, end: min(first+size, l.n), number: number, size: size}
}

// rowStream reads one page of a generatedList.
type rowStream struct {
	list         *generatedList
	pos, end     int
	number, size int
	buf          []byte
	started      bool
	done         bool
}

func (r *rowStream) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		switch {
		case !r.started:
			r.buf, r.started = append(r.buf, r.list.shape.head...), true
		case r.pos < r.end:
			r.buf = appendBenchRow(r.buf, benchRowID(r.pos, r.size))
			r.pos++
		case !r.done:
			r.buf, r.done = fmt.Appendf(r.buf, r.list.shape.tail, r.size, r.number, r.list.n), true
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[:copy(r.buf, r.buf[n:])]
	return n, nil
}

// pagingTransport serves a generatedList page by page from memory, as the server pages
// account.payment; with onePage set it sends every row on the first page whatever p_cnt
// asks for, like a server that ignores p_cnt.
type pagingTransport struct {
	list    *generatedList
	onePage bool
}

func (m pagingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	number, size, err := pageAsked(r)
	if err != nil {
		return nil, err
	}
	if m.onePage {
		number, size = 1, m.list.n
	}
	return xmlResponse(r, m.list.page(number, size)), nil
}

// pageAsked returns the page number and size a list request asks for (p_num, p_cnt; at
// least 1).
func pageAsked(r *http.Request) (number, size int, err error) {
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return 0, 0, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return 0, 0, err
	}
	number, _ = strconv.Atoi(form.Get("p_num"))
	size, _ = strconv.Atoi(form.Get("p_cnt"))
	return max(number, 1), max(size, 1), nil
}

// xmlResponse is a 200 reply to r with body.
func xmlResponse(r *http.Request, body io.Reader) *http.Response {
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"text/xml"}},
		Body:    io.NopCloser(body),
		Request: r,
	}
}

// memoryPages serves the pages of a list of allPageSize rows from memory, made once:
// Payments.All without the network, for BenchmarkDecodeStages.
type memoryPages [][]byte

func newMemoryPages(tb testing.TB, rows int) memoryPages {
	tb.Helper()
	list := &generatedList{n: rows, shape: loadBenchShape(tb)}
	var pages memoryPages
	for first := 0; first < rows; first += allPageSize {
		b, err := io.ReadAll(list.page(first/allPageSize+1, allPageSize))
		if err != nil {
			tb.Fatal(err)
		}
		pages = append(pages, b)
	}
	return pages
}

func (m memoryPages) RoundTrip(r *http.Request) (*http.Response, error) {
	number, size, err := pageAsked(r)
	if err != nil {
		return nil, err
	}
	if size != allPageSize {
		return nil, fmt.Errorf("memoryPages serves pages of %d rows, not %d", allPageSize, size)
	}
	return xmlResponse(r, bytes.NewReader(m[min(number, len(m))-1])), nil
}

// BenchmarkPeakHeap reports the highest heap while a list is read with Payments.All,
// above the heap before. peak-B is the heap in use (runtime/metrics'
// /memory/classes/heap/objects:bytes, sampled every 50µs: live objects and garbage not yet
// collected, so it follows the collector's pace too). peak-live-B is the heap in use right
// after a full collection (runtime.GC) every 1,000 rows. The list is generated while it is
// read and no other list is kept, so the heap holds what the decoder keeps; GOGC is 10
// during the run. sdk reads pages of 1,000 rows; sdk-one-page reads a server that ignores
// p_cnt and sends the whole list as one page. keys-B is the live size of a map of as many
// int64 keys as the largest page, for comparison: All keeps the keys of a page to yield
// each row once.
func BenchmarkPeakHeap(b *testing.B) {
	shape := loadBenchShape(b)
	for _, rows := range []int{10000, 100000, 1000000} {
		for _, onePage := range []bool{false, true} {
			name := "sdk"
			if onePage {
				name = "sdk-one-page"
			}
			b.Run(fmt.Sprintf("rows=%d/impl=%s", rows, name), func(b *testing.B) {
				defer debug.SetGCPercent(debug.SetGCPercent(10))
				list := &generatedList{n: rows, shape: shape}
				c, err := NewClient("https://billing.example.com", WithAuthInfo(testUser, testPassword),
					WithHTTPClient(&http.Client{Transport: pagingTransport{list: list, onePage: onePage}}),
					WithMaxResponseBytes(4<<30))
				if err != nil {
					b.Fatal(err)
				}
				var top heapPeaks
				for i := 0; i < b.N; i++ {
					h := peakHeap(b, func(checkpoint func()) (int, error) {
						n := 0
						for _, err := range c.Payments.All(context.Background(), 1, nil) {
							if err != nil {
								return n, err
							}
							if n++; n%1000 == 0 {
								checkpoint()
							}
						}
						return n, nil
					}, rows)
					top.peak, top.live = max(top.peak, h.peak), max(top.live, h.live)
				}
				b.ReportMetric(float64(top.peak), "peak-B")
				b.ReportMetric(float64(top.live), "peak-live-B")
				page := allPageSize
				if onePage {
					page = rows
				}
				b.ReportMetric(float64(keySetBytes(page)), "keys-B")
			})
		}
	}
}

// keySetBytes is the live size of a set of n int64 keys.
func keySetBytes(n int) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.GC() // the second collection frees what the pools kept through the first
	runtime.ReadMemStats(&before)
	set := make(map[int64]bool)
	for i := 0; i < n; i++ {
		set[int64(i)] = true
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(set)
	return after.HeapAlloc - before.HeapAlloc
}

// heapPeaks are the highest heap figures of one decode, above those before it.
type heapPeaks struct{ peak, live uint64 }

// peakHeap runs decode once, sampling the heap in use every 50µs, and the live heap at
// each checkpoint decode makes.
func peakHeap(b *testing.B, decode func(checkpoint func()) (int, error), rows int) heapPeaks {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	peak.Store(base)
	record := func() {
		for h := read(); h > peak.Load(); {
			if peak.CompareAndSwap(peak.Load(), h) {
				return
			}
		}
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	tick := time.NewTicker(50 * time.Microsecond)
	defer tick.Stop()
	go func() {
		defer close(stopped)
		for {
			record()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	live := base
	n, err := decode(func() {
		record()
		runtime.GC()
		live = max(live, read())
	})
	close(done)
	<-stopped
	record()
	if err != nil || n != rows {
		b.Fatalf("decoded %d rows of %d: %v", n, rows, err)
	}
	return heapPeaks{peak.Load() - base, live - base}
}

// benchDocument is a whole list of n rows in memory, as one page.
func benchDocument(tb testing.TB, n int) []byte {
	tb.Helper()
	b, err := io.ReadAll((&generatedList{n: n, shape: loadBenchShape(tb)}).page(1, n))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkDecodeStages splits the SDK's path on a list of 10,000 rows in memory: the
// scanner alone, the tree of the whole document (decodeDoc, as Call reads it), the rows
// decoded into Payment values (decodeRows, as List and All read them), and Payments.All
// over the same rows in pages of 1,000 served from memory (the rows with All's own work:
// the requests, the keys of the pages, the loop; and ten pages' heads).
func BenchmarkDecodeStages(b *testing.B) {
	const rows = 10000
	doc := benchDocument(b, rows)
	all, err := NewClient("https://billing.example.com", WithAuthInfo(testUser, testPassword),
		WithHTTPClient(&http.Client{Transport: newMemoryPages(b, rows)}))
	if err != nil {
		b.Fatal(err)
	}
	stages := []struct {
		name string
		run  func() error
	}{
		{"scan", func() error {
			var s xmlscan.Scanner
			s.Reset(bytes.NewReader(doc), nil)
			for {
				if _, err := s.Next(); err != nil {
					if err == io.EOF {
						return nil
					}
					return err
				}
			}
		}},
		{"tree", func() error {
			_, err := decodeDoc(bytes.NewReader(doc), defaultMaxResponseBytes)
			return err
		}},
		{"rows", func() error {
			schema, row := newRow[Payment]()
			_, err := decodeRows(bytes.NewReader(doc), defaultMaxResponseBytes, "account.payment", time.UTC, schema, unsafe.Pointer(row), func(*xmlscan.Budget) error {
				*row = Payment{}
				return nil
			})
			return err
		}},
		{"all", func() error {
			n := 0
			for _, err := range all.Payments.All(context.Background(), 1, nil) {
				if err != nil {
					return err
				}
				n++
			}
			if n != rows {
				return fmt.Errorf("All yielded %d rows, want %d", n, rows)
			}
			return nil
		}},
	}
	for _, st := range stages {
		b.Run(st.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := st.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
			b.ReportMetric(float64(b.N*len(doc))/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}

// The generated list is what the benchmarks claim: every row decodes, with the SDK and
// with the user's encoding/xml code, to the same values, and the server's pages make the
// whole list.
func TestBenchListDecodes(t *testing.T) {
	t.Parallel()
	const rows = 2500
	srv := newListServer(t, rows)
	c, err := NewClient(srv.URL, WithAuthInfo(testUser, testPassword))
	require.NoError(t, err)
	var sdk []Payment
	for p, err := range c.Payments.All(context.Background(), 1, nil) {
		require.NoError(t, err)
		sdk = append(sdk, p)
	}
	require.Len(t, sdk, rows)
	var user []Payment
	n, err := byPage(benchHTTPClient(), srv.URL, func(body io.Reader) (int, int, error) {
		var list baselineList
		require.NoError(t, xml.NewDecoder(body).Decode(&list))
		for i := range list.Elems {
			p, err := list.Elems[i].convert()
			require.NoError(t, err)
			user = append(user, p)
		}
		return len(list.Elems), list.Total, nil
	})
	require.NoError(t, err)
	require.Equal(t, rows, n)
	var unpaid, symbols int
	for i := range sdk {
		require.True(t, user[i].PaymethodAmount.Equal(sdk[i].PaymethodAmount), "%v and %v", user[i].PaymethodAmount, sdk[i].PaymethodAmount)
		require.True(t, user[i].SubaccountAmount.Equal(sdk[i].SubaccountAmount), "%v and %v", user[i].SubaccountAmount, sdk[i].SubaccountAmount)
		user[i].PaymethodAmount, user[i].SubaccountAmount = sdk[i].PaymethodAmount, sdk[i].SubaccountAmount
		require.Equal(t, user[i], sdk[i])
		if sdk[i].PayDate.IsZero() {
			unpaid++
		}
		if sdk[i].PaymethodAmount.Currency == "₽" {
			symbols++
		}
	}
	assert.Equal(t, rows/5, unpaid)
	assert.Equal(t, rows/4, symbols)
	doc := benchDocument(t, rows)
	perRow := float64(len(doc)-len(loadBenchShape(t).head)) / rows
	assert.InDelta(t, 1200, perRow, 100, "rows of about 1.2 KB")
}

// BenchmarkMoneyColumn justifies parseMoneyBytes's fast path.
func BenchmarkMoneyColumn(b *testing.B) {
	for _, s := range []string{"1234.50 RUB", "10.00 ₽"} {
		b.Run("impl=ParseMoney/text="+s, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := ParseMoney(s); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("impl=parseMoneyBytes/text="+s, func(b *testing.B) {
			text := []byte(s)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, _, err := parseMoneyBytes(text, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
