package billmgr

import (
	"context"
	"net/url"
	"testing"

	"github.com/shopspring/decimal"
)

func wantTaxRules(lang string) []TaxRule {
	special, company, russia, kazakhstan, items := "Special rule", "Example LLC", "Russian Federation", "Kazakhstan", "Virtual server, Domain"
	if lang == "ru" {
		special, company, russia, kazakhstan, items = "Особое правило", "ООО Пример", "Российская Федерация", "Казахстан", "Виртуальный сервер, Домен"
	}
	return []TaxRule{
		{
			ID: 5, Type: Status{Code: "special", Label: special}, Project: Status{Code: "1", Label: "My Provider"},
			Company: Status{Code: "3", Label: company}, Country: Status{Code: "182", Label: russia},
			TaxRate: decimal.RequireFromString("20"), ItemType: items,
		},
		{
			ID: 6, Type: Status{Code: "special", Label: special}, Project: Status{Code: "2", Label: "Second Provider"},
			Company: Status{Code: "3", Label: company}, Country: Status{Code: "113", Label: kazakhstan},
			TaxRate: decimal.RequireFromString("12"),
		},
	}
}

func TestTaxRulesCalls(t *testing.T) {
	t.Parallel()
	runSubCalls(t, []subCallCase{
		{
			name:  "List en",
			reply: "account.taxrule/list_en.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.TaxRules.List(ctx, 12, &TaxRuleListOptions{ListOptions{Page: 1, PerPage: 1000}})
			},
			request: url.Values{"func": {"account.taxrule"}, "elid": {"12"}, "p_num": {"1"}, "p_cnt": {"1000"}},
			want:    &Page[TaxRule]{Items: wantTaxRules("en"), Number: 1, Size: 1000, Total: 2},
		},
		{
			name:  "List ru",
			reply: "account.taxrule/list_ru.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.TaxRules.List(ctx, 12, &TaxRuleListOptions{})
			},
			request: url.Values{"func": {"account.taxrule"}, "elid": {"12"}},
			want:    &Page[TaxRule]{Items: wantTaxRules("ru"), Number: 1, Size: 1000, Total: 2},
		},
		{
			name:    "All",
			reply:   "account.taxrule/list_en.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return collectSeq(c.TaxRules.All(ctx, 12, nil)) },
			request: url.Values{"func": {"account.taxrule"}, "elid": {"12"}, "p_num": {"1"}, "p_cnt": {"1000"}, "p_sort": {"id"}, "p_order": {"asc"}},
			want:    wantTaxRules("en"),
		},
		{
			name:    "Get",
			reply:   "account.taxrule.edit/view.xml",
			call:    func(ctx context.Context, c *Client) (any, error) { return c.TaxRules.Get(ctx, 12, 5) },
			request: url.Values{"func": {"account.taxrule.edit"}, "plid": {"12"}, "elid": {"5"}},
			want: &TaxRuleDetails{
				ID: 5, AccountID: 12, Project: 1, Country: 182, TaxRate: decimal.RequireFromString("20"),
				SpecialItemType: true, ItemType: "vds",
			},
			allSet: true,
		},
		{
			name:  "Create",
			reply: "account.taxrule.edit/create.xml",
			call: func(ctx context.Context, c *Client) (any, error) {
				return c.TaxRules.Create(ctx, 12, &TaxRuleParams{
					Project: Ptr(int64(1)), Country: Ptr(int64(182)), TaxRate: MustDecimal("20"),
					SpecialItemType: Ptr(OnOff(true)), ItemType: Ptr("vds"),
				})
			},
			request: url.Values{
				"func": {"account.taxrule.edit"}, "sok": {"ok"}, "plid": {"12"}, "project": {"1"}, "country": {"182"},
				"taxrate": {"20.00"}, "specialitemtype": {"on"}, "itemtype": {"vds"},
			},
			want: int64(7),
		},
		{
			name:  "Update sends only the fields set",
			reply: "account.taxrule.edit/ok.xml",
			call: noResult(func(ctx context.Context, c *Client) error {
				return c.TaxRules.Update(ctx, 12, 5, &TaxRuleParams{TaxRate: MustDecimal("0.125"), SpecialItemType: Ptr(OnOff(false))})
			}),
			request: url.Values{
				"func": {"account.taxrule.edit"}, "sok": {"ok"}, "plid": {"12"}, "elid": {"5"}, "taxrate": {"0.125"}, "specialitemtype": {"off"},
			},
		},
		{
			name:    "Delete",
			reply:   "account.taxrule.delete/ok.xml",
			call:    noResult(func(ctx context.Context, c *Client) error { return c.TaxRules.Delete(ctx, 12, 5, 6) }),
			request: url.Values{"func": {"account.taxrule.delete"}, "plid": {"12"}, "elid": {"5, 6"}},
		},
	})
}

func TestTaxRulesErrors(t *testing.T) {
	t.Parallel()
	runSubErrors(t, []subErrorCase{
		{"account.taxrule", "access", "account.taxrule", ErrAccess, func(ctx context.Context, c *Client) error {
			_, err := c.TaxRules.List(ctx, 12, nil)
			return err
		}},
		{"account.taxrule.edit", "exists", "country", ErrExists, func(ctx context.Context, c *Client) error {
			_, err := c.TaxRules.Create(ctx, 12, &TaxRuleParams{Country: Ptr(int64(182))})
			return err
		}},
		{"account.taxrule.delete", "missed", "elid", ErrNotFound, func(ctx context.Context, c *Client) error {
			return c.TaxRules.Delete(ctx, 12, 50)
		}},
	})
}

func TestTaxRulesRefuseBadInput(t *testing.T) {
	t.Parallel()
	runSubBadInput(t, map[string]func(context.Context, *Client) error{
		"All without account": func(ctx context.Context, c *Client) error {
			_, err := collectSeq(c.TaxRules.All(ctx, 0, nil))
			return err
		},
		"Get without id": func(ctx context.Context, c *Client) error {
			_, err := c.TaxRules.Get(ctx, 12, 0)
			return err
		},
		"Create without params": func(ctx context.Context, c *Client) error {
			_, err := c.TaxRules.Create(ctx, 12, nil)
			return err
		},
		"Update without account": func(ctx context.Context, c *Client) error { return c.TaxRules.Update(ctx, 0, 5, &TaxRuleParams{}) },
		"Delete a zero id":       func(ctx context.Context, c *Client) error { return c.TaxRules.Delete(ctx, 12, 5, 0) },
	})
}
