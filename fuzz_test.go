package billmgr

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr/internal/xmlscan"
)

// Fuzz targets for everything the SDK reads from the network or a caller hands it as
// text: reply documents (whole and streamed), error documents, money, dates and on/off
// values. The scanner's own target, against encoding/xml, is in internal/xmlscan.
// Seeds: every recorded document under testdata (the real samples and the per-function
// fixtures) through f.Add, plus the corpus in testdata/fuzz/<target>. Run one for long with
//
//	go test -run '^$' -fuzz '^FuzzDecodeDoc$' -fuzztime 10m -parallel 1 .
//
// Properties, beyond "never panics":
//   - FuzzDecodeDoc: decodeDoc agrees with a plain encoding/xml reference tree builder
//     (same tree, or both refuse), and every refusal is ErrUnexpectedResponse or a
//     transport failure. It guards the tokenizer and the tree.
//   - FuzzRowsMatchTree: the typed decoder (rows of a list, fields of a form, straight
//     into structs) gives exactly what the tree path gives, decodeDoc and unmarshalNode:
//     the same values, the same errors, the same refusals.
//   - FuzzListStream: Payments.List (a page) and Payments.All (streamed, dedup by id)
//     agree row for row on the same reply, through the real transport code with an
//     in-memory round tripper that repeats the reply for every page; All ends with a
//     *ShortListError exactly when the reply's total promises rows it does not hold.
//   - FuzzErrorDocument: an <error> comes back as *Error with its type, object and texts,
//     errors.Is matches exactly its sentinel, and an echoed password is redacted.
//   - FuzzParseMoney: exact round trips of amounts, the decoder's fast path gives what
//     ParseMoney gives, and Decimal encoding refuses or round-trips exactly.
//   - FuzzParseTime: dates round-trip, the decoder's fast path gives what parseTime
//     gives; Date/DateTime encode or refuse years outside 1970-9999.
//   - FuzzOnOff: exactly the documented spellings are accepted and round-trip, and the
//     decoder's fast path gives what UnmarshalText gives.

// fuzzFiles returns the contents of the testdata files matching the patterns.
func fuzzFiles(f *testing.F, patterns ...string) [][]byte {
	f.Helper()
	var out [][]byte
	for _, p := range patterns {
		names, err := filepath.Glob(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		f.Fatalf("no seed files match %v", patterns)
	}
	return out
}

// documentSeeds are the recorded documents every document target starts from.
func documentSeeds(f *testing.F) [][]byte {
	return fuzzFiles(f, "samples/*", "*/*.xml")
}

func FuzzDecodeDoc(f *testing.F) {
	for _, b := range documentSeeds(f) {
		f.Add(b)
	}
	for _, s := range []string{
		"", "<doc/>", "\ufeff<doc/>", "<doc><elem><id>1</id></elem></doc>", "<doc><elem><id>1</id></el",
		`<doc xmlns:x="urn:x"><x:a x:b="1"/><![CDATA[<c>]]><!-- c --><?pi x?></doc>`,
		"<doc><tparams><auth>s1</auth><elid>1</elid></tparams></doc>",
		strings.Repeat("<a>", 70) + strings.Repeat("</a>", 70),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		whole, err := decodeDoc(bytes.NewReader(data), defaultMaxResponseBytes)
		checkReadError(t, err)
		ref, refErr := referenceDecode(data)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("decodeDoc error %v, reference error %v", err, refErr)
		}
		if err != nil {
			return
		}
		if !reflect.DeepEqual(&whole.Node, ref) {
			t.Fatalf("decodeDoc and the reference disagree:\n got %s\nwant %s", dumpNode(&whole.Node), dumpNode(ref))
		}
	})
}

// checkReadError fails unless err is nil or one of the two documented outcomes of reading
// a body: not a document (ErrUnexpectedResponse) or a broken transfer (a transport failure,
// which a read may retry).
func checkReadError(t *testing.T, err error) {
	t.Helper()
	var te *transportError
	if err != nil && !errors.Is(err, ErrUnexpectedResponse) && !errors.As(err, &te) {
		t.Fatalf("unclassified error %T: %v", err, err)
	}
}

// referenceDecode is the oracle of FuzzDecodeDoc: the tree a reply document stands for,
// built naively with encoding/xml. It states the rules decodeDoc must keep whatever
// tokenizer it uses: a single <doc> root (a UTF-8 byte order mark may precede it), strict
// well-formed XML with the five predefined entities, nesting up to refMaxDepth, character data
// concatenated as sent (CDATA included; comments, processing instructions and directives
// dropped), prefixes kept as written ("x:a"), the secrets that <tparams> echoes redacted.
func referenceDecode(data []byte) (*Node, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	body := bytes.TrimLeft(data, " \t\r\n")
	if len(body) == 0 || body[0] != '<' || isHTML(body) {
		return nil, errors.New("not XML")
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var root *Node
	var stack []*Node
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			if root == nil || len(stack) > 0 {
				return nil, errors.New("unterminated")
			}
			return root, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, errors.New("second root")
			}
			if len(stack) >= refMaxDepth {
				return nil, errors.New("too deep")
			}
			n := &Node{Name: refName(t.Name)}
			for _, a := range t.Attr {
				n.Attrs = append(n.Attrs, Attr{Name: refName(a.Name), Value: a.Value})
			}
			if root == nil {
				if n.Name != "doc" {
					return nil, errors.New("root is not doc")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].Name != refName(t.Name) {
				return nil, errors.New("mismatched end")
			}
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n.Name == "tparams" { // at any depth: a nested document echoes too
				for _, c := range n.Children {
					if refSecretParam(c.Name) {
						c.Text, c.Attrs, c.Children = redacted, nil, nil
					}
				}
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("text outside the root")
			}
		}
	}
}

// The limits and secrets of the contract the oracle states (see decodeDoc).
const refMaxDepth = 64

var refEchoedSecrets = map[string]bool{"auth": true, "authinfo": true, "password": true, "passwd": true, "confirm": true, "key": true}

// refSecretParam: the names above, and every name that says password.
func refSecretParam(name string) bool {
	lower := strings.ToLower(name)
	return refEchoedSecrets[name] || strings.Contains(lower, "passw") || strings.Contains(lower, "pwd") || strings.Contains(lower, "secret")
}

func refName(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

func isHTML(body []byte) bool {
	lower := bytes.ToLower(body[:min(len(body), 16)])
	return bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html"))
}

func dumpNode(n *Node) string {
	var b strings.Builder
	var walk func(n *Node, depth int)
	walk = func(n *Node, depth int) {
		b.WriteString(strings.Repeat(" ", depth))
		b.WriteString(n.Name)
		for _, a := range n.Attrs {
			b.WriteString(" " + a.Name + "=" + a.Value)
		}
		b.WriteString(" text=" + strconv.Quote(n.Text) + "\n")
		for _, c := range n.Children {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// fuzzRow has a field of every kind the typed decoder fills, and two columns for a field
// (an id, an amount).
type fuzzRow struct {
	ID     int64           `xml:"id|elid"`
	Paid   Money           `xml:"paid|alt"`
	N      int             `xml:"n"`
	Name   string          `xml:"name"`
	Amount Money           `xml:"amount"`
	D      decimal.Decimal `xml:"d"`
	F      OnOff           `xml:"f"`
	S      Status          `xml:"status"`
	T      time.Time       `xml:"t"`
}

func FuzzRowsMatchTree(f *testing.F) {
	for _, b := range documentSeeds(f) {
		f.Add(b)
	}
	for _, s := range []string{
		"<doc/>", "<doc><elem/><x/><elem><x/></elem></doc>",
		`<doc><elem><id>17</id><id>18</id><elid>19</elid><name> - </name><amount>10.00 ₽</amount></elem></doc>`,
		`<doc><elem><elid>19</elid><id>18</id><name>a<x>b</x>c</name><d>1 234,50</d><f/><status orig=" ">x</status></elem></doc>`,
		`<doc><elem><n>+5</n><t>2024-02-29 23:59:59</t><amount>12.3450 RUB</amount><status orig="4"> Credited </status></elem><elem/></doc>`,
		`<doc><elem><n>x</n><d>y</d></elem><error type="access"><msg>no</msg></error><p_elems>2</p_elems></doc>`,
		`<doc><error type="value" object="id"/><elem><t>2023-02-29</t></elem></doc>`,
		`<doc><elid>5</elid><name><![CDATA[ x ]]>&amp;</name><amount>5.00 $ / Месяц</amount><p_num>3</p_num></doc>`,
		"<doc><elem><t>2024-05-07 9:30:00</t><f>\u00a0on</f><name>\u00a0-\u00a0</name></elem></doc>",
		`<doc><elem><alt>1.00 RUB</alt><paid>1 234,50 RUB</paid></elem><elem><alt>2.00 $</alt><paid/></elem></doc>`,
		// Rows that repeat their columns (the next column read in one step), then break
		// the pattern: attributes, white space in a tag, an element inside, a reference.
		"<doc>\n <elem>\n  <id>1</id>\n  <name>a</name>\n  <x>-</x>\n </elem>\n <elem>\n  <id>2</id>\n  <name a=\"b\">c</name>\n  <x>-</x>\n </elem>\n" +
			" <elem><id>3</id><name>d &amp; e</name ><x/></elem>\n <elem><id>4</id><name>f<i>g</i>h</name><x>y</x></elem></doc>",
		"<doc><elem><id>1</id><x>y</x></elem><elem><id>2</id><x>]]></x></elem></doc>",
		"<doc><elid>1</elid><error>x</error></doc>",
	} {
		f.Add([]byte(s))
	}
	loc := time.FixedZone("MSK", 3*3600)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, treeErr := decodeDoc(bytes.NewReader(data), defaultMaxResponseBytes)
		checkRowsMatchTree[fuzzRow](t, data, doc, treeErr, loc)
		checkRowsMatchTree[Payment](t, data, doc, treeErr, loc)
	})
}

// checkRowsMatchTree decodes data as a list of T and as a form of T, and holds both to
// what the tree path (decodeDoc and unmarshalNode) gives: the same rows in the same order,
// the same error when a row does not parse, the <error> of the reply as *Error, the same
// page figures.
func checkRowsMatchTree[T any](t *testing.T, data []byte, doc *Doc, treeErr error, loc *time.Location) {
	t.Helper()
	schema, row := newRow[T]()
	var rows []T
	info, err := decodeRows(bytes.NewReader(data), defaultMaxResponseBytes, "fn", loc, schema, unsafe.Pointer(row), func(*xmlscan.Budget) error {
		rows = append(rows, *row)
		*row = *new(T)
		return nil
	})
	var view T
	viewErr := decodeView(bytes.NewReader(data), defaultMaxResponseBytes, "fn", loc, &view)
	checkCallError(t, err)
	checkCallError(t, viewErr)
	if treeErr != nil {
		if err == nil || viewErr == nil {
			t.Fatalf("the tree path refuses the reply (%v), the typed path reads it (%v, %v)", treeErr, err, viewErr)
		}
		return
	}
	var want []T
	wantErr := error(nil)
	for _, n := range doc.Children {
		if n.Name != "elem" {
			continue
		}
		var r T
		if wantErr = unmarshalNode(n, &r, loc); wantErr != nil {
			break
		}
		want = append(want, r)
	}
	if e := doc.Child("error"); wantErr == nil && e != nil {
		wantErr = errorFromNode("fn", e)
	}
	if !reflect.DeepEqual(nilIfNone(want), nilIfNone(rows)) {
		t.Fatalf("the typed rows differ from the tree's:\n got %+v\nwant %+v", rows, want)
	}
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("the typed path says %v, the tree path %v", err, wantErr)
	}
	if err == nil {
		atoi := func(name string) int {
			n, _ := strconv.Atoi(doc.Value(name))
			return n
		}
		if got, want := info, (listInfo{atoi("p_num"), atoi("p_cnt"), atoi("p_elems")}); got != want {
			t.Fatalf("page %+v, the tree says %+v", got, want)
		}
	}
	var wantView T
	wantViewErr := error(nil)
	if e := doc.Child("error"); e != nil {
		wantViewErr = errorFromNode("fn", e)
	} else if wantViewErr = unmarshalNode(&doc.Node, &wantView, loc); wantViewErr != nil {
		wantView = *new(T)
	}
	if fmt.Sprint(viewErr) != fmt.Sprint(wantViewErr) {
		t.Fatalf("the typed form says %v, the tree path %v", viewErr, wantViewErr)
	}
	if viewErr == nil && !reflect.DeepEqual(wantView, view) {
		t.Fatalf("the typed form differs from the tree's:\n got %+v\nwant %+v", view, wantView)
	}
}

// replayTransport answers every request with the same HTTP 200 body, without a network.
type replayTransport []byte

func (m replayTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"text/xml; charset=UTF-8"}},
		Body:    io.NopCloser(bytes.NewReader(m)),
		Request: r,
	}, nil
}

// replayClient is a client whose every call receives body; it tries once.
func replayClient(tb testing.TB, body []byte, opts ...Option) *Client {
	tb.Helper()
	all := append([]Option{
		WithHTTPClient(&http.Client{Transport: replayTransport(body)}),
		WithAuthInfo(testUser, testPassword),
		WithRetry(RetryPolicy{MaxAttempts: 1}),
	}, opts...)
	c, err := NewClient("https://billing.example.com", all...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func FuzzListStream(f *testing.F) {
	for _, b := range fuzzFiles(f, "*/list*.xml", "samples/*list*.xml", "*/error*.xml") {
		f.Add(b)
	}
	f.Add([]byte(`<doc><elem><id>1</id></elem><elem><id>1</id></elem><elem><id>2</id><create_date>x</create_date></elem></doc>`))
	f.Add([]byte(`<doc><elem><id>1</id></elem><error type="access"><msg>no</msg></error></doc>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := replayClient(t, data)
		ctx := context.Background()
		page, err := c.Payments.List(ctx, 1, nil)
		checkCallError(t, err)
		var rows []Payment
		var last error
		for row, err := range c.Payments.All(ctx, 1, nil) {
			checkCallError(t, err)
			if err != nil {
				last = err
				continue
			}
			if last != nil {
				t.Fatal("All yielded a row after an error")
			}
			rows = append(rows, row)
		}
		if err != nil {
			if last == nil {
				t.Fatalf("List failed with %v, All yielded %d rows and no error", err, len(rows))
			}
			return
		}
		var short *ShortListError
		if errors.As(last, &short) {
			// The server repeats this page for every page asked: the walk ended short of the
			// total it reported, or at the list's cut.
			if short.Rows != len(rows) || short.Total != page.Total || (short.Limit == 0 && page.Total <= len(rows)) {
				t.Fatalf("All yielded %d rows of %d and %+v", len(rows), page.Total, short)
			}
		} else if last != nil {
			t.Fatalf("List read the page, All failed: %v", last)
		}
		want := distinctPayments(page.Items)
		if !reflect.DeepEqual(want, nilIfNone(rows)) {
			t.Fatalf("All yielded %d rows, List %d distinct rows", len(rows), len(want))
		}
	})
}

// distinctPayments drops the rows whose id came before, as All does.
func distinctPayments(items []Payment) []Payment {
	seen := map[int64]bool{}
	var out []Payment
	for _, p := range items {
		if !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	return out
}

func nilIfNone[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// checkCallError fails unless err is nil or one of the documented error kinds a call
// returns, and unless its text is free of the password.
func checkCallError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var apiErr *Error
	var te *transportError
	var short *ShortListError
	if !errors.As(err, &apiErr) && !errors.Is(err, ErrUnexpectedResponse) && !errors.As(err, &te) && !errors.As(err, &short) {
		t.Fatalf("unclassified error %T: %v", err, err)
	}
	if strings.Contains(err.Error(), testPassword) {
		t.Fatalf("the password leaked: %v", err)
	}
}

func FuzzErrorDocument(f *testing.F) {
	for _, b := range fuzzFiles(f, "*/error*.xml", "samples/*error*.xml") {
		doc, err := decodeDoc(bytes.NewReader(b), defaultMaxResponseBytes)
		if err != nil {
			continue
		}
		e := doc.Child("error")
		var extra bytes.Buffer
		for _, c := range e.Children {
			if c.Name == "param" || c.Name == "stack" || c.Name == "group" {
				writeNode(&extra, c)
			}
		}
		f.Add(e.Attr("type"), e.Attr("object"), e.Value("msg"), e.Value("detail"), extra.String())
	}
	f.Add("auth", "", "Session expired", "", "")
	f.Add("value", "", "", "", `<param name="object">elid</param><param name="value">1, , 2</param>`)
	f.Add("unknown_type", "x", " spaced ", "\n", "<stack><action>x</action></stack>")
	f.Fuzz(func(t *testing.T, typ, object, msg, detail, extra string) {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><doc><error type="`)
		xml.EscapeText(&b, []byte(typ))
		b.WriteString(`" object="`)
		xml.EscapeText(&b, []byte(object))
		b.WriteString(`"><msg>`)
		xml.EscapeText(&b, []byte(msg))
		b.WriteString(`</msg><detail>`)
		xml.EscapeText(&b, []byte(detail))
		b.WriteString(`</detail>` + extra + `<param name="value">` + testPassword + `</param></error></doc>`)
		_, err := replayClient(t, []byte(b.String())).Call(context.Background(), "account.edit", nil)
		checkCallError(t, err)
		if _, refErr := referenceDecode([]byte("<doc>" + extra + "</doc>")); refErr != nil {
			return // extra is not a balanced fragment: it may close <error> or break the document
		}
		var apiErr *Error
		if !errors.As(err, &apiErr) {
			t.Fatalf("a well-formed error document gave %v", err)
		}
		for _, s := range append([]string{apiErr.Error(), apiErr.Msg, apiErr.Detail, apiErr.Object, apiErr.Value}, mapValues(apiErr.Params)...) {
			if strings.Contains(s, testPassword) {
				t.Fatalf("the password leaked: %q", s)
			}
		}
		if apiErr.Value != redacted || apiErr.Params["value"] != redacted {
			t.Fatalf("the echoed password is %q / %q, want %q", apiErr.Value, apiErr.Params["value"], redacted)
		}
		if !strings.Contains(typ+object+msg+detail, testPassword[:4]) {
			want := &Error{Type: xmlSafe(typ), Object: xmlSafe(object), Msg: strings.TrimSpace(xmlSafe(msg)), Detail: strings.TrimSpace(xmlSafe(detail))}
			if want.Object == "" {
				want.Object = apiErr.Params["object"]
			}
			got := &Error{Type: apiErr.Type, Object: apiErr.Object, Msg: apiErr.Msg, Detail: apiErr.Detail}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("decoded %+v, want %+v", got, want)
			}
		}
		for typ, sentinel := range sentinels {
			if errors.Is(err, sentinel) != (apiErr.Type == typ) {
				t.Fatalf("errors.Is(%v, %v) is wrong for type %q", err, sentinel, apiErr.Type)
			}
		}
	})
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// xmlSafe is s as it comes back from xml.EscapeText and a decoder: invalid UTF-8 and
// characters XML cannot carry become U+FFFD.
func xmlSafe(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if r == utf8.RuneError && size == 1 || !isXMLChar(r) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// writeNode writes n back as XML, for seeds built from fixtures.
func writeNode(b *bytes.Buffer, n *Node) {
	b.WriteString("<" + n.Name)
	for _, a := range n.Attrs {
		b.WriteString(" " + a.Name + `="`)
		xml.EscapeText(b, []byte(a.Value))
		b.WriteString(`"`)
	}
	b.WriteString(">")
	xml.EscapeText(b, []byte(n.Text))
	for _, c := range n.Children {
		writeNode(b, c)
	}
	b.WriteString("</" + n.Name + ">")
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{
		"100.00 RUB", "5.00 $", "49.99 руб.", "1 234,50 RUB", "1\u00a0234,50 руб.", "1,234.50 USD",
		"1.234,50 EUR", "-5.00 RUB", "−12.30 RUB", "0.0774 EUR", "12,5", "€5.00",
		"500.00 RUB / Месяц", "", "free", "1.2.3 RUB", "100.500", "0.00001", "1e5",
		"123456789012345678901234567890.12 RUB", "a /5 x",
	} {
		f.Add(s)
	}
	for _, b := range fuzzFiles(f, "*/list_en.xml") {
		doc, err := decodeDoc(bytes.NewReader(b), defaultMaxResponseBytes)
		if err != nil {
			continue
		}
		for _, e := range doc.Elems() {
			for _, c := range e.Children {
				if strings.HasSuffix(c.Name, "_iso") || strings.Contains(c.Name, "amount") || c.Name == "balance" {
					f.Add(c.Text)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		amount, currency, currencyBytes, fastErr := parseMoneyBytes([]byte(s), nil)
		if currencyBytes != nil {
			currency = string(currencyBytes)
		}
		if (err == nil) != (fastErr == nil) || !reflect.DeepEqual(m, Money{Amount: amount, Currency: currency}) {
			t.Fatalf("ParseMoney(%q) = %#v, %v; parseMoneyBytes: %#v, %q, %v", s, m, err, amount, currency, fastErr)
		}
		memo := &amountMemo{}
		for _, text := range []string{"1.00 RUB", s, s} { // a memo of another amount, then of this one
			if amount, _, _, _ := parseMoneyBytes([]byte(text), memo); text == s && !reflect.DeepEqual(m.Amount, amount) {
				t.Fatalf("parseMoneyBytes(%q) after %q: %v, want %v", s, memo.text, amount, m.Amount)
			}
		}
		if err != nil {
			return
		}
		back, err := ParseMoney(m.String())
		if err != nil {
			t.Fatalf("ParseMoney(%q) = %v, whose String %q does not parse: %v", s, m, m.String(), err)
		}
		if !back.Amount.Equal(m.Amount) {
			t.Fatalf("amount %s printed as %q reads back as %s", m.Amount, m.String(), back.Amount)
		}
		// A currency text with " / " in it, or starting with "/ ", reads back as a billing
		// period (testdata/fuzz/FuzzParseMoney/08d7734efb778620: "0/ A"); nothing else may
		// change.
		if !strings.Contains(m.String(), " / ") && back.Currency != m.Currency {
			t.Fatalf("currency %q printed as %q reads back as %q", m.Currency, m.String(), back.Currency)
		}
		var text Money
		if b, _ := m.MarshalText(); text.UnmarshalText(b) != nil || !text.Amount.Equal(m.Amount) {
			t.Fatalf("MarshalText/UnmarshalText lose %v", m)
		}
		checkDecimalEncoding(t, "amount", m.Amount)
		checkDecimalEncoding(t, "rate", m.Amount)
	})
}

// checkDecimalEncoding requires Decimal to encode d exactly, with at least two decimals
// and no exponent, or to refuse it with an error naming the parameter.
func checkDecimalEncoding(t *testing.T, key string, d decimal.Decimal) {
	t.Helper()
	v := url.Values{}
	if err := (Decimal{d}).EncodeValues(key, &v); err != nil {
		if !strings.Contains(err.Error(), "parameter "+key) {
			t.Fatalf("the error does not name the parameter: %v", err)
		}
		places, digits := decimalShape(d)
		if places <= MaxDecimals && digits <= MaxIntegerDigits {
			t.Fatalf("%s refused: %v", d, err)
		}
		return
	}
	s := v.Get(key)
	dot := strings.IndexByte(s, '.')
	if dot < 0 || len(s)-dot-1 < 2 || strings.ContainsAny(s, "eE ") {
		t.Fatalf("%s encodes as %q: want digits, a dot and at least two decimals", d, s)
	}
	if len(s)-dot-1 > 2 && strings.HasSuffix(s, "0") {
		t.Fatalf("%s encodes as %q: a trailing zero beyond two decimals", d, s)
	}
	back, err := decimal.NewFromString(s)
	if err != nil || !back.Equal(d) {
		t.Fatalf("%s encodes as %q, which reads back as %s (%v)", d, s, back, err)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2024-05-07", "2024-05-07 14:12:03", " 2024-04-24 10:33:46 ", "", "1969-12-31", "0000-01-01",
		"9999-12-31 23:59:59", "2024-02-30", "2024-05-07T14:12:03", "07.05.2024", "2024-05-07 14:12:03.5",
		"2024-05-07 24:00:00",
	} {
		f.Add(s)
	}
	zones := []*time.Location{time.UTC, time.FixedZone("MSK", 3*3600), time.FixedZone("-0930", -(9*3600 + 1800))}
	f.Fuzz(func(t *testing.T, s string) {
		for _, loc := range zones {
			got, err := parseTime(s, loc)
			fast, fastErr := parseTimeBytes(bytes.TrimSpace([]byte(s)), loc)
			if fmt.Sprint(err) != fmt.Sprint(fastErr) || !reflect.DeepEqual(got, fast) {
				t.Fatalf("parseTime(%q) = %v, %v; parseTimeBytes: %v, %v", s, got, err, fast, fastErr)
			}
			if err != nil {
				continue
			}
			if strings.TrimSpace(s) == "" {
				if !got.IsZero() {
					t.Fatalf("%q reads as %v, want the zero time", s, got)
				}
				continue
			}
			// "0001-01-01" in UTC is the zero time.Time; it round-trips like any other date
			// (testdata/fuzz/FuzzParseTime/a5e25b7643b10863).
			if got.Location() != loc {
				t.Fatalf("%q reads in %v, want %v", s, got.Location(), loc)
			}
			layout := dateTimeLayout
			if len(strings.TrimSpace(s)) == len(dateLayout) {
				layout = dateLayout
			}
			back, err := parseTime(got.Format(layout), loc)
			if err != nil || !back.Equal(got.Truncate(time.Second)) {
				t.Fatalf("%q reads as %v, which prints as %q and reads back as %v (%v)", s, got, got.Format(layout), back, err)
			}
			checkTimeEncoding(t, got, loc)
		}
	})
}

// checkTimeEncoding requires Date and DateTime to encode t so that it reads back the same
// (to the day, to the second), or to refuse a year outside 1970-9999.
func checkTimeEncoding(t *testing.T, tm time.Time, loc *time.Location) {
	t.Helper()
	inRange := tm.Year() >= 1970 && tm.Year() <= 9999
	for _, enc := range []struct {
		encoder interface {
			EncodeValues(string, *url.Values) error
		}
		want time.Time
	}{
		{Date{tm}, time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, loc)},
		{DateTime{tm}, tm.Truncate(time.Second)},
	} {
		v := url.Values{}
		err := enc.encoder.EncodeValues("d", &v)
		if !inRange {
			if err == nil || !strings.Contains(err.Error(), "1970") {
				t.Fatalf("%v encodes as %q, want a refusal", tm, v.Get("d"))
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v refused: %v", tm, err)
		}
		back, err := parseTime(v.Get("d"), loc)
		if err != nil || !back.Equal(enc.want) {
			t.Fatalf("%v encodes as %q, which reads back as %v (%v)", tm, v.Get("d"), back, err)
		}
	}
}

func FuzzOnOff(f *testing.F) {
	for _, s := range []string{"on", "off", "ON", "", " on ", "yes", "no", "true", "false", "1", "0", "maybe", "\u00a0on", "оn"} {
		f.Add(s)
	}
	accepted := map[string]bool{"": true, "on": true, "yes": true, "true": true, "1": true, "off": false, "no": false, "false": false, "0": false}
	f.Fuzz(func(t *testing.T, s string) {
		var fl OnOff
		err := fl.UnmarshalText([]byte(s))
		if fast, fastErr := parseOnOffBytes([]byte(s)); fast != bool(fl) || fmt.Sprint(fastErr) != fmt.Sprint(err) {
			t.Fatalf("UnmarshalText(%q) = %v, %v; parseOnOffBytes: %v, %v", s, fl, err, fast, fastErr)
		}
		want, ok := accepted[strings.ToLower(strings.TrimSpace(s))]
		if ok != (err == nil) {
			t.Fatalf("UnmarshalText(%q) error %v, documented: %v", s, err, ok)
		}
		if err != nil {
			return
		}
		if bool(fl) != want {
			t.Fatalf("UnmarshalText(%q) = %v, want %v", s, fl, want)
		}
		b, _ := fl.MarshalText()
		var back OnOff
		if back.UnmarshalText(b) != nil || back != fl {
			t.Fatalf("%v marshals as %q, which reads back as %v", fl, b, back)
		}
		v := url.Values{}
		if fl.EncodeValues("f", &v) != nil || v.Get("f") != fl.String() {
			t.Fatalf("%v encodes as %q", fl, v.Get("f"))
		}
	})
}

// TestDecodeDocIsLinear guards the tokenizer against quadratic text assembly: a text
// broken into many pieces by comments or CDATA sections (a hostile or broken server) and
// a long text deep in the tree decode in time proportional to their size.
func TestDecodeDocIsLinear(t *testing.T) {
	t.Parallel()
	const size = 2 << 20
	for name, body := range map[string]string{
		"comments": "<doc><x>" + strings.Repeat("a<!---->", size/8) + "</x></doc>",
		"cdata":    "<doc><x>" + strings.Repeat("<![CDATA[a]]>", size/13) + "</x></doc>",
		"entities": "<doc><x>" + strings.Repeat("&amp;", size/5) + "</x></doc>",
		"deep":     "<doc>" + strings.Repeat("<a>", 60) + strings.Repeat("x", size) + strings.Repeat("</a>", 60) + "</doc>",
		"attrs":    `<doc><x a="1" b="` + strings.Repeat("&lt;", size/4) + `"/></doc>`,
	} {
		start := time.Now()
		_, err := decodeDoc(strings.NewReader(body), defaultMaxResponseBytes)
		require.NoError(t, err, name)
		assert.Less(t, time.Since(start), 5*time.Second, "%s: %d bytes", name, len(body))
	}
}
