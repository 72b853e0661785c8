package billmgr

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// unmarshalNode fills the struct pointed to by v from the child elements of n: a field
// tagged `xml:"name"` takes the child <name>; `xml:"id|elid"` takes the first of the
// children named that it finds, in the order of the tag. Supported field types are string (trimmed),
// int, int64, decimal.Decimal, Money, Flag, Status and time.Time (a date or date-time in
// loc). A missing child leaves the zero value; a child that does not parse is an error
// naming the column.
func unmarshalNode(n *Node, v any, loc *time.Location) error {
	rv := reflect.ValueOf(v).Elem()
	var m rowMapper
	m.locate(n, fieldsOf(rv.Type()))
	return m.fill(n, rv, loc)
}

// rowMapper is unmarshalNode for the rows of a list, which come with the same columns in
// the same order: it finds the child of each field once and reuses the places for every
// row of the same shape.
type rowMapper struct {
	fields []field
	shape  []string // the names of the children of the last row, in order
	at     []int    // the child of each field in rows of that shape; -1 for none
}

// unmarshal fills the struct pointed to by v from row n, like unmarshalNode.
func (m *rowMapper) unmarshal(n *Node, v any, loc *time.Location) error {
	rv := reflect.ValueOf(v).Elem()
	if m.fields == nil {
		m.fields = fieldsOf(rv.Type())
	}
	if !m.sameShape(n) {
		m.locate(n, m.fields)
	}
	return m.fill(n, rv, loc)
}

func (m *rowMapper) sameShape(n *Node) bool {
	if len(n.Children) != len(m.shape) || m.at == nil {
		return false
	}
	for i, c := range n.Children {
		if c.Name != m.shape[i] {
			return false
		}
	}
	return true
}

// locate finds the first child named by each field.
func (m *rowMapper) locate(n *Node, fields []field) {
	m.fields = fields
	m.shape = m.shape[:0]
	for _, c := range n.Children {
		m.shape = append(m.shape, c.Name)
	}
	m.at = m.at[:0]
	for _, f := range fields {
		m.at = append(m.at, childIndex(n, f.names))
	}
}

// childIndex is the index of the first child of n with the first of names that n has, or -1.
func childIndex(n *Node, names []string) int {
	for _, name := range names {
		for i, c := range n.Children {
			if c.Name == name {
				return i
			}
		}
	}
	return -1
}

func (m *rowMapper) fill(n *Node, rv reflect.Value, loc *time.Location) error {
	for i, f := range m.fields {
		if m.at[i] < 0 {
			continue
		}
		if err := f.set(rv.Field(f.index), n.Children[m.at[i]], loc); err != nil {
			return fmt.Errorf("%w: column %s: %v", ErrUnexpectedResponse, n.Children[m.at[i]].Name, err)
		}
	}
	return nil
}

type field struct {
	names []string // the column, and the columns that stand in for it
	index int
	set   func(dst reflect.Value, n *Node, loc *time.Location) error
}

var fieldCache sync.Map // reflect.Type → []field

func fieldsOf(t reflect.Type) []field {
	if cached, ok := fieldCache.Load(t); ok {
		return cached.([]field)
	}
	var fields []field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("xml"), ",")
		if name == "" || name == "-" {
			continue
		}
		set := setterFor(sf.Type)
		if set == nil {
			panic(fmt.Sprintf("billmgr: %s.%s: no decoder for %s", t.Name(), sf.Name, sf.Type))
		}
		fields = append(fields, field{names: strings.Split(name, "|"), index: i, set: set})
	}
	fieldCache.Store(t, fields)
	return fields
}

var (
	typeDecimal = reflect.TypeOf(decimal.Decimal{})
	typeMoney   = reflect.TypeOf(Money{})
	typeFlag    = reflect.TypeOf(Flag(false))
	typeStatus  = reflect.TypeOf(Status{})
	typeTime    = reflect.TypeOf(time.Time{})
)

func setterFor(t reflect.Type) func(reflect.Value, *Node, *time.Location) error {
	switch t {
	case typeDecimal:
		return func(dst reflect.Value, n *Node, _ *time.Location) error {
			s := strings.TrimSpace(n.Text)
			if s == "" {
				return nil
			}
			d, err := parseGroupedDecimal(s)
			if err != nil {
				return fmt.Errorf("%q: %v", s, err)
			}
			*dst.Addr().Interface().(*decimal.Decimal) = d
			return nil
		}
	case typeMoney:
		return func(dst reflect.Value, n *Node, _ *time.Location) error {
			m, err := parseMoneyColumn(n.Text)
			if err == nil {
				*dst.Addr().Interface().(*Money) = m
			}
			return err
		}
	case typeFlag:
		return func(dst reflect.Value, n *Node, _ *time.Location) error {
			switch strings.TrimSpace(n.Text) { // the two values lists send, without an allocation
			case "on":
				dst.SetBool(true)
				return nil
			case "off":
				dst.SetBool(false)
				return nil
			}
			var f Flag
			err := f.UnmarshalText([]byte(n.Text))
			dst.SetBool(bool(f))
			return err
		}
	case typeStatus:
		return func(dst reflect.Value, n *Node, _ *time.Location) error {
			label := strings.TrimSpace(n.Text)
			*dst.Addr().Interface().(*Status) = Status{Code: firstNonEmpty(n.Attr("orig"), label), Label: label}
			return nil
		}
	case typeTime:
		return func(dst reflect.Value, n *Node, loc *time.Location) error {
			t, err := parseTime(n.Text, loc)
			if err == nil {
				*dst.Addr().Interface().(*time.Time) = t
			}
			return err
		}
	}
	switch t.Kind() {
	case reflect.String:
		return func(dst reflect.Value, n *Node, _ *time.Location) error {
			dst.SetString(strings.TrimSpace(n.Text))
			return nil
		}
	case reflect.Int, reflect.Int64:
		return func(dst reflect.Value, n *Node, _ *time.Location) error {
			s := strings.TrimSpace(n.Text)
			if s == "" {
				return nil
			}
			i, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", s)
			}
			dst.SetInt(i)
			return nil
		}
	}
	return nil
}

// parseMoneyColumn is ParseMoney with a fast path for the shape of the _iso columns,
// "1234.50 RUB": plain digits with an optional fraction, one space, a currency code of
// letters. That shape gives what ParseMoney gives; any other goes to ParseMoney.
func parseMoneyColumn(s string) (Money, error) {
	text := strings.TrimSpace(s)
	if amount, currency, ok := strings.Cut(text, " "); ok && isPlainAmount(amount) && isLetters(currency) {
		if d, err := decimal.NewFromString(amount); err == nil {
			return Money{Amount: d, Currency: currency}, nil
		}
	}
	return ParseMoney(s)
}

// isPlainAmount reports whether s is digits, optionally followed by '.' and digits.
func isPlainAmount(s string) bool {
	whole, fraction, dotted := strings.Cut(s, ".")
	return allDigits(whole) && (!dotted || allDigits(fraction))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}
