package billmgr

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Decoding benchmarks: a client's payment list (account.payment) as BILLmanager sends it,
// generated at 1,000, 10,000 and 100,000 rows from the shape of
// testdata/samples/billmgr6_list_payment_client_full_internal.xml (its head, its columns,
// its tail), decoded by the SDK and by the baseline a user would write with encoding/xml.

var benchRowCounts = []int{1000, 10000, 100000}

// benchList is a generated list: the whole document and where its rows are in it.
type benchList struct {
	doc  []byte
	head []byte // up to the first row
	rows []int  // the offset of each row in doc, and the end of the last one
	tail string // after the last row, with %d for p_cnt, p_num and p_elems
}

// pager serves the pages of a list, as BILLmanager pages: the head, the rows of page
// number (1-based) of size rows, the tail with p_cnt, p_num and p_elems.
type pager interface {
	page(number, size int) io.Reader
	total() int
}

func (l *benchList) total() int { return len(l.rows) - 1 }

func (l *benchList) page(number, size int) io.Reader {
	first := min((number-1)*size, l.total())
	last := min(first+size, l.total())
	return io.MultiReader(bytes.NewReader(l.head), bytes.NewReader(l.doc[l.rows[first]:l.rows[last]]),
		strings.NewReader(fmt.Sprintf(l.tail, size, number, l.total())))
}

// generatedList is a list of n rows made while it is read: it takes no memory of its own,
// so that the heap measured is the decoder's.
type generatedList struct {
	n    int
	head []byte
	tail string
}

func (l *generatedList) total() int { return l.n }

func (l *generatedList) page(number, size int) io.Reader {
	first := min((number-1)*size, l.n)
	return &rowStream{list: l, next: l.n - first, last: l.n - min(first+size, l.n), number: number, size: size}
}

// rowStream reads one page of a generatedList.
type rowStream struct {
	list         *generatedList
	next, last   int // ids count down: the rows are next, next-1, ... last+1
	number, size int
	buf          []byte
	started      bool
	done         bool
}

func (r *rowStream) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		switch {
		case !r.started:
			r.buf, r.started = append(r.buf, r.list.head...), true
		case r.next > r.last:
			r.buf = appendBenchRow(r.buf, r.next)
			r.next--
		case !r.done:
			r.buf, r.done = fmt.Appendf(r.buf, r.list.tail, r.size, r.number, r.list.n), true
		default:
			return 0, io.EOF
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[:copy(r.buf, r.buf[n:])]
	return n, nil
}

// benchPaymentList returns the list of n rows, whose whole document is one page of n rows.
func benchPaymentList(tb testing.TB, n int) *benchList {
	tb.Helper()
	benchListsMu.Lock()
	defer benchListsMu.Unlock()
	if l, ok := benchLists[n]; ok {
		return l
	}
	shape := benchShape(tb)
	l := &benchList{head: shape.head, tail: shape.tail}
	doc := make([]byte, 0, len(shape.head)+len(shape.tail)+n*1000)
	doc = append(doc, shape.head...)
	for i := n; i >= 1; i-- {
		l.rows = append(l.rows, len(doc))
		doc = appendBenchRow(doc, i)
	}
	l.rows = append(l.rows, len(doc))
	l.doc = fmt.Appendf(doc, l.tail, n, 1, n)
	benchLists[n] = l
	return l
}

// benchShape is the head and the tail of the sample list.
func benchShape(tb testing.TB) (shape struct {
	head []byte
	tail string
}) {
	sample, err := os.ReadFile("testdata/samples/billmgr6_list_payment_client_full_internal.xml")
	if err != nil {
		tb.Fatal(err)
	}
	s := string(sample)
	shape.head = []byte(s[:strings.Index(s, "  <elem>")])
	tail := s[strings.LastIndex(s, "</elem>")+len("</elem>\n"):]
	tail = strings.Replace(tail, "<p_cnt>1000</p_cnt>", "<p_cnt>%d</p_cnt>", 1)
	tail = strings.Replace(tail, "<p_num>1</p_num>", "<p_num>%d</p_num>", 1)
	shape.tail = strings.Replace(tail, "<p_elems>6</p_elems>", "<p_elems>%d</p_elems>", 1)
	return shape
}

// appendBenchRow appends row i (ids count down from the list's length to 1): the first row
// of the sample with its values made variable.
func appendBenchRow(b []byte, i int) []byte {
	day := benchDays[i%len(benchDays)]
	amount := func(b []byte) []byte {
		b = strconv.AppendInt(b, int64(i%1000), 10)
		return append(append(b, '.', byte('0'+i%100/10), byte('0'+i%10)), " RUB"...)
	}
	b = append(b, "  <elem>\n    <docflow_pdf_status>"...)
	b = strconv.AppendInt(b, int64(i%5), 10)
	b = append(b, "</docflow_pdf_status>\n    <store_payment>off</store_payment>\n    <paymethodamount_iso>"...)
	b = amount(b)
	b = append(b, "</paymethodamount_iso>\n    <subaccountamount_iso>"...)
	b = amount(b)
	b = append(b, "</subaccountamount_iso>\n    <sender_name> - </sender_name>\n    <paymethod_name nolink=\"yes\">ru</paymethod_name>\n    <create_date>"...)
	b = append(b, day...)
	b = append(b, "</create_date>\n    <pay_date>"...)
	b = append(b, day...)
	b = append(b, "</pay_date>\n    <allowrefund>off</allowrefund>\n    <refund>off</refund>\n    <real_status>4</real_status>\n    <status color=\"green\" orig=\"4\">Зачислен</status>\n    <number>pfx/"...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, "</number>\n    <paymethod_module>pmtinkoff</paymethod_module>\n    <id>"...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, "</id>\n"...)
	for _, col := range []string{"create_date", "pay_date"} {
		d := byte('1' + i%7)
		b = append(append(append(append(append(b, "    <"...), col...), "_l>"...), d), " мая 2024 г.</"...)
		b = append(append(append(append(append(b, col...), "_l>\n    <"...), col...), "_s>"...), d)
		b = append(append(append(append(append(b, " май 2024 г.</"...), col...), "_s>\n    <"...), col...), "_locale_time>00:00</"...)
		b = append(append(b, col...), "_locale_time>\n"...)
	}
	return append(b, "  </elem>\n"...)
}

// benchDays are the dates of the rows: the year before 2024-05-07.
var benchDays = func() (days []string) {
	day := time.Date(2024, 5, 7, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 365; i++ {
		days = append(days, day.AddDate(0, 0, -i).Format(dateLayout))
	}
	return days
}()

var (
	benchListsMu sync.Mutex
	benchLists   = map[int]*benchList{}
)

// baselinePayment has the fields of Payment as a user of encoding/xml would declare them:
// the types encoding/xml can fill (dates, amounts and flags stay text, so the baseline
// does less work than the SDK, which parses them).
type baselinePayment struct {
	ID               int64  `xml:"id"`
	Number           string `xml:"number"`
	CreateDate       string `xml:"create_date"`
	PayDate          string `xml:"pay_date"`
	SenderName       string `xml:"sender_name"`
	RecipientName    string `xml:"recipient_name"`
	Project          string `xml:"project"`
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

// decodeBaseline is the baseline: xml.Unmarshal of the whole document (already in memory,
// which spares it the read the SDK's path makes).
func decodeBaseline(doc []byte) (int, error) {
	var list baselineList
	if err := xml.Unmarshal(doc, &list); err != nil {
		return 0, err
	}
	return len(list.Elems), nil
}

// decodeRawTokens runs encoding/xml's tokenizer over the document and maps nothing: the
// floor of any decoder built on encoding/xml.
func decodeRawTokens(doc []byte) (int, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
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

// benchTransport answers every request with the same body from memory, so that the
// SDK's path is measured without the network.
type benchTransport struct{ body []byte }

func (m benchTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return replyFromMemory(r, bytes.NewReader(m.body))
}

// pagingTransport serves a list page by page, as the server pages account.payment.
type pagingTransport struct{ list pager }

func (m pagingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	number, _ := strconv.Atoi(form.Get("p_num"))
	size, _ := strconv.Atoi(form.Get("p_cnt"))
	return replyFromMemory(r, m.list.page(max(number, 1), max(size, 1)))
}

func replyFromMemory(r *http.Request, body io.Reader) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"text/xml"}},
		Body:    io.NopCloser(body),
		Request: r,
	}, nil
}

// decodeSDK reads the list the way a caller of the SDK does: Payments.All, which asks for
// pages of perPage rows (0: its default, 1,000) and streams each page row by row into
// Payment values.
func decodeSDK(list pager, perPage int) func() (int, error) {
	c, err := NewClient("https://billing.example.com", WithAuthInfo(testUser, testPassword),
		WithHTTPClient(&http.Client{Transport: pagingTransport{list}}))
	if err != nil {
		panic(err)
	}
	opts := &PaymentListOptions{ListOptions: ListOptions{PerPage: perPage}}
	return func() (int, error) {
		n := 0
		for _, err := range c.Payments.All(context.Background(), 1, opts) {
			if err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	}
}

type benchDecoder struct {
	name   string
	decode func(list pager) func() (int, error)
}

// benchDecoders: the baseline first (benchstat compares the others with the first column),
// the SDK, and encoding/xml's tokenizer alone.
var benchDecoders = []benchDecoder{
	{"xml.Unmarshal", func(l pager) func() (int, error) {
		return func() (int, error) { return decodeBaseline(l.(*benchList).doc) }
	}},
	{"sdk", func(l pager) func() (int, error) { return decodeSDK(l, 0) }},
	{"sdk-one-page", func(l pager) func() (int, error) { return decodeSDK(l, l.total()) }},
	{"xml.RawToken", func(l pager) func() (int, error) {
		return func() (int, error) { return decodeRawTokens(l.(*benchList).doc) }
	}},
}

// BenchmarkDecode reports ns/row, B/row and allocs/row of each decoder at each size.
func BenchmarkDecode(b *testing.B) {
	for _, rows := range benchRowCounts {
		list := benchPaymentList(b, rows)
		for _, d := range benchDecoders {
			b.Run(fmt.Sprintf("rows=%d/impl=%s", rows, d.name), func(b *testing.B) {
				decode := d.decode(list)
				checkRows(b, decode, rows)
				b.SetBytes(int64(len(list.doc)))
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, err := decode(); err != nil {
						b.Fatal(err)
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

func checkRows(b *testing.B, decode func() (int, error), want int) {
	b.Helper()
	n, err := decode()
	if err != nil {
		b.Fatal(err)
	}
	if n != want {
		b.Fatalf("decoded %d rows, want %d", n, want)
	}
}

// BenchmarkPeakHeap reports the highest heap while a list is decoded, above the heap
// before. peak-B is the heap in use (runtime/metrics' /memory/classes/heap/objects:bytes,
// sampled every 50µs: live objects and garbage not yet collected, so it follows the
// collector's pace too). peak-live-B is the heap in use right after a full collection
// (runtime.GC) at checkpoints: every 1,000 rows for the SDK, once the whole list is
// decoded (and so held) for the baseline. The list is generated while it is read and no
// other list is kept, so the heap holds what the decoder keeps; GOGC is 10 during the run.
// The baseline here decodes from the stream (xml.NewDecoder(body).Decode), which spares it
// holding the document's bytes.
func BenchmarkPeakHeap(b *testing.B) {
	benchListsMu.Lock()
	clear(benchLists) // the lists of the other benchmarks would set the collector's pace
	benchListsMu.Unlock()
	shape := benchShape(b)
	type decoder struct {
		name   string
		decode func(l pager, checkpoint func()) (int, error)
	}
	sdk := func(perPage func(l pager) int) func(l pager, checkpoint func()) (int, error) {
		return func(l pager, checkpoint func()) (int, error) {
			c, err := NewClient("https://billing.example.com", WithAuthInfo(testUser, testPassword),
				WithHTTPClient(&http.Client{Transport: pagingTransport{l}}))
			if err != nil {
				return 0, err
			}
			n := 0
			for _, err := range c.Payments.All(context.Background(), 1, &PaymentListOptions{ListOptions: ListOptions{PerPage: perPage(l)}}) {
				if err != nil {
					return n, err
				}
				if n++; n%1000 == 0 {
					checkpoint()
				}
			}
			return n, nil
		}
	}
	decoders := []decoder{
		{"xml.Decode", func(l pager, checkpoint func()) (int, error) {
			var list baselineList
			err := xml.NewDecoder(l.page(1, l.total())).Decode(&list)
			checkpoint()
			return len(list.Elems), err
		}},
		{"sdk", sdk(func(pager) int { return 0 })},
		{"sdk-one-page", sdk(pager.total)},
	}
	for _, rows := range benchRowCounts {
		list := &generatedList{n: rows, head: shape.head, tail: shape.tail}
		for _, d := range decoders {
			b.Run(fmt.Sprintf("rows=%d/impl=%s", rows, d.name), func(b *testing.B) {
				defer debug.SetGCPercent(debug.SetGCPercent(10))
				var top heapPeaks
				for i := 0; i < b.N; i++ {
					h := peakHeap(b, func(checkpoint func()) (int, error) { return d.decode(list, checkpoint) }, rows)
					top.peak, top.live = max(top.peak, h.peak), max(top.live, h.live)
				}
				b.ReportMetric(float64(top.peak), "peak-B")
				b.ReportMetric(float64(top.live), "peak-live-B")
			})
		}
	}
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

// BenchmarkDecodeStages splits the SDK's path: the scanner alone, the scanner building
// the rows (decodeDoc), and decodeDoc with the mapping to Payment.
func BenchmarkDecodeStages(b *testing.B) {
	const rows = 10000
	doc := benchPaymentList(b, rows).doc
	stages := []struct {
		name string
		run  func() error
	}{
		{"scan", func() error {
			var s scanner
			s.reset(bytes.NewReader(doc))
			for {
				if _, err := s.next(); err != nil {
					if err == io.EOF {
						return nil
					}
					return err
				}
			}
		}},
		{"tree", func() error {
			_, err := decodeDoc(bytes.NewReader(doc), func(*Node) error { return nil })
			return err
		}},
		{"tree+map", func() error {
			var (
				m rowMapper
				p Payment
			)
			_, err := decodeDoc(bytes.NewReader(doc), func(n *Node) error {
				p = Payment{}
				return m.unmarshal(n, &p, time.UTC)
			})
			return err
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
		})
	}
}

// The generated list is what the benchmarks claim: every row decodes, in both ways, to the
// same values, and a paged read gives the same rows as the whole document.
func TestBenchListDecodes(t *testing.T) {
	t.Parallel()
	list := benchPaymentList(t, 2500)
	var whole baselineList
	require.NoError(t, xml.Unmarshal(list.doc, &whole))
	require.Len(t, whole.Elems, 2500)
	c, err := NewClient("https://billing.example.com", WithAuthInfo(testUser, testPassword),
		WithHTTPClient(&http.Client{Transport: pagingTransport{list}}))
	require.NoError(t, err)
	i := 0
	for p, err := range c.Payments.All(context.Background(), 1, nil) {
		require.NoError(t, err)
		want := whole.Elems[i]
		assert.Equal(t, want.ID, p.ID)
		assert.Equal(t, want.Number, p.Number)
		assert.Equal(t, want.SubaccountAmount, p.SubaccountAmount.String())
		assert.Equal(t, want.CreateDate, p.CreateDate.Format(dateLayout))
		assert.Equal(t, Status{Code: "4", Label: "Зачислен"}, p.Status)
		i++
	}
	assert.Equal(t, 2500, i)
	generated, err := io.ReadAll((&generatedList{n: 2500, head: list.head, tail: list.tail}).page(1, 2500))
	require.NoError(t, err)
	assert.Equal(t, string(list.doc), string(generated))
}

// parseMoneyColumn gives what ParseMoney gives, on its fast path and off it.
func TestParseMoneyColumnMatchesParseMoney(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"100.00 RUB", " 1.5 USD ", "0 EUR", "12 rub", "100.00 RUB / Месяц", "1 234,50 RUB", "-5.00 RUB",
		"5.00 $", "49.99 руб.", "100. RUB", ".5 RUB", "100.00", "100.00  RUB", "100.00 RUB2", "", "RUB",
		"1.2.3 RUB", "99999999999999999999.99 RUB",
	} {
		want, wantErr := ParseMoney(s)
		got, err := parseMoneyColumn(s)
		assert.Equal(t, wantErr == nil, err == nil, s)
		assert.True(t, want.Amount.Equal(got.Amount) && want.Amount.Exponent() == got.Amount.Exponent(), "%q: %v and %v", s, want, got)
		assert.Equal(t, want.Currency, got.Currency, s)
	}
}

// BenchmarkMoneyColumn justifies parseMoneyColumn's fast path.
func BenchmarkMoneyColumn(b *testing.B) {
	for _, tt := range []struct {
		name  string
		parse func(string) (Money, error)
	}{{"ParseMoney", ParseMoney}, {"parseMoneyColumn", parseMoneyColumn}} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := tt.parse("1234.50 RUB"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// rowMapper reuses the places of the columns only for rows of the same shape, and finds
// the first of two children of the same name as unmarshalNode does.
func TestRowMapperFollowsTheShape(t *testing.T) {
	t.Parallel()
	doc, err := decodeDoc(strings.NewReader(`<doc>
		<elem><id>1</id><subaccountamount_iso>1.00 RUB</subaccountamount_iso></elem>
		<elem><subaccountamount_iso>2.00 RUB</subaccountamount_iso><id>2</id></elem>
		<elem><x/><id>3</id><id>4</id></elem>
		<elem><id>5</id></elem>
	</doc>`), nil)
	require.NoError(t, err)
	var m rowMapper
	var got []pagedRow
	for _, n := range doc.Elems() {
		var row, want pagedRow
		require.NoError(t, m.unmarshal(n, &row, time.UTC))
		require.NoError(t, unmarshalNode(n, &want, time.UTC))
		assert.Equal(t, want, row)
		got = append(got, row)
	}
	assert.Equal(t, []int64{1, 2, 3, 5}, []int64{got[0].ID, got[1].ID, got[2].ID, got[3].ID})
	assert.Equal(t, "2.00 RUB", got[1].Amount.String())
	assert.True(t, got[3].Amount.Amount.IsZero())
}
