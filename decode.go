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
)

// Typed decoding: the rows of a list and the fields of a form go from the scanner's
// tokens straight into their structs, through a plan compiled once per type, without a
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

// plan maps the columns of a struct type to its fields.
type plan struct {
	size    int // the size of the struct, what a row kept in a page costs at least
	fields  []planField
	columns map[string]planColumn
}

type planField struct {
	kind   fieldKind
	offset uintptr
}

// planColumn is the field a column fills, and the rank of the column among the names of
// the field's tag (0 for the first).
type planColumn struct {
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

var plans sync.Map // reflect.Type → *plan

// planOf compiles the plan of the struct type t, once.
func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{size: int(t.Size()), columns: map[string]planColumn{}}
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
			p.columns[name] = planColumn{field: len(p.fields), rank: rank}
		}
		p.fields = append(p.fields, planField{kind: kind, offset: sf.Offset})
	}
	p2, _ := plans.LoadOrStore(t, p)
	return p2.(*plan)
}

// decimalCost is what a decimal of plainDecimal costs at least: the big.Int decimal.New
// makes and the word of its value, two allocations (32 and 8 bytes on a 64-bit platform).
const decimalCost = 40

// recordReader fills one struct (a row, or a form) from the children of an element.
type recordReader struct {
	p   *plan
	loc *time.Location
	dst unsafe.Pointer
	mem *budget

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
	cols [recentNames]namedColumn

	// The columns of the rows of plan tagsPlan in the order the rows before sent them,
	// the start of a row first: the rows of a list repeat their columns in one order, so
	// the next column's start tag is predicted and read with one comparison of its name
	// (scanner.knownStart), without the scanner's general path, its prediction or a lookup
	// of the column (a few small structs read in order instead of three tables of 1,024).
	tags     []knownColumn
	tagsPlan *plan
	unknown  knownColumn // the column just read, when it found no place in tags
}

// knownColumn is a column met in the rows of a plan, and the column that followed it the
// last time (an index in recordReader.tags; 0 for none yet).
type knownColumn struct {
	name string
	slot nameSlot
	col  planColumn
	next int
}

// maxKnownColumns bounds recordReader.tags: a row with more distinct columns has the
// others read by the general path.
const maxKnownColumns = 64

type namedColumn struct {
	name string
	p    *plan
	col  planColumn
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

func (r *recordReader) reset(p *plan, loc *time.Location, dst unsafe.Pointer, mem *budget) {
	r.p, r.loc, r.dst, r.mem = p, loc, dst, mem
	n := len(p.fields)
	r.filled = append(r.filled[:0], make([]int8, n)...)
	r.failed = append(r.failed[:0], make([]colError, n)...)
	r.spans = append(r.spans[:0], make([]fieldStrings, n)...)
	r.fails = 0
	if r.tagsPlan != p {
		r.tags, r.tagsPlan = append(r.tags[:0], knownColumn{}), p
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
	r.p, r.loc, r.dst, r.mem, r.amount, r.date = nil, nil, nil, nil, amountMemo{}, dateMemo{}
	clear(r.failed)
	if cap(r.arena) > scanBufferSize || cap(r.text) > scanBufferSize || cap(r.orig) > scanBufferSize {
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
func (r *recordReader) column(name string, slot nameSlot) planColumn {
	if c := &r.cols[slot]; c.name == name && c.p == r.p {
		return c.col
	}
	c, ok := r.p.columns[name]
	if !ok {
		c.field = -1
	}
	r.cols[slot] = namedColumn{name: name, p: r.p, col: c}
	return c
}

// readRecord reads the children of the element whose start tag the scanner has just read
// into r.dst, through its end tag. When the element is <doc> (a form), its first <error>
// child is built into d.errNode. With mapErr set, a column that does not parse is kept
// there, to be reported after the rest of the document, instead of returned.
func (d *decoder) readRecord(r *recordReader, isDoc bool, mapErr *error) error {
	r.begin()
	if !d.sc.selfClosing {
		for at := 0; ; { // at: the column just read, in r.tags
			next, col, err := d.nextColumn(r, at)
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
				err = d.readColumn(r, c, name)
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
func (d *decoder) nextColumn(r *recordReader, at int) (int, *knownColumn, error) {
	for {
		d.sc.skipBlank()
		if at >= 0 {
			if next := r.tags[at].next; next > 0 && d.sc.knownStart(r.tags[next].name, r.tags[next].slot) {
				return next, &r.tags[next], nil
			}
		}
		kind, err := d.next()
		switch {
		case err != nil:
			return 0, nil, err
		case kind == tokEnd:
			return 0, nil, nil
		case kind == tokStart:
			r.unknown = knownColumn{name: d.sc.name, slot: d.sc.startSlot()}
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
func (d *decoder) readColumn(r *recordReader, c planColumn, name string) error {
	if f := r.filled[c.field]; f != 0 && int(f) <= c.rank+1 {
		return d.skip()
	}
	r.hasOrig = false
	if r.p.fields[c.field].kind == kindStatus {
		for _, a := range d.sc.attrs {
			if a.name == "orig" {
				r.orig, r.hasOrig = append(r.orig[:0], a.value...), true
				break
			}
		}
	}
	text, err := d.readText(r)
	if err != nil {
		return err
	}
	return r.set(c, name, text)
}

// readText reads the text directly inside the element the scanner's start tag opens,
// through its end tag. The text is valid until the scanner reads on: in the scanner's
// buffer when it came in one piece, else in r.text.
func (d *decoder) readText(r *recordReader) ([]byte, error) {
	sc := &d.sc
	if sc.selfClosing {
		return nil, nil
	}
	if text, ok := sc.plainContent(); ok {
		return text, nil
	}
	r.text = r.text[:0]
	for depth := sc.depth; ; {
		kind, err := d.next()
		if err != nil {
			return nil, err
		}
		if kind == tokText && sc.depth == depth {
			if r.text, err = grow(r.mem, r.text, len(sc.text)); err != nil {
				return nil, err
			}
			r.text = append(r.text, sc.text...)
		} else if kind == tokEnd && sc.depth < depth {
			return r.text, nil
		}
	}
}

// set decodes text, the text of column name, into field c.field.
func (r *recordReader) set(c planColumn, name string, rawText []byte) error {
	fi := c.field
	r.filled[fi] = int8(c.rank + 1)
	if r.failed[fi].err != nil {
		r.failed[fi] = colError{}
		r.fails--
	}
	r.spans[fi] = fieldStrings{}
	p := unsafe.Add(r.dst, r.p.fields[fi].offset)
	text := trimSpace(rawText)
	var err error
	switch r.p.fields[fi].kind {
	case kindString:
		if isPlaceholder(text) {
			text = nil
		}
		*(*string)(p) = ""
		err = r.keep(fi, text, nil)
	case kindInt, kindInt64:
		var v int64
		v, err = parseIntBytes(text)
		if r.p.fields[fi].kind == kindInt {
			*(*int)(p) = int(v)
		} else {
			*(*int64)(p) = v
		}
	case kindDecimal:
		*(*decimal.Decimal)(p), err = parseDecimalBytes(text, &r.amount)
		if err == nil {
			err = r.mem.spend(decimalCost)
		}
	case kindMoney:
		m := (*Money)(p)
		var currency []byte
		m.Amount, m.Currency, currency, err = parseMoneyBytes(rawText, &r.amount)
		if err == nil {
			if err = r.mem.spend(decimalCost); err == nil {
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
	var err error
	if r.arena, err = grow(r.mem, r.arena, len(a)+len(b)); err != nil {
		return err
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
	if err := r.mem.spend(len(r.arena)); err != nil {
		return err
	}
	all := string(r.arena)
	for _, fi := range r.kept {
		sp := r.spans[fi]
		if sp == (fieldStrings{}) {
			continue // refilled by a better column, with no strings in the arena
		}
		a, b := all[sp.a.start:sp.a.end], all[sp.b.start:sp.b.end]
		p := unsafe.Add(r.dst, r.p.fields[fi].offset)
		switch r.p.fields[fi].kind {
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

// isPlaceholder reports whether the trimmed text of a string column is BILLmanager's
// placeholder for a missing name, " - ".
func isPlaceholder(text []byte) bool { return len(text) == 1 && text[0] == '-' }

// trimSpace is bytes.TrimSpace, quicker on text that starts or ends with a character
// beyond ASCII that cannot be white space (Cyrillic).
func trimSpace(b []byte) []byte {
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

// listInfo is what a list reply says of its page: p_num, p_cnt and p_elems (0 when
// absent or not a number).
type listInfo struct{ number, size, total int }

// readList reads the children of <doc> in a list reply: each <elem> into r.dst, handed
// to each as soon as it is complete; the first <error> into d.errNode; p_num, p_cnt and
// p_elems (the first of each). Everything else is checked and skipped.
func (d *decoder) readList(r *recordReader, each func() error) (listInfo, error) {
	var info listInfo
	var seen [3]bool
	if d.sc.selfClosing {
		return info, nil // <doc/>
	}
	for {
		d.sc.skipBlank()
		kind, err := d.next()
		if err != nil || kind == tokEnd {
			return info, err
		}
		if kind != tokStart {
			continue
		}
		switch name := d.sc.name; name {
		case "elem":
			if err = d.readRecord(r, false, nil); err == nil {
				err = each()
			}
		case "error":
			err = d.readErrorNode()
		case "p_num":
			err = d.readCount(&info.number, &seen[0])
		case "p_cnt":
			err = d.readCount(&info.size, &seen[1])
		case "p_elems":
			err = d.readCount(&info.total, &seen[2])
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
func (d *decoder) readCount(n *int, seen *bool) error {
	if *seen {
		return d.skip()
	}
	*seen = true
	text, err := d.readText(&d.rec)
	if err != nil {
		return err
	}
	*n, _ = strconv.Atoi(string(trimSpace(text)))
	return nil
}

// decodeRows reads a list reply of fn from body, bounded by limit: every row is decoded
// into *row (zeroed by the caller between rows) and handed to each, with the reply's
// budget, as soon as it is complete. It returns what the reply says of its page; an
// <error> in the reply is returned as *Error once the rows before it went to each.
func decodeRows(body io.Reader, limit int64, fn string, loc *time.Location, p *plan, row unsafe.Pointer, each func(*budget) error) (listInfo, error) {
	d, err := startDecoder(body, limit)
	if err != nil {
		return listInfo{}, err
	}
	defer d.release()
	d.rec.reset(p, loc, row, &d.bounds.memory)
	var info listInfo
	err = d.readDoc(func() error {
		var err error
		info, err = d.readList(&d.rec, func() error { return each(&d.bounds.memory) })
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
	d.rec.reset(planOf(rv.Type().Elem()), loc, rv.UnsafePointer(), &d.bounds.memory)
	var mapErr error
	if err := d.readDoc(func() error { return d.readRecord(&d.rec, true, &mapErr) }); err != nil {
		return err
	}
	if d.errNode != nil {
		return errorFromNode(fn, d.errNode)
	}
	return mapErr
}

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

// amountMemo is the last plain amount read and its decimal. The amount columns of a row
// (subaccountamount_iso, paymethodamount_iso) most often repeat one amount, which then
// costs one decimal.Decimal (immutable, so shared safely) instead of two. A nil memo
// remembers nothing.
type amountMemo struct {
	text []byte
	d    decimal.Decimal
	set  bool
}

// plain is plainDecimal, remembered.
func (m *amountMemo) plain(s []byte) (decimal.Decimal, bool) {
	if m == nil {
		return plainDecimal(s)
	}
	if m.set && bytes.Equal(s, m.text) {
		return m.d, true
	}
	d, ok := plainDecimal(s)
	if ok {
		m.text, m.d, m.set = append(m.text[:0], s...), d, true
	}
	return d, ok
}

// parseDecimalBytes reads an exact number like parseGroupedDecimal; empty text is zero.
func parseDecimalBytes(s []byte, memo *amountMemo) (decimal.Decimal, error) {
	if len(s) == 0 {
		return decimal.Decimal{}, nil
	}
	if d, ok := memo.plain(s); ok {
		return d, nil
	}
	d, err := parseGroupedDecimal(string(s))
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q: %v", s, err)
	}
	return d, nil
}

// plainDecimal reads digits with an optional fraction ("1234.50"), up to 18 digits in
// all, as decimal.NewFromString does (and into the same decimal, field by field: both
// make it with decimal.New's big.NewInt); anything else is not ok. It takes one pass over
// s (an amount is read twice a row).
func plainDecimal(s []byte) (decimal.Decimal, bool) {
	var v int64
	dot := -1
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			v = v*10 + int64(c-'0') // 18 digits at most fit; more are refused below
		case c == '.' && dot < 0:
			dot = i
		default:
			return decimal.Decimal{}, false
		}
	}
	digits, scale := len(s), 0
	if dot >= 0 {
		digits, scale = len(s)-1, len(s)-1-dot
		if dot == 0 || scale == 0 {
			return decimal.Decimal{}, false // ".5", "100.": digits on both sides of the point
		}
	}
	if digits == 0 || digits > 18 {
		return decimal.Decimal{}, false
	}
	return decimal.New(v, -int32(scale)), true
}

func allDigitBytes(s []byte) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(s) > 0
}

// parseMoneyBytes reads an amount as ParseMoney does, with a fast path for an amount of
// plain digits followed by a currency ("1234.50 RUB", "10.00 ₽", "5.00 $"): it returns the
// currency as bytes of text then, and as a string otherwise.
func parseMoneyBytes(text []byte, memo *amountMemo) (decimal.Decimal, string, []byte, error) {
	s := trimSpace(text)
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		end++
	}
	amount, rest := s[:end], s[end:]
	if currency := trimSpace(rest); (len(rest) == 0 || rest[0] == ' ') && plainCurrency(currency) {
		if d, ok := memo.plain(amount); ok {
			return d, "", currency, nil
		}
	}
	m, err := ParseMoney(string(text))
	return m.Amount, m.Currency, nil, err
}

// plainCurrency reports whether the text after an amount is all currency for ParseMoney:
// no digit in it, and no '/' (of " / ", after which ParseMoney reads no further: "500.00
// RUB / Месяц"; the amount is digits and points, so " / " can only be in what follows).
func plainCurrency(s []byte) bool {
	for _, c := range s {
		if c >= '0' && c <= '9' || c == '/' {
			return false
		}
	}
	return true
}

// parseOnOffBytes reads on/off like OnOff.UnmarshalText.
func parseOnOffBytes(text []byte) (bool, error) {
	switch string(trimSpace(text)) {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	var f OnOff
	err := f.UnmarshalText(text)
	return bool(f), err
}

// dateMemo is the last date read and its time. The dates of a row (create_date and
// pay_date, the day a payment is made and paid) and of the rows around it most often
// repeat one day, as in the real payment list, which is then read once. The memo belongs
// to one reply, read in one location.
type dateMemo struct {
	text []byte
	t    time.Time
}

// parse is parseTimeBytes, remembered.
func (m *dateMemo) parse(s []byte, loc *time.Location) (time.Time, error) {
	if len(s) > 0 && bytes.Equal(s, m.text) {
		return m.t, nil
	}
	t, err := parseTimeBytes(s, loc)
	if err == nil {
		m.text, m.t = append(m.text[:0], s...), t
	}
	return t, err
}

// parseTimeBytes reads a date or a date-time like parseTime, with a fast path for
// "2024-05-07" and "2024-05-07 14:12:03".
func parseTimeBytes(s []byte, loc *time.Location) (time.Time, error) {
	switch {
	case len(s) == 0:
		return time.Time{}, nil
	case len(s) == len(dateLayout):
		if year, month, day, ok := plainDate(s); ok {
			return time.Date(year, month, day, 0, 0, 0, 0, loc), nil
		}
	case len(s) == len(dateTimeLayout) && s[10] == ' ' && s[13] == ':' && s[16] == ':':
		year, month, day, ok := plainDate(s[:10])
		hour, okh := twoDigits(s[11:13], 24)
		minute, okm := twoDigits(s[14:16], 60)
		second, oks := twoDigits(s[17:19], 60)
		if ok && okh && okm && oks {
			return time.Date(year, month, day, hour, minute, second, 0, loc), nil
		}
	}
	return parseTime(string(s), loc)
}

// plainDate reads YYYY-MM-DD of a real day.
func plainDate(s []byte) (int, time.Month, int, bool) {
	if s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	hi, ok1 := twoDigits(s[0:2], 100)
	lo, ok2 := twoDigits(s[2:4], 100)
	month, ok3 := twoDigits(s[5:7], 13)
	day, ok4 := twoDigits(s[8:10], 32)
	year := hi*100 + lo
	if !ok1 || !ok2 || !ok3 || !ok4 || month == 0 || day == 0 || day > daysIn(month, year) {
		return 0, 0, 0, false
	}
	return year, time.Month(month), day, true
}

// daysIn is the number of days of month (1 to 12) in year.
func daysIn(month, year int) int {
	if month == 2 {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + (month+month/8)%2
}

// twoDigits reads two digits below limit.
func twoDigits(s []byte, limit int) (int, bool) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, false
	}
	n := int(s[0]-'0')*10 + int(s[1]-'0')
	return n, n < limit
}
