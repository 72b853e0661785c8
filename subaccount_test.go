package billmgr

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func wantSubaccounts(lang string) []Subaccount {
	active, suspended, balance := "Active", "Suspended", "1234.50"
	if lang == "ru" {
		active, suspended = "Активен", "Отключен"
	}
	return []Subaccount{
		{
			ID:          3,
			Project:     Status{Code: "1", Label: "My Provider"},
			Balance:     moneyOf(balance, "RUB"),
			CreditLimit: moneyOf("500", "RUB"),
			Status:      Status{Code: SubaccountActive, Label: active},
			Currency:    "RUB",
		},
		{
			ID:          4,
			Project:     Status{Code: "2", Label: "Second Provider"},
			Balance:     moneyOf("-12.5", "EUR"),
			CreditLimit: moneyOf("0", "EUR"),
			Status:      Status{Code: SubaccountSuspended, Label: suspended},
			Currency:    "EUR",
		},
	}
}

func TestSubaccountsCalls(t *testing.T) {
	t.Parallel()
	runSubCalls(t, []subCallCase{
		{
			name:  "List en",
			reply: "subaccount/list_en.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Subaccounts.List(ctx, 12, &SubaccountListOptions{ListOptions{Page: 1, PerPage: 1000, Sort: "id", Order: "asc"}})
			},
			request: url.Values{"func": {"subaccount"}, "elid": {"12"}, "p_num": {"1"}, "p_cnt": {"1000"}, "p_sort": {"id"}, "p_order": {"asc"}},
			want:    &Page[Subaccount]{Items: wantSubaccounts("en"), Number: 1, Size: 1000, Total: 2},
		},
		{
			name:    "List ru",
			reply:   "subaccount/list_ru.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Subaccounts.List(ctx, 12, nil) },
			request: url.Values{"func": {"subaccount"}, "elid": {"12"}},
			want:    &Page[Subaccount]{Items: wantSubaccounts("ru"), Number: 1, Size: 1000, Total: 2},
		},
		{
			name:    "All",
			reply:   "subaccount/list_en.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return collectSeq(c.Subaccounts.All(ctx, 12, nil)) },
			request: url.Values{"func": {"subaccount"}, "elid": {"12"}, "p_num": {"1"}, "p_cnt": {"1000"}, "p_sort": {"id"}, "p_order": {"asc"}},
			want:    wantSubaccounts("en"),
		},
		{
			name:    "Get",
			reply:   "subaccount.edit/view.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Subaccounts.Get(ctx, 12, 3) },
			request: url.Values{"func": {"subaccount.edit"}, "plid": {"12"}, "elid": {"3"}},
			want: &SubaccountDetails{
				ID: 3, AccountID: 12, Project: 1, Currency: 126, AllowPostpaid: true,
				CreditLimit: decimal.RequireFromString("500"), Referer: "REF42", Active: true, IncidentLimit: 10,
			},
			allSet: true,
		},
		{
			name:  "Create",
			reply: "subaccount.edit/create.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Subaccounts.Create(ctx, 12, &SubaccountParams{
					SubaccountProject: Ptr(int64(1)), SubaccountCurrency: Ptr(int64(126)), AllowPostpaid: Ptr(OnOff(true)),
					CreditLimit: MustDecimal("500"), Referer: Ptr("REF42"), Active: Ptr(OnOff(false)), IncidentLimit: Ptr(int64(10)),
				})
			},
			request: url.Values{
				"func": {"subaccount.edit"}, "sok": {"ok"}, "plid": {"12"}, "subaccount_project": {"1"}, "subaccount_currency": {"126"},
				"allowpostpaid": {"on"}, "creditlimit": {"500.00"}, "referer": {"REF42"}, "active": {"off"}, "incident_limit": {"10"},
			},
			want: int64(5),
		},
		{
			name:  "Update sends only the fields set",
			reply: "subaccount.edit/ok.xml",
			call: noResult(func(ctx context.Context, c *Client) error {
				return c.Subaccounts.Update(ctx, 12, 3, &SubaccountParams{CreditLimit: MustDecimal("1000.5")})
			}),
			request: url.Values{"func": {"subaccount.edit"}, "sok": {"ok"}, "plid": {"12"}, "elid": {"3"}, "creditlimit": {"1000.50"}},
		},
		{
			name:    "Suspend",
			reply:   "subaccount.suspend/ok.xml",
			call:    noResult(func(ctx context.Context, c *Client) error { return c.Subaccounts.Suspend(ctx, 3, 4) }),
			request: url.Values{"func": {"subaccount.suspend"}, "elid": {"3, 4"}},
		},
		{
			name:    "Resume",
			reply:   "subaccount.resume/ok.xml",
			call:    noResult(func(ctx context.Context, c *Client) error { return c.Subaccounts.Resume(ctx, 3, 4) }),
			request: url.Values{"func": {"subaccount.resume"}, "elid": {"3, 4"}},
		},
		{
			name:  "Refund",
			reply: "subaccount.refund/ok.xml",
			call: noResult(func(ctx context.Context, c *Client) error {
				return c.Subaccounts.Refund(ctx, 12, 3, &SubaccountRefundParams{Amount: MustDecimal("100.5"), Description: "Returned by request"})
			}),
			request: url.Values{"func": {"subaccount.refund"}, "sok": {"ok"}, "plid": {"12"}, "elid": {"3"}, "amount": {"100.50"}, "description": {"Returned by request"}},
		},
	})
}

func TestSubaccountsErrors(t *testing.T) {
	t.Parallel()
	runSubErrors(t, []subErrorCase{
		{"subaccount", "missed", "elid", ErrNotFound, func(ctx context.Context, c *Client) error {
			_, err := c.Subaccounts.List(ctx, 999, nil)
			return err
		}},
		{"subaccount.edit", "value", "creditlimit", ErrInvalid, func(ctx context.Context, c *Client) error {
			return c.Subaccounts.Update(ctx, 12, 3, &SubaccountParams{CreditLimit: MustDecimal("-5")})
		}},
		{"subaccount.suspend", "missed", "elid", ErrNotFound, func(ctx context.Context, c *Client) error { return c.Subaccounts.Suspend(ctx, 999) }},
		{"subaccount.resume", "access", "subaccount.resume", ErrAccess, func(ctx context.Context, c *Client) error { return c.Subaccounts.Resume(ctx, 3) }},
		{"subaccount.refund", "value", "amount", ErrInvalid, func(ctx context.Context, c *Client) error {
			return c.Subaccounts.Refund(ctx, 12, 3, &SubaccountRefundParams{Amount: MustDecimal("5000")})
		}},
	})
}

func TestSubaccountsRefuseBadInput(t *testing.T) {
	t.Parallel()
	runSubBadInput(t, map[string]func(context.Context, *Client) error{
		"List without account": func(ctx context.Context, c *Client) error {
			_, err := c.Subaccounts.List(ctx, 0, nil)
			return err
		},
		"All without account": func(ctx context.Context, c *Client) error {
			_, err := collectSeq(c.Subaccounts.All(ctx, -1, nil))
			return err
		},
		"Get without id": func(ctx context.Context, c *Client) error {
			_, err := c.Subaccounts.Get(ctx, 12, 0)
			return err
		},
		"Create without params": func(ctx context.Context, c *Client) error {
			_, err := c.Subaccounts.Create(ctx, 12, nil)
			return err
		},
		"Create without account": func(ctx context.Context, c *Client) error {
			_, err := c.Subaccounts.Create(ctx, 0, &SubaccountParams{})
			return err
		},
		"Update without account": func(ctx context.Context, c *Client) error {
			return c.Subaccounts.Update(ctx, 0, 3, &SubaccountParams{})
		},
		"Update without params": func(ctx context.Context, c *Client) error { return c.Subaccounts.Update(ctx, 12, 3, nil) },
		"Suspend without ids":   func(ctx context.Context, c *Client) error { return c.Subaccounts.Suspend(ctx) },
		"Resume a zero id":      func(ctx context.Context, c *Client) error { return c.Subaccounts.Resume(ctx, 3, 0) },
		"Refund without params": func(ctx context.Context, c *Client) error { return c.Subaccounts.Refund(ctx, 12, 3, nil) },
		"Refund without amount": func(ctx context.Context, c *Client) error {
			return c.Subaccounts.Refund(ctx, 12, 3, &SubaccountRefundParams{Description: "x"})
		},
		"Refund a negative amount": func(ctx context.Context, c *Client) error {
			return c.Subaccounts.Refund(ctx, 12, 3, &SubaccountRefundParams{Amount: MustDecimal("-1")})
		},
		"Refund without subaccount": func(ctx context.Context, c *Client) error {
			return c.Subaccounts.Refund(ctx, 12, 0, &SubaccountRefundParams{Amount: MustDecimal("1")})
		},
	})
}

func TestSubaccountsAllStopsEarly(t *testing.T) {
	t.Parallel()
	c, stub := newFixtureStub(t, "subaccount/list_en.xml")
	for row, err := range c.Subaccounts.All(context.Background(), 12, nil) {
		require.NoError(t, err)
		assert.Equal(t, int64(3), row.ID)
		break
	}
	assert.Len(t, stub.requests(), 1)
}

// TestSubListParamsAreOptional guards the params structs of the client's sub-lists against
// fields go-querystring would drop or send when unset: every field is optional (a pointer,
// or a string where empty means unset) and tagged omitempty.
func TestSubListParamsAreOptional(t *testing.T) {
	t.Parallel()
	// SubaccountRefundParams is not among them: its Amount is required, as RefundParams' is.
	for _, p := range []any{
		SubaccountParams{}, DiscountParams{}, ExpenseParams{}, ExpenseFilter{},
		TaxRuleParams{}, CurrencyRateParams{}, SubaccountListOptions{}, DiscountListOptions{},
		ExpenseListOptions{}, TaxRuleListOptions{}, CurrencyRateListOptions{},
	} {
		typ := reflect.TypeOf(p)
		for i := range typ.NumField() {
			f := typ.Field(i)
			if f.Anonymous {
				continue
			}
			name, opts, _ := cutURLTag(f.Tag.Get("url"))
			assert.NotEmpty(t, name, "%s.%s has no url name", typ.Name(), f.Name)
			assert.Equal(t, "omitempty", opts, "%s.%s", typ.Name(), f.Name)
			assert.True(t, f.Type.Kind() == reflect.Pointer || f.Type.Kind() == reflect.String,
				"%s.%s is a %s: use a pointer so that unset stays off the wire", typ.Name(), f.Name, f.Type)
		}
	}
}

// TestSubListFixturesCoverEveryColumn makes sure the first row of each list fixture fills
// every field of its row type, so the list tests prove each column decodes.
func TestSubListFixturesCoverEveryColumn(t *testing.T) {
	t.Parallel()
	for _, row := range []any{
		wantSubaccounts("en")[0], wantDiscounts("en")[0], wantExpenses("en")[0], wantTaxRules("en")[0], wantCurrencyRates()[0],
	} {
		assert.Empty(t, zeroFields(reflect.TypeOf(row).Name(), reflect.ValueOf(row)))
	}
}

func cutURLTag(tag string) (name, opts string, found bool) {
	for i := range tag {
		if tag[i] == ',' {
			return tag[:i], tag[i+1:], true
		}
	}
	return tag, "", false
}

// Shared by the tests of the client's sub-lists (subaccount, discount, expense, taxrule,
// currencyrate): table runners over the recording stub and a field-by-field comparison
// that treats decimals and times by value.

// subCallCase is one call answered by a fixture: the request it must send and what it must
// return. allSet also requires every field of want to be set, proving the fixture covers
// every column.
type subCallCase struct {
	name    string
	reply   string
	call    func(context.Context, *Client) (any, error)
	request url.Values
	want    any
	allSet  bool
}

func runSubCalls(t *testing.T, cases []subCallCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, stub := newFixtureStub(t, tc.reply)
			got, err := tc.call(context.Background(), c)
			require.NoError(t, err)
			assert.Equal(t, tc.request, functionParams(stub.last(t)))
			assert.Empty(t, diffValues("", reflect.ValueOf(tc.want), reflect.ValueOf(got)))
			if tc.allSet {
				assert.Empty(t, zeroFields("", reflect.ValueOf(tc.want)), "the fixture leaves fields unset")
			}
		})
	}
}

// none adapts a call that returns only an error to subCallCase.call.
func noResult(call func(context.Context, *Client) error) func(context.Context, *Client) (any, error) {
	return func(ctx context.Context, c *Client) (any, error) { return nil, call(ctx, c) }
}

// subErrorCase is a call answered by testdata/<fn>/error.xml.
type subErrorCase struct {
	fn       string
	typ      string
	object   string
	sentinel error
	call     func(context.Context, *Client) error
}

func runSubErrors(t *testing.T, cases []subErrorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.fn, func(t *testing.T) {
			t.Parallel()
			c, stub := newFixtureStub(t, tc.fn+"/error.xml")
			err := tc.call(context.Background(), c)
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.fn, apiErr.Func)
			assert.Equal(t, tc.typ, apiErr.Type)
			assert.Equal(t, tc.object, apiErr.Object)
			assert.NotEmpty(t, apiErr.Msg)
			assert.ErrorIs(t, err, tc.sentinel)
			assert.Equal(t, tc.fn, stub.last(t).Get("func"))
			assert.Len(t, stub.requests(), 1, "a refused call is not retried")
		})
	}
}

// runSubBadInput checks that each call fails before anything reaches the server.
func runSubBadInput(t *testing.T, cases map[string]func(context.Context, *Client) error) {
	t.Helper()
	for name, call := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, stub := newStub(t, []stubReply{xmlReply([]byte(`<doc><ok/><id>1</id></doc>`))})
			assert.Error(t, call(context.Background(), c))
			assert.Empty(t, stub.requests())
		})
	}
}

// collect drains an All iterator, stopping at the first error.
func collectSeq[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var rows []T
	for row, err := range seq {
		if err != nil {
			return rows, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func moneyOf(amount, currency string) Money {
	return Money{Amount: decimal.RequireFromString(amount), Currency: currency}
}

func dayOf(s string) time.Time {
	t, err := parseTime(s, time.UTC)
	if err != nil {
		panic(err)
	}
	return t
}

var (
	typeOfDecimal = reflect.TypeOf(decimal.Decimal{})
	typeOfTime    = reflect.TypeOf(time.Time{})
)

// diffValues lists where got differs from want, comparing decimals and times by value
// (10.0 equals 10.00) and everything else field by field.
func diffValues(path string, want, got reflect.Value) []string {
	if !want.IsValid() {
		if got.IsValid() && !isNilValue(got) {
			return []string{fmt.Sprintf("%s: want nothing, got %v", path, got)}
		}
		return nil
	}
	if !got.IsValid() {
		return []string{fmt.Sprintf("%s: want %v, got nothing", path, want)}
	}
	if want.Type() != got.Type() {
		return []string{fmt.Sprintf("%s: want a %s, got a %s", path, want.Type(), got.Type())}
	}
	switch {
	case want.Type() == typeOfDecimal:
		if !want.Interface().(decimal.Decimal).Equal(got.Interface().(decimal.Decimal)) {
			return []string{fmt.Sprintf("%s: want %s, got %s", path, want.Interface(), got.Interface())}
		}
	case want.Type() == typeOfTime:
		if !want.Interface().(time.Time).Equal(got.Interface().(time.Time)) {
			return []string{fmt.Sprintf("%s: want %s, got %s", path, want.Interface(), got.Interface())}
		}
	case want.Kind() == reflect.Pointer:
		if want.IsNil() || got.IsNil() {
			if want.IsNil() != got.IsNil() {
				return []string{fmt.Sprintf("%s: want %v, got %v", path, want, got)}
			}
			return nil
		}
		return diffValues(path, want.Elem(), got.Elem())
	case want.Kind() == reflect.Struct:
		var diffs []string
		for i := range want.NumField() {
			name := path + "." + want.Type().Field(i).Name
			diffs = append(diffs, diffValues(name, want.Field(i), got.Field(i))...)
		}
		return diffs
	case want.Kind() == reflect.Slice:
		if want.Len() != got.Len() {
			return []string{fmt.Sprintf("%s: want %d items, got %d", path, want.Len(), got.Len())}
		}
		var diffs []string
		for i := range want.Len() {
			diffs = append(diffs, diffValues(fmt.Sprintf("%s[%d]", path, i), want.Index(i), got.Index(i))...)
		}
		return diffs
	case want.Interface() != got.Interface():
		return []string{fmt.Sprintf("%s: want %#v, got %#v", path, want.Interface(), got.Interface())}
	}
	return nil
}

func isNilValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// zeroFields lists the fields of the struct v points to that hold their zero value.
func zeroFields(path string, v reflect.Value) []string {
	v = reflect.Indirect(v)
	var zero []string
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			zero = append(zero, path+"."+v.Type().Field(i).Name)
		}
	}
	return zero
}

func TestSubListDiffValues(t *testing.T) {
	t.Parallel()
	a := []Money{moneyOf("10.0", "RUB")}
	assert.Empty(t, diffValues("", reflect.ValueOf(a), reflect.ValueOf([]Money{moneyOf("10.00", "RUB")})))
	assert.NotEmpty(t, diffValues("", reflect.ValueOf(a), reflect.ValueOf([]Money{moneyOf("10.01", "RUB")})))
	assert.NotEmpty(t, diffValues("", reflect.ValueOf(a), reflect.ValueOf([]Money{moneyOf("10", "EUR")})))
	assert.NotEmpty(t, diffValues("", reflect.ValueOf(dayOf("2024-05-07")), reflect.ValueOf(dayOf("2024-05-08"))))
}
