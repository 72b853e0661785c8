package billmgr

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr/billmgrtest"
)

// Bad input from the caller is refused with a clear error before anything is sent: every
// test here checks the stub received nothing. The per-method suites check the typical
// cases; these walk every method of every service, so a new method cannot forget them.

// serviceMethod is an exported method of a service, bound to a client.
type serviceMethod struct {
	name string // "Payments.Create"
	fn   reflect.Value
}

// serviceMethods lists every method of every service of c.
func serviceMethods(c *Client) []serviceMethod {
	var out []serviceMethod
	cv := reflect.ValueOf(c).Elem()
	for i := 0; i < cv.NumField(); i++ {
		f := cv.Type().Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Pointer || !strings.HasSuffix(f.Type.Elem().Name(), "Service") {
			continue
		}
		svc := cv.Field(i)
		for j := 0; j < svc.NumMethod(); j++ {
			out = append(out, serviceMethod{name: f.Name + "." + svc.Type().Method(j).Name, fn: svc.Method(j)})
		}
	}
	return out
}

var (
	typeContext = reflect.TypeOf((*context.Context)(nil)).Elem()
	typeInt64   = reflect.TypeOf(int64(0))
	typeIDs     = reflect.TypeOf([]int64(nil))
	typeEncoder = reflect.TypeOf((*interface {
		EncodeValues(string, *url.Values) error
	})(nil)).Elem()
)

// isOptions reports whether a nil value of t is allowed: list options and filters of a
// list (nil means the defaults).
func isOptions(t reflect.Type) bool {
	return t.Kind() == reflect.Pointer && strings.HasSuffix(t.Elem().Name(), "ListOptions") || t == reflect.TypeOf(&ListOptions{})
}

// validArgs returns arguments the method accepts: ids 1, filled params, options nil.
func validArgs(t *testing.T, m serviceMethod) []reflect.Value {
	t.Helper()
	ft := m.fn.Type()
	args := make([]reflect.Value, ft.NumIn())
	for i := range args {
		in := ft.In(i)
		switch {
		case in == typeContext:
			args[i] = reflect.ValueOf(context.Background())
		case in == typeInt64:
			args[i] = reflect.ValueOf(int64(1))
		case ft.IsVariadic() && i == ft.NumIn()-1 && in == typeIDs:
			args[i] = reflect.ValueOf([]int64{1})
		case isOptions(in):
			args[i] = reflect.Zero(in)
		default:
			v := reflect.New(in).Elem()
			fillAll(t, v)
			args[i] = v
		}
	}
	return args
}

// fillAll sets v, and every exported field of a params struct in it, to a non-zero value.
func fillAll(t *testing.T, v reflect.Value) {
	switch {
	case v.Kind() == reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillAll(t, v.Elem())
	case v.Kind() == reflect.Struct && !v.Type().Implements(typeEncoder) && !reflect.PointerTo(v.Type()).Implements(typeEncoder) &&
		v.Type() != reflect.TypeOf(time.Time{}) && v.Type() != reflect.TypeOf(decimal.Decimal{}):
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fillAll(t, v.Field(i))
			}
		}
	default:
		fill(t, v)
	}
}

// invoke calls the method and runs what it returns: an iterator is read to its first
// item, a body is closed. It returns the error the call ended with.
func invoke(m serviceMethod, args []reflect.Value) error {
	var out []reflect.Value
	if m.fn.Type().IsVariadic() {
		out = m.fn.CallSlice(args)
	} else {
		out = m.fn.Call(args)
	}
	var err error
	for _, v := range out {
		switch x := v.Interface().(type) {
		case error:
			err = x
		case io.Closer:
			x.Close()
		}
		if v.Kind() == reflect.Func { // iter.Seq2[T, error]
			yield := reflect.MakeFunc(v.Type().In(0), func(in []reflect.Value) []reflect.Value {
				if e, ok := in[1].Interface().(error); ok {
					err = e
				}
				return []reflect.Value{reflect.ValueOf(false)}
			})
			v.Call([]reflect.Value{yield})
		}
	}
	return err
}

// badCase is one argument list the method must refuse without sending.
type badCase struct {
	what string
	args []reflect.Value
}

// badCases replaces, one at a time, each id with 0 and -1, the id list with none or with
// a bad id, and each required params pointer with nil.
func badCases(m serviceMethod, valid []reflect.Value) []badCase {
	ft := m.fn.Type()
	with := func(i int, v reflect.Value) []reflect.Value {
		args := append([]reflect.Value(nil), valid...)
		args[i] = v
		return args
	}
	var out []badCase
	for i, in := range valid {
		t := ft.In(i)
		switch {
		case t == typeInt64:
			for _, id := range []int64{0, -1} {
				out = append(out, badCase{fmt.Sprintf("id argument %d = %d", i, id), with(i, reflect.ValueOf(id))})
			}
		case t == typeIDs:
			for _, ids := range [][]int64{{}, {0}, {1, -2}, {3, 0, 4}} {
				out = append(out, badCase{fmt.Sprintf("ids %v", ids), with(i, reflect.ValueOf(ids))})
			}
		case t.Kind() == reflect.Pointer && !isOptions(t):
			out = append(out, badCase{"nil " + t.String(), with(i, reflect.Zero(t))})
		case t.Kind() == reflect.String && in.String() != "":
			out = append(out, badCase{fmt.Sprintf("non-UTF-8 string argument %d", i), with(i, reflect.ValueOf("bad \xff"))})
		}
	}
	return out
}

func TestEveryMethodRefusesBadIDsAndNilParamsBeforeSending(t *testing.T) {
	t.Parallel()
	probe, _ := newStub(t, []stubReply{xmlReply([]byte(okDoc))})
	for _, m := range serviceMethods(probe) {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			c, s := newStub(t, []stubReply{xmlReply([]byte(`<doc><ok/><id>1</id><user.id>1</user.id></doc>`))})
			m := methodOf(c, m.name)
			valid := validArgs(t, m)
			_ = invoke(m, valid)
			require.NotEmpty(t, s.requests(), "the valid call must reach the server, or the cases below prove nothing")
			sent := len(s.requests())
			for _, bc := range badCases(m, valid) {
				err := invoke(m, bc.args)
				require.ErrorIs(t, err, ErrInvalidArgument, bc.what)
				assert.True(t, strings.HasPrefix(err.Error(), "billmgr: "), "%s: %v", bc.what, err)
				AssertOnePrefix(t, err)
				assert.Len(t, s.requests(), sent, "%s: nothing may be sent", bc.what)
			}
		})
	}
}

// methodOf finds the method named like "Payments.Create" on c.
func methodOf(c *Client, name string) serviceMethod {
	for _, m := range serviceMethods(c) {
		if m.name == name {
			return m
		}
	}
	panic("no method " + name)
}

func TestCallRefusesAnIDListWithAnEmptyItem(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(okDoc))})
	ctx := context.Background()
	for _, bad := range []string{"1, , 2", "1,,2", ",1", "1,", " , ", "1, 2,\t"} {
		for _, key := range []string{"elid", "plid"} {
			_, err := c.Call(ctx, "payment.delete", url.Values{key: {bad}})
			require.ErrorIs(t, err, ErrInvalidArgument, "%s=%q", key, bad)
			AssertOnePrefix(t, err)
			assert.ErrorContains(t, err, "empty item")
			assert.ErrorContains(t, err, "payment.delete")
		}
	}
	assert.Empty(t, s.requests())

	// A well-formed list, one id, a name (ISPmanager lists use them) or an empty elid (a
	// form's "new object") are the caller's to send.
	for _, good := range []string{"1, 2", "1,2", "7", "MySQL->bt", ""} {
		_, err := c.Call(ctx, "payment.delete", url.Values{"elid": {good}})
		require.NoError(t, err, good)
		assert.Equal(t, good, s.last(t).Get("elid"))
	}
}

func TestNonUTF8IsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(`<doc><ok/><id>1</id></doc>`))})
	ctx := context.Background()
	call := func(c *Client, params url.Values) error {
		_, err := c.Call(ctx, "account.edit", params)
		return err
	}
	_, create := c.Accounts.Create(ctx, &AccountParams{Name: Ptr("\xc3\x28")})
	refusals := []struct {
		says string
		err  error
	}{
		{"parameter name is not valid UTF-8", call(c, url.Values{"name": {"Ivan \xd0"}})},
		{"a parameter name is not valid UTF-8", call(c, url.Values{"na\xffme": {"x"}})},
		{"the user of As is not valid UTF-8", call(c.As("client\xff@example.com"), nil)},
		{"parameter name is not valid UTF-8", create},
		{"parameter name is not valid UTF-8", c.Payments.UpdateOrderLine(ctx, 1, 2, "line \xff")},
	}
	for _, r := range refusals {
		assert.ErrorIs(t, r.err, ErrInvalidArgument, r.says)
		AssertOnePrefix(t, r.err)
		assert.ErrorContains(t, r.err, r.says)
	}
	assert.Empty(t, s.requests())
}

func TestDecimalPrecisionIsCheckedBeforeSending(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(`<doc><ok/><id>1</id></doc>`))})
	ctx := context.Background()
	refused := []struct {
		name string
		call func() error
		says string
	}{
		{"five decimals in a payment", func() error {
			_, err := c.Payments.Create(ctx, 1, &PaymentParams{SubaccountAmount: MustDecimal("100.12345")})
			return err
		}, "parameter subaccountamount: 100.12345 has 5 decimal places; BILLmanager keeps at most 4"},
		{"a sub-unit step in an expense", func() error {
			_, err := c.Expenses.Create(ctx, 1, &ExpenseParams{Amount: MustDecimal("0.00001")})
			return err
		}, "parameter amount: 0.00001 has 5 decimal places"},
		{"a rate finer than 10 decimals", func() error {
			_, err := c.CurrencyRates.Create(ctx, 1, &CurrencyRateParams{Rate: MustDecimal("0.01234567891")})
			return err
		}, "parameter rate: 0.01234567891 has 11 decimal places; BILLmanager keeps at most 10"},
		{"an absurd amount", func() error {
			return c.Subaccounts.Update(ctx, 1, 2, &SubaccountParams{CreditLimit: MustDecimal("1e30")})
		}, "parameter creditlimit: 1000000000000000000000000000000 has 31 digits before the point"},
		{"a huge exponent is not expanded", func() error {
			return c.Payments.UpdateExpense(ctx, 1, 2, DecimalOf(decimal.New(1, 999999999)))
		}, "parameter amount: 1e999999999 has 1000000000 digits"},
		{"a tiny exponent is not expanded", func() error {
			return c.Payments.UpdateExpense(ctx, 1, 2, DecimalOf(decimal.New(5, -999999999)))
		}, "parameter amount: 5e-999999999 has 999999999 decimal places"},
	}
	for _, tt := range refused {
		start := time.Now()
		err := tt.call()
		require.ErrorIs(t, err, ErrInvalidArgument, tt.name)
		AssertOnePrefix(t, err)
		assert.Contains(t, err.Error(), tt.says, tt.name)
		assert.Less(t, time.Since(start), time.Second, tt.name)
	}
	assert.Empty(t, s.requests())

	// Trailing zeros are not precision; four decimals are kept as given; rates keep ten.
	accepted := []struct {
		amount *Decimal
		want   string
	}{
		{MustDecimal("100.500000"), "100.50"},
		{MustDecimal("100.1234"), "100.1234"},
		{MustDecimal("-0.0001"), "-0.0001"},
		{MustDecimal("123456789012345678"), "123456789012345678.00"},
		{MustDecimal("1e3"), "1000.00"},
	}
	for _, tt := range accepted {
		_, err := c.Payments.Create(ctx, 1, &PaymentParams{SubaccountAmount: tt.amount})
		require.NoError(t, err, tt.want)
		assert.Equal(t, tt.want, s.last(t).Get("subaccountamount"))
	}
	_, err := c.CurrencyRates.Create(ctx, 1, &CurrencyRateParams{Rate: MustDecimal("0.0123456789")})
	require.NoError(t, err)
	assert.Equal(t, "0.0123456789", s.last(t).Get("rate"))
}

func TestDatesOutsideWhatTheServerStoresAreRefused(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(`<doc><ok/><id>1</id></doc>`))})
	ctx := context.Background()
	for _, at := range []time.Time{
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		{}, // a forgotten time.Time: year 1
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		_, err := c.Payments.Create(ctx, 1, &PaymentParams{CreateDate: DateTimeOf(at), SubaccountAmount: MustDecimal("1")})
		assert.ErrorIs(t, err, ErrInvalidArgument, at.String())
		AssertOnePrefix(t, err)
		assert.ErrorContains(t, err, "createdate", at.String())
		assert.ErrorContains(t, err, "outside the years 1970-9999", at.String())
		_, err = c.Payments.Create(ctx, 1, &PaymentParams{DocumentDate: DateOf(at), SubaccountAmount: MustDecimal("1")})
		assert.ErrorContains(t, err, "documentdate", at.String())
	}
	assert.Empty(t, s.requests())
	_, err := c.Payments.Create(ctx, 1, &PaymentParams{CreateDate: DateTimeOf(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC))})
	require.NoError(t, err)
	assert.Equal(t, "1970-01-01 00:00:00", s.last(t).Get("createdate"))
}

// TestCallWithAListForASingleIDFunction: Call cannot know which functions take one id, so
// it sends "1, 2" as given, and the server refuses it with value(elid). The typed methods
// take one int64 where the function takes one id, so they cannot send a list there.
func TestCallWithAListForASingleIDFunction(t *testing.T) {
	t.Parallel()
	srv := billmgrtest.NewServer()
	defer srv.Close()
	c, err := NewClient(srv.URL, WithAuthInfo(srv.AdminUser, srv.AdminPassword))
	require.NoError(t, err)
	account := srv.AddAccounts(1)[0]
	ids := srv.AddPayments(account, 2, decimal.RequireFromString("5.00"))
	elid := fmt.Sprintf("%d, %d", ids[0], ids[1])
	_, err = c.Call(context.Background(), "payment.edit", url.Values{"plid": {fmt.Sprint(account)}, "elid": {elid}})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.Equal(t, "elid", apiErr.Object)
	_, err = c.Call(context.Background(), "payment.edit", url.Values{"plid": {fmt.Sprint(account)}, "elid": {fmt.Sprint(ids[0], ", , ", ids[1])}})
	assert.ErrorContains(t, err, "empty item")
	assert.Zero(t, srv.Hits("payment.edit")-1, "only the well-formed list reached the server")
}
