package billmgr

import (
	"context"
	"net/url"
	"testing"

	"github.com/shopspring/decimal"
)

func wantExpenses(lang string) []Expense {
	renewal, addon := "Renewal Virtual server KVM-SSD-2 #6201", "Add-on Public IPv4-address - 1 pcs (#6211)"
	if lang == "ru" {
		renewal, addon = "Продление Виртуальный сервер KVM-SSD-2 #6201", "Дополнение Публичный IPv4-адрес - 1 шт. (#6211)"
	}
	return []Expense{
		{
			ID: 880003, Name: renewal, RealDate: dayOf("2024-05-07"), CDate: dayOf("2024-05-01 14:12:03"),
			Amount: moneyOf("120", "RUB"), NotPaid: moneyOf("20", "RUB"), DiscountAmount: moneyOf("12", "RUB"),
			Payments: "pfx/6", Discount: "SPRING10", TaxAmount: moneyOf("20", "RUB"),
		},
		{
			ID: 880004, Name: addon, RealDate: dayOf("2024-05-08"), CDate: dayOf("2024-05-08"),
			Amount: moneyOf("0.0774", "RUB"), NotPaid: moneyOf("0", "RUB"), DiscountAmount: moneyOf("0", "RUB"),
			Payments: "pfx/4, pfx/5", TaxAmount: moneyOf("0", "RUB"),
		},
	}
}

func TestExpensesCalls(t *testing.T) {
	t.Parallel()
	fullParams := &ExpenseParams{
		Subaccount: Ptr(int64(3)), Item: Ptr(int64(6201)), Operation: Ptr("prolong"), Amount: MustDecimal("120"),
		TaxRate: MustDecimal("20"), Postpaid: Ptr(OnOff(true)), Name: Ptr("Renewal"), RealDate: DateOf(dayOf("2024-05-07")),
		CDate: DateOf(dayOf("2024-05-01")),
	}
	fullRequest := url.Values{
		"func": {"subaccount.expense.edit"}, "sok": {"ok"}, "plid": {"12"}, "subaccount": {"3"}, "item": {"6201"},
		"operation": {"prolong"}, "amount": {"120.00"}, "taxrate": {"20.00"}, "postpaid": {"on"}, "name": {"Renewal"},
		"realdate": {"2024-05-07"}, "cdate": {"2024-05-01"},
	}
	runSubCalls(t, []subCallCase{
		{
			name:  "List en with a date range and an operation",
			reply: "subaccount.expense/list_en.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Expenses.List(ctx, 12, &ExpenseListOptions{
					ListOptions:   ListOptions{Sort: "realdate", Order: "desc"},
					ExpenseFilter: ExpenseFilter{RealDateFrom: DateOf(dayOf("2024-05-01")), RealDateTo: DateOf(dayOf("2024-05-31")), Operation: "prolong"},
				})
			},
			request: url.Values{
				"func": {"subaccount.expense"}, "elid": {"12"}, "p_sort": {"realdate"}, "p_order": {"desc"}, "filter": {"on"},
				"realdate": {"other"}, "realdatestart": {"2024-05-01"}, "realdateend": {"2024-05-31"}, "operation": {"prolong"},
			},
			want: &Page[Expense]{Items: wantExpenses("en"), Number: 1, Size: 1000, Total: 2},
		},
		{
			name:    "List ru",
			reply:   "subaccount.expense/list_ru.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Expenses.List(ctx, 12, nil) },
			request: url.Values{"func": {"subaccount.expense"}, "elid": {"12"}},
			want:    &Page[Expense]{Items: wantExpenses("ru"), Number: 1, Size: 1000, Total: 2},
		},
		{
			name:  "List from a date on",
			reply: "subaccount.expense/list_en.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				_, err := c.Expenses.List(ctx, 12, &ExpenseListOptions{ExpenseFilter: ExpenseFilter{RealDateFrom: DateOf(dayOf("2024-05-01"))}})
				return nil, err
			},
			request: url.Values{"func": {"subaccount.expense"}, "elid": {"12"}, "filter": {"on"}, "realdate": {"other"}, "realdatestart": {"2024-05-01"}},
		},
		{
			name:  "All over a named period",
			reply: "subaccount.expense/list_en.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return collectSeq(c.Expenses.All(ctx, 12, &ExpenseListOptions{ExpenseFilter: ExpenseFilter{Period: "currentmonth"}}))
			},
			request: url.Values{"func": {"subaccount.expense"}, "elid": {"12"}, "p_num": {"1"}, "p_cnt": {"1000"}, "p_sort": {"id"}, "p_order": {"asc"}, "filter": {"on"}, "realdate": {"currentmonth"}},
			want:    wantExpenses("en"),
		},
		{
			name:    "GetFilter",
			reply:   "subaccount.expense.filter/view.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Expenses.GetFilter(ctx, 12) },
			request: url.Values{"func": {"subaccount.expense.filter"}, "elid": {"12"}},
			want: &ExpenseFilterDetails{
				Period: ExpensePeriodRange, RealDateFrom: dayOf("2024-05-01"), RealDateTo: dayOf("2024-05-31"), Operation: "prolong",
			},
			allSet: true,
		},
		{
			name:  "SaveFilter",
			reply: "subaccount.expense.filter/ok.xml",
			call: noResult(func(ctx context.Context, c *Client) error {
				return c.Expenses.SaveFilter(ctx, 12, &ExpenseFilter{RealDateTo: DateOf(dayOf("2024-05-31")), Operation: "billdaily"})
			}),
			request: url.Values{
				"func": {"subaccount.expense.filter"}, "sok": {"ok"}, "elid": {"12"}, "realdate": {"other"},
				"realdatestart": {""}, "realdateend": {"2024-05-31"}, "operation": {"billdaily"},
			},
		},
		{
			name:  "SaveFilter with a named period",
			reply: "subaccount.expense.filter/ok.xml",
			call: noResult(func(ctx context.Context, c *Client) error {
				return c.Expenses.SaveFilter(ctx, 12, &ExpenseFilter{Period: "lastmonth"})
			}),
			request: url.Values{
				"func": {"subaccount.expense.filter"}, "sok": {"ok"}, "elid": {"12"}, "realdate": {"lastmonth"},
				"realdatestart": {""}, "realdateend": {""}, "operation": {""},
			},
		},
		{
			name:  "ResetFilter",
			reply: "subaccount.expense.filter/ok.xml",
			call:  noResult(func(ctx context.Context, c *Client) error { return c.Expenses.ResetFilter(ctx, 12) }),
			request: url.Values{
				"func": {"subaccount.expense.filter"}, "sok": {"ok"}, "elid": {"12"}, "realdate": {"nodate"},
				"realdatestart": {""}, "realdateend": {""}, "operation": {""},
			},
		},
		{
			name:    "Get",
			reply:   "subaccount.expense.edit/view.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Expenses.Get(ctx, 12, 880003) },
			request: url.Values{"func": {"subaccount.expense.edit"}, "plid": {"12"}, "elid": {"880003"}},
			want: &ExpenseDetails{
				ID: 880003, AccountID: 12, Subaccount: 3, Item: 6201, Operation: "prolong", Amount: decimal.RequireFromString("120"),
				TaxRate: decimal.RequireFromString("20"), Postpaid: false, Name: "Renewal Virtual server KVM-SSD-2 #6201",
				RealDate: dayOf("2024-05-07"), CDate: dayOf("2024-05-01"),
			},
		},
		{
			name:    "Create",
			reply:   "subaccount.expense.edit/create.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Expenses.Create(ctx, 12, fullParams) },
			request: fullRequest,
			want:    int64(880005),
		},
		{
			name:  "Update sends only the fields set",
			reply: "subaccount.expense.edit/ok.xml",
			call: noResult(func(ctx context.Context, c *Client) error {
				return c.Expenses.Update(ctx, 12, 880003, &ExpenseParams{Amount: MustDecimal("100.5"), Postpaid: Ptr(OnOff(false))})
			}),
			request: url.Values{
				"func": {"subaccount.expense.edit"}, "sok": {"ok"}, "plid": {"12"}, "elid": {"880003"}, "amount": {"100.50"}, "postpaid": {"off"},
			},
		},
		{
			name:    "Delete",
			reply:   "subaccount.expense.delete/ok.xml",
			call:    noResult(func(ctx context.Context, c *Client) error { return c.Expenses.Delete(ctx, 12, 880003, 880004) }),
			request: url.Values{"func": {"subaccount.expense.delete"}, "plid": {"12"}, "elid": {"880003, 880004"}},
		},
	})
}

func TestExpensesErrors(t *testing.T) {
	t.Parallel()
	runSubErrors(t, []subErrorCase{
		{"subaccount.expense", "value", "realdatestart", ErrInvalid, func(ctx context.Context, c *Client) error {
			_, err := c.Expenses.List(ctx, 12, &ExpenseListOptions{ExpenseFilter: ExpenseFilter{Period: ExpensePeriodRange}})
			return err
		}},
		{"subaccount.expense.filter", "value", "realdateend", ErrInvalid, func(ctx context.Context, c *Client) error {
			return c.Expenses.SaveFilter(ctx, 12, &ExpenseFilter{RealDateTo: DateOf(dayOf("2024-02-28"))})
		}},
		{"subaccount.expense.edit", "value", "amount", ErrInvalid, func(ctx context.Context, c *Client) error {
			_, err := c.Expenses.Create(ctx, 12, &ExpenseParams{Subaccount: Ptr(int64(3)), Amount: MustDecimal("100000")})
			return err
		}},
		{"subaccount.expense.delete", "missed", "elid", ErrNotFound, func(ctx context.Context, c *Client) error {
			return c.Expenses.Delete(ctx, 12, 1)
		}},
	})
}

func TestExpensesRefuseBadInput(t *testing.T) {
	t.Parallel()
	runSubBadInput(t, map[string]func(context.Context, *Client) error{
		"All without account": func(ctx context.Context, c *Client) error {
			_, err := collectSeq(c.Expenses.All(ctx, 0, nil))
			return err
		},
		"GetFilter without account": func(ctx context.Context, c *Client) error {
			_, err := c.Expenses.GetFilter(ctx, 0)
			return err
		},
		"SaveFilter without filter":   func(ctx context.Context, c *Client) error { return c.Expenses.SaveFilter(ctx, 12, nil) },
		"SaveFilter without account":  func(ctx context.Context, c *Client) error { return c.Expenses.SaveFilter(ctx, 0, &ExpenseFilter{}) },
		"ResetFilter without account": func(ctx context.Context, c *Client) error { return c.Expenses.ResetFilter(ctx, -12) },
		"Get without id": func(ctx context.Context, c *Client) error {
			_, err := c.Expenses.Get(ctx, 12, 0)
			return err
		},
		"Create without account": func(ctx context.Context, c *Client) error {
			_, err := c.Expenses.Create(ctx, 0, &ExpenseParams{})
			return err
		},
		"Update without params": func(ctx context.Context, c *Client) error { return c.Expenses.Update(ctx, 12, 880003, nil) },
		"Delete without ids":    func(ctx context.Context, c *Client) error { return c.Expenses.Delete(ctx, 12) },
	})
}
