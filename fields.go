package billmgr

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/google/go-querystring/query"
)

// The fields of params structs: which Go field each parameter of a call comes from, read
// once per type from its url tags, so that an error about a parameter (the server's
// Object, a value refused before sending) names the field a form shows it next to.

// paramField is a field of a params struct and the parameter it is sent as.
type paramField struct {
	name  string // the Go name: "Email"; a field of an embedded struct by its own name
	param string // the parameter: "email"
	index []int  // where the field is, for reflect.Value.FieldByIndex
	// entries: a map, sent one parameter per entry as param_<key> (Offers: offer_3); an
	// entry is the field with its key: "Offers[3]".
	entries bool
}

// paramFields are the fields of one params struct type, by parameter.
type paramFields struct {
	list    []paramField
	byParam map[string]int
	byName  map[string]int
}

// fieldCache holds the paramFields of each struct type met, read once.
var fieldCache sync.Map // reflect.Type → *paramFields

// fieldsOf returns the fields of p, a params struct or a pointer to one (a nil pointer
// included: the type is enough). It returns nil for anything else, and for an anonymous
// struct: one the SDK builds from a method's arguments, which has no field a caller set.
func fieldsOf(p any) *paramFields {
	t := reflect.TypeOf(p)
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct || t.Name() == "" {
		return nil
	}
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*paramFields)
	}
	fs := &paramFields{byParam: map[string]int{}, byName: map[string]int{}}
	tag := "url"
	if !hasTag(t, tag) {
		// A filter the SDK encodes itself (PaymentFilter) is read and written with the
		// same names: its xml tags name the form's fields.
		tag = "xml"
	}
	fs.add(t, tag, nil)
	actual, _ := fieldCache.LoadOrStore(t, fs)
	return actual.(*paramFields)
}

// hasTag reports whether a field of t, or of a struct embedded in it, has the tag key.
func hasTag(t reflect.Type, key string) bool {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if _, ok := f.Tag.Lookup(key); ok || f.Anonymous && f.Type.Kind() == reflect.Struct && hasTag(f.Type, key) {
			return true
		}
	}
	return false
}

// add reads the exported fields of t tagged with key, under index, as go-querystring
// encodes them: an embedded struct without a name of its own stands for its fields.
func (fs *paramFields) add(t reflect.Type, key string, index []int) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get(key), ",")
		at := append(append([]int(nil), index...), i)
		switch {
		case !f.IsExported() || name == "-":
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			fs.add(f.Type, key, at)
		case name != "":
			fs.byParam[name], fs.byName[f.Name] = len(fs.list), len(fs.list)
			fs.list = append(fs.list, paramField{name: f.Name, param: name, index: at, entries: f.Type.Kind() == reflect.Map})
		}
	}
}

// field returns the field that sends param: "Email" for email, "Offers[3]" for offer_3.
func (fs *paramFields) field(param string) (string, bool) {
	if fs == nil {
		return "", false
	}
	if i, ok := fs.byParam[param]; ok {
		return fs.list[i].name, true
	}
	for _, f := range fs.list {
		if key, ok := strings.CutPrefix(param, f.param+"_"); ok && f.entries && key != "" {
			return f.name + "[" + key + "]", true
		}
	}
	return "", false
}

// param returns the parameter the field name is sent as.
func (fs *paramFields) param(name string) string {
	if fs == nil {
		return ""
	}
	if i, ok := fs.byName[name]; ok {
		return fs.list[i].param
	}
	return ""
}

// wrap returns err as a *FieldError when it is a refusal by the server (*Error) whose
// Object is one of the fields' parameters; else err as it is. Objects that are ids (elid,
// plid) or parameters the SDK adds (sok, filter) are no field of a params struct.
func (fs *paramFields) wrap(err error) error {
	var apiErr *Error
	if fs == nil || !errors.As(err, &apiErr) {
		return err
	}
	name, ok := fs.field(apiErr.Object)
	if !ok {
		return err
	}
	return &FieldError{Field: name, Param: apiErr.Object, Err: err}
}

// findFaults finds what fn would refuse in the fields of p, a params struct, before
// anything is sent: a string that is not UTF-8, a value its type does not encode (an
// amount with more decimals than the server keeps, a date before 1970), and what p's own
// rules refuse (fieldChecker: required fields). Its err is nil, or every fault at once.
func findFaults(fn string, p any) *fieldFaults {
	faults := &fieldFaults{fn: fn, fields: fieldsOf(p)}
	if faults.fields == nil {
		return faults
	}
	v := reflect.Indirect(reflect.ValueOf(p))
	for _, f := range faults.fields.list {
		fv := v.FieldByIndex(f.index)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				continue
			}
			fv = fv.Elem()
		}
		if enc, ok := fv.Interface().(query.Encoder); ok {
			if err := enc.EncodeValues(f.param, &url.Values{}); err != nil {
				faults.add(f.name, "%v", err)
			}
			continue
		}
		if fv.Kind() == reflect.String && !utf8.ValidString(fv.String()) {
			faults.add(f.name, "parameter %s is not valid UTF-8", f.param)
		}
	}
	if c, ok := p.(fieldChecker); ok {
		c.checkFields(faults)
	}
	return faults
}

// fieldChecker is a params struct with rules of its own, checked before sending: its
// required fields, an amount that must be positive.
type fieldChecker interface{ checkFields(f *fieldFaults) }

// fieldFaults collects the fields of a params struct that fn refuses before sending.
type fieldFaults struct {
	fn       string
	fields   *paramFields
	faults   []*FieldError
	problems []string
}

// add records that field is refused: msg (formatted with args) says why, in full
// ("Email is required", "parameter amount: 0.001 has 3 decimal places; …"). A field
// refused already keeps its first fault: a form shows one message a field.
func (f *fieldFaults) add(field, msg string, args ...any) {
	for _, fault := range f.faults {
		if fault.Field == field {
			return
		}
	}
	problem := fmt.Sprintf(msg, args...)
	f.problems = append(f.problems, problem)
	f.faults = append(f.faults, &FieldError{Field: field, Param: f.fields.param(field),
		Err: fmt.Errorf("billmgr: %s: %w: %s", f.fn, errFieldValue, problem)})
}

// err is nil without faults, the *FieldError of a single one, and else one error that
// wraps every FieldError and says "billmgr:" once: "billmgr: register: invalid argument:
// Email is required; Password is required".
func (f *fieldFaults) err() error {
	switch len(f.faults) {
	case 0:
		return nil
	case 1:
		return f.faults[0]
	}
	errs := make([]error, len(f.faults))
	for i, fault := range f.faults {
		errs[i] = fault
	}
	return &chainError{msg: fmt.Sprintf("billmgr: %s: %v: %s", f.fn, errFieldValue, strings.Join(f.problems, "; ")), errs: errs}
}

// requirePositive refuses field, an amount, when it is nil or not positive.
func (f *fieldFaults) requirePositive(field string, amount *Decimal) {
	switch {
	case amount == nil:
		f.add(field, "%s is required", field)
	case !amount.IsPositive():
		f.add(field, "%s %s is not positive", field, shortDecimal(amount.Decimal))
	}
}
