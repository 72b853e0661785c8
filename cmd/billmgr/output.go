package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/go-billmgr/billmgr"
	"github.com/shopspring/decimal"
)

// format is an output format (-o).
type format string

const (
	formatTable format = "table" // aligned columns for people
	formatJSON  format = "json"  // one document: an array for lists, an object for one record
	formatJSONL format = "jsonl" // one object per line, streamed
	formatCSV   format = "csv"   // a header row, then one row per record
	formatIDs   format = "ids"   // the id of each record, one per line
)

var allFormats = []format{formatTable, formatJSON, formatJSONL, formatCSV, formatIDs}

func formatNames() []string {
	names := make([]string, len(allFormats))
	for i, f := range allFormats {
		names[i] = string(f)
	}
	return names
}

func validFormat(s string) bool {
	for _, f := range allFormats {
		if string(f) == s {
			return true
		}
	}
	return false
}

// format is -o, or table when stdout is a terminal and json otherwise.
func (a *app) format() format {
	switch {
	case a.g.output != "":
		return format(a.g.output)
	case a.terminal(a.stdout):
		return formatTable
	default:
		return formatJSON
	}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Rows are printed by one mechanism for every type: the exported fields of the SDK's row
// and details structs, in declaration order, each under the API's name for it (its xml
// tag). Values print the same way everywhere: ids and money as strings, dates in ISO 8601
// with the offset, statuses as their code and label.

// column is a field of a row type and the API name it prints under.
type column struct {
	name   string
	index  []int
	status bool // a billmgr.Status: csv adds a NAME_label column
}

// columnNames are the API names of the fields of the SDK types that carry no xml tags.
var columnNames = map[reflect.Type]map[string]string{
	reflect.TypeFor[billmgr.Registration](): {"AccountID": "id", "UserID": "user.id", "Email": "email"},
}

var (
	statusType  = reflect.TypeFor[billmgr.Status]()
	columnCache sync.Map // reflect.Type → []column
)

// columnsOf returns the columns of the struct type t.
func columnsOf(t reflect.Type) []column {
	if cols, ok := columnCache.Load(t); ok {
		return cols.([]column)
	}
	var cols []column
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name := columnNames[t][f.Name]
		if name == "" {
			// The first of the columns a field reads: `xml:"id|elid"` prints as id.
			name, _, _ = strings.Cut(f.Tag.Get("xml"), ",")
			name, _, _ = strings.Cut(name, "|")
		}
		if name == "" || name == "-" {
			name = snakeCase(f.Name)
		}
		cols = append(cols, column{name: name, index: f.Index, status: f.Type == statusType})
	}
	columnCache.Store(t, cols)
	return cols
}

// snakeCase turns a Go name into the API's style: AccountID → account_id.
func snakeCase(s string) string {
	var b strings.Builder
	runes := []rune(s)
	for i, r := range runes {
		upper := unicode.IsUpper(r)
		if upper && i > 0 && (unicode.IsLower(runes[i-1]) || (i+1 < len(runes) && unicode.IsLower(runes[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isoLayout is ISO 8601 with the offset always numeric: 2024-05-07T14:12:03+03:00.
const isoLayout = "2006-01-02T15:04:05-07:00"

// statusJSON is how a Status prints in JSON.
type statusJSON struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// jsonValue is the JSON form of a field: ids, numbers and money as strings (exact, and
// the same type whatever the value), flags as booleans, dates as ISO 8601 or null,
// statuses as {"code","label"}.
func jsonValue(v reflect.Value) any {
	switch x := v.Interface().(type) {
	case billmgr.Money:
		if x.IsZero() {
			return nil
		}
		return x.String()
	case billmgr.Status:
		return statusJSON{x.Code, x.Label}
	case billmgr.OnOff:
		return bool(x)
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return x.Format(isoLayout)
	}
	return textValue(v, false)
}

// textValue is the text of a field in a table (human) or a CSV file.
func textValue(v reflect.Value, human bool) string {
	switch x := v.Interface().(type) {
	case billmgr.Money:
		if x.IsZero() {
			return ""
		}
		return x.String()
	case billmgr.Status:
		if human {
			return x.String()
		}
		return x.Code
	case billmgr.OnOff:
		return x.String()
	case time.Time:
		switch {
		case x.IsZero():
			return ""
		case !human:
			return x.Format(isoLayout)
		case x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0:
			return x.Format(time.DateOnly)
		default:
			return x.Format(time.DateTime)
		}
	case decimal.Decimal:
		return formatDecimal(x)
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.String:
		return v.String()
	}
	return fmt.Sprint(v.Interface())
}

// formatDecimal prints d exactly with at least two decimals, as the server writes amounts.
func formatDecimal(d decimal.Decimal) string {
	if d.Exponent() >= -2 {
		return d.StringFixed(2)
	}
	return d.String()
}

// jsonObject writes the row v as a JSON object with its keys in column order.
func jsonObject(cols []column, v reflect.Value) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('{')
	for i, c := range cols {
		if i > 0 {
			b.WriteByte(',')
		}
		_ = enc.Encode(c.name)
		b.Truncate(b.Len() - 1) // Encode's newline
		b.WriteByte(':')
		_ = enc.Encode(jsonValue(v.FieldByIndex(c.index)))
		b.Truncate(b.Len() - 1)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// rowWriter prints the rows of a list as they come.
type rowWriter interface {
	write(v reflect.Value) error
	// end completes the output; abort ends it after an error, leaving a JSON document
	// unterminated so that no reader takes a partial list for a whole one.
	end() error
	abort() error
}

// newRowWriter returns the writer of format f for rows of type t.
func newRowWriter(f format, w io.Writer, t reflect.Type) (rowWriter, error) {
	cols := columnsOf(t)
	switch f {
	case formatJSON, formatJSONL:
		return &jsonWriter{w: w, cols: cols, lines: f == formatJSONL}, nil
	case formatCSV:
		cw := &csvWriter{w: csv.NewWriter(w), cols: cols}
		return cw, cw.header()
	case formatIDs:
		id, err := idColumn(t, cols)
		return &idWriter{w: w, col: id}, err
	default:
		tw := &tableWriter{w: tabwriter.NewWriter(w, 0, 8, 2, ' ', 0), cols: cols}
		return tw, tw.header()
	}
}

// idColumn is the column -o ids prints: the field named ID, or the column named id.
func idColumn(t reflect.Type, cols []column) (column, error) {
	if f, ok := t.FieldByName("ID"); ok {
		return column{name: "id", index: f.Index}, nil
	}
	for _, c := range cols {
		if c.name == "id" {
			return c, nil
		}
	}
	return column{}, usageErr("-o ids: these records have no id; use another format")
}

type jsonWriter struct {
	w     io.Writer
	cols  []column
	lines bool
	n     int
}

func (j *jsonWriter) write(v reflect.Value) error {
	prefix := ""
	if !j.lines {
		prefix = ",\n"
		if j.n == 0 {
			prefix = "[\n"
		}
	}
	j.n++
	suffix := ""
	if j.lines {
		suffix = "\n"
	}
	_, err := fmt.Fprintf(j.w, "%s%s%s", prefix, jsonObject(j.cols, v), suffix)
	return err
}

func (j *jsonWriter) end() error {
	var err error
	switch {
	case j.lines:
	case j.n == 0:
		_, err = io.WriteString(j.w, "[]\n")
	default:
		_, err = io.WriteString(j.w, "\n]\n")
	}
	return err
}

func (j *jsonWriter) abort() error { return nil }

type csvWriter struct {
	w    *csv.Writer
	cols []column
}

func (c *csvWriter) header() error {
	var names []string
	for _, col := range c.cols {
		names = append(names, col.name)
		if col.status {
			names = append(names, col.name+"_label")
		}
	}
	return c.w.Write(names)
}

func (c *csvWriter) write(v reflect.Value) error {
	var cells []string
	for _, col := range c.cols {
		f := v.FieldByIndex(col.index)
		cells = append(cells, inert(textValue(f, false)))
		if col.status {
			cells = append(cells, inert(f.Interface().(billmgr.Status).Label))
		}
	}
	return c.w.Write(cells)
}

// plainNumber is a cell that a spreadsheet reads as a number, and runs as nothing else.
var plainNumber = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?$`)

// inert is a cell that a spreadsheet opening the CSV file (or a table pasted into one)
// shows as the text it is: one that starts with =, +, -, @, a tab or a carriage return
// would be run as a formula (a payer named =HYPERLINK(...)), so it gets a leading '. A
// plain number, negative ones included, stays a number.
func inert(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || plainNumber.MatchString(s) {
		return s
	}
	return "'" + s
}

func (c *csvWriter) end() error {
	c.w.Flush()
	return c.w.Error()
}

func (c *csvWriter) abort() error { return c.end() }

type idWriter struct {
	w   io.Writer
	col column
}

func (i *idWriter) write(v reflect.Value) error {
	_, err := fmt.Fprintln(i.w, textValue(v.FieldByIndex(i.col.index), false))
	return err
}

func (i *idWriter) end() error   { return nil }
func (i *idWriter) abort() error { return nil }

type tableWriter struct {
	w    *tabwriter.Writer
	cols []column
}

func (t *tableWriter) header() error {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = strings.ToUpper(c.name)
	}
	return t.line(names)
}

func (t *tableWriter) line(cells []string) error {
	for i, c := range cells {
		cells[i] = cellText(c)
	}
	_, err := fmt.Fprintln(t.w, strings.Join(cells, "\t"))
	return err
}

func (t *tableWriter) write(v reflect.Value) error {
	cells := make([]string, len(t.cols))
	for i, c := range t.cols {
		cells[i] = textValue(v.FieldByIndex(c.index), true)
	}
	return t.line(cells)
}

func (t *tableWriter) end() error   { return t.w.Flush() }
func (t *tableWriter) abort() error { return t.w.Flush() }

// cellText keeps a value on one line and in one table cell, and inert as the cell reads
// (" =1+1" and "\n=1+1" read "=1+1"); an empty one reads "-".
func cellText(s string) string {
	s = strings.NewReplacer("\t", " ", "\r", " ", "\n", " ").Replace(strings.TrimSpace(s))
	if s == "" {
		return "-"
	}
	return inert(s)
}

// printRows prints every row of seq as it comes, with a progress indicator on a terminal
// stderr when progress is set.
func printRows[T any](a *app, seq iter.Seq2[T, error], progress bool) error {
	w, err := newRowWriter(a.format(), a.out, reflect.TypeFor[T]())
	if err != nil {
		return err
	}
	p := a.newProgress(progress)
	defer p.done()
	for row, err := range seq {
		if err != nil {
			_ = w.abort()
			return err
		}
		if err := w.write(reflect.ValueOf(row)); err != nil {
			return err
		}
		p.tick()
	}
	return w.end()
}

// printOne prints one record (a struct or a pointer to one) in the format of -o: a table
// shows it as name/value lines, JSON as an object.
func printOne(a *app, v any) error { return printRecord(a, a.format(), v) }

// printRecord prints one record in the format f.
func printRecord(a *app, f format, v any) error {
	rv := reflect.Indirect(reflect.ValueOf(v))
	cols := columnsOf(rv.Type())
	switch f {
	case formatJSON, formatJSONL:
		_, err := fmt.Fprintf(a.out, "%s\n", jsonObject(cols, rv))
		return err
	case formatTable:
		tw := &tableWriter{w: tabwriter.NewWriter(a.out, 0, 8, 2, ' ', 0)}
		for _, c := range cols {
			if err := tw.line([]string{c.name, textValue(rv.FieldByIndex(c.index), true)}); err != nil {
				return err
			}
		}
		return tw.end()
	default:
		w, err := newRowWriter(f, a.out, rv.Type())
		if err != nil {
			return err
		}
		if err := w.write(rv); err != nil {
			return err
		}
		return w.end()
	}
}

// progress counts rows on stderr while --all walks a long list, only when stderr is a
// terminal, redrawing at most ten times a second.
type progress struct {
	w    io.Writer
	n    int
	last time.Time
	on   bool
}

func (a *app) newProgress(wanted bool) *progress {
	return &progress{w: a.stderr, on: wanted && a.stderrTerminal}
}

func (p *progress) tick() {
	p.n++
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r%s…", plural(p.n, "row"))
}

// plural reads "1 row", "2 rows": n and the word, in the plural unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func (p *progress) done() {
	if p.on && !p.last.IsZero() {
		fmt.Fprint(p.w, "\r\033[K")
	}
	p.on = false
}
