package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runOnTheFake runs the quickstart on the built-in fake and returns what it prints.
func runOnTheFake(t *testing.T) string {
	t.Helper()
	t.Setenv("BILLMGR_URL", "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out))
	return out.String()
}

// TestTheStatementReadsAsABillingEngineerExpects: movements in time order with the
// balance after each, the refund as a refund, a currency on every amount, the unpaid
// invoice outside the balance, totals by status, and the server's balance checked.
func TestTheStatementReadsAsABillingEngineerExpects(t *testing.T) {
	out := runOnTheFake(t)
	statement := out[strings.Index(out, "DATE"):]
	for _, want := range []string{
		"2024-05-08  payment pfx/4, Credited             1500.00 RUB  1500.00 RUB\n",
		"2024-05-11  expense: Shared hosting, one month  -349.90 RUB  1150.10 RUB\n",
		"2024-05-21  refund pfx/7                        -200.00 RUB   950.10 RUB\n",
		"2024-05-26  invoice pfx/9, New                   500.00 RUB     not paid\n",
		"refunds                       1  -200.00 RUB\n",
		"invoices, New (not paid)      1   500.00 RUB\n",
		"The server reports a balance of 950.10 RUB: the movements add up to it.\n",
	} {
		assert.Contains(t, statement, want)
	}
	dates := regexp.MustCompile(`(?m)^\d{4}-\d{2}-\d{2}`).FindAllString(statement, -1)
	assert.True(t, slices.IsSorted(dates), "in time order: %v", dates)
	for _, amount := range regexp.MustCompile(`-?\d+\.\d{2}\b(.{4})`).FindAllStringSubmatch(out, -1) {
		assert.Equal(t, " RUB", amount[1], "every amount has its currency: %q", amount[0])
	}
}

// TestTheREADMEShowsTheQuickstart: the README's Quick start is the quickstart's code:
// each piece between "..." lines is in it as it is, line for line; and its output block is
// what the quickstart prints on the built-in fake.
func TestTheREADMEShowsTheQuickstart(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	section := string(readme[bytes.Index(readme, []byte("## Quick start")):])

	printed := regexp.MustCompile("(?s)`go run ./examples/quickstart` prints.*?```text\n(.*?)```").FindStringSubmatch(section)
	require.NotNil(t, printed, "the Quick start shows the output")
	assert.Equal(t, runOnTheFake(t), printed[1], "the README's output of the quickstart")

	snippet := regexp.MustCompile("(?s)```go\n(.*?)```").FindStringSubmatch(section)
	require.NotNil(t, snippet)
	var code string
	for _, file := range []string{"main.go", "statement.go"} {
		src, err := os.ReadFile(file)
		require.NoError(t, err)
		code += strings.Join(trimmedLines(string(src)), "\n") + "\n"
	}
	pieces := strings.Split(strings.Join(trimmedLines(snippet[1]), "\n"), "...")
	for _, piece := range pieces {
		assert.Contains(t, code, strings.Trim(piece, "\n"), "the README's lines are the quickstart's")
	}
	assert.Greater(t, len(pieces), 3)
}

// trimmedLines are the lines of s without the spaces around them.
func trimmedLines(s string) []string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return lines
}
