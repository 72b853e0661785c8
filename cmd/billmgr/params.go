package main

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/internal/secret"
	"github.com/shopspring/decimal"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Parameters come from flags bound, by reflection, to the fields of the SDK's params,
// filter and list-options structs: each flag is named like the API parameter (the url
// tag, else the xml tag) in kebab case (flagName), and a flag writes its field only when
// the user sets it, so an update sends only what was given. A field without omitempty is a required flag, and so
// is a parameter a create cannot go without (paramDoc.create) on a create. The help, the
// values a flag takes and those the shell completes come from paramDocs.

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
	onOffType       = reflect.TypeFor[billmgr.OnOff]()
	timeType        = reflect.TypeFor[time.Time]()
	offersType      = reflect.TypeFor[billmgr.Offers]()
)

// binding says what the flags of a params struct are for.
type binding struct {
	fn      string   // the API function that takes the parameters: its words in paramDocs
	create  bool     // the form creates an object: what a create needs is required
	columns []string // the columns of the list's rows, which --sort takes
}

// bindParams registers a flag for every field of the struct p points to.
func (a *app) bindParams(cmd *cobra.Command, b binding, p any) *boundParams {
	bound := &boundParams{}
	a.bindStruct(cmd, b, bound, reflect.ValueOf(p).Elem())
	return bound
}

func (a *app) bindStruct(cmd *cobra.Command, b binding, bound *boundParams, v reflect.Value) {
	if v.Type() == listOptionsType {
		a.bindListOptions(cmd, v.Addr().Interface().(*billmgr.ListOptions), b.columns)
		return
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		switch {
		case !f.IsExported():
		case f.Anonymous && f.Type.Kind() == reflect.Struct:
			a.bindStruct(cmd, b, bound, v.Field(i))
		default:
			name, required := paramName(f)
			doc, ok := docOf(b.fn, name)
			if !ok {
				panic(fmt.Sprintf("paramDocs has no words for parameter %s of %s", name, b.fn))
			}
			a.bindValue(cmd, &fieldValue{app: a, field: v.Field(i), name: name, doc: doc}, required || b.create && doc.create)
			bound.names = append(bound.names, flagName(name))
		}
	}
}

// bindValue registers the flag of v: its help, its completions, and whether it is required.
func (a *app) bindValue(cmd *cobra.Command, v *fieldValue, required bool) {
	name := flagName(v.name)
	cmd.Flags().Var(v, name, v.doc.help())
	if required {
		requireFlag(cmd, name)
	}
	completions := v.doc.completions()
	if v.Type() == onOff {
		completions = []string{"on", "off"}
	}
	if completions != nil {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(completions, cobra.ShellCompDirectiveNoFileComp))
	}
}

// requireFlag makes flag name of cmd required, in the help as for cobra and the shell.
func requireFlag(cmd *cobra.Command, name string) {
	_ = cmd.MarkFlagRequired(name)
	cmd.Flags().Lookup(name).Usage += " (required)"
}

// bindListOptions registers the paging and sorting flags of a list whose rows have the
// columns.
func (a *app) bindListOptions(cmd *cobra.Command, o *billmgr.ListOptions, columns []string) {
	fs := cmd.Flags()
	fs.Var(&countValue{&o.Page}, "page", "the page to show, from 1 (default the first)")
	fs.Var(&countValue{&o.PerPage}, "per-page", "rows per page, from 1 (default the server's page size)")
	field := func(p any) reflect.Value { return reflect.ValueOf(p).Elem() }
	a.bindValue(cmd, &fieldValue{app: a, field: field(&o.Sort), name: "sort", doc: paramDoc{
		usage: "sort by this column", values: choices(columns...), typ: "column",
	}}, false)
	a.bindValue(cmd, &fieldValue{app: a, field: field(&o.Order), name: "order", doc: paramDoc{
		usage: "sort order", values: []choice{{"asc", "ascending"}, {"desc", "descending"}},
	}}, false)
}

// sortColumns are the columns of the list rows of type t, by the names the server gives
// them (every name of an `xml:"id|elid"` tag).
func sortColumns(t reflect.Type) []string {
	var names []string
	for _, f := range reflect.VisibleFields(t) {
		tag, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
		if f.IsExported() && !f.Anonymous && tag != "" && tag != "-" {
			names = append(names, strings.Split(tag, "|")...)
		}
	}
	return names
}

// countValue is a flag holding a count from 1: a page number, a page size.
type countValue struct{ n *int }

func (v *countValue) String() string {
	if *v.n == 0 {
		return ""
	}
	return strconv.Itoa(*v.n)
}

func (v *countValue) Type() string { return "int" }

func (v *countValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return fmt.Errorf("%q: want a whole number from 1", s)
	}
	*v.n = n
	return nil
}

// flagName is the flag of an API parameter or any other name: kebab case, the API's
// underscores turned into hyphens and a leading one dropped (account_status →
// account-status, _ga → ga). As the normalization of every flag set (normalizeFlag) it
// makes the API's own spelling, --account_status, work as well, without showing it in the
// help.
func flagName(name string) string {
	return strings.ReplaceAll(strings.TrimLeft(name, "_"), "_", "-")
}

// normalizeFlag is flagName for pflag: every command line's flag names go through it.
func normalizeFlag(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	return pflag.NormalizedName(flagName(name))
}

// paramName is the API name of a field: its url tag, else its xml tag, else its Go name
// in snake case. A url-tagged field without omitempty is required.
func paramName(f reflect.StructField) (name string, required bool) {
	tag, opts, _ := strings.Cut(f.Tag.Get("url"), ",")
	if tag != "" && tag != "-" {
		return tag, !strings.Contains(opts, "omitempty")
	}
	if tag, _, _ = strings.Cut(f.Tag.Get("xml"), ","); tag != "" && tag != "-" {
		return tag, false
	}
	return snakeCase(f.Name), false
}

// fieldValue is a flag that parses its text into a field of a params struct.
type fieldValue struct {
	app   *app
	field reflect.Value
	name  string // the API parameter; the flag is flagName(name)
	doc   paramDoc
}

// onOff is the type an OnOff field shows in the help.
const onOff = "on|off"

func (v *fieldValue) String() string { return "" }

// Type names the form of the value in the help.
func (v *fieldValue) Type() string {
	if t := v.doc.valueType(); t != "" {
		return t
	}
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
	case onOffType:
		return onOff
	case offersType:
		return "ID=on|off, repeatable"
	}
	if t.Kind() == reflect.Int || t.Kind() == reflect.Int64 {
		return "int"
	}
	return "string"
}

// Set parses s into the field, allocating an optional (pointer) field. The value of a
// secret parameter (a password) may come from stdin (secretValue).
func (v *fieldValue) Set(s string) error {
	if secret.IsParam(v.name) {
		value, err := v.app.secretValue(v.name, s)
		if err != nil {
			return err
		}
		s = value
	}
	if !v.doc.allows(s) {
		return fmt.Errorf("%q: want %s", s, listChoices(v.doc.values))
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
	flag := "--" + flagName(name)
	if s == "-" {
		return a.stdinLine(flag + " -")
	}
	fmt.Fprintf(a.stderr, "warning: %s in the command line is visible to other users; use %s - to read it from stdin\n", flag, flag)
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
	case onOffType:
		var f billmgr.OnOff
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
	var f billmgr.OnOff
	if !ok || err != nil || id <= 0 || f.UnmarshalText([]byte(onOff)) != nil {
		return fmt.Errorf("%q: want OFFER_ID=on or OFFER_ID=off", s)
	}
	if v.IsNil() {
		v.Set(reflect.ValueOf(billmgr.Offers{}))
	}
	v.Interface().(billmgr.Offers)[id] = f
	return nil
}
