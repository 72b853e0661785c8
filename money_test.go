package billmgr

import (
	"net/url"
	"testing"

	"github.com/google/go-querystring/query"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// moneyCases are amounts as BILLmanager prints them and what they read as. Currency is the
// text around the amount, as the server printed it: the ISO code of a currency without a
// symbol, else the symbol. amount "" is the zero Money; bad marks a refusal.
var moneyCases = []struct {
	in, amount, currency string
	bad                  bool
}{
	{in: "100.00 RUB", amount: "100.00", currency: "RUB"},
	{in: "10.00 ₽", amount: "10.00", currency: "₽"},
	{in: "5.00 $", amount: "5.00", currency: "$"},
	{in: "5.00 $ ", amount: "5.00", currency: "$"},
	{in: "49.99 руб.", amount: "49.99", currency: "руб."},
	{in: "12.3450 RUB", amount: "12.3450", currency: "RUB"}, // the full scale as sent
	{in: "0.0774 EUR", amount: "0.0774", currency: "EUR"},
	{in: "0.00 RUB", amount: "0.00", currency: "RUB"},
	{in: "0 EUR", amount: "0", currency: "EUR"},
	{in: "12 rub", amount: "12", currency: "rub"},
	{in: "12121212.00 RUB", amount: "12121212.00", currency: "RUB"},
	{in: "12221243.00", amount: "12221243.00"},
	{in: "100.00", amount: "100.00"},
	{in: "99999999999999999999.99 RUB", amount: "99999999999999999999.99", currency: "RUB"},
	{in: "  10.00 RUB \n", amount: "10.00", currency: "RUB"},
	{in: " 1.5 USD ", amount: "1.5", currency: "USD"},
	{in: "100.00 RUB ", amount: "100.00", currency: "RUB"},
	{in: "100.00  RUB", amount: "100.00", currency: "RUB"},
	{in: "5.00\u00a0RUB", amount: "5.00", currency: "RUB"},
	{in: "5.00 RUB\u00a0", amount: "5.00", currency: "RUB"},
	{in: "1 234,50 RUB", amount: "1234.50", currency: "RUB"},
	{in: "1\u00a0234,50 руб.", amount: "1234.50", currency: "руб."},
	{in: "1\u202f234,50 RUB", amount: "1234.50", currency: "RUB"},
	{in: "1,234.50 USD", amount: "1234.50", currency: "USD"},
	{in: "1.234,50 EUR", amount: "1234.50", currency: "EUR"},
	{in: "12,5", amount: "12.5"},
	{in: "-5.00 RUB", amount: "-5.00", currency: "RUB"},
	{in: "−12.30 RUB", amount: "-12.30", currency: "RUB"},
	{in: "-30.00 $", amount: "-30.00", currency: "$"},
	{in: "€5.00", amount: "5.00", currency: "€"},
	{in: "500.00 RUB / Месяц", amount: "500.00", currency: "RUB"}, // the period is not part of it
	{in: "7.35 EUR / Month", amount: "7.35", currency: "EUR"},
	{in: "100 / Месяц", amount: "100"},
	{in: "5 /RUB", amount: "5", currency: "/RUB"},
	{in: "100. RUB", amount: "100", currency: ". RUB"}, // the amount is the digits and what is between them
	{in: ".5 RUB", amount: "5", currency: ". RUB"},
	{in: ""},
	{in: "RUB", bad: true},
	{in: "free", bad: true},
	{in: "Daily charges", bad: true},
	{in: "1.2.3 RUB", bad: true},
	{in: "1x2 RUB", bad: true},
	{in: "100.00 RUB2", bad: true},
}

// TestParseMoney holds ParseMoney and the decoder's parseMoneyBytes (with and without the
// memo of the amount before) to every case: the same amount, field by field (the scale
// as sent), the same currency, the same refusals.
func TestParseMoney(t *testing.T) {
	t.Parallel()
	for _, tt := range moneyCases {
		m, err := ParseMoney(tt.in)
		if tt.bad {
			assert.Error(t, err, "%q", tt.in)
		} else if assert.NoError(t, err, "%q", tt.in) {
			want := Money{Currency: tt.currency}
			if tt.amount != "" {
				want.Amount = decimal.RequireFromString(tt.amount)
			}
			assert.True(t, want.Amount.Equal(m.Amount) && want.Amount.Exponent() == m.Amount.Exponent(),
				"%q: amount %s, want %s", tt.in, m.Amount, tt.amount)
			assert.Equal(t, want.Currency, m.Currency, "%q", tt.in)
		}
		memo := &amountMemo{}
		for _, memo := range []*amountMemo{nil, memo, memo} { // none, then the memo of this amount
			amount, currency, currencyBytes, fastErr := parseMoneyBytes([]byte(tt.in), memo)
			if currencyBytes != nil {
				currency = string(currencyBytes)
			}
			assert.Equal(t, err == nil, fastErr == nil, "%q: %v and %v", tt.in, err, fastErr)
			assert.Equal(t, m, Money{Amount: amount, Currency: currency}, "%q: field by field", tt.in)
		}
	}
}

// decimalCases are the exact numbers of decimal columns and what they read as: grouped
// digits and a decimal comma too, no sign and no currency.
var decimalCases = []struct {
	in, want string
	bad      bool
}{
	{in: "1234.50", want: "1234.50"},
	{in: "0.0774", want: "0.0774"},
	{in: "17", want: "17"},
	{in: "0", want: "0"},
	{in: "123456789012345678", want: "123456789012345678"},
	{in: "1234567890123456789", want: "1234567890123456789"},
	{in: "1 234,50", want: "1234.50"},
	{in: "1,234.50", want: "1234.50"},
	{in: "12,5", want: "12.5"},
	{in: "100.", want: "100"},
	{in: ".5", want: "0.5"},
	{in: "-5", bad: true},
	{in: "5 RUB", bad: true},
	{in: "1.2.3", bad: true},
	{in: "x", bad: true},
}

// TestParseDecimal holds parseGroupedDecimal and the decoder's parseDecimalBytes to every
// case: the same decimal, field by field, the same refusals.
func TestParseDecimal(t *testing.T) {
	t.Parallel()
	for _, tt := range decimalCases {
		d, err := parseGroupedDecimal(tt.in)
		if tt.bad {
			assert.Error(t, err, "%q", tt.in)
		} else if assert.NoError(t, err, "%q", tt.in) {
			want := decimal.RequireFromString(tt.want)
			assert.True(t, want.Equal(d) && want.Exponent() == d.Exponent(), "%q: %s, want %s", tt.in, d, tt.want)
		}
		memo := &amountMemo{}
		for _, memo := range []*amountMemo{nil, memo, memo} {
			fast, fastErr := parseDecimalBytes([]byte(tt.in), memo)
			assert.Equal(t, err == nil, fastErr == nil, "%q: %v and %v", tt.in, err, fastErr)
			if err == nil {
				assert.Equal(t, d, fast, "%q: field by field", tt.in)
			}
		}
	}
	d, err := parseDecimalBytes(nil, nil)
	require.NoError(t, err)
	assert.Equal(t, decimal.Decimal{}, d, "an empty column is zero")
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
