package billmgr

import (
	"context"
	"net/url"
	"testing"

	"github.com/shopspring/decimal"
)

// wantCurrencyRates is the same in both locales: the ru list writes the first rate with a
// decimal comma ("92,5034").
func wantCurrencyRates() []CurrencyRate {
	return []CurrencyRate{
		{
			ID: 9, CurrencyBase: "RUB", CurrencyRelate: "USD", Rate: decimal.RequireFromString("92.5034"),
			Amount: decimal.RequireFromString("1"), RateDate: dayOf("2024-05-07"),
		},
		{
			ID: 10, CurrencyBase: "RUB", CurrencyRelate: "EUR", Rate: decimal.RequireFromString("99.87"),
			Amount: decimal.RequireFromString("100"), RateDate: dayOf("2024-05-08"),
		},
	}
}

func TestCurrencyRatesCalls(t *testing.T) {
	t.Parallel()
	runSubCalls(t, []subCallCase{
		{
			name:  "List en",
			reply: "account.currencyrate/list_en.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CurrencyRates.List(ctx, 12, &CurrencyRateListOptions{ListOptions{Page: 1, Sort: "ratedate", Order: "asc"}})
			},
			request: url.Values{"func": {"account.currencyrate"}, "elid": {"12"}, "p_num": {"1"}, "p_sort": {"ratedate"}, "p_order": {"asc"}},
			want:    &Page[CurrencyRate]{Items: wantCurrencyRates(), Number: 1, Size: 1000, Total: 2},
		},
		{
			name:    "List ru",
			reply:   "account.currencyrate/list_ru.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.CurrencyRates.List(ctx, 12, nil) },
			request: url.Values{"func": {"account.currencyrate"}, "elid": {"12"}},
			want:    &Page[CurrencyRate]{Items: wantCurrencyRates(), Number: 1, Size: 1000, Total: 2},
		},
		{
			name:  "All",
			reply: "account.currencyrate/list_en.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return collectSeq(c.CurrencyRates.All(ctx, 12, &CurrencyRateListOptions{ListOptions{PerPage: 100}}))
			},
			request: url.Values{"func": {"account.currencyrate"}, "elid": {"12"}, "p_num": {"1"}, "p_cnt": {"100"}, "p_sort": {"id"}, "p_order": {"asc"}},
			want:    wantCurrencyRates(),
		},
		{
			name:    "Get",
			reply:   "account.currencyrate.edit/view.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.CurrencyRates.Get(ctx, 12, 9) },
			request: url.Values{"func": {"account.currencyrate.edit"}, "plid": {"12"}, "elid": {"9"}},
			want: &CurrencyRateDetails{
				ID: 9, AccountID: 12, CurrencyBase: 126, CurrencyRelate: 840, Rate: decimal.RequireFromString("92.5034"),
				Amount: decimal.RequireFromString("1"), RateDate: dayOf("2024-05-07"),
			},
			allSet: true,
		},
		{
			name:  "Create",
			reply: "account.currencyrate.edit/create.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.CurrencyRates.Create(ctx, 12, &CurrencyRateParams{
					CurrencyBase: Ptr(int64(126)), CurrencyRelate: Ptr(int64(840)), Rate: MustDecimal("92.5034"),
					Amount: MustDecimal("1"), RateDate: DateOf(dayOf("2024-05-07")),
				})
			},
			request: url.Values{
				"func": {"account.currencyrate.edit"}, "sok": {"ok"}, "plid": {"12"}, "currency_base": {"126"},
				"currency_relate": {"840"}, "rate": {"92.5034"}, "amount": {"1.00"}, "ratedate": {"2024-05-07"},
			},
			want: int64(11),
		},
		{
			name:  "Update sends only the fields set",
			reply: "account.currencyrate.edit/ok.xml",
			call: noResult(func(ctx context.Context, c *Client) error {
				return c.CurrencyRates.Update(ctx, 12, 9, &CurrencyRateParams{Rate: MustDecimal("93.1")})
			}),
			request: url.Values{"func": {"account.currencyrate.edit"}, "sok": {"ok"}, "plid": {"12"}, "elid": {"9"}, "rate": {"93.10"}},
		},
		{
			name:    "Delete",
			reply:   "account.currencyrate.delete/ok.xml",
			call:    noResult(func(ctx context.Context, c *Client) error { return c.CurrencyRates.Delete(ctx, 12, 9, 10) }),
			request: url.Values{"func": {"account.currencyrate.delete"}, "plid": {"12"}, "elid": {"9, 10"}},
		},
	})
}

func TestCurrencyRatesErrors(t *testing.T) {
	t.Parallel()
	runSubErrors(t, []subErrorCase{
		{"account.currencyrate", "missed", "elid", ErrNotFound, func(ctx context.Context, c *Client) error {
			_, err := c.CurrencyRates.List(ctx, 999, nil)
			return err
		}},
		{"account.currencyrate.edit", "exists", "ratedate", ErrExists, func(ctx context.Context, c *Client) error {
			return c.CurrencyRates.Update(ctx, 12, 9, &CurrencyRateParams{RateDate: DateOf(dayOf("2024-05-07"))})
		}},
		{"account.currencyrate.delete", "access", "account.currencyrate.delete", ErrAccess, func(ctx context.Context, c *Client) error {
			return c.CurrencyRates.Delete(ctx, 12, 9)
		}},
	})
}

func TestCurrencyRatesRefuseBadInput(t *testing.T) {
	t.Parallel()
	runSubBadInput(t, map[string]func(context.Context, *Client) error{
		"List without account": func(ctx context.Context, c *Client) error {
			_, err := c.CurrencyRates.List(ctx, 0, nil)
			return err
		},
		"Get without account": func(ctx context.Context, c *Client) error {
			_, err := c.CurrencyRates.Get(ctx, 0, 9)
			return err
		},
		"Create without params": func(ctx context.Context, c *Client) error {
			_, err := c.CurrencyRates.Create(ctx, 12, nil)
			return err
		},
		"Update without id": func(ctx context.Context, c *Client) error {
			return c.CurrencyRates.Update(ctx, 12, 0, &CurrencyRateParams{})
		},
		"Create with a date before 1970": func(ctx context.Context, c *Client) error {
			_, err := c.CurrencyRates.Create(ctx, 12, &CurrencyRateParams{RateDate: DateOf(dayOf("1900-01-01"))})
			return err
		},
		"Delete without ids": func(ctx context.Context, c *Client) error { return c.CurrencyRates.Delete(ctx, 12) },
	})
}
