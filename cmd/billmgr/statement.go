package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding/charmap"
)

// A bank statement is read whole into lines, one per transfer, before anything is sent:
// a file that cannot be read is refused as a whole, a line that cannot be read is
// reported with the reason and the others go on. Two formats: CSV with a header row, and
// the 1C bank exchange text format (1CClientBankExchange) that Russian banks export.

// statementLine is one transfer of a statement.
type statementLine struct {
	line         int    // the line of the file where the transfer starts
	number       string // the bank document's number
	date         time.Time
	amount       decimal.Decimal
	currency     string // ISO code, upper case
	client       string // a client id or login from an explicit column; "" when none
	payer        string
	inn          string // the payer's tax number (ИНН)
	payerAccount string
	purpose      string
	skip         string // why this is not an incoming transfer to the provider; "" when it is
	malformed    error  // what cannot be read; nil when the line reads
}

// key names the line across runs, for the journal and for duplicates within a statement:
// the document's date and number, who paid, and the amount.
func (l *statementLine) key() string {
	payer := firstOf(l.inn, l.payerAccount, l.client, l.payer)
	return strings.Join([]string{l.date.Format(time.DateOnly), l.number, payer, formatDecimal(l.amount) + " " + l.currency}, " | ")
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// statementOptions say how to read a statement.
type statementOptions struct {
	format      string            // "auto", "csv" or "1c"
	columns     map[string]string // CSV: field → header
	delimiter   rune              // CSV: 0 detects ',', ';' or tab from the header
	encoding    string            // CSV: utf-8, windows-1251 or cp866
	currency    string            // the currency of lines that name none
	ourAccounts []string          // the provider's bank accounts, besides those the statement names
}

// Statement formats.
const (
	statementAuto = "auto"
	statementCSV  = "csv"
	statement1C   = "1c"
)

// exchangeHeader is the first line of a 1C bank exchange file.
const exchangeHeader = "1CClientBankExchange"

// readStatement reads the statement in data.
func readStatement(data []byte, o statementOptions) ([]statementLine, error) {
	format := o.format
	if format == statementAuto {
		format = statementCSV
		if bytes.HasPrefix(bytes.TrimPrefix(data, []byte("\ufeff")), []byte(exchangeHeader)) {
			format = statement1C
		}
	}
	if format == statement1C {
		return read1C(data, o)
	}
	return readCSV(data, o)
}

// encodings are the text encodings a CSV statement may be in (nil: UTF-8, as it is).
var encodings = map[string]*charmap.Charmap{
	"utf-8":        nil,
	"windows-1251": charmap.Windows1251,
	"cp866":        charmap.CodePage866,
}

func encodingNames() []string {
	var names []string
	for n := range encodings {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// decode converts data in the encoding named to UTF-8, without a byte order mark.
func decode(data []byte, name string) (string, error) {
	if cm := encodings[name]; cm != nil {
		return cm.NewDecoder().String(string(data))
	}
	if !utf8.Valid(data) {
		return "", errors.New("the file is not valid UTF-8: give its encoding with --encoding")
	}
	return strings.TrimPrefix(string(data), "\ufeff"), nil
}

// CSV fields: the statement's columns the import reads, under these names in --column.
const (
	fieldClient   = "client" // a client id or login
	fieldAmount   = "amount"
	fieldCurrency = "currency"
	fieldDate     = "date"
	fieldNumber   = "number" // the bank document's number
	fieldPayer    = "payer"
	fieldINN      = "inn" // the payer's tax number
	fieldPurpose  = "purpose"
)

var (
	csvFields      = []string{fieldClient, fieldAmount, fieldCurrency, fieldDate, fieldNumber, fieldPayer, fieldINN, fieldPurpose}
	requiredFields = []string{fieldAmount, fieldDate, fieldNumber}
)

// readCSV reads a CSV statement: a header row, then one transfer per row.
func readCSV(data []byte, o statementOptions) ([]statementLine, error) {
	text, err := decode(data, o.encoding)
	if err != nil {
		return nil, fmt.Errorf("CSV statement: %w", err)
	}
	header, _, _ := strings.Cut(text, "\n")
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = o.delimiter
	if r.Comma == 0 {
		r.Comma = detectDelimiter(header)
	}
	r.FieldsPerRecord = -1
	names, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("CSV statement: reading the header row: %w", err)
	}
	cols, err := mapColumns(names, o.columns)
	if err != nil {
		return nil, err
	}
	var lines []statementLine
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return lines, nil
		}
		var l statementLine
		var bad *csv.ParseError
		switch {
		case errors.As(err, &bad):
			l.line, l.malformed = bad.StartLine, bad.Err
		case err != nil:
			return nil, fmt.Errorf("CSV statement: %w", err)
		default:
			l.line, _ = r.FieldPos(0)
			l.readCSVRow(row, cols, o.currency)
		}
		lines = append(lines, l)
	}
}

// detectDelimiter picks the delimiter that occurs most in the header row: ',', ';' or tab.
func detectDelimiter(header string) rune {
	best, n := ',', strings.Count(header, ",")
	for _, d := range []rune{';', '\t'} {
		if c := strings.Count(header, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

// mapColumns finds each field's column in the header row: by the header --column gives
// it, else by the field's own name, ignoring case.
func mapColumns(header []string, columns map[string]string) (map[string]int, error) {
	index := map[string]int{}
	for i, h := range header {
		index[strings.ToLower(strings.TrimSpace(h))] = i
	}
	cols := map[string]int{}
	for _, f := range csvFields {
		name := f
		if h, ok := columns[f]; ok {
			name = h
		}
		if i, ok := index[strings.ToLower(strings.TrimSpace(name))]; ok {
			cols[f] = i
		} else if _, given := columns[f]; given {
			return nil, usageErr("CSV statement: no column %q (for %s) in the header row: %s", name, f, strings.Join(header, ", "))
		}
	}
	for _, f := range requiredFields {
		if _, ok := cols[f]; !ok {
			return nil, usageErr("CSV statement: no %s column in the header row (%s); name it with --column %s=HEADER",
				f, strings.Join(header, ", "), f)
		}
	}
	return cols, nil
}

// readCSVRow fills the line from a row.
func (l *statementLine) readCSVRow(row []string, cols map[string]int, currency string) {
	cell := func(field string) string {
		if i, ok := cols[field]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	l.number, l.client, l.payer, l.inn, l.purpose = cell(fieldNumber), cell(fieldClient), cell(fieldPayer), cell(fieldINN), cell(fieldPurpose)
	l.currency = strings.ToUpper(firstOf(cell(fieldCurrency), currency))
	amount, err := parseAmount(cell(fieldAmount))
	if err != nil {
		l.malformed = fmt.Errorf("amount: %w", err)
		return
	}
	l.amount = amount
	if !amount.IsPositive() {
		l.skip = "not an incoming transfer: the amount is not positive"
		return
	}
	if l.date, err = parseDate(cell(fieldDate)); err != nil {
		l.malformed = fmt.Errorf("date: %w", err)
	} else if l.number == "" {
		l.malformed = errors.New("no document number")
	}
}

// parseAmount reads an amount as banks write it: "1500.00", "1500", "1 500,00". It has at
// most two decimals: money is never rounded.
func parseAmount(s string) (decimal.Decimal, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\'':
			return -1
		case ',':
			return '.'
		}
		return r
	}, s)
	d, err := decimal.NewFromString(clean)
	if err != nil || clean == "" || strings.ContainsAny(clean, "eE") {
		return decimal.Decimal{}, fmt.Errorf("%q is not an amount such as 1500.00", s)
	}
	if !d.Equal(d.Round(2)) {
		return decimal.Decimal{}, fmt.Errorf("%q has more than two decimals", s)
	}
	return d, nil
}

// parseDate reads 06.05.2024 (as in 1C files and Russian bank exports) or 2024-05-06.
func parseDate(s string) (time.Time, error) {
	for _, layout := range []string{"02.01.2006", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date such as 06.05.2024 or 2024-05-06", s)
}

// The 1C bank exchange format (version 1.03): a header of KEY=VALUE lines, sections of
// balances (СекцияРасчСчет … КонецРасчСчет) and one section per document
// (СекцияДокумент=KIND … КонецДокумента), ending with КонецФайла. The header's Кодировка
// says the encoding: Windows (Windows-1251) or DOS (CP866).

// read1C reads a 1C bank exchange statement.
func read1C(data []byte, o statementOptions) ([]statementLine, error) {
	text, err := decode1C(data)
	if err != nil {
		return nil, err
	}
	raw := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if strings.TrimPrefix(strings.TrimSpace(raw[0]), "\ufeff") != exchangeHeader {
		return nil, usageErr("1C statement: the first line is not %s", exchangeHeader)
	}
	ours := slices.Clone(o.ourAccounts)
	var (
		lines []statementLine
		doc   *exchangeDocument
		ended bool
	)
	finish := func(d *exchangeDocument, err error) {
		l := d.line(ours, o.currency)
		switch {
		case err != nil && d.err != nil:
			l.malformed = fmt.Errorf("%w; %w", err, d.err)
		case err != nil:
			l.malformed = err
		case d.err != nil:
			l.malformed = d.err
		}
		lines = append(lines, l)
	}
	for i, line := range raw[1:] {
		lineNo := i + 2
		line = strings.TrimSpace(line)
		key, value, _ := strings.Cut(line, "=")
		switch {
		case line == "":
		case key == "СекцияДокумент":
			if doc != nil {
				finish(doc, errors.New("no КонецДокумента before the next document"))
			}
			doc = &exchangeDocument{kind: value, startLine: lineNo, fields: map[string]string{}}
		case line == "КонецДокумента" && doc != nil:
			finish(doc, nil)
			doc = nil
		case line == "КонецФайла":
			ended = true
		case doc != nil:
			doc.set(lineNo, line)
		case key == "РасчСчет":
			ours = append(ours, strings.TrimSpace(value))
		}
		if ended {
			break
		}
	}
	if doc != nil {
		finish(doc, errors.New("no КонецДокумента before the end of the file"))
	}
	if !ended {
		return nil, usageErr("1C statement: no КонецФайла at the end: the file is cut short; export the statement again")
	}
	return lines, nil
}

// decode1C decodes a 1C file by its Кодировка line: Windows-1251 for Windows, CP866 for
// DOS. A file in UTF-8 (some banks write one, whatever it declares) is taken as it is; a
// file without Кодировка is Windows-1251, the format's default.
func decode1C(data []byte) (string, error) {
	if utf8.Valid(data) {
		return string(data), nil
	}
	for _, enc := range []*charmap.Charmap{charmap.Windows1251, charmap.CodePage866} {
		text, err := enc.NewDecoder().String(string(data))
		if err != nil {
			return "", err
		}
		switch declared := exchangeEncoding(text); declared {
		case "":
		case "windows":
			return charmap.Windows1251.NewDecoder().String(string(data))
		case "dos":
			return charmap.CodePage866.NewDecoder().String(string(data))
		default:
			return "", usageErr("1C statement: unknown Кодировка=%s; the format knows Windows and DOS", declared)
		}
	}
	return charmap.Windows1251.NewDecoder().String(string(data))
}

// exchangeEncoding returns the Кодировка of a decoded header, lower case, "" when absent.
func exchangeEncoding(text string) string {
	for _, line := range strings.SplitN(text, "\n", 20) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Кодировка="); ok {
			return strings.ToLower(strings.TrimSpace(v))
		}
	}
	return ""
}

// exchangeDocument is a document section of a 1C file.
type exchangeDocument struct {
	kind      string
	startLine int
	fields    map[string]string
	err       error // the first line that is not KEY=VALUE
}

func (d *exchangeDocument) set(lineNo int, line string) {
	key, value, ok := strings.Cut(line, "=")
	if !ok && d.err == nil {
		d.err = fmt.Errorf("line %d %q is not KEY=VALUE", lineNo, line)
	}
	d.fields[strings.TrimSpace(key)] = strings.TrimSpace(value)
}

// line is the document as a statement line: skipped when the money does not come into
// one of the provider's accounts (ours), malformed when a field cannot be read.
func (d *exchangeDocument) line(ours []string, currency string) statementLine {
	f := d.fields
	l := statementLine{
		line: d.startLine, number: f["Номер"], currency: strings.ToUpper(currency),
		payer: firstOf(f["Плательщик1"], f["Плательщик"]), inn: f["ПлательщикИНН"],
		payerAccount: firstOf(f["ПлательщикСчет"], f["ПлательщикРасчСчет"]),
		purpose:      firstOf(f["НазначениеПлатежа"], joinPurpose(f)),
	}
	var err error
	switch {
	case l.number == "":
		l.malformed = errors.New("no Номер")
	case f["Дата"] == "":
		l.malformed = errors.New("no Дата")
	default:
		if l.date, err = parseDate(f["Дата"]); err != nil {
			l.malformed = fmt.Errorf("Дата: %w", err)
		} else if l.amount, err = parseAmount(f["Сумма"]); err != nil {
			l.malformed = fmt.Errorf("Сумма: %w", err)
		} else if !l.amount.IsPositive() {
			l.malformed = fmt.Errorf("Сумма %s is not positive", f["Сумма"])
		}
	}
	to := firstOf(f["ПолучательСчет"], f["ПолучательРасчСчет"])
	switch {
	case slices.Contains(ours, l.payerAccount) && l.payerAccount != "":
		l.skip = "outgoing: paid from the provider's account " + l.payerAccount
	case !slices.Contains(ours, to):
		l.skip = fmt.Sprintf("not to the provider's account (%s)", strings.Join(ours, ", "))
	}
	return l
}

// joinPurpose joins the purpose lines НазначениеПлатежа1…6 of files that split it.
func joinPurpose(f map[string]string) string {
	var parts []string
	for i := 1; i <= 6; i++ {
		if p := f[fmt.Sprintf("НазначениеПлатежа%d", i)]; p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}
