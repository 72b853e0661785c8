package billmgr

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// unmarshalNode is the tree path, the reference the typed decoder (rows.go) is held to:
// it fills the struct pointed to by v from the child elements of n, by reflection, field
// by field, with the rules of rows.go stated as plainly as they can be. A field tagged
// `xml:"name"` takes the first child <name>; `xml:"id|elid"` the first child with the
// first of the names that n has. A missing child leaves the zero value; a child that does
// not parse fails with an error naming the column, the first field that fails in field
// order.
func unmarshalNode(n *Node, v any, loc *time.Location) error {
	rv := reflect.ValueOf(v).Elem()
	t := rv.Type()
	for i := 0; i < t.NumField(); i++ {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("xml"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		var child *Node
		for _, name := range strings.Split(tag, "|") {
			if child = n.Child(name); child != nil {
				break
			}
		}
		if child == nil {
			continue
		}
		if err := setField(rv.Field(i), child, loc); err != nil {
			return fmt.Errorf("%w: column %s: %v", ErrUnexpectedResponse, child.Name, err)
		}
	}
	return nil
}

func setField(dst reflect.Value, n *Node, loc *time.Location) error {
	text := strings.TrimSpace(n.Text)
	switch dst.Type() {
	case typeDecimal:
		if text == "" {
			return nil
		}
		d, err := parseGroupedDecimal(text)
		if err != nil {
			return fmt.Errorf("%q: %v", text, err)
		}
		dst.Set(reflect.ValueOf(d))
		return nil
	case typeMoney:
		m, err := ParseMoney(n.Text)
		dst.Set(reflect.ValueOf(m))
		return err
	case typeOnOff:
		var f OnOff
		err := f.UnmarshalText([]byte(n.Text))
		dst.SetBool(bool(f))
		return err
	case typeStatus:
		code := n.Attr("orig")
		if strings.TrimSpace(code) == "" {
			code = text
		}
		dst.Set(reflect.ValueOf(Status{Code: code, Label: text}))
		return nil
	case typeTime:
		t, err := parseTime(n.Text, loc)
		dst.Set(reflect.ValueOf(t))
		return err
	}
	switch dst.Kind() {
	case reflect.String:
		if text == "-" {
			text = "" // the placeholder of a missing name
		}
		dst.SetString(text)
		return nil
	case reflect.Int, reflect.Int64:
		if text == "" {
			return nil
		}
		i, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", text)
		}
		dst.SetInt(i)
		return nil
	}
	panic(fmt.Sprintf("no decoder for %s", dst.Type()))
}
