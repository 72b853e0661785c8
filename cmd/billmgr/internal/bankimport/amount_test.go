package bankimport

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"1500": "1500", "1500.00": "1500", "1500,5": "1500.5", "1 500,00": "1500", "1 500.00": "1500", "1,500.00": "1500",
		"1.500,00": "1500", "1\u00a0000.10": "1000.1", "1 000 000": "1000000", "1,000,000.01": "1000000.01", "0.01": "0.01",
		"-200.00": "-200", " 15 ": "15", "1'500.00": "1500",
	} {
		got, err := ParseAmount(in)
		require.NoError(t, err, in)
		assert.True(t, decimal.RequireFromString(want).Equal(got), "%q: %s", in, got)
	}
	for in, why := range map[string]string{
		"":              "is not an amount",
		"15OO.00":       "is not an amount",
		"1e3":           "is not an amount",
		"NaN":           "is not an amount",
		"1,500":         "reads two ways",
		"1.500":         "reads two ways",
		"10.005":        "reads two ways",
		"1 000.000":     "more than two decimals",
		"1500.001":      "reads two ways",
		"1,5000":        "more than two decimals",
		"15,00,000":     "do not group its digits by three",
		"1 50,00":       "do not group its digits by three",
		"12345,678.00":  "do not group its digits by three",
		"1,500,00":      "do not group its digits by three",
		"1 500,000.00":  "mixes separators",
		"1.500.000,0.0": "two decimal separators",
		"1500.":         "is not an amount",
		".50":           "is not an amount",
		"1500 RUB":      "is not an amount",
		"--5":           "is not an amount",
	} {
		_, err := ParseAmount(in)
		assert.ErrorContains(t, err, why, "%q", in)
	}
}
