package bankimport

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// The 1C bank exchange format (version 1.03), which Russian banks export: a header of
// KEY=VALUE lines, sections of balances (СекцияРасчСчет … КонецРасчСчет) and one section per
// document (СекцияДокумент=KIND … КонецДокумента), ending with КонецФайла. The header's
// Кодировка says the encoding: Windows (Windows-1251) or DOS (CP866).

// exchangeHeader is the first line of a 1C bank exchange file.
const exchangeHeader = "1CClientBankExchange"

const encodingKey = "Кодировка="

// oneCReader reads the documents of a 1C file one at a time.
type oneCReader struct {
	path     string
	r        *bufio.Reader
	enc      Encoding
	n        int // the number of the last line read
	currency string
	ours     []string // the provider's accounts
	doc      *exchangeDocument
	ended    bool // КонецФайла read
}

func newOneCReader(path string, br *bufio.Reader, o Options) (*oneCReader, error) {
	head, _ := br.Peek(64 << 10)
	enc, err := exchangeEncoding(head)
	if err != nil {
		return nil, &FileError{Path: path, Reason: err.Error(), Err: ErrEncoding}
	}
	r := &oneCReader{path: path, r: br, enc: enc, currency: o.Currency, ours: slices.Clone(o.OurAccounts)}
	first, err := r.line()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if strings.TrimPrefix(first, utf8BOM) != exchangeHeader {
		return nil, &FileError{Path: path, Line: 1, Reason: "not a 1C bank exchange file: the first line is not " + exchangeHeader}
	}
	return r, nil
}

// exchangeEncoding finds the encoding of a 1C file from its first bytes: the one the
// Кодировка line is written in, which must agree with what it declares. A file without one
// is Windows-1251, the format's default, unless its text is UTF-8.
func exchangeEncoding(head []byte) (Encoding, error) {
	for _, enc := range []Encoding{UTF8, Windows1251, CP866} {
		key := []byte(encodingKey)
		if cm := charmaps[enc]; cm != nil {
			key, _ = cm.NewEncoder().Bytes(key)
		}
		i := bytes.Index(head, key)
		if i < 0 {
			continue
		}
		value, _, _ := bytes.Cut(head[i+len(key):], []byte("\n"))
		declared := strings.ToLower(strings.TrimSpace(string(value)))
		switch {
		case declared != "windows" && declared != "dos":
			return "", fmt.Errorf("unknown Кодировка=%s; the format knows Windows and DOS", strings.TrimSpace(string(value)))
		case enc == UTF8: // some banks write UTF-8, whatever they declare
		case declared == "windows" && enc != Windows1251, declared == "dos" && enc != CP866:
			return "", fmt.Errorf("declares Кодировка=%s but is written in %s; export the statement again", strings.TrimSpace(string(value)), enc)
		}
		return enc, nil
	}
	if utf8.Valid(head) && !isASCII(head) {
		return UTF8, nil
	}
	return Windows1251, nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// line reads the next line of the file, decoded, without its line break.
func (r *oneCReader) line() (string, error) {
	var raw []byte
	for {
		chunk, err := r.r.ReadSlice('\n')
		raw = append(raw, chunk...)
		if len(raw) > maxLine {
			return "", &FileError{Path: r.path, Line: r.n + 1, Reason: fmt.Sprintf("longer than %d MiB: not a 1C statement", maxLine>>20)}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (!errors.Is(err, io.EOF) || len(raw) == 0) {
			if errors.Is(err, io.EOF) {
				return "", io.EOF
			}
			return "", &FileError{Path: r.path, Reason: err.Error()}
		}
		break
	}
	r.n++
	text := r.enc.decode(bytes.TrimRight(raw, "\r\n"))
	if err := r.enc.check(r.path, r.n, text); err != nil {
		return "", err
	}
	return strings.TrimSpace(text), nil
}

func (r *oneCReader) next() (*Line, error) {
	for {
		text, err := r.line()
		if errors.Is(err, io.EOF) {
			return nil, r.end()
		}
		if err != nil {
			return nil, err
		}
		key, value, _ := strings.Cut(text, "=")
		switch {
		case text == "":
		case r.ended:
			return nil, &FileError{Path: r.path, Line: r.n, Reason: "text after КонецФайла: the file holds more than one statement, " +
				"or was joined with another; export the statement again"}
		case key == "СекцияДокумент":
			d := r.doc
			r.doc = &exchangeDocument{startLine: r.n, fields: map[string]field{}}
			if d != nil {
				d.broken("no КонецДокумента before the next document")
				return d.line(r.ours, r.currency), nil
			}
		case text == "КонецДокумента" && r.doc != nil:
			d := r.doc
			r.doc = nil
			return d.line(r.ours, r.currency), nil
		case text == "КонецФайла":
			r.ended = true
			if d := r.doc; d != nil {
				r.doc = nil
				d.broken("no КонецДокумента before КонецФайла")
				return d.line(r.ours, r.currency), nil
			}
		case r.doc != nil:
			r.doc.set(r.n, text)
		case key == "РасчСчет":
			r.ours = append(r.ours, strings.TrimSpace(value))
		}
	}
}

// end is the error at the end of the file: none after КонецФайла.
func (r *oneCReader) end() error {
	if !r.ended {
		return &FileError{Path: r.path, Reason: "no КонецФайла at the end: the file is cut short; export the statement again"}
	}
	return io.EOF
}

// exchangeDocument is a document section of a 1C file.
type exchangeDocument struct {
	startLine int
	fields    map[string]field
	problems  []string // what makes it unreadable
}

// field is a KEY=VALUE line of a document, and the line it is on.
type field struct {
	value string
	line  int
}

func (d *exchangeDocument) broken(why string) { d.problems = append(d.problems, why) }

func (d *exchangeDocument) set(n int, text string) {
	key, value, ok := strings.Cut(text, "=")
	if !ok {
		d.broken(fmt.Sprintf("line %d %q is not KEY=VALUE", n, text))
		return
	}
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	if f, ok := d.fields[key]; ok && f.value != value {
		d.broken(fmt.Sprintf("%s is given twice: %q on line %d and %q on line %d", key, f.value, f.line, value, n))
		return
	}
	d.fields[key] = field{value, n}
}

func (d *exchangeDocument) get(key string) string { return d.fields[key].value }

// oneCLabels name the fields of a 1C document as the file does.
var oneCLabels = labels{number: "Номер", date: "Дата", amount: "Сумма"}

// line is the document as a statement line: skipped when the money does not come into
// one of the provider's accounts (ours), whatever its amount; malformed when a field cannot
// be read (see Line.check).
func (d *exchangeDocument) line(ours []string, currency string) *Line {
	l := &Line{
		Line: d.startLine, Number: d.get("Номер"), Currency: strings.ToUpper(currency),
		Payer: firstOf(d.get("Плательщик1"), d.get("Плательщик")), INN: d.get("ПлательщикИНН"),
		PayerAccount: firstOf(d.get("ПлательщикСчет"), d.get("ПлательщикРасчСчет")),
		Purpose:      firstOf(d.get("НазначениеПлатежа"), d.joinPurpose()),
		dateText:     d.get("Дата"), amountText: d.get("Сумма"),
	}
	to := firstOf(d.get("ПолучательСчет"), d.get("ПолучательРасчСчет"))
	switch {
	case l.PayerAccount != "" && slices.Contains(ours, l.PayerAccount):
		l.Skip = "outgoing: paid from the provider's account " + l.PayerAccount
	case !slices.Contains(ours, to):
		l.Skip = fmt.Sprintf("not to the provider's account (%s)", strings.Join(ours, ", "))
	}
	l.check(oneCLabels, true, d.problems)
	return l
}

// joinPurpose joins the purpose lines НазначениеПлатежа1…6 of files that split it.
func (d *exchangeDocument) joinPurpose() string {
	var parts []string
	for i := 1; i <= 6; i++ {
		if p := d.get(fmt.Sprintf("НазначениеПлатежа%d", i)); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}
