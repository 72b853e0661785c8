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
// tagged `xml:"name"` takes the child <name>. Supported field types are string (trimmed),
// int, int64, decimal.Decimal, Money, Flag, Status and time.Time (a date or date-time in
// loc). A missing child leaves the zero value; a child that does not parse is an error
// naming the column.
func unmarshalNode(n *Node, v any, loc *time.Location) error {
	rv := reflect.ValueOf(v).Elem()
	for _, f := range fieldsOf(rv.Type()) {
		child := n.Child(f.name)
		if child == nil {
			continue
		}
		if err := f.set(rv.Field(f.index), child, loc); err != nil {
			return fmt.Errorf("%w: column %s: %v", ErrUnexpectedResponse, f.name, err)
		}
	}
	return nil
}

type field struct {
	name  string
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
		fields = append(fields, field{name: name, index: i, set: set})
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
			dst.Set(reflect.ValueOf(d))
			return nil
		}
	case typeMoney:
		return func(dst reflect.Value, n *Node, _ *time.Location) error {
			m, err := ParseMoney(n.Text)
			if err == nil {
				dst.Set(reflect.ValueOf(m))
			}
			return err
		}
	case typeFlag:
		return func(dst reflect.Value, n *Node, _ *time.Location) error {
			var f Flag
			err := f.UnmarshalText([]byte(n.Text))
			dst.SetBool(bool(f))
			return err
		}
	case typeStatus:
		return func(dst reflect.Value, n *Node, _ *time.Location) error {
			label := strings.TrimSpace(n.Text)
			dst.Set(reflect.ValueOf(Status{Code: firstNonEmpty(n.Attr("orig"), label), Label: label}))
			return nil
		}
	case typeTime:
		return func(dst reflect.Value, n *Node, loc *time.Location) error {
			t, err := parseTime(n.Text, loc)
			if err == nil {
				dst.Set(reflect.ValueOf(t))
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
