package billmgr

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/shopspring/decimal"

	"github.com/go-billmgr/billmgr/internal/xmlscan"
)

// Typed decoding: the rows of a list and the fields of a form go from the scanner's
// tokens straight into their structs, through a schema made once per type, without a
// tree and without reflection per field. The rules, the same for every struct:
//
//   - A field tagged `xml:"name"` takes the child <name> of the row (or of <doc> for a
//     form); `xml:"id|elid"` takes the first of the names of the tag that the row has.
//   - A column sent twice (<id>17</id><id>18</id>) is read the first time; the second is
//     ignored, as Node.Child finds the first.
//   - The value is the text directly inside the column, all its pieces joined (the text
//     of elements nested in it is not part of it), trimmed of white space.
//   - A string column whose text is " - " (BILLmanager's placeholder for a missing payer,
//     recipient or method name) reads as "". Call's *Doc keeps the text as sent.
//   - int and int64 columns read a whole number, decimal.Decimal columns an exact number
//     ("1 234,50" too), Money columns ParseMoney's forms ("10.00 ₽", "5.00 $",
//     "12.3450 RUB": Currency is the text after the amount, as written), OnOff columns
//     on/off (see OnOff), Status columns the orig attribute and the text, time.Time columns
//     a date or date-time in the client's location. An empty text or a missing column
//     leaves the zero value; a text that does not parse fails the row, naming the column.

// decodeRows reads a list reply of fn from body, bounded by limit: every row is decoded
// into *row (zeroed by the caller between rows) and handed to each, with the reply's
// budget, as soon as it is complete. It returns what the reply says of its page; an
// <error> in the reply is returned as *Error once the rows before it went to each.
func decodeRows(body io.Reader, limit int64, fn string, loc *time.Location, schema *rowSchema, row unsafe.Pointer, each func(*xmlscan.Budget) error) (listInfo, error) {
	d := decoderPool.Get().(*decoder)
	defer d.release()
	return d.rows(body, limit, fn, loc, schema, row, each)
}

// rows is decodeRows with d, which keeps its buffers for the next page of a walk.
func (d *decoder) rows(body io.Reader, limit int64, fn string, loc *time.Location, schema *rowSchema, row unsafe.Pointer, each func(*xmlscan.Budget) error) (listInfo, error) {
	if err := d.start(body, limit); err != nil {
		return listInfo{}, err
	}
	defer d.end()
	d.rec.reset(schema, loc, row, &d.bounds.Memory)
	var info listInfo
	err := d.readDoc(func() error {
		var err error
		info, err = d.rec.readList(d, func() error { return each(&d.bounds.Memory) })
		return err
	})
	if err == nil && d.errNode != nil {
		err = errorFromNode(fn, d.errNode)
	}
	return info, err
}

// decodeView reads a form reply of fn from body, bounded by limit, into the struct v
// points to. An <error> in the reply is returned as *Error; a field that does not parse
// fails the call once the rest of the document is read.
func decodeView(body io.Reader, limit int64, fn string, loc *time.Location, v any) error {
	rv := reflect.ValueOf(v)
	rv.Elem().SetZero()
	d, err := startDecoder(body, limit)
	if err != nil {
		return err
	}
	defer d.release()
	d.rec.reset(schemaOf(rv.Type().Elem()), loc, rv.UnsafePointer(), &d.bounds.Memory)
	var mapErr error
	if err := d.readDoc(func() error { return d.rec.readRecord(d, true, &mapErr) }); err != nil {
		return err
	}
	if d.errNode != nil {
		return errorFromNode(fn, d.errNode)
	}
	return mapErr
}

// listInfo is what a list reply says of its page: p_num, p_cnt and p_elems (0 when
// absent or not a number).
type listInfo struct{ number, size, total int }

// rowSchema maps the columns of a struct type to its fields.
type rowSchema struct {
	size    int // the size of the struct, what a row kept in a page costs at least
	fields  []schemaField
	columns map[string]schemaColumn
}

type schemaField struct {
	kind   fieldKind
	offset uintptr
}

// schemaColumn is the field a column fills, and the rank of the column among the names of
// the field's tag (0 for the first).
type schemaColumn struct {
	field, rank int
}

type fieldKind uint8

const (
	kindString fieldKind = iota + 1
	kindInt
	kindInt64
	kindDecimal
	kindMoney
	kindOnOff
	kindStatus
	kindTime
)

var (
	typeDecimal = reflect.TypeOf(decimal.Decimal{})
	typeMoney   = reflect.TypeOf(Money{})
	typeOnOff   = reflect.TypeOf(OnOff(false))
	typeStatus  = reflect.TypeOf(Status{})
	typeTime    = reflect.TypeOf(time.Time{})
)

func kindOf(t reflect.Type) fieldKind {
	switch t {
	case typeDecimal:
		return kindDecimal
	case typeMoney:
		return kindMoney
	case typeOnOff:
		return kindOnOff
	case typeStatus:
		return kindStatus
	case typeTime:
		return kindTime
	}
	switch t.Kind() {
	case reflect.String:
		return kindString
	case reflect.Int:
		return kindInt
	case reflect.Int64:
		return kindInt64
	}
	return 0
}

var rowSchemas sync.Map // reflect.Type → *rowSchema

// schemaOf makes the schema of the struct type t, once.
func schemaOf(t reflect.Type) *rowSchema {
	if p, ok := rowSchemas.Load(t); ok {
		return p.(*rowSchema)
	}
	p := &rowSchema{size: int(t.Size()), columns: map[string]schemaColumn{}}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("xml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		kind := kindOf(sf.Type)
		if kind == 0 {
			panic(fmt.Sprintf("billmgr: %s.%s: no decoder for %s", t.Name(), sf.Name, sf.Type))
		}
		for rank, name := range strings.Split(tag, "|") {
			if _, taken := p.columns[name]; taken {
				panic(fmt.Sprintf("billmgr: %s.%s: column %s has two fields", t.Name(), sf.Name, name))
			}
			p.columns[name] = schemaColumn{field: len(p.fields), rank: rank}
		}
		p.fields = append(p.fields, schemaField{kind: kind, offset: sf.Offset})
	}
	p2, _ := rowSchemas.LoadOrStore(t, p)
	return p2.(*rowSchema)
}

// recordReader fills one struct (a row, or a form) from the children of an element.
type recordReader struct {
	schema *rowSchema
	loc    *time.Location
	dst    unsafe.Pointer
	mem    *xmlscan.Budget

	filled  []int8         // per field: 1 + the rank of the column that filled it; 0 for none yet
	failed  []colError     // per field: why its column did not parse
	spans   []fieldStrings // per field: its strings in arena
	kept    []int          // the fields with strings in arena, in the order they were filled
	fails   int            // fields in failed
	arena   []byte         // the strings of the record, one after the other
	text    []byte         // the text of the column being read
	orig    []byte         // its orig attribute
	hasOrig bool
	amount  amountMemo // the last amount read
	date    dateMemo   // the last date read, in loc

	// The columns of the names read lately, by the slot of the name in the scanner's
	// recent names: a row's columns are found without a map lookup.
	cols [xmlscan.RecentNames]namedColumn

	// The columns of the rows of tagsSchema in the order the rows before sent them,
	// the start of a row first: the rows of a list repeat their columns in one order, so
	// the next column's start tag is predicted and read with one comparison of its name
	// (Scanner.KnownStart), without the scanner's general path, its prediction or a lookup
	// of the column (a few small structs read in order instead of three tables of 1,024).
	tags       []knownColumn
	tagsSchema *rowSchema
	unknown    knownColumn // the column just read, when it found no place in tags
}

// knownColumn is a column met in the rows of a schema, and the column that followed it the
// last time (an index in recordReader.tags; 0 for none yet).
type knownColumn struct {
	name string
	slot xmlscan.NameSlot
	tag  xmlscan.Tag // its tags, for Scanner.Column
	col  schemaColumn
	next int
}

// maxKnownColumns bounds recordReader.tags: a row with more distinct columns has the
// others read by the general path.
const maxKnownColumns = 64

type namedColumn struct {
	name   string
	schema *rowSchema
	col    schemaColumn
}

type colError struct {
	name string
	err  error
}

// fieldStrings places the strings of a field in the arena: a string's (a), a Money's
// currency (a), a Status's label (a) and code (b).
type fieldStrings struct{ a, b arenaSpan }

// arenaSpan is arena[start:end].
type arenaSpan struct{ start, end int }

func (r *recordReader) reset(schema *rowSchema, loc *time.Location, dst unsafe.Pointer, mem *xmlscan.Budget) {
	r.schema, r.loc, r.dst, r.mem = schema, loc, dst, mem
	n := len(schema.fields)
	r.filled = append(r.filled[:0], make([]int8, n)...)
	r.failed = append(r.failed[:0], make([]colError, n)...)
	r.spans = append(r.spans[:0], make([]fieldStrings, n)...)
	r.fails = 0
	if r.tagsSchema != schema {
		r.tags, r.tagsSchema = append(r.tags[:0], knownColumn{}), schema
	}
}

// follow records that the column col came after the column at index at of r.tags (-1:
// one not recorded), and returns its own index there (-1 when r.tags is full).
func (r *recordReader) follow(at int, col knownColumn) int {
	i := 1
	for i < len(r.tags) && r.tags[i].name != col.name {
		i++
	}
	switch {
	case i < len(r.tags):
		r.tags[i].slot = col.slot // the name may have moved in the scanner's recent names
	case len(r.tags) < maxKnownColumns:
		col.tag = xmlscan.NewTag(col.name)
		r.tags = append(r.tags, col)
	default:
		return -1
	}
	if at >= 0 {
		r.tags[at].next = i
	}
	return i
}

// release drops the record and the reply's data, and the buffers that grew large.
func (r *recordReader) release() {
	r.schema, r.loc, r.dst, r.mem, r.amount, r.date = nil, nil, nil, nil, amountMemo{}, dateMemo{}
	clear(r.failed)
	if cap(r.arena) > xmlscan.BufferSize || cap(r.text) > xmlscan.BufferSize || cap(r.orig) > xmlscan.BufferSize {
		r.arena, r.text, r.orig = nil, nil, nil
	}
}

// begin starts a record: nothing filled yet.
func (r *recordReader) begin() {
	clear(r.filled)
	if r.fails > 0 {
		clear(r.failed)
		r.fails = 0
	}
	r.kept, r.arena = r.kept[:0], r.arena[:0]
}

// column returns the column of the name of the scanner's start tag, whose slot among its
// recent names is slot.
func (r *recordReader) column(name string, slot xmlscan.NameSlot) schemaColumn {
	if c := &r.cols[slot]; c.name == name && c.schema == r.schema {
		return c.col
	}
	c, ok := r.schema.columns[name]
	if !ok {
		c.field = -1
	}
	r.cols[slot] = namedColumn{name: name, schema: r.schema, col: c}
	return c
}

// readRecord reads the children of the element whose start tag the scanner has just read
// into r.dst, through its end tag. When the element is <doc> (a form), its first <error>
// child is built into d.errNode. With mapErr set, a column that does not parse is kept
// there, to be reported after the rest of the document, instead of returned.
func (r *recordReader) readRecord(d *decoder, isDoc bool, mapErr *error) error {
	r.begin()
	if !d.sc.SelfClosing {
		for at := 0; ; { // at: the column just read, in r.tags
			// The column that followed the one just read, in one step when it holds
			// text alone (Scanner.Column).
			if next := r.tags[max(at, 0)].next; at >= 0 && next > 0 && !(isDoc && r.tags[next].name == "error") {
				col := &r.tags[next]
				if text, ok := d.sc.Column(&col.tag); ok {
					at = next
					if col.col.field >= 0 {
						if err := r.columnText(col.col, col.name, text, false); err != nil {
							return err
						}
					}
					continue
				}
			}
			next, col, err := r.nextColumn(d, at)
			if err != nil {
				return err
			}
			if col == nil {
				break
			}
			at = next
			name, c := col.name, col.col
			switch {
			case c.field >= 0:
				err = r.readColumn(d, c, name)
			case isDoc && name == "error":
				err = d.readErrorNode()
			default:
				err = d.skip()
			}
			if err != nil {
				return err
			}
		}
	}
	err := r.finish()
	if err != nil && mapErr != nil && !isTooLarge(err) {
		*mapErr, err = err, nil
	}
	return err
}

// nextColumn reads through the start tag of the next child of the record, skipping the
// text between children, and returns the child's column and its index in r.tags, at being
// the index of the column before it (0 at the start of the record, -1 for a column not
// in r.tags); nil at the record's end tag. The column r.tags says follows at is tried
// first.
func (r *recordReader) nextColumn(d *decoder, at int) (int, *knownColumn, error) {
	for {
		d.sc.SkipBlank()
		if at >= 0 {
			if next := r.tags[at].next; next > 0 && d.sc.KnownStart(r.tags[next].name, r.tags[next].slot) {
				return next, &r.tags[next], nil
			}
		}
		kind, err := d.next()
		switch {
		case err != nil:
			return 0, nil, err
		case kind == xmlscan.EndElement:
			return 0, nil, nil
		case kind == xmlscan.StartElement:
			r.unknown = knownColumn{name: d.sc.Name, slot: d.sc.StartSlot()}
			r.unknown.col = r.column(r.unknown.name, r.unknown.slot)
			if i := r.follow(at, r.unknown); i > 0 {
				return i, &r.tags[i], nil
			}
			return -1, &r.unknown, nil
		}
	}
}

// readColumn reads the column the scanner's start tag opens into field c.field, unless a
// column of the same or a better rank filled it already.
func (r *recordReader) readColumn(d *decoder, c schemaColumn, name string) error {
	if f := r.filled[c.field]; f != 0 && int(f) <= c.rank+1 {
		return d.skip()
	}
	hasOrig := false
	if r.schema.fields[c.field].kind == kindStatus {
		for _, a := range d.sc.Attrs {
			if a.Name == "orig" {
				r.orig, hasOrig = append(r.orig[:0], a.Value...), true
				break
			}
		}
	}
	text, err := r.readText(d)
	if err != nil {
		return err
	}
	return r.columnText(c, name, text, hasOrig)
}

// columnText decodes text, the text of column name, into field c.field, unless a column
// of the same or a better rank filled it already; hasOrig says that r.orig holds the
// column's orig attribute.
func (r *recordReader) columnText(c schemaColumn, name string, text []byte, hasOrig bool) error {
	if f := r.filled[c.field]; f != 0 && int(f) <= c.rank+1 {
		return nil
	}
	r.hasOrig = hasOrig
	return r.set(c, name, text)
}

// readText reads the text directly inside the element the scanner's start tag opens,
// through its end tag. The text is valid until the scanner reads on: in the scanner's
// buffer when it came in one piece, else in r.text.
func (r *recordReader) readText(d *decoder) ([]byte, error) {
	sc := &d.sc
	if sc.SelfClosing {
		return nil, nil
	}
	if text, ok := sc.PlainContent(); ok {
		return text, nil
	}
	r.text = r.text[:0]
	for depth := sc.Depth(); ; {
		kind, err := d.next()
		if err != nil {
			return nil, err
		}
		if kind == xmlscan.CharData && sc.Depth() == depth {
			if r.text, err = xmlscan.Grow(r.mem, r.text, len(sc.Text)); err != nil {
				return nil, err
			}
			r.text = append(r.text, sc.Text...)
		} else if kind == xmlscan.EndElement && sc.Depth() < depth {
			return r.text, nil
		}
	}
}

// set decodes text, the text of column name, into field c.field.
func (r *recordReader) set(c schemaColumn, name string, rawText []byte) error {
	fi := c.field
	r.filled[fi] = int8(c.rank + 1)
	if r.failed[fi].err != nil {
		r.failed[fi] = colError{}
		r.fails--
	}
	r.spans[fi] = fieldStrings{}
	p := unsafe.Add(r.dst, r.schema.fields[fi].offset)
	text := trimSpace(rawText)
	var err error
	switch r.schema.fields[fi].kind {
	case kindString:
		if isPlaceholder(text) {
			text = nil
		}
		*(*string)(p) = ""
		err = r.keep(fi, text, nil)
	case kindInt, kindInt64:
		var v int64
		v, err = parseIntBytes(text)
		if r.schema.fields[fi].kind == kindInt {
			*(*int)(p) = int(v)
		} else {
			*(*int64)(p) = v
		}
	case kindDecimal:
		*(*decimal.Decimal)(p), err = parseDecimalBytes(text, &r.amount)
		if err == nil {
			err = r.mem.Spend(decimalCost)
		}
	case kindMoney:
		m := (*Money)(p)
		var currency []byte
		m.Amount, m.Currency, currency, err = parseMoneyBytes(rawText, &r.amount)
		if err == nil {
			if err = r.mem.Spend(decimalCost); err == nil {
				err = r.keep(fi, currency, nil)
			}
		}
	case kindOnOff:
		*(*bool)(p), err = parseOnOffBytes(rawText)
	case kindStatus:
		*(*Status)(p) = Status{}
		code := text
		if r.hasOrig && len(trimSpace(r.orig)) > 0 {
			code = r.orig
		}
		err = r.keep(fi, text, code)
	case kindTime:
		*(*time.Time)(p), err = r.date.parse(text, r.loc)
	}
	if err != nil && !isTooLarge(err) {
		r.failed[fi] = colError{name: name, err: err}
		r.fails++
		return nil
	}
	return err
}

// keep puts the strings of field fi in the arena: a and b, or a alone when b is nil or
// the same bytes.
func (r *recordReader) keep(fi int, a, b []byte) error {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	if n := len(a) + len(b); cap(r.arena)-len(r.arena) < n {
		var err error
		if r.arena, err = xmlscan.Grow(r.mem, r.arena, n); err != nil {
			return err
		}
	}
	sp := &r.spans[fi]
	sp.a.start = len(r.arena)
	r.arena = append(r.arena, a...)
	sp.a.end = len(r.arena)
	sp.b = sp.a
	if b != nil && !bytes.Equal(a, b) {
		sp.b.start = len(r.arena)
		r.arena = append(r.arena, b...)
		sp.b.end = len(r.arena)
	}
	r.kept = append(r.kept, fi)
	return nil
}

// finish ends the record: the first column that did not parse, in field order, fails it;
// otherwise its strings are made, in one allocation, and set.
func (r *recordReader) finish() error {
	if r.fails > 0 {
		for _, f := range r.failed {
			if f.err != nil {
				return fmt.Errorf("%w: column %s: %v", ErrUnexpectedResponse, f.name, f.err)
			}
		}
	}
	if len(r.kept) == 0 {
		return nil
	}
	if err := r.mem.Spend(len(r.arena)); err != nil {
		return err
	}
	all := string(r.arena)
	for _, fi := range r.kept {
		sp := r.spans[fi]
		if sp == (fieldStrings{}) {
			continue // refilled by a better column, with no strings in the arena
		}
		a, b := all[sp.a.start:sp.a.end], all[sp.b.start:sp.b.end]
		p := unsafe.Add(r.dst, r.schema.fields[fi].offset)
		switch r.schema.fields[fi].kind {
		case kindString:
			*(*string)(p) = a
		case kindMoney:
			(*Money)(p).Currency = a
		case kindStatus:
			*(*Status)(p) = Status{Code: b, Label: a}
		}
	}
	return nil
}

// readList reads the children of <doc> in a list reply: each <elem> into r.dst, handed
// to each as soon as it is complete; the first <error> into d.errNode; p_num, p_cnt and
// p_elems (the first of each). Everything else is checked and skipped.
func (r *recordReader) readList(d *decoder, each func() error) (listInfo, error) {
	var info listInfo
	var seen [3]bool
	if d.sc.SelfClosing {
		return info, nil // <doc/>
	}
	for {
		d.sc.SkipBlank()
		kind, err := d.next()
		if err != nil || kind == xmlscan.EndElement {
			return info, err
		}
		if kind != xmlscan.StartElement {
			continue
		}
		switch name := d.sc.Name; name {
		case "elem":
			if err = r.readRecord(d, false, nil); err == nil {
				err = each()
			}
		case "error":
			err = d.readErrorNode()
		case "p_num":
			err = r.readCount(d, &info.number, &seen[0])
		case "p_cnt":
			err = r.readCount(d, &info.size, &seen[1])
		case "p_elems":
			err = r.readCount(d, &info.total, &seen[2])
		default:
			err = d.skip()
		}
		if err != nil {
			return info, err
		}
	}
}

// readCount reads the number of the element the scanner's start tag opens into *n, the
// first time (seen); a text that is not a number is 0.
func (r *recordReader) readCount(d *decoder, n *int, seen *bool) error {
	if *seen {
		return d.skip()
	}
	*seen = true
	text, err := r.readText(d)
	if err != nil {
		return err
	}
	*n, _ = strconv.Atoi(string(trimSpace(text)))
	return nil
}

// isPlaceholder reports whether the trimmed text of a string column is BILLmanager's
// placeholder for a missing name, " - ".
func isPlaceholder(text []byte) bool { return len(text) == 1 && text[0] == '-' }

// trimSpace is bytes.TrimSpace, quicker on text with nothing to trim (one look at each
// end) and on text that starts or ends with a character beyond ASCII that cannot be
// white space (Cyrillic).
func trimSpace(b []byte) []byte {
	if n := len(b); n == 0 || !spaceStart[b[0]] && !spaceEnd[b[n-1]] {
		return b
	}
	return trimSpaces(b)
}

// spaceStart and spaceEnd mark the bytes that white space (unicode.IsSpace) may start
// and end with.
var spaceStart, spaceEnd = func() (start, end [256]bool) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if unicode.IsSpace(r) {
			b := utf8.AppendRune(nil, r)
			start[b[0]], end[b[len(b)-1]] = true, true
		}
	}
	return start, end
}()

// trimSpaces is trimSpace's general path.
func trimSpaces(b []byte) []byte {
	for len(b) > 0 {
		c := b[0]
		if c < utf8.RuneSelf && !asciiSpace[c] || c >= utf8.RuneSelf && !mayBeSpace(c) {
			break
		}
		if c < utf8.RuneSelf {
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if !unicode.IsSpace(r) {
			break
		}
		b = b[size:]
	}
	for len(b) > 0 {
		c := b[len(b)-1]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			b = b[:len(b)-1]
			continue
		}
		start := len(b) - 1
		for start > 0 && len(b)-start < utf8.UTFMax && !utf8.RuneStart(b[start]) {
			start--
		}
		if !mayBeSpace(b[start]) {
			break
		}
		r, size := utf8.DecodeRune(b[start:])
		if start+size != len(b) || !unicode.IsSpace(r) {
			break
		}
		b = b[:start]
	}
	return b
}

// asciiSpace marks the ASCII white space of unicode.IsSpace.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// mayBeSpace reports whether a character starting with the byte c may be white space:
// U+0085 and U+00A0 start with 0xC2, the rest beyond ASCII with 0xE1 to 0xE3.
func mayBeSpace(c byte) bool { return c == 0xC2 || c >= 0xE1 && c <= 0xE3 }

// parseIntBytes reads a whole number, like strconv.ParseInt; empty text is 0.
func parseIntBytes(s []byte) (int64, error) {
	if len(s) == 0 {
		return 0, nil
	}
	if len(s) <= 18 && allDigitBytes(s) {
		var v int64
		for _, c := range s {
			v = v*10 + int64(c-'0')
		}
		return v, nil
	}
	v, err := strconv.ParseInt(string(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return v, nil
}

func allDigitBytes(s []byte) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(s) > 0
}
