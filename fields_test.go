package billmgr

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-querystring/query"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// methodParamsTypes are the params structs the typed methods take, by name. A new one must be
// added here (TestParamsTypesAreListed), and so comes under the tests of its fields.
var methodParamsTypes = []string{
	"AccountFilter", "AccountListOptions", "AccountParams", "CurrencyRateListOptions", "CurrencyRateParams",
	"DiscountListOptions", "DiscountParams", "ExpenseFilter", "ExpenseListOptions", "ExpenseParams",
	"ListOptions", "PaymentAddParams", "PaymentFilter", "PaymentListOptions", "PaymentMethodsParams", "PaymentParams",
	"RefundParams", "RegisterParams", "SMSParams", "SubaccountListOptions", "SubaccountParams",
	"SubaccountRefundParams", "TaxRuleListOptions", "TaxRuleParams", "TicketParams",
}

// paramsArg returns the params struct type a method takes, or nil: a struct (or a pointer
// to one) with fields sent as parameters.
func paramsArg(m serviceMethod) reflect.Type {
	for i := 0; i < m.fn.Type().NumIn(); i++ {
		t := m.fn.Type().In(i)
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() == reflect.Struct && len(fieldsOf(reflect.New(t).Interface()).list) > 0 {
			return t
		}
	}
	return nil
}

func TestParamsTypesAreListed(t *testing.T) {
	t.Parallel()
	c, _ := newStub(t, []stubReply{xmlReply([]byte(okDoc))})
	var found []string
	for _, m := range serviceMethods(c) {
		if pt := paramsArg(m); pt != nil && !slices.Contains(found, pt.Name()) {
			found = append(found, pt.Name())
		}
	}
	slices.Sort(found)
	assert.Equal(t, methodParamsTypes, found, "the params types of the services' methods")
}

// sentParams is what p, a params struct of type pt, sends, by parameter.
func sentParams(t *testing.T, pt reflect.Type, p reflect.Value) url.Values {
	t.Helper()
	if f, ok := p.Interface().(*PaymentFilter); ok { // encoded by the SDK itself
		v, err := f.values("account.payment.filter")
		require.NoError(t, err)
		return v
	}
	v, err := query.Values(p.Interface())
	require.NoError(t, err, pt.Name())
	return v
}

// TestEveryParameterMapsToItsField: every parameter that a params struct with every field
// set sends maps to a field, and that field is the one that sends it: left zero, the
// parameter goes away or changes.
func TestEveryParameterMapsToItsField(t *testing.T) {
	t.Parallel()
	c, _ := newStub(t, []stubReply{xmlReply([]byte(okDoc))})
	seen := map[string]bool{}
	for _, m := range serviceMethods(c) {
		pt := paramsArg(m)
		if pt == nil || seen[pt.Name()] {
			continue
		}
		seen[pt.Name()] = true
		full := reflect.New(pt)
		fillAll(t, full.Elem())
		sent := sentParams(t, pt, full)
		fields := fieldsOf(full.Interface())
		require.NotEmpty(t, sent, pt.Name())
		for param, value := range sent {
			name, ok := fields.field(param)
			if param == "createdate" && pt.Name() == "PaymentListOptions" || param == "filter" {
				assert.False(t, ok, "%s: %s is added by the SDK, no field", pt.Name(), param)
				continue
			}
			require.True(t, ok, "%s: parameter %s maps to no field", pt.Name(), param)
			field, _, _ := strings.Cut(name, "[")
			without := reflect.New(pt)
			without.Elem().Set(full.Elem())
			without.Elem().FieldByName(field).SetZero()
			after := sentParams(t, pt, without)
			assert.NotEqual(t, value, after[param], "%s: %s is not sent by %s", pt.Name(), param, name)
		}
	}
	assert.Len(t, seen, len(methodParamsTypes))
}

func TestFieldsOf(t *testing.T) {
	t.Parallel()
	fields := fieldsOf((*RegisterParams)(nil))
	for param, want := range map[string]string{
		"email": "Email", "passwd": "Password", "_ga": "GA", "offer_3": "Offers[3]", "offer_12": "Offers[12]",
	} {
		got, ok := fields.field(param)
		assert.True(t, ok, param)
		assert.Equal(t, want, got, param)
	}
	for _, param := range []string{"elid", "plid", "sok", "offer_", "Email", ""} {
		_, ok := fields.field(param)
		assert.False(t, ok, "%q is no field", param)
	}
	assert.Equal(t, "passwd", fields.param("Password"))
	assert.Same(t, fields, fieldsOf(&RegisterParams{}), "read once")

	expenses := fieldsOf(&ExpenseListOptions{})
	for param, want := range map[string]string{"p_num": "Page", "p_cnt": "PerPage", "realdate": "Period", "realdatestart": "RealDateFrom"} {
		got, _ := expenses.field(param)
		assert.Equal(t, want, got, "an embedded struct's field by its own name: %s", param)
	}
	filter := fieldsOf(&PaymentFilter{})
	got, _ := filter.field("createdatestart")
	assert.Equal(t, "CreatedFrom", got, "a filter without url tags by its xml tags")

	assert.Nil(t, fieldsOf(nil))
	assert.Nil(t, fieldsOf(url.Values{}))
	assert.Nil(t, fieldsOf(&struct {
		Amount *Decimal `url:"amount"`
	}{}), "a struct the SDK builds from arguments")
}

// valueErrorOn is the <error> of a value the server refused in the parameter object.
func valueErrorOn(object string) stubReply {
	return xmlReply([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<doc lang="en"><error type="value" object="` + object + `" lang="en" code="1"><param name="object" type="msg" msg="Field">` + object +
		`</param><param name="value">x</param><msg>Field '` + object + `' has an invalid value</msg></error></doc>`))
}

// TestServerErrorsNameTheField: for every method that takes a params struct, an <error>
// about each of the struct's parameters comes back as a FieldError naming the field, and
// still as the *Error with its sentinel and its message; an error about an id or a
// parameter that is no field of the struct comes back without one.
func TestServerErrorsNameTheField(t *testing.T) {
	t.Parallel()
	probe, _ := newStub(t, []stubReply{xmlReply([]byte(okDoc))})
	methods := 0
	for _, m := range serviceMethods(probe) {
		pt := paramsArg(m)
		if pt == nil {
			continue
		}
		methods++
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			fields := fieldsOf(reflect.New(pt).Interface())
			objects := map[string]string{"elid": "", "plid": "", "sok": ""}
			for _, f := range fields.list {
				if f.entries {
					objects[f.param+"_7"] = f.name + "[7]"
				} else {
					objects[f.param] = f.name
				}
			}
			var order []string
			var replies []stubReply
			for object := range objects {
				order = append(order, object)
				replies = append(replies, valueErrorOn(object))
			}
			c, s := newStub(t, replies)
			m := methodOf(c, m.name)
			for i, object := range order {
				err := invoke(m, validArgs(t, m))
				require.Len(t, s.requests(), i+1, "%s: the call reached the server", object)
				require.ErrorIs(t, err, ErrInvalid, object)
				var apiErr *Error
				require.ErrorAs(t, err, &apiErr, object)
				assert.Equal(t, object, apiErr.Object)
				assert.Equal(t, apiErr.Error(), err.Error(), "%s: the message as it came", object)
				AssertOnePrefix(t, err)
				got := FieldErrors(err)
				if objects[object] == "" {
					assert.Empty(t, got, "%s is no field of %s", object, pt.Name())
					continue
				}
				require.Len(t, got, 1, object)
				assert.Equal(t, objects[object], got[0].Field, object)
				assert.Equal(t, object, got[0].Param)
				var fe *FieldError
				require.ErrorAs(t, err, &fe)
				assert.Same(t, got[0], fe)
			}
		})
	}
	assert.Positive(t, methods)
}

// TestExistsNamesTheFieldForASignupForm: the case of a signup form: a taken e-mail is
// exists(email), and comes back as a FieldError on Email that is ErrExists.
func TestExistsNamesTheFieldForASignupForm(t *testing.T) {
	t.Parallel()
	c, _ := newStub(t, []stubReply{xmlReply([]byte(`<doc><error type="exists" object="email" lang="en"><msg>A client with this e-mail exists</msg></error></doc>`))})
	_, err := c.Accounts.Register(context.Background(), &RegisterParams{Email: "taken@example.com", Password: "s3cret-pass"})
	require.ErrorIs(t, err, ErrExists)
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Email", fe.Field)
	assert.Equal(t, "email", fe.Param)
	assert.Equal(t, "billmgr: register: exists(email): A client with this e-mail exists", err.Error())
}

// TestALoginErrorNamesNoField: with WithSession, an <error> of the login is not the
// call's, even when its object is a parameter of the call's params struct.
func TestALoginErrorNamesNoField(t *testing.T) {
	t.Parallel()
	login := xmlReply([]byte(`<doc><error type="auth" object="passwd" lang="en"><msg>Wrong password</msg></error></doc>`))
	c, s := newStub(t, []stubReply{login}, WithSession("admin", "wrong-password"))
	_, err := c.Accounts.Register(context.Background(), &RegisterParams{Email: "a@example.com", Password: "s3cret-pass"})
	require.ErrorIs(t, err, ErrAuth)
	assert.Empty(t, FieldErrors(err))
	assert.Equal(t, "auth", s.last(t).Get("func"), "only the login was sent")
}

// TestLocalFaultsNameTheField: what the SDK refuses in a params struct before sending is
// a FieldError on the field, wrapping ErrInvalidArgument and ErrInvalid; faults in several
// fields come back together, in one message that says "billmgr:" once.
func TestLocalFaultsNameTheField(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{xmlReply([]byte(okDoc))})
	ctx := context.Background()
	old := time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name   string
		call   func() error
		fields []string
		msg    string
	}{
		{"register without e-mail and password", func() error {
			_, err := c.Accounts.Register(ctx, &RegisterParams{RealName: "Ivan"})
			return err
		}, []string{"Email", "Password"}, "billmgr: register: invalid argument: Email is required; Password is required"},
		{"register without a password", func() error {
			_, err := c.Accounts.Register(ctx, &RegisterParams{Email: "a@example.com"})
			return err
		}, []string{"Password"}, "billmgr: register: invalid argument: Password is required"},
		{"register with a bad name and a bad offer", func() error {
			_, err := c.Accounts.Register(ctx, &RegisterParams{Email: "a@example.com", Password: "pw", RealName: "Iv\xffan", Offers: Offers{-1: true}})
			return err
		}, []string{"RealName", "Offers"}, "billmgr: register: invalid argument: parameter realname is not valid UTF-8; offer id -1: ids are positive"},
		{"a payment with three faults", func() error {
			_, err := c.Payments.Create(ctx, 1, &PaymentParams{
				SubaccountAmount: MustDecimal("1.00001"), CreateDate: DateTimeOf(old), Description: Ptr("bad \xff"),
			})
			return err
		}, []string{"CreateDate", "Description", "SubaccountAmount"}, ""},
		{"a refund without an amount", func() error {
			_, err := c.Payments.Refund(ctx, 1, 2, &RefundParams{Description: "why"})
			return err
		}, []string{"Amount"}, "billmgr: payment.refund: invalid argument: Amount is required"},
		{"a negative refund", func() error {
			_, err := c.Payments.Refund(ctx, 1, 2, &RefundParams{Amount: MustDecimal("-5")})
			return err
		}, []string{"Amount"}, "billmgr: payment.refund: invalid argument: Amount -5 is not positive"},
		{"a refund with too many decimals and negative", func() error {
			_, err := c.Payments.Refund(ctx, 1, 2, &RefundParams{Amount: MustDecimal("-0.00001")})
			return err
		}, []string{"Amount"}, "billmgr: payment.refund: invalid argument: parameter amount: -0.00001 has 5 decimal places; BILLmanager keeps at most 4 and would round it"},
		{"a withdrawal without an amount", func() error {
			return c.Subaccounts.Refund(ctx, 1, 2, &SubaccountRefundParams{})
		}, []string{"Amount"}, "billmgr: subaccount.refund: invalid argument: Amount is required"},
		{"a client's payment without amount and method", func() error {
			_, err := c.Payments.Add(ctx, &PaymentAddParams{})
			return err
		}, []string{"Amount", "Paymethod"}, "billmgr: payment.add: invalid argument: Amount is required; Paymethod is required: a payment method id"},
		{"a saved payment filter from before 1970", func() error {
			return c.Payments.SaveFilter(ctx, 1, &PaymentFilter{CreatedFrom: old, Number: "\xff"})
		}, []string{"Number", "CreatedFrom"}, ""},
		{"an expense filter from before 1970", func() error {
			return c.Expenses.SaveFilter(ctx, 1, &ExpenseFilter{RealDateTo: DateOf(old)})
		}, []string{"RealDateTo"}, ""},
		{"list options from before 1970", func() error {
			_, err := c.Payments.List(ctx, 1, &PaymentListOptions{CreatedFrom: DateOf(old)})
			return err
		}, []string{"CreatedFrom"}, ""},
		{"an embedded filter of list options", func() error {
			for _, err := range c.Expenses.All(ctx, 1, &ExpenseListOptions{ExpenseFilter: ExpenseFilter{Operation: "\xff"}}) {
				return err
			}
			return nil
		}, []string{"Operation"}, ""},
	} {
		err := tt.call()
		require.Error(t, err, tt.name)
		assert.ErrorIs(t, err, ErrInvalidArgument, tt.name)
		assert.ErrorIs(t, err, ErrInvalid, tt.name)
		AssertOnePrefix(t, err)
		if tt.msg != "" {
			assert.Equal(t, tt.msg, err.Error(), tt.name)
		}
		var names []string
		for _, fe := range FieldErrors(err) {
			names = append(names, fe.Field)
			assert.ErrorIs(t, fe, ErrInvalidArgument, tt.name)
			assert.ErrorIs(t, fe, ErrInvalid, tt.name)
			assert.True(t, strings.HasPrefix(fe.Error(), "billmgr: "), tt.name)
			AssertOnePrefix(t, fe)
			assert.NotEmpty(t, fe.Param, "%s: %s", tt.name, fe.Field)
		}
		assert.Equal(t, tt.fields, names, tt.name)
		if len(tt.fields) == 1 {
			var fe *FieldError
			assert.True(t, errors.As(err, &fe) && err == error(fe), "%s: a single fault is the FieldError itself", tt.name)
		}
	}
	assert.Empty(t, s.requests(), "nothing was sent")
}
