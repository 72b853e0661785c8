package bankimport

import (
	"fmt"
	"strings"

	"github.com/go-billmgr/billmgr"
	"github.com/shopspring/decimal"
)

// ParseAmount reads an amount as a bank statement writes it, refusing what could be read
// two ways: "1500", "1500.00", "1500,5", "1 500,00", "1 500.00", "1,500.00" and "-200.00"
// (an outgoing transfer in some CSV exports) read; "1,500" and "1.500" (a lone separator
// and three digits: 1500 or 1.5?), three or more decimals, and separators that do not
// group the digits by three are refused. The shape is checked here; the number is read by
// billmgr.ParseMoney, as the server's amounts are.
func ParseAmount(s string) (decimal.Decimal, error) {
	text := strings.TrimSpace(s)
	negative := strings.HasPrefix(text, "-")
	body := strings.TrimPrefix(text, "-")
	if body == "" {
		return decimal.Decimal{}, fmt.Errorf("%q is not an amount such as 1500.00", s)
	}
	for _, r := range body {
		if !isDigit(r) && r != '.' && r != ',' && !isGroupSpace(r) {
			return decimal.Decimal{}, fmt.Errorf("%q is not an amount such as 1500.00", s)
		}
	}
	intPart, decimals, err := splitDecimals(body)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q %w", s, err)
	}
	digits, err := groupedDigits(intPart)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%q %w", s, err)
	}
	normal := digits
	if decimals != "" {
		normal += "." + decimals
	}
	m, err := billmgr.ParseMoney(normal)
	if err != nil || m.Currency != "" {
		return decimal.Decimal{}, fmt.Errorf("%q is not an amount such as 1500.00", s)
	}
	if negative {
		return m.Amount.Neg(), nil
	}
	return m.Amount, nil
}

// splitDecimals splits an amount into its integer part (digits and group separators) and
// its decimals, refusing a decimal separator that could be a group separator.
func splitDecimals(s string) (intPart, decimals string, err error) {
	commas, dots := strings.Count(s, ","), strings.Count(s, ".")
	sep := ""
	switch {
	case commas > 0 && dots > 0:
		sep = "."
		if strings.LastIndex(s, ",") > strings.LastIndex(s, ".") {
			sep = ","
		}
		if strings.Count(s, sep) > 1 {
			return "", "", fmt.Errorf("has two decimal separators")
		}
	case commas+dots == 1:
		sep = ","
		if dots == 1 {
			sep = "."
		}
	default: // none, or one kind repeated: group separators only
		return s, "", nil
	}
	i := strings.LastIndex(s, sep)
	intPart, decimals = s[:i], s[i+1:]
	grouped := strings.ContainsFunc(intPart, func(r rune) bool { return r == ',' || r == '.' || isGroupSpace(r) })
	switch {
	case intPart == "" || decimals == "" || strings.ContainsFunc(decimals, func(r rune) bool { return !isDigit(r) }):
		return "", "", fmt.Errorf("is not an amount such as 1500.00")
	case len(decimals) == 3 && !grouped:
		return "", "", fmt.Errorf("reads two ways: 1,500 may be 1500 (the comma groups thousands) or 1.5 (it marks decimals); " +
			"the bank's export must write 1500.00 or 1 500,00")
	case len(decimals) > 2:
		return "", "", fmt.Errorf("has more than two decimals: money is never rounded")
	}
	return intPart, decimals, nil
}

// groupedDigits returns the digits of an integer part whose separators, if any, group them
// by three: "1 500", "1,500,000", "1500".
func groupedDigits(s string) (string, error) {
	groups := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '.' || isGroupSpace(r) })
	var seps []rune
	for _, r := range s {
		if !isDigit(r) {
			seps = append(seps, r)
		}
	}
	for _, r := range seps {
		if r != seps[0] {
			return "", fmt.Errorf("mixes separators in its digits")
		}
	}
	if len(groups) == 0 || len(groups) != len(seps)+1 {
		return "", fmt.Errorf("is not an amount such as 1500.00")
	}
	for i, g := range groups {
		if (i == 0 && len(g) > 3 && len(groups) > 1) || (i > 0 && len(g) != 3) {
			return "", fmt.Errorf("has separators that do not group its digits by three")
		}
	}
	return strings.Join(groups, ""), nil
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isGroupSpace reports whether r groups digits: a space of any width, or an apostrophe.
func isGroupSpace(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009' || r == '\''
}
