package billmgr

import (
	"bytes"
	"fmt"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/shopspring/decimal"
)

// Money is an exact amount with the currency the server printed next to it.
//
// BILLmanager renders amounts as text: "100.00 RUB" in the _iso columns, "5.00 $" or
// "49.99 руб." in localized ones, "1 234,50 RUB" with grouped digits and a decimal comma,
// "500.00 RUB / Месяц" with a billing period. ParseMoney reads all of these; Currency keeps
// the currency text as sent ("RUB", "$", "руб.") and is empty when the server sent none.
//
// Currency is not always an ISO code. The server builds the _iso columns (and the
// balances of the client and personal account lists) as amount + ' ' +
// IFNULL(currency.symbol, currency.iso): a currency the installation gave a symbol reads
// "10.00 ₽" or "5.00 $", one without reads "10.00 RUB". Amounts keep their full scale
// when they are not a whole number of cents ("12.3450 RUB"). To get the ISO code, use a
// CurrencySymbols table (CurrencySymbolsOf builds one from a client's personal accounts).
// Only documents that print the code in a field of its own carry it for sure: the
// Currency column of a personal account, and the balance of whoami (User.Balance).
type Money struct {
	Amount   decimal.Decimal
	Currency string
}

// ParseMoney parses an amount as BILLmanager prints it. An empty string is zero Money.
func ParseMoney(s string) (Money, error) {
	text := strings.TrimSpace(s)
	if before, _, found := strings.Cut(text, " / "); found {
		text = strings.TrimSpace(before) // "500.00 RUB / Месяц": the period is not part of the amount
	}
	if text == "" {
		return Money{}, nil
	}
	first := strings.IndexFunc(text, isDigit)
	last := strings.LastIndexFunc(text, isDigit)
	if first < 0 {
		return Money{}, fmt.Errorf("money %q: no digits", s)
	}
	prefix, number, suffix := text[:first], text[first:last+1], text[last+1:]
	negative := strings.Contains(prefix, "-") || strings.Contains(prefix, "−")
	prefix = signs.Replace(prefix)
	amount, err := parseGroupedDecimal(number)
	if err != nil {
		return Money{}, fmt.Errorf("money %q: %w", s, err)
	}
	if negative {
		amount = amount.Neg()
	}
	currency := strings.TrimSpace(strings.TrimSpace(prefix) + " " + strings.TrimSpace(suffix))
	return Money{Amount: amount, Currency: currency}, nil
}

// signs removes the signs from the text before an amount.
var signs = strings.NewReplacer("-", "", "−", "", "+", "")

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// parseMoneyBytes reads an amount as ParseMoney does, the decoder's way: from the bytes of
// a column, with a fast path for an amount of plain digits followed by a currency
// ("1234.50 RUB", "10.00 ₽", "5.00 $"). It returns the currency as bytes of text then,
// and as a string otherwise.
func parseMoneyBytes(text []byte, memo *amountMemo) (decimal.Decimal, string, []byte, error) {
	s := trimSpace(text)
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		end++
	}
	amount, rest := s[:end], s[end:]
	if currency := trimSpace(rest); (len(rest) == 0 || rest[0] == ' ') && plainCurrency(currency) {
		if d, ok := memo.plain(amount); ok {
			return d, "", currency, nil
		}
	}
	m, err := ParseMoney(string(text))
	return m.Amount, m.Currency, nil, err
}

// plainCurrency reports whether the text after an amount is all currency for ParseMoney:
// no digit in it, and no '/' (of " / ", after which ParseMoney reads no further: "500.00
// RUB / Месяц"; the amount is digits and points, so " / " can only be in what follows).
func plainCurrency(s []byte) bool {
	for _, c := range s {
		if c >= '0' && c <= '9' || c == '/' {
			return false
		}
	}
	return true
}

// parseGroupedDecimal reads "1 234,50", "1,234.50", "1234.5" and "12,5" exactly.
// Spaces of any width and apostrophes group digits. When both a comma and a dot occur, the
// last one is the decimal separator; a lone comma is a decimal comma (the ru locale).
func parseGroupedDecimal(s string) (decimal.Decimal, error) {
	digits := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\'' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	lastComma, lastDot := strings.LastIndex(digits, ","), strings.LastIndex(digits, ".")
	switch {
	case lastComma >= 0 && lastDot >= 0 && lastComma > lastDot:
		digits = strings.ReplaceAll(digits, ".", "")
		digits = strings.Replace(digits, ",", ".", 1)
	case lastComma >= 0 && lastDot >= 0:
		digits = strings.ReplaceAll(digits, ",", "")
	case strings.Count(digits, ",") == 1:
		digits = strings.Replace(digits, ",", ".", 1)
	case lastComma >= 0:
		digits = strings.ReplaceAll(digits, ",", "")
	}
	for _, r := range digits {
		if !isDigit(r) && r != '.' {
			return decimal.Decimal{}, fmt.Errorf("unexpected %q in the amount", r)
		}
	}
	return decimal.NewFromString(digits)
}

// parseDecimalBytes reads an exact number like parseGroupedDecimal, the decoder's way:
// from the bytes of a column, trimmed; empty text is zero.
func parseDecimalBytes(s []byte, memo *amountMemo) (decimal.Decimal, error) {
	if len(s) == 0 {
		return decimal.Decimal{}, nil
	}
	if d, ok := memo.plain(s); ok {
		return d, nil
	}
	d, err := parseGroupedDecimal(string(s))
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q: %v", s, err)
	}
	return d, nil
}

// plainDecimal reads digits with an optional fraction ("1234.50"), up to 18 digits in
// all, as decimal.NewFromString does (and into the same decimal, field by field: both
// make it with decimal.New's big.NewInt); anything else is not ok. It takes one pass over
// s (an amount is read twice a row).
func plainDecimal(s []byte) (decimal.Decimal, bool) {
	var v int64
	dot := -1
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			v = v*10 + int64(c-'0') // 18 digits at most fit; more are refused below
		case c == '.' && dot < 0:
			dot = i
		default:
			return decimal.Decimal{}, false
		}
	}
	digits, scale := len(s), 0
	if dot >= 0 {
		digits, scale = len(s)-1, len(s)-1-dot
		if dot == 0 || scale == 0 {
			return decimal.Decimal{}, false // ".5", "100.": digits on both sides of the point
		}
	}
	if digits == 0 || digits > 18 {
		return decimal.Decimal{}, false
	}
	return decimal.New(v, -int32(scale)), true
}

// decimalCost is what a decimal of plainDecimal costs at least: the big.Int decimal.New
// makes and the word of its value, two allocations (32 and 8 bytes on a 64-bit platform).
const decimalCost = 40

// amountMemo is the last plain amount read and its decimal. The amount columns of a row
// (subaccountamount_iso, paymethodamount_iso) most often repeat one amount, which then
// costs one decimal.Decimal (immutable, so shared safely) instead of two. A nil memo
// remembers nothing.
type amountMemo struct {
	text []byte
	d    decimal.Decimal
	set  bool
}

// plain is plainDecimal, remembered.
func (m *amountMemo) plain(s []byte) (decimal.Decimal, bool) {
	if m == nil {
		return plainDecimal(s)
	}
	if m.set && bytes.Equal(s, m.text) {
		return m.d, true
	}
	d, ok := plainDecimal(s)
	if ok {
		m.text, m.d, m.set = append(m.text[:0], s...), d, true
	}
	return d, ok
}

// String prints the amount with at least two decimals and the currency: "100.50 RUB".
func (m Money) String() string {
	if m.Currency == "" {
		return formatAmount(m.Amount)
	}
	return formatAmount(m.Amount) + " " + m.Currency
}

// IsZero reports whether m is the zero amount with no currency.
func (m Money) IsZero() bool { return m.Amount.IsZero() && m.Currency == "" }

// Equal reports whether m and o are the same amount in the same currency (100.5 equals 100.50).
func (m Money) Equal(o Money) bool { return m.Amount.Equal(o.Amount) && m.Currency == o.Currency }

// UnmarshalText parses the server's text form (see ParseMoney).
func (m *Money) UnmarshalText(b []byte) error {
	v, err := ParseMoney(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MarshalText writes the form String returns.
func (m Money) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// EncodeValues sends the amount alone ("100.50"): BILLmanager takes amounts without a
// currency; the currency of a payment or an account is a parameter of its own. It refuses
// an amount the server would round, like Decimal.EncodeValues.
func (m Money) EncodeValues(key string, v *url.Values) error {
	return encodeDecimal(key, v, m.Amount)
}

// Decimal is an exact number in request parameters: an amount, a rate, a percentage.
// It exists because go-querystring silently drops a plain decimal.Decimal field; Decimal
// encodes itself ("100.50", at least two decimals). Use *Decimal with omitempty for an
// optional parameter.
//
// BILLmanager keeps amounts with at most four decimals (payments with two, expenses and
// prices with up to four) and would round anything finer without a word, so a Decimal
// with more than MaxDecimals significant decimals is refused before anything is sent, with
// an error naming the parameter. Trailing zeros do not count: 100.5000 is 100.50. Exchange
// rates (the rate parameter of currency rates, quoted per amount units) may carry up to
// MaxRateDecimals. Numbers with more than MaxIntegerDigits digits before the point are
// refused too: no balance is that large, and such a number is a mistake.
type Decimal struct{ decimal.Decimal }

// The precision and size a Decimal (or Money) parameter may have; see Decimal.
const (
	MaxDecimals      = 4
	MaxRateDecimals  = 10
	MaxIntegerDigits = 18
)

// DecimalOf wraps d for a params struct.
func DecimalOf(d decimal.Decimal) *Decimal { return &Decimal{d} }

// MustDecimal parses a decimal literal such as "100.50" for a params struct and panics on a
// malformed literal, like regexp.MustCompile; parse user input with decimal.NewFromString.
func MustDecimal(s string) *Decimal { return &Decimal{decimal.RequireFromString(s)} }

// EncodeValues writes the number with a dot and at least two decimals: "100.50", "0.0774".
// It fails for a number with more decimals than the server keeps, or too large to be an
// amount (see Decimal).
func (d Decimal) EncodeValues(key string, v *url.Values) error {
	return encodeDecimal(key, v, d.Decimal)
}

// encodeDecimal checks d against the precision the server keeps for parameter key and
// sets it.
func encodeDecimal(key string, v *url.Values, d decimal.Decimal) error {
	limit := MaxDecimals
	if key == "rate" {
		limit = MaxRateDecimals
	}
	places, digits := decimalShape(d)
	switch {
	case places > limit:
		return fmt.Errorf("parameter %s: %s has %d decimal places; BILLmanager keeps at most %d and would round it", key, shortDecimal(d), places, limit)
	case digits > MaxIntegerDigits:
		return fmt.Errorf("parameter %s: %s has %d digits before the point; at most %d are accepted", key, shortDecimal(d), digits, MaxIntegerDigits)
	}
	v.Set(key, formatAmount(d))
	return nil
}

// decimalShape returns the number of significant decimal places of d (trailing zeros do
// not count) and the number of digits before the point. It never expands the exponent, so
// it is cheap even for 1e-999999999.
func decimalShape(d decimal.Decimal) (places, intDigits int) {
	digits := new(big.Int).Abs(d.Coefficient()).String()
	if digits == "0" {
		return 0, 0
	}
	exp := int64(d.Exponent())
	trimmed := strings.TrimRight(digits, "0")
	if zeros := int64(len(digits) - len(trimmed)); exp < 0 {
		drop := min(zeros, -exp)
		digits, exp = digits[:int64(len(digits))-drop], exp+drop
	}
	return int(max(-exp, 0)), int(max(int64(len(digits))+exp, 0))
}

// shortDecimal prints d for an error message without expanding a huge exponent.
func shortDecimal(d decimal.Decimal) string {
	if e := d.Exponent(); e < -40 || e > 40 {
		return d.Coefficient().String() + "e" + strconv.Itoa(int(e))
	}
	return d.String()
}

// formatAmount prints d exactly, with at least two decimals and no trailing zero beyond
// them: 100 → "100.00", 100.500 → "100.50", 0.0774 → "0.0774".
func formatAmount(d decimal.Decimal) string {
	places, _ := decimalShape(d)
	return d.StringFixed(int32(max(places, 2)))
}

// CurrencySymbols maps the currency texts an installation prints after amounts to ISO
// 4217 codes: {"$": "USD", "₽": "RUB"}. Symbols are the installation's own settings (an
// administrator sets them in the currency directory, and "$" may be the US, Canadian or
// Australian dollar), so the SDK guesses none: build the table from the server
// (CurrencySymbolsOf) or from what you know of the installation.
type CurrencySymbols map[string]string

// ISO returns the ISO code of the currency of m: the table's entry for m.Currency or, when
// the table has none and m.Currency is three capital Latin letters, m.Currency itself (the
// server prints the code of a currency without a symbol). It fails for an empty currency
// and for a symbol the table does not know.
func (s CurrencySymbols) ISO(m Money) (string, error) {
	if iso, ok := s[m.Currency]; ok {
		return iso, nil
	}
	switch {
	case isISOCode(m.Currency):
		return m.Currency, nil
	case m.Currency == "":
		return "", fmt.Errorf("billmgr: %s has no currency", m)
	}
	return "", fmt.Errorf("billmgr: currency %q of %s is a symbol the table does not know: add it, or build the table with CurrencySymbolsOf", m.Currency, m)
}

// isISOCode reports whether s looks like an ISO 4217 code: three capital Latin letters.
func isISOCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// CurrencySymbolsOf learns the symbols of an installation from personal accounts
// (Subaccounts.List of one or more clients): each row prints its balance with the
// currency's symbol, or its code, next to the code in the Currency column. It fails when
// one symbol stands for two codes in the rows; a table learned from one client knows only
// that client's currencies.
func CurrencySymbolsOf(subs []Subaccount) (CurrencySymbols, error) {
	table := CurrencySymbols{}
	for _, sa := range subs {
		sign, iso := sa.Balance.Currency, sa.Currency
		if sign == "" || iso == "" {
			continue
		}
		if known, ok := table[sign]; ok && known != iso {
			return nil, fmt.Errorf("billmgr: the currency sign %q stands for both %s and %s", sign, known, iso)
		}
		table[sign] = iso
	}
	return table, nil
}
