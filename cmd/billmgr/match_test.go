package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvoiceRule(t *testing.T) {
	t.Parallel()
	def, err := newInvoiceRule("")
	require.NoError(t, err)
	for purpose, want := range map[string][]string{
		"Оплата по счету № pfx/123 от 02.05.2024":  {"pfx/123"},
		"Оплата по счету СЧ/45. НДС не облагается": {"СЧ/45"},
		"Счета pfx/1, PFX/1 и pfx/2":               {"pfx/1", "pfx/2"},
		"(pfx/7)":                                  {"pfx/7"},
		"ИНН/КПП 7701234567/770101001, за 05/2024": nil,
		"по договору 17/2023":                      nil,
		"abc/pfx/12 и pfx/12x":                     nil,
		"Пополнение лицевого счета, без НДС":       nil,
	} {
		assert.Equal(t, want, def.numbers(purpose), purpose)
	}

	custom, err := newInvoiceRule(`(?i)счет\s*№?\s*(\d+-\d+)`)
	require.NoError(t, err)
	assert.Equal(t, []string{"2024-17"}, custom.numbers("Оплата, счет № 2024-17 от 01.05"))
	whole, err := newInvoiceRule(`INV\d+`)
	require.NoError(t, err)
	assert.Equal(t, []string{"INV42"}, whole.numbers("for INV42"))

	_, err = newInvoiceRule(`(`)
	var usage *usageError
	assert.ErrorAs(t, err, &usage)
}

func TestMappingFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clients := filepath.Join(dir, "clients.map")
	require.NoError(t, os.WriteFile(clients, []byte("\ufeff# ИНН = клиент\n7701234567 = 12\n\n7701234567 = ann@example.com\n500100732259=bob@example.com\n"), 0o644))
	m, err := readClientMap(clients)
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{"7701234567": {"12", "ann@example.com"}, "500100732259": {"bob@example.com"}}, m)

	columns := filepath.Join(dir, "columns")
	require.NoError(t, os.WriteFile(columns, []byte("amount = Сумма\ndate = Дата\n"), 0o644))
	cols, err := readColumns(columns, []string{"date=Дата операции", "number=Номер"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"amount": "Сумма", "date": "Дата операции", "number": "Номер"}, cols, "flags win")

	_, err = readColumns("", []string{"sum=Сумма"})
	assert.ErrorContains(t, err, `unknown field "sum"`)
	_, err = readColumns("", []string{"amount"})
	assert.ErrorContains(t, err, "want FIELD=HEADER")
	require.NoError(t, os.WriteFile(columns, []byte("amount Сумма\n"), 0o644))
	_, err = readColumns(columns, nil)
	assert.ErrorContains(t, err, "line 1: want KEY = VALUE")
}

// TestResolverLeavesAmbiguityToAPerson: every way a line can match nothing, or more than
// one thing, is reported with its reason; nothing is guessed.
func TestResolverLeavesAmbiguityToAPerson(t *testing.T) {
	t.Parallel()
	d := decimal.RequireFromString
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{Accounts: []billmgrtest.SeedAccount{
		{Email: "ann@example.com", Payments: []billmgrtest.SeedPayment{{Amount: d("10"), Number: "pfx/1"}, {Amount: d("10"), Number: "pfx/2"}}},
		{Email: "bob@example.com", Payments: []billmgrtest.SeedPayment{{Amount: d("10"), Number: "pfx/2"}, {Amount: d("10"), Number: "pfx/11"}}},
		{Email: "dollar@example.com", Currency: "USD"},
	}}))
	t.Cleanup(srv.Close)
	c, err := billmgr.NewClient(srv.URL, billmgr.WithAuthInfo(srv.AdminUser, srv.AdminPassword))
	require.NoError(t, err)
	ann, bob := srv.AccountID("ann@example.com"), srv.AccountID("bob@example.com")
	rule, _ := newInvoiceRule("")
	r := &resolver{c: c, rule: rule, logins: map[string]int64{}, currencies: map[string]int64{},
		byTaxNo: map[string][]string{"1": {"ann@example.com"}, "2": {"ann@example.com", "bob@example.com"}, "3": {"nobody@example.com"}}}
	ctx := context.Background()

	for _, tt := range []struct {
		name    string
		line    statementLine
		account int64
		invoice string
		reason  string
	}{
		{"invoice found by number alone", statementLine{purpose: "счет pfx/1"}, ann, "pfx/1", ""},
		{"not the invoice that contains the number", statementLine{purpose: "счет pfx/11"}, bob, "pfx/11", ""},
		{"invoice in the payer's client", statementLine{purpose: "pfx/2", inn: "1"}, ann, "pfx/2", ""},
		{"payment by tax number", statementLine{inn: "1"}, ann, "", ""},
		{"payment by login column", statementLine{client: "BOB@example.com"}, bob, "", ""},
		{"payment by id column, whatever the tax number", statementLine{client: idText(bob), inn: "2"}, bob, "", ""},
		{"invoice numbered twice", statementLine{purpose: "pfx/2"}, 0, "", "several payments are numbered pfx/2"},
		{"no such invoice", statementLine{purpose: "pfx/3"}, 0, "", "no invoice numbered pfx/3"},
		{"two invoices", statementLine{purpose: "pfx/1 и pfx/11"}, 0, "", "the purpose names several invoices: pfx/1, pfx/11"},
		{"invoice of another client", statementLine{purpose: "pfx/11", inn: "1"}, 0, "", "invoice pfx/11 belongs to client"},
		{"tax number of two clients", statementLine{inn: "2"}, 0, "", "mapped to several clients"},
		{"unknown login", statementLine{inn: "3"}, 0, "", "no client with the login nobody@example.com"},
		{"nothing to go by", statementLine{inn: "4"}, 0, "", "no invoice named and no client"},
		{"no account in the currency", statementLine{client: "dollar@example.com"}, 0, "", "has no personal account in RUB"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.line
			l.number, l.date, l.amount, l.currency = "1", fixedNow, d("10"), "RUB"
			p, err := r.plan(ctx, &l)
			if tt.reason != "" {
				var left *unmatchedError
				require.ErrorAs(t, err, &left)
				assert.Contains(t, left.reason, tt.reason)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.account, p.account)
			if tt.invoice == "" {
				assert.Nil(t, p.invoice)
			} else {
				require.NotNil(t, p.invoice)
				assert.Equal(t, tt.invoice, p.invoice.number)
			}
			assert.Equal(t, int64(126), p.receipt.Currency, "the ruble's id")
		})
	}
}
