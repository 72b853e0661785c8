package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstartPrintsABalancedStatement(t *testing.T) {
	t.Setenv("BILLMGR_URL", "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out))
	for _, want := range []string{
		"Created payment", "Charged an expense of 349.90.", "Refunded 200.00 of the payment.",
		"1500.00 RUB", "-200.00 RUB", "-349.90 RUB",
		"Balance: 950.10 RUB (movements add up to 950.10)",
	} {
		assert.Contains(t, out.String(), want)
	}
}
