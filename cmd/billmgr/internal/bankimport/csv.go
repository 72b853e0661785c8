package bankimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A CSV statement: a header row, then one transfer per record; the columns are found by
// their headers (Columns), the delimiter is ',', ';' or tab.

// ColumnError is a CSV statement whose header row lacks a field's column.
type ColumnError struct {
	Path    string
	Field   string   // the field
	Header  string   // the header mapped to it; "" when it was looked up by its own name
	Headers []string // the header row
}

func (e *ColumnError) Error() string {
	if e.Header != "" {
		return fmt.Sprintf("%s: no column %q (for %s) in the header row: %s", e.Path, e.Header, e.Field, strings.Join(e.Headers, ", "))
	}
	return fmt.Sprintf("%s: no %s column in the header row (%s)", e.Path, e.Field, strings.Join(e.Headers, ", "))
}

type csvReader struct {
	path     string
	r        *csv.Reader
	limit    *recordLimit
	enc      Encoding
	cols     map[string]int
	currency string
	after    int // the line after the last record read
}

func newCSVReader(path string, br *bufio.Reader, o Options) (*csvReader, error) {
	enc := o.Encoding
	if enc == "" {
		enc = UTF8
	}
	tb := bufio.NewReaderSize(enc.reader(br), 64<<10)
	head, _ := tb.Peek(64 << 10)
	header, _, _ := bytes.Cut(head, []byte("\n"))
	limit := &recordLimit{r: tb, allowed: maxLine}
	c := &csvReader{path: path, r: csv.NewReader(limit), limit: limit, enc: enc, currency: o.Currency}
	c.r.Comma = o.Delimiter
	if c.r.Comma == 0 {
		c.r.Comma = detectDelimiter(string(header))
	}
	c.r.FieldsPerRecord = -1
	c.r.ReuseRecord = true
	names, err := c.r.Read()
	if err != nil {
		return nil, c.fileError(err, 1)
	}
	if err := c.check(names, 1); err != nil {
		return nil, err
	}
	c.place(names)
	names = append([]string(nil), names...)
	names[0] = strings.TrimPrefix(names[0], utf8BOM)
	if c.cols, err = mapColumns(path, names, o.Columns); err != nil {
		return nil, err
	}
	return c, nil
}

// recordLimit fails a read that takes a record past maxLine bytes.
type recordLimit struct {
	r       io.Reader
	read    int64
	allowed int64
}

var errRecordTooLong = errors.New("record too long")

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.read > l.allowed {
		return 0, errRecordTooLong
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

func (c *csvReader) next() (*Line, error) {
	c.limit.allowed = c.r.InputOffset() + maxLine
	row, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	var bad *csv.ParseError
	if errors.As(err, &bad) {
		if bad.Line > bad.StartLine {
			return nil, &FileError{Path: c.path, Line: bad.StartLine, Reason: fmt.Sprintf("a quote opened here runs on to line %d: %v; "+
				"the lines in between cannot be told apart", bad.Line, bad.Err)}
		}
		c.after = bad.Line + 1
		return &Line{Line: bad.StartLine, Malformed: bad.Err.Error()}, nil
	}
	if err != nil {
		// The record did not read (it is too long, or the file failed): no field of it has
		// a position, and it starts after the last one read.
		return nil, c.fileError(err, c.after)
	}
	line := c.place(row)
	if err := c.check(row, line); err != nil {
		return nil, err
	}
	l := &Line{Line: line}
	l.read(row, c.cols, c.currency)
	return l, nil
}

// place notes where the record just read ends, and returns the line it starts on.
func (c *csvReader) place(row []string) int {
	start, _ := c.r.FieldPos(0)
	last, _ := c.r.FieldPos(len(row) - 1)
	c.after = last + strings.Count(row[len(row)-1], "\n") + 1
	return start
}

// check refuses a record whose text does not decode.
func (c *csvReader) check(row []string, line int) error {
	for _, cell := range row {
		if err := c.enc.check(c.path, line, cell); err != nil {
			return err
		}
	}
	return nil
}

func (c *csvReader) fileError(err error, line int) error {
	if errors.Is(err, errRecordTooLong) {
		return &FileError{Path: c.path, Line: line, Reason: fmt.Sprintf("a record longer than %d MiB: not a statement, or a quote that never closes", maxLine>>20)}
	}
	if errors.Is(err, io.EOF) {
		return &FileError{Path: c.path, Reason: "empty: no header row"}
	}
	return &FileError{Path: c.path, Line: line, Reason: err.Error()}
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

// mapColumns finds each field's column in the header row: by the header columns maps it
// to, else by the field's own name, ignoring case.
func mapColumns(path string, header []string, columns Columns) (map[string]int, error) {
	index := map[string]int{}
	for i, h := range header {
		index[strings.ToLower(strings.TrimSpace(h))] = i
	}
	cols := map[string]int{}
	for _, f := range Fields {
		name, mapped := columns[f]
		if !mapped {
			name = f
		}
		if i, ok := index[strings.ToLower(strings.TrimSpace(name))]; ok {
			cols[f] = i
		} else if mapped {
			return nil, &ColumnError{Path: path, Field: f, Header: name, Headers: header}
		}
	}
	for _, f := range RequiredFields {
		if _, ok := cols[f]; !ok {
			return nil, &ColumnError{Path: path, Field: f, Headers: header}
		}
	}
	return cols, nil
}

// csvLabels name the fields of a CSV line as the flags name them.
var csvLabels = labels{number: FieldNumber, date: FieldDate, amount: FieldAmount}

// read fills the line from a record.
func (l *Line) read(row []string, cols map[string]int, currency string) {
	cell := func(field string) string {
		if i, ok := cols[field]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	l.Number, l.Client, l.Payer, l.INN, l.PayerAccount, l.Purpose = cell(FieldNumber), cell(FieldClient), cell(FieldPayer),
		cell(FieldINN), cell(FieldPayerAccount), cell(FieldPurpose)
	l.Currency = strings.ToUpper(firstOf(cell(FieldCurrency), currency))
	l.dateText, l.amountText = cell(FieldDate), cell(FieldAmount)
	l.check(csvLabels, false, nil)
}
