package billmgr

import (
	"context"
	"net/url"
	"testing"

	"github.com/shopspring/decimal"
)

func wantDiscounts(lang string) []Discount {
	loyalty, order, renewal, percent, month, year := "Loyalty discount", "Order", "Renewal", "Percentage", "1 month", "1 year"
	if lang == "ru" {
		loyalty, order, renewal, percent, month, year = "Скидка постоянного клиента", "Заказ", "Продление", "Процент", "1 месяц", "1 год"
	}
	provider := Status{Code: "1", Label: "My Provider"}
	return []Discount{
		{
			ID: 7, IDName: "discount_7", Name: loyalty, ActionType: Status{Code: "order", Label: order}, Project: provider,
			DiscountType: Status{Code: "percent", Label: percent}, Period: Status{Code: "1", Label: month},
			Percentage: decimal.RequireFromString("10"),
		},
		{
			ID: 8, IDName: "discount_8", Name: renewal, ActionType: Status{Code: "prolong", Label: renewal}, Project: provider,
			DiscountType: Status{Code: "percent", Label: percent}, Period: Status{Code: "12", Label: year},
			Percentage: decimal.RequireFromString("5.5"),
		},
	}
}

func TestDiscountsCalls(t *testing.T) {
	t.Parallel()
	runSubCalls(t, []subCallCase{
		{
			name:  "List en",
			reply: "account.discount/list_en.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Discounts.List(ctx, 12, &DiscountListOptions{ListOptions{Sort: "id", Order: "asc"}})
			},
			request: url.Values{"func": {"account.discount"}, "elid": {"12"}, "p_sort": {"id"}, "p_order": {"asc"}},
			want:    &Page[Discount]{Items: wantDiscounts("en"), Number: 1, Size: 1000, Total: 2},
		},
		{
			name:    "List ru",
			reply:   "account.discount/list_ru.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Discounts.List(ctx, 12, nil) },
			request: url.Values{"func": {"account.discount"}, "elid": {"12"}},
			want:    &Page[Discount]{Items: wantDiscounts("ru"), Number: 1, Size: 1000, Total: 2},
		},
		{
			name:    "All",
			reply:   "account.discount/list_en.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return collectSeq(c.Discounts.All(ctx, 12, nil)) },
			request: url.Values{"func": {"account.discount"}, "elid": {"12"}, "p_num": {"1"}, "p_cnt": {"1000"}, "p_sort": {"id"}, "p_order": {"asc"}},
			want:    wantDiscounts("en"),
		},
		{
			name:    "Get",
			reply:   "account.discount.edit/view.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.Discounts.Get(ctx, 12, 7) },
			request: url.Values{"func": {"account.discount.edit"}, "plid": {"12"}, "elid": {"7"}},
			want: &DiscountDetails{
				ID: 7, AccountID: 12, Name: "Loyalty discount", FromDate: dayOf("2024-05-01"), ToDate: dayOf("2024-12-31"),
				Type: "percent", Percentage: decimal.RequireFromString("10"), Priority: -1, ActionType: "order", Period: "1",
				Note: "For five years with us",
			},
			allSet: true,
		},
		{
			name:  "Create",
			reply: "account.discount.add/create.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.Discounts.Create(ctx, 12, &DiscountParams{
					Name: Ptr("Loyalty discount"), FromDate: DateOf(dayOf("2024-05-01")), ToDate: DateOf(dayOf("2024-12-31")),
					Type: Ptr("percent"), Percentage: MustDecimal("10"), Priority: Ptr(int64(-1)), ActionType: Ptr("order"),
					Period: Ptr("1"), Note: Ptr("For five years with us"),
				})
			},
			request: url.Values{
				"func": {"account.discount.add"}, "sok": {"ok"}, "plid": {"12"}, "name": {"Loyalty discount"},
				"fromdate": {"2024-05-01"}, "todate": {"2024-12-31"}, "type": {"percent"}, "percentage": {"10.00"},
				"priority": {"-1"}, "actiontype": {"order"}, "period": {"1"}, "note": {"For five years with us"},
			},
			want: int64(9),
		},
		{
			name:  "Update sends only the fields set",
			reply: "account.discount.edit/ok.xml",
			call: noResult(func(ctx context.Context, c *Client) error {
				return c.Discounts.Update(ctx, 12, 7, &DiscountParams{Percentage: MustDecimal("12.5"), Note: Ptr("")})
			}),
			request: url.Values{"func": {"account.discount.edit"}, "sok": {"ok"}, "plid": {"12"}, "elid": {"7"}, "percentage": {"12.50"}, "note": {""}},
		},
		{
			name:    "Delete",
			reply:   "account.discount.delete/ok.xml",
			call:    noResult(func(ctx context.Context, c *Client) error { return c.Discounts.Delete(ctx, 12, 7, 8) }),
			request: url.Values{"func": {"account.discount.delete"}, "plid": {"12"}, "elid": {"7, 8"}},
		},
	})
}

func TestDiscountsErrors(t *testing.T) {
	t.Parallel()
	runSubErrors(t, []subErrorCase{
		{"account.discount", "access", "account.discount", ErrAccess, func(ctx context.Context, c *Client) error {
			_, err := collectSeq(c.Discounts.All(ctx, 12, nil))
			return err
		}},
		{"account.discount.add", "value", "percentage", ErrInvalid, func(ctx context.Context, c *Client) error {
			_, err := c.Discounts.Create(ctx, 12, &DiscountParams{Percentage: MustDecimal("150")})
			return err
		}},
		{"account.discount.edit", "missed", "elid", ErrNotFound, func(ctx context.Context, c *Client) error {
			_, err := c.Discounts.Get(ctx, 12, 70)
			return err
		}},
		{"account.discount.delete", "missed", "elid", ErrNotFound, func(ctx context.Context, c *Client) error {
			return c.Discounts.Delete(ctx, 12, 70)
		}},
	})
}

func TestDiscountsRefuseBadInput(t *testing.T) {
	t.Parallel()
	runSubBadInput(t, map[string]func(context.Context, *Client) error{
		"List without account": func(ctx context.Context, c *Client) error {
			_, err := c.Discounts.List(ctx, 0, nil)
			return err
		},
		"Get without account": func(ctx context.Context, c *Client) error {
			_, err := c.Discounts.Get(ctx, 0, 7)
			return err
		},
		"Create without params": func(ctx context.Context, c *Client) error {
			_, err := c.Discounts.Create(ctx, 12, nil)
			return err
		},
		"Update a negative id":   func(ctx context.Context, c *Client) error { return c.Discounts.Update(ctx, 12, -7, &DiscountParams{}) },
		"Delete without ids":     func(ctx context.Context, c *Client) error { return c.Discounts.Delete(ctx, 12) },
		"Delete without account": func(ctx context.Context, c *Client) error { return c.Discounts.Delete(ctx, 0, 7) },
	})
}
