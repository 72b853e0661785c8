package billmgr

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"net/url"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// paramsTypes lists every struct the SDK encodes with go-querystring. The guard tests
// below fail when a struct with url tags is missing here, and when any of its fields would
// be silently dropped on the wire.
var paramsTypes = []any{
	ListOptions{},
	AccountListOptions{}, AccountParams{}, RegisterParams{}, TicketParams{}, SMSParams{}, AccountFilter{},
	PaymentListOptions{}, PaymentParams{}, PaymentAddParams{}, PaymentMethodsParams{}, RefundParams{},
	SubaccountParams{}, SubaccountRefundParams{},
	DiscountParams{},
	ExpenseParams{}, ExpenseFilter{},
	TaxRuleParams{},
	CurrencyRateParams{},
}

// urlTaggedStructs finds, by parsing the package source, every struct type with a field
// tagged `url:"…"`.
func urlTaggedStructs(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var names []string
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			spec, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := spec.Type.(*ast.StructType)
			if !ok {
				return true
			}
			for _, field := range st.Fields.List {
				if field.Tag != nil && strings.Contains(field.Tag.Value, `url:"`) {
					names = append(names, spec.Name.Name)
					break
				}
			}
			return true
		})
	}
	sort.Strings(names)
	return names
}

func TestEveryParamsStructIsGuarded(t *testing.T) {
	t.Parallel()
	var guarded []string
	for _, p := range paramsTypes {
		guarded = append(guarded, reflect.TypeOf(p).Name())
	}
	sort.Strings(guarded)
	assert.Equal(t, urlTaggedStructs(t), guarded, "add new params structs to paramsTypes")
}

// TestNoParamsFieldIsSilentlyDropped sets each tagged field alone to a non-zero value and
// requires that go-querystring puts something on the wire for it: a plain decimal.Decimal,
// time.Time or any struct without EncodeValues would encode to nothing.
func TestNoParamsFieldIsSilentlyDropped(t *testing.T) {
	t.Parallel()
	for _, p := range paramsTypes {
		typ := reflect.TypeOf(p)
		for _, path := range taggedFields(typ, nil) {
			name := typ.Name() + "." + fieldPathName(typ, path)
			t.Run(name, func(t *testing.T) {
				v := reflect.New(typ).Elem()
				fill(t, v.FieldByIndex(path))
				encoded, err := query.Values(v.Interface())
				require.NoError(t, err)
				assert.NotEmpty(t, encoded, "%s is dropped by go-querystring", name)
			})
		}
	}
}

func taggedFields(typ reflect.Type, prefix []int) [][]int {
	var out [][]int
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		path := append(append([]int(nil), prefix...), i)
		tag := f.Tag.Get("url")
		switch {
		case tag == "-" || !f.IsExported():
		case f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct:
			out = append(out, taggedFields(f.Type, path)...)
		default:
			out = append(out, path)
		}
	}
	return out
}

func fieldPathName(typ reflect.Type, path []int) string {
	f := typ.FieldByIndex(path)
	return f.Name
}

// fill sets v to a non-zero value of its type.
func fill(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Type() {
	case reflect.TypeOf(Decimal{}):
		v.Set(reflect.ValueOf(Decimal{decimal.RequireFromString("1.5")}))
		return
	case reflect.TypeOf(Money{}):
		v.Set(reflect.ValueOf(Money{Amount: decimal.RequireFromString("1.5"), Currency: "RUB"}))
		return
	case reflect.TypeOf(Date{}):
		v.Set(reflect.ValueOf(Date{time.Date(2024, 5, 7, 0, 0, 0, 0, time.UTC)}))
		return
	case reflect.TypeOf(DateTime{}):
		v.Set(reflect.ValueOf(DateTime{time.Date(2024, 5, 7, 14, 12, 3, 0, time.UTC)}))
		return
	case reflect.TypeOf(time.Time{}):
		v.Set(reflect.ValueOf(time.Date(2024, 5, 7, 0, 0, 0, 0, time.UTC)))
		return
	case reflect.TypeOf(decimal.Decimal{}):
		v.Set(reflect.ValueOf(decimal.RequireFromString("1.5")))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int64:
		v.SetInt(1)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(t, v.Index(0))
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k)
		fill(t, e)
		v.SetMapIndex(k, e)
	default:
		t.Fatalf("no test value for a field of type %s: teach fill about it", v.Type())
	}
}

func TestJoinIDs(t *testing.T) {
	t.Parallel()
	got, err := joinIDs("x.delete", []int64{1, 2, 3})
	require.NoError(t, err)
	assert.Equal(t, "1, 2, 3", got)
	got, err = joinIDs("x.delete", []int64{9223372036854775807})
	require.NoError(t, err)
	assert.Equal(t, "9223372036854775807", got)
	for _, bad := range [][]int64{nil, {}, {0}, {1, -2}} {
		_, err := joinIDs("x.delete", bad)
		assert.Error(t, err, "%v", bad)
	}
}

func TestBadInputIsRefusedBeforeAnythingIsSent(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(okDoc))})
	ctx := context.Background()
	assert.Error(t, c.act(ctx, "payment.delete", 0, nil))
	assert.Error(t, c.act(ctx, "payment.delete", 0, []int64{0}))
	assert.Error(t, c.act(ctx, "payment.delete", 0, []int64{-1}))
	_, err := encodeParams("payment.edit", (*ListOptions)(nil))
	assert.ErrorContains(t, err, "nil params")
	_, err = c.submit(ctx, "payment.edit", url.Values{"name": {"bad \xff"}}, nil)
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.ErrorContains(t, err, "UTF-8")
	assert.Empty(t, s.requests())
}

func TestListParamsTurnsFiltersOn(t *testing.T) {
	t.Parallel()
	type filtered struct {
		ListOptions
		Status string `url:"status,omitempty"`
	}
	v, err := listParams("account.payment", &filtered{ListOptions: ListOptions{PerPage: 5}, Status: "4"})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"p_cnt": {"5"}, "status": {"4"}, "filter": {"on"}}, v)
	v, err = listParams("account.payment", (*filtered)(nil))
	require.NoError(t, err)
	assert.Empty(t, v)
}

func TestCreatedID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want int64
		err  string
	}{
		{`<doc><ok/><id>42</id></doc>`, 42, ""},
		{`<doc><ok/><payment.id>43</payment.id></doc>`, 43, ""},
		{`<doc><id>44</id></doc>`, 44, ""}, // the new id is a verdict too
		{`<doc><ok/></doc>`, 0, "no id"},
		{`<doc><ok/><id>abc</id></doc>`, 0, "not a number"},
		{`<doc><tparams><func>x.edit</func></tparams></doc>`, 0, "neither <ok/> nor <error>"},
	}
	for _, tt := range tests {
		doc, err := decodeDoc(strings.NewReader(tt.body), defaultMaxResponseBytes)
		require.NoError(t, err)
		id, err := createdID("x.edit", doc)
		if tt.err != "" {
			assert.ErrorContains(t, err, tt.err)
			assert.ErrorIs(t, err, ErrOutcomeUnknown, "created, or may have been, but which object is unknown")
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, tt.want, id)
	}
}

func TestSubmitSendsSokOnce(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{{status: 502}})
	_, err := c.create(context.Background(), "payment.edit", url.Values{"plid": {"3"}}, nil)
	require.Error(t, err)
	require.Len(t, s.requests(), 1)
	assert.Equal(t, url.Values{"func": {"payment.edit"}, "plid": {"3"}, "sok": {"ok"}}, functionParams(s.last(t)))
}

// noVerdictDoc is a reply with the furniture of a real one but neither <ok/> nor <error>.
const noVerdictDoc = `<?xml version="1.0" encoding="UTF-8"?>
<doc lang="en" func="payment.setpaid" binary="/billmgr" host="https://billing.example.com" themename="dragon" localdir="default/"><tparams><elid>1</elid><func>payment.setpaid</func><out>xml</out></tparams><saved_filters/><links/></doc>`

// TestEveryWriteWithoutAVerdictMayHaveBeenApplied walks every method of every service: each
// one that changes state (the ones a WithDryRun client does not send) fails on a reply with
// neither <ok/> nor <error>, with an error that wraps ErrUnexpectedResponse and
// ErrOutcomeUnknown, and succeeds on <ok/>.
// composite are the methods that make several calls (lookups, then writes): each of their
// writes is checked by the tests of the method itself.
var composite = map[string]bool{"Payments.CreditReceipt": true, "Payments.CreditInvoice": true}

func TestEveryWriteWithoutAVerdictMayHaveBeenApplied(t *testing.T) {
	t.Parallel()
	dry, _ := newStub(t, []stubReply{xmlReply([]byte(noVerdictDoc))}, WithDryRun(func(string, url.Values) {}))
	c, s := newStub(t, []stubReply{xmlReply([]byte(noVerdictDoc))})
	writes := 0
	for i, m := range serviceMethods(c) {
		if err := invoke(serviceMethods(dry)[i], validArgs(t, m)); !errors.Is(err, ErrDryRun) {
			continue // a read
		}
		writes++
		sent := len(s.requests())
		err := invoke(m, validArgs(t, m))
		if !composite[m.name] {
			require.Len(t, s.requests(), sent+1, m.name)
		}
		if m.name == "Accounts.LoginURL" { // account.su: its <ok type="url"> is the result itself
			assert.ErrorIs(t, err, ErrUnexpectedResponse, m.name)
			continue
		}
		assert.ErrorIs(t, err, ErrUnexpectedResponse, m.name)
		assert.ErrorIs(t, err, ErrOutcomeUnknown, m.name)
		assert.ErrorContains(t, err, "neither <ok/> nor <error>", m.name)
	}
	assert.Greater(t, writes, 40, "the write methods found")

	ok, _ := newStub(t, []stubReply{xmlReply([]byte(`<doc><ok/><id>1</id><user.id>1</user.id></doc>`))})
	for _, name := range []string{"Payments.SetPaid", "Payments.Delete", "Accounts.Delete", "Accounts.Update", "Payments.Create"} {
		for _, m := range serviceMethods(ok) {
			if m.name == name {
				assert.NoError(t, invoke(m, validArgs(t, m)), name)
			}
		}
	}
}
