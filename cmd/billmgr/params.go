package main

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Parameters come from flags bound, by reflection, to the fields of the SDK's params,
// filter and list-options structs: each flag is named like the API parameter (the url
// tag, else the xml tag), and a flag writes its field only when the user sets it, so an
// update sends only what was given. A field without omitempty is a required flag.

// boundParams are the flags bound to one params struct.
type boundParams struct {
	names []string
}

// changed reports whether the user set any of the flags.
func (b *boundParams) changed(cmd *cobra.Command) bool {
	return slices.ContainsFunc(b.names, cmd.Flags().Changed)
}

var (
	listOptionsType = reflect.TypeFor[billmgr.ListOptions]()
	decimalType     = reflect.TypeFor[billmgr.Decimal]()
	dateType        = reflect.TypeFor[billmgr.Date]()
	dateTimeType    = reflect.TypeFor[billmgr.DateTime]()
	flagType        = reflect.TypeFor[billmgr.Flag]()
	timeType        = reflect.TypeFor[time.Time]()
	offersType      = reflect.TypeFor[billmgr.Offers]()
)

// secretParams are parameters whose value is a password: "-" reads it from stdin, and a
// value in the command line draws a warning. --dry-run never prints them.
var secretParams = map[string]bool{"passwd": true, "confirm": true, "password": true}

// bindParams registers a flag for every field of the struct p points to.
func (a *app) bindParams(cmd *cobra.Command, p any) *boundParams {
	b := &boundParams{}
	a.bindStruct(cmd, b, reflect.ValueOf(p).Elem())
	return b
}

func (a *app) bindStruct(cmd *cobra.Command, b *boundParams, v reflect.Value) {
	if v.Type() == listOptionsType {
		bindListOptions(cmd.Flags(), v.Addr().Interface().(*billmgr.ListOptions))
		return
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		switch {
		case !f.IsExported():
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			a.bindStruct(cmd, b, v.Field(i))
		default:
			name, required := paramName(f)
			fv := &fieldValue{app: a, field: v.Field(i), name: name}
			cmd.Flags().Var(fv, name, fieldUsage(f))
			if required {
				_ = cmd.MarkFlagRequired(name)
			}
			b.names = append(b.names, name)
		}
	}
}

// bindListOptions registers the paging and sorting flags.
func bindListOptions(fs *pflag.FlagSet, o *billmgr.ListOptions) {
	fs.IntVar(&o.Page, "page", 0, "the page to show, from 1 (p_num)")
	fs.IntVar(&o.PerPage, "per-page", 0, "rows per page (p_cnt)")
	fs.StringVar(&o.Sort, "sort", "", "sort by this `column` (p_sort)")
	fs.StringVar(&o.Order, "order", "", "sort order: asc or desc (p_order)")
}

// paramName is the API name of a field: its url tag, else its xml tag, else its Go name
// in kebab case. A url-tagged field without omitempty is required.
func paramName(f reflect.StructField) (name string, required bool) {
	tag, opts, _ := strings.Cut(f.Tag.Get("url"), ",")
	if tag != "" && tag != "-" {
		return tag, !strings.Contains(opts, "omitempty")
	}
	if tag, _, _ = strings.Cut(f.Tag.Get("xml"), ","); tag != "" && tag != "-" {
		return tag, false
	}
	return strings.ReplaceAll(snakeCase(f.Name), "_", "-"), false
}

// fieldUsage is the flag's help: the field's name in words (the help shows the form of
// the value from fieldValue.Type).
func fieldUsage(f reflect.StructField) string {
	return strings.ReplaceAll(snakeCase(f.Name), "_", " ")
}

// fieldValue is a flag that parses its text into a field of a params struct.
type fieldValue struct {
	app   *app
	field reflect.Value
	name  string
}

func (v *fieldValue) String() string { return "" }

// Type names the form of the value in the help.
func (v *fieldValue) Type() string {
	t := v.field.Type()
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case decimalType:
		return "decimal"
	case dateType:
		return "2024-05-07"
	case dateTimeType, timeType:
		return `"2024-05-07 14:12:03"`
	case flagType:
		return "on|off"
	case offersType:
		return "ID=on|off, repeatable"
	}
	if t.Kind() == reflect.Int || t.Kind() == reflect.Int64 {
		return "int"
	}
	return "string"
}

// Set parses s into the field, allocating an optional (pointer) field.
func (v *fieldValue) Set(s string) error {
	if secretParams[v.name] {
		secret, err := v.app.secretValue(v.name, s)
		if err != nil {
			return err
		}
		s = secret
	}
	if v.field.Type() == offersType {
		return setOffer(v.field, s)
	}
	if v.field.Kind() == reflect.Pointer {
		p := reflect.New(v.field.Type().Elem())
		if err := setScalar(p.Elem(), s); err != nil {
			return err
		}
		v.field.Set(p)
		return nil
	}
	return setScalar(v.field, s)
}

// secretValue returns the password of flag name: "-" reads it from stdin; a value in the
// command line works but draws a warning.
func (a *app) secretValue(name, s string) (string, error) {
	if s == "-" {
		return a.stdinLine("--" + name + " -")
	}
	fmt.Fprintf(a.stderr, "warning: --%s in the command line is visible to other users; use --%s - to read it from stdin\n", name, name)
	return s, nil
}

// setScalar parses s into v by the type of v.
func setScalar(v reflect.Value, s string) error {
	switch v.Type() {
	case decimalType:
		d, err := decimal.NewFromString(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("%q is not a decimal number such as 100.50", s)
		}
		v.Set(reflect.ValueOf(billmgr.Decimal{Decimal: d}))
	case dateType:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return fmt.Errorf("%q is not a date such as 2024-05-07", s)
		}
		v.Set(reflect.ValueOf(billmgr.Date{Time: t}))
	case dateTimeType:
		t, err := parseDateTime(s)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(billmgr.DateTime{Time: t}))
	case timeType:
		t, err := parseDateTime(s)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(t))
	case flagType:
		var f billmgr.Flag
		if err := f.UnmarshalText([]byte(s)); err != nil || strings.TrimSpace(s) == "" {
			return fmt.Errorf("%q: want on or off", s)
		}
		v.Set(reflect.ValueOf(f))
	default:
		switch v.Kind() {
		case reflect.String:
			v.SetString(s)
		case reflect.Int, reflect.Int64:
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fmt.Errorf("%q is not an integer", s)
			}
			v.SetInt(n)
		default:
			return fmt.Errorf("unsupported parameter type %s", v.Type())
		}
	}
	return nil
}

// parseDateTime reads "2024-05-07 14:12:03", "2024-05-07T14:12:03" or a date alone
// (midnight), as wall-clock time: the server reads it in its own time zone.
func parseDateTime(s string) (time.Time, error) {
	for _, layout := range []string{time.DateTime, "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf(`%q is not a date and time such as "2024-05-07 14:12:03"`, s)
}

// setOffer adds "ID=on|off" to an Offers map.
func setOffer(v reflect.Value, s string) error {
	idText, onOff, ok := strings.Cut(s, "=")
	id, err := strconv.ParseInt(idText, 10, 64)
	var f billmgr.Flag
	if !ok || err != nil || id <= 0 || f.UnmarshalText([]byte(onOff)) != nil {
		return fmt.Errorf("%q: want OFFER_ID=on or OFFER_ID=off", s)
	}
	if v.IsNil() {
		v.Set(reflect.ValueOf(billmgr.Offers{}))
	}
	v.Interface().(billmgr.Offers)[id] = f
	return nil
}
