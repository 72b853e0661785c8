package billmgr

import (
	"net/url"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in       string
		amount   string
		currency string
	}{
		{"100.00 RUB", "100", "RUB"},
		{"5.00 $", "5", "$"},
		{"49.99 руб.", "49.99", "руб."},
		{"1 234,50 RUB", "1234.5", "RUB"},
		{"1\u00a0234,50 руб.", "1234.5", "руб."},
		{"1\u202f234,50 RUB", "1234.5", "RUB"},
		{"1,234.50 USD", "1234.5", "USD"},
		{"1.234,50 EUR", "1234.5", "EUR"},
		{"-5.00 RUB", "-5", "RUB"},
		{"−12.30 RUB", "-12.3", "RUB"},
		{"0.0774 EUR", "0.0774", "EUR"},
		{"100.00", "100", ""},
		{"12,5", "12.5", ""},
		{"€5.00", "5", "€"},
		{"500.00 RUB / Месяц", "500", "RUB"},
		{"7.35 EUR / Month", "7.35", "EUR"},
		{"12121212.00 RUB", "12121212", "RUB"},
		{"  10.00 RUB \n", "10", "RUB"},
		{"", "0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMoney(tt.in)
			require.NoError(t, err)
			assert.True(t, m.Amount.Equal(decimal.RequireFromString(tt.amount)), "amount %s, want %s", m.Amount, tt.amount)
			assert.Equal(t, tt.currency, m.Currency)
		})
	}
}

func TestParseMoneyRefusesNonAmounts(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"RUB", "free", "1.2.3 RUB", "1x2 RUB", "Daily charges"} {
		_, err := ParseMoney(in)
		assert.Error(t, err, in)
	}
}

func TestMoneyIsExact(t *testing.T) {
	t.Parallel()
	a, err := ParseMoney("0.10 RUB")
	require.NoError(t, err)
	b, err := ParseMoney("0.20 RUB")
	require.NoError(t, err)
	assert.Equal(t, "0.30", a.Amount.Add(b.Amount).StringFixed(2))
	assert.True(t, a.Amount.Add(b.Amount).Equal(decimal.RequireFromString("0.3")))
}

func TestMoneyStringAndText(t *testing.T) {
	t.Parallel()
	m := Money{Amount: decimal.RequireFromString("100.5"), Currency: "RUB"}
	assert.Equal(t, "100.50 RUB", m.String())
	assert.Equal(t, "0.0774", Money{Amount: decimal.RequireFromString("0.0774")}.String())
	b, err := m.MarshalText()
	require.NoError(t, err)
	var back Money
	require.NoError(t, back.UnmarshalText(b))
	assert.True(t, back.Equal(m))
	assert.Error(t, back.UnmarshalText([]byte("abc")))
	assert.True(t, Money{}.IsZero())
	assert.False(t, m.IsZero())
}

func TestMoneyAndDecimalEncode(t *testing.T) {
	t.Parallel()
	type params struct {
		Price  Money    `url:"price"`
		Amount *Decimal `url:"amount,omitempty"`
		Rate   *Decimal `url:"rate,omitempty"`
		Unset  *Decimal `url:"unset,omitempty"`
	}
	v, err := query.Values(params{
		Price:  Money{Amount: decimal.RequireFromString("100.5"), Currency: "RUB"},
		Amount: MustDecimal("100.50"),
		Rate:   DecimalOf(decimal.RequireFromString("0.012345")),
	})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"price": {"100.50"}, "amount": {"100.50"}, "rate": {"0.012345"}}, v)
}

// TestMoneyCurrencyAsPrinted: Currency is the text after the amount, as the server printed
// it: the ISO code of a currency without a symbol, else the symbol.
func TestMoneyCurrencyAsPrinted(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Money{
		"10.00 RUB":    {decimal.RequireFromString("10"), "RUB"},
		"10.00 ₽":      {decimal.RequireFromString("10"), "₽"},
		"5.00 $":       {decimal.RequireFromString("5"), "$"},
		"12.3450 RUB":  {decimal.RequireFromString("12.345"), "RUB"},
		"0.0774 EUR":   {decimal.RequireFromString("0.0774"), "EUR"},
		"49.99 руб.":   {decimal.RequireFromString("49.99"), "руб."},
		"12221243.00":  {decimal.RequireFromString("12221243"), ""},
		"-30.00 $":     {decimal.RequireFromString("-30"), "$"},
		"100.00 RUB ":  {decimal.RequireFromString("100"), "RUB"},
		"1 234,50 RUB": {decimal.RequireFromString("1234.5"), "RUB"},
	} {
		got, err := ParseMoney(in)
		require.NoError(t, err, in)
		assert.True(t, want.Amount.Equal(got.Amount), "%q: %s", in, got.Amount)
		assert.Equal(t, want.Currency, got.Currency, in)
	}
}

func TestCurrencySymbolsISO(t *testing.T) {
	t.Parallel()
	table := CurrencySymbols{"$": "USD", "₽": "RUB", "руб.": "RUB", "USD": "USD"}
	for _, tt := range []struct {
		currency, want string
		ok             bool
	}{
		{"$", "USD", true}, {"₽", "RUB", true}, {"руб.", "RUB", true},
		{"RUB", "RUB", true}, // no symbol: the server printed the code
		{"EUR", "EUR", true}, // a code the table does not list is still a code
		{"€", "", false},     // a symbol it does not know
		{"", "", false},      // no currency at all
		{"Rub", "", false},   // not a code
	} {
		got, err := table.ISO(Money{Amount: decimal.NewFromInt(5), Currency: tt.currency})
		if !tt.ok {
			assert.Error(t, err, tt.currency)
			continue
		}
		require.NoError(t, err, tt.currency)
		assert.Equal(t, tt.want, got, tt.currency)
	}
	_, err := CurrencySymbols(nil).ISO(Money{Currency: "$"})
	assert.ErrorContains(t, err, `currency "$"`)
	iso, err := CurrencySymbols(nil).ISO(Money{Currency: "RUB"})
	require.NoError(t, err)
	assert.Equal(t, "RUB", iso)
}

func TestCurrencySymbolsOf(t *testing.T) {
	t.Parallel()
	sub := func(balance, iso string) Subaccount {
		m, err := ParseMoney(balance)
		require.NoError(t, err)
		return Subaccount{Balance: m, Currency: iso}
	}
	table, err := CurrencySymbolsOf([]Subaccount{sub("10.00 ₽", "RUB"), sub("5.00 $", "USD"), sub("1.00 EUR", "EUR"), sub("", "")})
	require.NoError(t, err)
	assert.Equal(t, CurrencySymbols{"₽": "RUB", "$": "USD", "EUR": "EUR"}, table)

	_, err = CurrencySymbolsOf([]Subaccount{sub("5.00 $", "USD"), sub("7.00 $", "CAD")})
	assert.ErrorContains(t, err, `"$" stands for both USD and CAD`)
}

// TestAnAmountCostsTwoAllocations: a decimal of the decoder's fast path is decimal.New's,
// the big.Int and the word of its value; an amount that repeats the one before costs
// nothing (BENCHMARKS.md counts the allocations of a row by these).
func TestAnAmountCostsTwoAllocations(t *testing.T) { // not parallel: it counts allocations
	text := []byte("1234.56")
	var sink decimal.Decimal
	assert.Equal(t, 2.0, testing.AllocsPerRun(100, func() { sink, _ = plainDecimal(text) }))
	memo := &amountMemo{}
	assert.Equal(t, 0.0, testing.AllocsPerRun(100, func() { sink, _ = memo.plain(text) }), "the same amount again")
	assert.Equal(t, "1234.56", sink.String())
}
