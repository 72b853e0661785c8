package billmgr

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/muktihari/xmltokenizer"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr/internal/xmlscan"
)

// Decoding benchmarks: a client's payment list (account.payment) as BILLmanager sends it,
// at 1,000 to 1,000,000 rows. Every page has the head and the tail of
// testdata/samples/billmgr6_list_payment_client_full_internal.xml (metadata, messages,
// tparams, p_cnt, p_num, p_elems) and real-weight rows made by a seeded generator
// (benchPool): no two rows and no two pages are the same bytes. The benchmarks read the
// list over loopback HTTP from a server in a process of its own (the test binary run
// again as TestBenchListServerProcess), so that the client's heap and collector see the
// client alone, and the server's work is the same for every implementation.

var benchRowCounts = []int{1000, 10000, 100000, 1000000}

// benchReadSize is the size of the reads of the transport and counting baselines: the
// SDK's own size for a long reply (xmlscan.LongReadSize), so that they read the body in
// reads of the size the SDK reads it in.
const benchReadSize = xmlscan.LongReadSize

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

// benchPoolSize is the number of rows benchPool makes: 16,384 rows, 20 MB, more than the
// caches hold and 16 pages of 1,000 rows.
const benchPoolSize = 1 << 14

// benchRow is a row of the pool without its id, which is written twice: in its number
// (pfx/<id>) and in <id>. The row is b[:number] id b[number:id] id b[id:].
type benchRow struct {
	b          []byte
	number, id int
}

// benchPool is the rows of the generated list: the row at position pos is
// benchPool[pos%benchPoolSize] with the id benchRowID(pos). The pool is made by a seeded
// generator, the same in every process.
var benchPool = sync.OnceValue(func() []benchRow {
	rows := make([]benchRow, benchPoolSize)
	rnd := benchRand(1)
	day := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		if rnd.intn(3) == 0 { // about three payments a day
			day = day.AddDate(0, 0, 1)
		}
		rows[i] = makeBenchRow(&rnd, day)
	}
	return rows
})

// benchRand is a splitmix64 generator.
type benchRand uint64

func (r *benchRand) next() uint64 {
	*r += 0x9E3779B97F4A7C15
	z := uint64(*r)
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

func (r *benchRand) intn(n int) int { return int(r.next() % uint64(n)) }

func (r *benchRand) pick(s []string) string { return s[r.intn(len(s))] }

// makeBenchRow makes a real-weight row of a payment created on day: the columns of the
// sample's rows in their order, with the columns of the administrator's list the sample
// lacks (recipient, provider, client); Cyrillic labels; entities in names; " - " for a
// missing payer or recipient; amounts from 1.00 to 50,000.00 in RUB, in ₽ and with four
// decimals (a commission), the two amount columns mostly equal; about every fifth payment
// unpaid (status 1, no pay_date and none of its variants), the others paid on their day
// or up to two days later. Rows are about 1.2 KB.
func makeBenchRow(rnd *benchRand, day time.Time) benchRow {
	text := func(b []byte, name, value string) []byte {
		return append(append(append(append(append(append(b, "    <"...), name...), '>'), value...), "</"...), name+">\n"...)
	}
	cents := 100 + rnd.intn(5_000_000)
	amount := func(b []byte, cents int) []byte {
		return append(strconv.AppendInt(b, int64(cents/100), 10), '.', byte('0'+cents/10%10), byte('0'+cents%10))
	}
	paid := rnd.intn(5) != 0
	payDay := day.AddDate(0, 0, rnd.intn(4)/3+rnd.intn(8)/7)
	var b []byte
	b = append(b, "  <elem>\n"...)
	b = text(b, "docflow_pdf_status", strconv.Itoa(rnd.intn(5)))
	b = text(b, "store_payment", rnd.pick([]string{"off", "off", "off", "on"}))
	b = append(b, "    <paymethodamount_iso>"...)
	switch rnd.intn(4) {
	case 0:
		b = append(amount(b, cents), " ₽"...)
	case 1: // with the method's commission, to four decimals
		commission := rnd.intn(300)
		b = append(amount(b, cents+commission/100), byte('0'+commission/10%10), byte('0'+commission%10))
		b = append(b, " RUB"...)
	default:
		b = append(amount(b, cents), " RUB"...)
	}
	b = append(b, "</paymethodamount_iso>\n    <subaccountamount_iso>"...)
	b = append(amount(b, cents), " RUB"...)
	b = append(b, "</subaccountamount_iso>\n"...)
	b = text(b, "sender_name", benchName(rnd))
	if rnd.intn(2) == 0 {
		b = text(b, "recipient_name", " - ")
	} else {
		b = text(b, "recipient_name", rnd.pick([]string{"ООО &quot;Хостинг-Центр&quot;", "АО &quot;Дата-Центр&quot;", "ИП Сидорова &amp; Ко"}))
	}
	b = text(b, "project", rnd.pick([]string{"Хостинг-Центр", "Облако", "Дата-Центр Север"}))
	if rnd.intn(2) == 0 {
		b = text(b, "account_name", "Клиент №"+strconv.Itoa(1+rnd.intn(200000)))
	} else {
		b = text(b, "account_name", rnd.pick(benchSurnames)+" "+rnd.pick([]string{"Иван", "Мария", "Олег", "Анна", "Пётр"}))
	}
	method := rnd.intn(len(benchMethods))
	b = append(b, `    <paymethod_name nolink="yes">`...)
	b = append(b, benchMethods[method]...)
	b = append(b, "</paymethod_name>\n"...)
	b = text(b, "create_date", day.Format(dateLayout))
	if paid {
		b = text(b, "pay_date", payDay.Format(dateLayout))
	}
	b = text(b, "allowrefund", rnd.pick([]string{"off", "on"}))
	b = text(b, "refund", rnd.pick([]string{"off", "off", "off", "off", "on"}))
	if paid {
		b = text(b, "real_status", "4")
		b = append(b, `    <status color="green" orig="4">Зачислен</status>`+"\n"...)
	} else {
		b = text(b, "real_status", "1")
		b = append(b, `    <status orig="1">Новый</status>`+"\n"...)
	}
	row := benchRow{}
	b = append(b, "    <number>pfx/"...)
	row.number = len(b)
	b = append(b, "</number>\n"...)
	b = text(b, "paymethod_module", benchModules[method])
	b = append(b, "    <id>"...)
	row.id = len(b)
	b = append(b, "</id>\n"...)
	dates := []time.Time{day}
	if paid {
		dates = append(dates, payDay)
	}
	for i, col := range []string{"create_date", "pay_date"}[:len(dates)] {
		d, m, y := strconv.Itoa(dates[i].Day()), int(dates[i].Month())-1, strconv.Itoa(dates[i].Year())
		b = text(b, col+"_l", d+" "+benchMonthsOf[m]+" "+y+" г.")
		b = text(b, col+"_s", d+" "+benchMonths[m]+" "+y+" г.")
		b = text(b, col+"_locale_time", "00:00")
	}
	row.b = append(b, "  </elem>\n"...)
	return row
}

// benchName is a payer: a company or a sole trader, with entities in about a third of
// the names, or " - " for none.
func benchName(rnd *benchRand) string {
	surname := rnd.pick(benchSurnames)
	switch rnd.intn(6) {
	case 0, 1:
		return " - "
	case 2:
		return "ИП " + surname + " &amp; партнёры"
	case 3:
		return "ООО &quot;" + surname + " и сыновья&quot;"
	default:
		return "ИП " + surname + " " + rnd.pick([]string{"А.", "Б.", "В.", "Г.", "Д."}) + rnd.pick([]string{"И.", "П.", "С."})
	}
}

var (
	benchSurnames = []string{"Петров", "Иванова", "Смирнов", "Кузнецова", "Попов", "Васильева",
		"Соколов", "Михайлова", "Новиков", "Фёдорова", "Морозов", "Волкова", "Алексеев", "Лебедева"}
	benchMethods  = []string{"Банковская карта", "ru", "тест", "Банковский перевод", "СБП"}
	benchModules  = []string{"pmtinkoff", "pmtestpayment", "pmtestpayment", "pmbank", "pmsbp"}
	benchMonths   = []string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"}
	benchMonthsOf = []string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"}
)

// benchRowID is the id of the row at position pos (0-based): distinct and ascending, with
// gaps, as a walk in ascending id order (All's) meets them.
func benchRowID(pos int) int64 {
	x := benchRand(pos)
	return 100000 + 3*int64(pos) + int64(x.intn(3))
}

// appendBenchRows appends the rows at positions first to last-1.
func appendBenchRows(b []byte, first, last int) []byte {
	pool := benchPool()
	for pos := first; pos < last; pos++ {
		row, id := &pool[pos%len(pool)], benchRowID(pos)
		b = append(b, row.b[:row.number]...)
		b = strconv.AppendInt(b, id, 10)
		b = append(b, row.b[row.number:row.id]...)
		b = strconv.AppendInt(b, id, 10)
		b = append(b, row.b[row.id:]...)
	}
	return b
}

// benchRowsLen is the length of the rows at positions first to last-1.
func benchRowsLen(first, last int) int {
	pool := benchPool()
	var digits [20]byte
	n := 0
	for pos := first; pos < last; pos++ {
		n += len(pool[pos%len(pool)].b) + 2*len(strconv.AppendInt(digits[:0], benchRowID(pos), 10))
	}
	return n
}

// benchList serves the generated list the way BILLmanager pages account.payment: the
// path says the list's length (/<rows>; /<rows>/one-page for a server that ignores p_cnt
// and sends every row on one page), p_num is clamped to the last page (asking past the
// end repeats it), and every page carries the sample's head and tail.
type benchList struct {
	shape benchShape
	bufs  sync.Pool
}

func newBenchList(tb testing.TB) *benchList {
	benchPool()
	return &benchList{shape: loadBenchShape(tb), bufs: sync.Pool{New: func() any { return new([]byte) }}}
}

func (l *benchList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	total, err := strconv.Atoi(strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")[0])
	if err != nil || r.ParseForm() != nil {
		http.Error(w, "want POST /<rows> with p_num and p_cnt", http.StatusBadRequest)
		return
	}
	size, _ := strconv.Atoi(r.PostForm.Get("p_cnt"))
	if size <= 0 || strings.HasSuffix(r.URL.Path, "/one-page") {
		size = max(total, 1)
	}
	number, _ := strconv.Atoi(r.PostForm.Get("p_num"))
	last := max(1, (total+size-1)/size)
	number = min(max(number, 1), last)
	first, end := (number-1)*size, min(number*size, total)
	tail := fmt.Sprintf(l.shape.tail, size, number, total)
	w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(l.shape.head)+benchRowsLen(first, end)+len(tail)))
	buf := l.bufs.Get().(*[]byte)
	defer l.bufs.Put(buf)
	b := append((*buf)[:0], l.shape.head...)
	for pos := first; pos < end; pos++ {
		if b = appendBenchRows(b, pos, pos+1); len(b) >= 64<<10 {
			if _, err := w.Write(b); err != nil {
				return
			}
			b = b[:0]
		}
	}
	_, _ = w.Write(append(b, tail...))
	*buf = b
}

// benchServerEnv is set in the environment of the list server's process.
const benchServerEnv = "BILLMGR_BENCH_LIST_SERVER"

// TestBenchListServerProcess is the benchmarks' list server when the test binary runs
// as one (benchListURL starts it): it prints its URL and serves until its input closes,
// which it does when the benchmarks' process ends.
func TestBenchListServerProcess(t *testing.T) {
	if os.Getenv(benchServerEnv) == "" {
		t.Skip("the list server of the benchmarks, run in a process of its own by them")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = http.Serve(ln, newBenchList(t)) }()
	fmt.Printf("%s http://%s\n", benchServerEnv, ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
}

var benchServer struct {
	once  sync.Once
	url   string
	err   error
	input io.WriteCloser // the server's input, closed when this process ends
}

// benchListURL is the URL of the generated list of rows on the list server, started in
// a process of its own the first time.
func benchListURL(tb testing.TB, rows int, onePage bool) string {
	tb.Helper()
	benchServer.once.Do(func() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBenchListServerProcess$")
		cmd.Env = append(os.Environ(), benchServerEnv+"=1")
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err == nil {
			benchServer.input, err = cmd.StdinPipe()
		}
		if err == nil {
			err = cmd.Start()
		}
		if err != nil {
			benchServer.err = err
			return
		}
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if url, ok := strings.CutPrefix(lines.Text(), benchServerEnv+" "); ok {
				benchServer.url = url
				go func() { _, _ = io.Copy(io.Discard, out) }()
				return
			}
		}
		benchServer.err = fmt.Errorf("the list server printed no URL: %v", cmd.Wait())
	})
	if benchServer.err != nil {
		tb.Fatal(benchServer.err)
	}
	u := benchServer.url + "/" + strconv.Itoa(rows)
	if onePage {
		u += "/one-page"
	}
	return u
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

// The conversion a user writes to get a Payment from the texts of its columns, for
// encoding/xml (convert) and for xmltokenizer (tokenizerDecoder) alike.

func userID(s string) (int64, error) { return strconv.ParseInt(strings.TrimSpace(s), 10, 64) }

func userDate(s string) (time.Time, error) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation(dateLayout, s, time.UTC)
}

func userMoney(s string) (Money, error) {
	amount, currency, _ := strings.Cut(strings.TrimSpace(s), " ")
	d, err := decimal.NewFromString(amount)
	return Money{Amount: d, Currency: currency}, err
}

func userStatus(orig, label string) Status {
	label = strings.TrimSpace(label)
	if orig == "" {
		orig = label
	}
	return Status{Code: orig, Label: label}
}

func userName(s string) string {
	if s = strings.TrimSpace(s); s == "-" {
		return "" // the placeholder of a missing name
	}
	return s
}

// convert is the conversion a user of encoding/xml writes to get a Payment.
func (p *baselinePayment) convert() (Payment, error) {
	id, err := userID(p.ID)
	if err != nil {
		return Payment{}, err
	}
	out := Payment{ID: id, Number: strings.TrimSpace(p.Number), SenderName: userName(p.SenderName),
		RecipientName: userName(p.RecipientName), AccountName: userName(p.AccountName),
		Project:       userStatus(p.Project.Orig, p.Project.Label),
		PaymethodName: userName(p.PaymethodName), PaymethodModule: strings.TrimSpace(p.PaymethodModule),
		Status:      userStatus(p.Status.Orig, p.Status.Label),
		RealStatus:  userStatus("", p.RealStatus),
		AllowRefund: p.AllowRefund == "on", Refund: p.Refund == "on", RestrictRefund: p.RestrictRefund == "on"}
	var errs [4]error
	out.CreateDate, errs[0] = userDate(p.CreateDate)
	out.PayDate, errs[1] = userDate(p.PayDate)
	out.SubaccountAmount, errs[2] = userMoney(p.SubaccountAmount)
	out.PaymethodAmount, errs[3] = userMoney(p.PaymethodAmount)
	for _, err := range errs {
		if err != nil {
			return Payment{}, err
		}
	}
	return out, nil
}

// tokenizerDecoder reads the rows of a page with github.com/muktihari/xmltokenizer, as a
// user who tunes it by hand writes it: reads of tokenizerReadSize, columns matched by
// their name's bytes without a string, the texts converted as convert does, the five
// predefined entities and character references resolved (xmltokenizer leaves them as
// sent), and no allocation but those of the conversion, of the row's strings and of the
// tokenizer. A tokenizer for each page: Tokenizer.Reset of v0.0.5 keeps the bytes of the
// document read before in its buffer and reads them again as tokens of the next.
type tokenizerDecoder struct {
	text []byte // a text with its references resolved
}

// tokenizerReadSize is the size of the tokenizer's reads: its fastest here. A new
// Tokenizer of v0.0.5 scans a buffer of the read size before its first read, so that reads
// of 256 KB cost it 10% more a row than reads of 32 KB, and reads of 4 KB (its default)
// 1% more (12 alternating rounds of the decoder at 100,000 rows with each size).
const tokenizerReadSize = 32 << 10

// page reads a page from body, handing each row to each, and returns the rows and the
// total the page reports.
func (d *tokenizerDecoder) page(body io.Reader, each func(*Payment)) (rows, total int, err error) {
	tok := xmltokenizer.New(body, xmltokenizer.WithReadBufferSize(tokenizerReadSize))
	var p Payment
	inRow := false
	for {
		t, err := tok.Token()
		if err == io.EOF {
			return rows, total, nil
		}
		if err != nil {
			return 0, 0, err
		}
		name := t.Name.Local
		switch {
		case t.IsEndElement:
			if inRow && string(name) == "elem" {
				each(&p)
				rows, inRow = rows+1, false
			}
			continue
		case !inRow:
			switch string(name) {
			case "elem":
				p, inRow = Payment{}, true
			case "p_elems":
				total, _ = strconv.Atoi(string(t.Data))
			}
			continue
		}
		if err := d.column(&p, &t); err != nil {
			return 0, 0, fmt.Errorf("column %s: %w", name, err)
		}
	}
}

// column converts the column t of row p.
func (d *tokenizerDecoder) column(p *Payment, t *xmltokenizer.Token) error {
	var err error
	switch v := t.Data; string(t.Name.Local) {
	case "id":
		p.ID, err = userID(string(v))
	case "number":
		p.Number = string(v)
	case "create_date":
		p.CreateDate, err = userDate(string(v))
	case "pay_date":
		p.PayDate, err = userDate(string(v))
	case "sender_name":
		p.SenderName = userName(d.unescape(v))
	case "recipient_name":
		p.RecipientName = userName(d.unescape(v))
	case "account_name":
		p.AccountName = userName(d.unescape(v))
	case "paymethod_name":
		p.PaymethodName = userName(d.unescape(v))
	case "paymethod_module":
		p.PaymethodModule = string(v)
	case "project":
		p.Project = userStatus(d.orig(t), d.unescape(v))
	case "status":
		p.Status = userStatus(d.orig(t), d.unescape(v))
	case "real_status":
		p.RealStatus = userStatus("", string(v))
	case "subaccountamount_iso":
		p.SubaccountAmount, err = userMoney(string(v))
	case "paymethodamount_iso":
		p.PaymethodAmount, err = userMoney(string(v))
	case "allowrefund":
		p.AllowRefund = string(v) == "on"
	case "refund":
		p.Refund = string(v) == "on"
	case "restrictrefund":
		p.RestrictRefund = string(v) == "on"
	}
	return err
}

// orig is the orig attribute of t, its references resolved.
func (d *tokenizerDecoder) orig(t *xmltokenizer.Token) string {
	for i := range t.Attrs {
		if string(t.Attrs[i].Name.Local) == "orig" {
			return d.unescape(t.Attrs[i].Value)
		}
	}
	return ""
}

// unescape returns b with the predefined entities and character references resolved.
func (d *tokenizerDecoder) unescape(b []byte) string {
	amp := bytes.IndexByte(b, '&')
	if amp < 0 {
		return string(b)
	}
	d.text = append(d.text[:0], b[:amp]...)
	for b = b[amp:]; len(b) > 0; {
		semi := bytes.IndexByte(b, ';')
		if b[0] != '&' || semi < 0 {
			d.text, b = append(d.text, b[0]), b[1:]
			continue
		}
		switch ref := string(b[1:semi]); {
		case ref == "amp":
			d.text = append(d.text, '&')
		case ref == "quot":
			d.text = append(d.text, '"')
		case ref == "lt":
			d.text = append(d.text, '<')
		case ref == "gt":
			d.text = append(d.text, '>')
		case ref == "apos":
			d.text = append(d.text, '\'')
		case strings.HasPrefix(ref, "#x"):
			r, _ := strconv.ParseUint(ref[2:], 16, 32)
			d.text = utf8.AppendRune(d.text, rune(r))
		case strings.HasPrefix(ref, "#"):
			r, _ := strconv.ParseUint(ref[1:], 10, 32)
			d.text = utf8.AppendRune(d.text, rune(r))
		default:
			d.text = append(d.text, b[:semi+1]...)
		}
		b = b[semi+1:]
	}
	return string(d.text)
}

// benchImpl is one way of reading the whole list from the list server at url.
type benchImpl struct {
	name string
	read func(url string, rows int) func() (int, error)
}

// benchImpls: the transport first (benchstat compares the others with the first column),
// then the counting floor, the SDK, the decoder a user builds on xmltokenizer, and the
// user's encoding/xml code.
var benchImpls = []benchImpl{
	{"transport", func(url string, rows int) func() (int, error) {
		hc, buf := benchHTTPClient(), make([]byte, benchReadSize)
		return func() (int, error) {
			return byPage(hc, url, func(body io.Reader) (int, int, error) {
				for {
					if _, err := body.Read(buf); err != nil {
						return allPageSize, rows, ignoreEOF(err)
					}
				}
			})
		}
	}},
	{"count", func(url string, rows int) func() (int, error) {
		hc, buf := benchHTTPClient(), make([]byte, benchReadSize)
		return func() (int, error) {
			tags := 0
			n, err := byPage(hc, url, func(body io.Reader) (int, int, error) {
				for {
					n, err := body.Read(buf)
					tags += bytes.Count(buf[:n], []byte{'<'})
					if err != nil {
						return allPageSize, rows, ignoreEOF(err)
					}
				}
			})
			if err == nil && tags == 0 {
				err = fmt.Errorf("no tag counted")
			}
			return n, err
		}
	}},
	{"sdk", func(url string, _ int) func() (int, error) {
		c, err := NewClient(url, WithAuthInfo(testUser, testPassword), WithHTTPClient(benchHTTPClient()))
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
	{"xmltokenizer", func(url string, _ int) func() (int, error) {
		hc, d := benchHTTPClient(), &tokenizerDecoder{}
		return func() (int, error) {
			return byPage(hc, url, func(body io.Reader) (int, int, error) {
				return d.page(body, func(*Payment) {})
			})
		}
	}},
	{"unmarshal", func(url string, _ int) func() (int, error) {
		hc := benchHTTPClient()
		return func() (int, error) {
			return byPage(hc, url, func(body io.Reader) (int, int, error) {
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
}

// ignoreEOF is err, or nil at the end of a body. The transport baselines count every page
// they read as a full page of the list.
func ignoreEOF(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

func benchHTTPClient() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// BenchmarkDecode reports ns/row, B/row and allocs/row of each implementation reading the
// whole list in pages of 1,000 rows over loopback HTTP (the client's allocations: the
// server is another process), after one unmeasured read of the list. Run it with
// -benchtime 1x, and repeat the run for alternating rounds (scripts/bench.sh).
func BenchmarkDecode(b *testing.B) {
	for _, rows := range benchRowCounts {
		url := benchListURL(b, rows, false)
		if _, err := benchImpls[0].read(url, rows)(); err != nil { // the connection and the server warmed up
			b.Fatal(err)
		}
		for _, impl := range benchImpls {
			b.Run(fmt.Sprintf("rows=%d/impl=%s", rows, impl.name), func(b *testing.B) {
				read := impl.read(url, rows)
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

// BenchmarkPeakHeap reports the highest heap while a list is read with Payments.All over
// loopback, above the heap before. peak-B is the heap in use (runtime/metrics'
// /memory/classes/heap/objects:bytes, sampled every 50µs: live objects and garbage not yet
// collected, so it follows the collector's pace too). peak-live-B is the heap in use right
// after a full collection (runtime.GC) every 1,000 rows. The list server is another
// process, so the heap holds what the client keeps: the decoder, the walk and the HTTP
// connection; GOGC is 10 during the run. sdk reads pages of 1,000 rows; sdk-one-page reads
// a server that ignores p_cnt and sends the whole list as one page. keys-B is the live size
// of a map of as many int64 keys as the largest page, for comparison: All keeps the keys
// of a page to yield each row once, when the ids do not only increase.
func BenchmarkPeakHeap(b *testing.B) {
	for _, rows := range []int{10000, 100000, 1000000} {
		for _, onePage := range []bool{false, true} {
			name := "sdk"
			if onePage {
				name = "sdk-one-page"
			}
			b.Run(fmt.Sprintf("rows=%d/impl=%s", rows, name), func(b *testing.B) {
				defer debug.SetGCPercent(debug.SetGCPercent(10))
				c, err := NewClient(benchListURL(b, rows, onePage), WithAuthInfo(testUser, testPassword),
					WithHTTPClient(benchHTTPClient()), WithMaxResponseBytes(4<<30))
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

// benchPage is page number (of size rows) of the generated list of total rows, as the
// list server sends it.
func benchPage(tb testing.TB, total, number, size int) []byte {
	tb.Helper()
	rec := httptest.NewRecorder()
	form := url.Values{"p_num": {strconv.Itoa(number)}, "p_cnt": {strconv.Itoa(size)}}
	req := httptest.NewRequest(http.MethodPost, "/"+strconv.Itoa(total), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	newBenchList(tb).ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
		tb.Fatalf("page %d: HTTP %d, Content-Length %s of %d bytes", number, rec.Code, rec.Header().Get("Content-Length"), rec.Body.Len())
	}
	return rec.Body.Bytes()
}

// memoryPages serves the pages of a list of allPageSize rows from memory, made once:
// Payments.All without the network, for BenchmarkDecodeStages.
type memoryPages [][]byte

func newMemoryPages(tb testing.TB, rows int) memoryPages {
	tb.Helper()
	var pages memoryPages
	for first := 0; first < rows; first += allPageSize {
		pages = append(pages, benchPage(tb, rows, first/allPageSize+1, allPageSize))
	}
	return pages
}

func (m memoryPages) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	number, _ := strconv.Atoi(form.Get("p_num"))
	if size, _ := strconv.Atoi(form.Get("p_cnt")); size != allPageSize {
		return nil, fmt.Errorf("memoryPages serves pages of %d rows, not %d", allPageSize, size)
	}
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"text/xml"}},
		Body:    io.NopCloser(bytes.NewReader(m[min(max(number, 1), len(m))-1])),
		Request: r,
	}, nil
}

// BenchmarkDecodeStages splits the SDK's path on a list of 10,000 rows in memory: the
// scanner alone, the tree of the whole document (decodeDoc, as Call reads it), the rows
// decoded into Payment values (decodeRows, as List and All read them), and Payments.All
// over the same rows in pages of 1,000 served from memory (the rows with All's own work:
// the requests, the keys of the pages, the loop; and ten pages' heads).
func BenchmarkDecodeStages(b *testing.B) {
	const rows = 10000
	doc := benchPage(b, rows, 1, rows)
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

// The generated list is what the benchmarks claim: every row decodes, with the SDK, with
// the user's encoding/xml code and with the xmltokenizer decoder, to the same values; the
// server's pages make the whole list; the rows are distinct and of real weight.
func TestBenchListDecodes(t *testing.T) {
	t.Parallel()
	const rows = 2500
	srv := httptest.NewServer(newBenchList(t))
	t.Cleanup(srv.Close)
	endpoint := srv.URL + "/" + strconv.Itoa(rows)
	c, err := NewClient(endpoint, WithAuthInfo(testUser, testPassword))
	require.NoError(t, err)
	var sdk []Payment
	for p, err := range c.Payments.All(context.Background(), 1, nil) {
		require.NoError(t, err)
		sdk = append(sdk, p)
	}
	require.Len(t, sdk, rows)
	var unmarshal, tokenizer []Payment
	n, err := byPage(benchHTTPClient(), endpoint, func(body io.Reader) (int, int, error) {
		var list baselineList
		require.NoError(t, xml.NewDecoder(body).Decode(&list))
		for i := range list.Elems {
			p, err := list.Elems[i].convert()
			require.NoError(t, err)
			unmarshal = append(unmarshal, p)
		}
		return len(list.Elems), list.Total, nil
	})
	require.NoError(t, err)
	require.Equal(t, rows, n)
	d := &tokenizerDecoder{}
	n, err = byPage(benchHTTPClient(), endpoint, func(body io.Reader) (int, int, error) {
		return d.page(body, func(p *Payment) { tokenizer = append(tokenizer, *p) })
	})
	require.NoError(t, err)
	require.Equal(t, rows, n)
	var unpaid, symbols, entities int
	names := map[string]bool{}
	for i := range sdk {
		for _, user := range []*Payment{&unmarshal[i], &tokenizer[i]} {
			require.True(t, user.PaymethodAmount.Equal(sdk[i].PaymethodAmount), "%v and %v", user.PaymethodAmount, sdk[i].PaymethodAmount)
			require.True(t, user.SubaccountAmount.Equal(sdk[i].SubaccountAmount), "%v and %v", user.SubaccountAmount, sdk[i].SubaccountAmount)
			user.PaymethodAmount, user.SubaccountAmount = sdk[i].PaymethodAmount, sdk[i].SubaccountAmount
			require.Equal(t, *user, sdk[i])
		}
		require.Equal(t, benchRowID(i), sdk[i].ID)
		if sdk[i].PayDate.IsZero() {
			unpaid++
		}
		if sdk[i].PaymethodAmount.Currency == "₽" {
			symbols++
		}
		if strings.ContainsAny(sdk[i].SenderName+sdk[i].RecipientName, `&"`) {
			entities++
		}
		names[sdk[i].AccountName] = true
	}
	assert.InDelta(t, rows/5, unpaid, rows/25, "about every fifth payment unpaid")
	assert.InDelta(t, rows/4, symbols, rows/20, "about every fourth amount in ₽")
	assert.Greater(t, entities, rows/4, "entities in names")
	assert.Greater(t, len(names), rows/3, "distinct client names")
	page := benchPage(t, rows, 1, rows)
	perRow := float64(len(page)-len(loadBenchShape(t).head)) / rows
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
