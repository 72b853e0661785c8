package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// demoClient starts the demo fake and returns it with a client in lang.
func demoClient(t *testing.T, lang string, opts ...billmgr.Option) (*billmgrtest.Server, *billmgr.Client) {
	t.Helper()
	srv, err := newDemoServer(context.Background())
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	opts = append([]billmgr.Option{billmgr.WithSession(srv.AdminUser, srv.AdminPassword), billmgr.WithLang(lang)}, opts...)
	c, err := billmgr.NewClient(srv.URL, opts...)
	require.NoError(t, err)
	return srv, c
}

// assertTotal checks a total exactly: the count and the amount to the last digit.
func assertTotal(t *testing.T, want Total, got Total, what string) {
	t.Helper()
	assert.Equal(t, want.Count, got.Count, "%s: count", what)
	assert.True(t, want.Amount.Equal(got.Amount), "%s: amount %s, want %s", what, got.Amount, want.Amount)
}

func total(count int, amount string) Total {
	return Total{Count: count, Amount: decimal.RequireFromString(amount)}
}

func TestReconcileDemo(t *testing.T) {
	t.Parallel()
	want := map[Key]Total{
		{billmgr.PaymentNew, false, "RUB"}:       total(2501, "305.00"), // 250.00 + 500 × 0.07 + 2000 × 0.01
		{billmgr.PaymentNew, false, "USD"}:       total(1500, "1650.00"),
		{billmgr.PaymentInPay, false, "RUB"}:     total(1, "1000.00"),
		{billmgr.PaymentCredited, false, "RUB"}:  total(4, "133.73"), // 100.10 + 0.20 + 0.10 + 33.33
		{billmgr.PaymentCredited, true, "RUB"}:   total(1, "-75.50"), // the refund of the payment below
		{billmgr.PaymentCredited, false, "USD"}:  total(2, "20.00"),  // 19.99 + 0.01
		{billmgr.PaymentRefunded, false, "RUB"}:  total(1, "75.50"),
		{billmgr.PaymentCancelled, false, "USD"}: total(1, "5.01"),
	}
	labels := map[string]map[string]string{
		"en": {"1": "New", "2": "Payment in progress", "4": "Credited", "6": "Refunded", "9": "Cancelled"},
		"ru": {"1": "Новый", "2": "Оплачивается", "4": "Зачислен", "6": "Возвращен", "9": "Отменен"},
	}
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			srv, c := demoClient(t, lang)
			page, err := c.Payments.List(context.Background(), srv.AccountID("bob@example.com"), nil)
			require.NoError(t, err)
			assert.Equal(t, "$", page.Items[0].SubaccountAmount.Currency, "the demo prints the dollar's symbol")
			r, err := Reconcile(context.Background(), c)
			require.NoError(t, err)
			assert.Equal(t, 6, r.Clients)
			assert.Equal(t, 4011, r.Payments)
			require.Len(t, r.Totals, len(want))
			for k, w := range want {
				assertTotal(t, w, r.Totals[k], fmt.Sprintf("%+v", k))
			}
			assert.Equal(t, labels[lang], r.Labels)
			assert.Equal(t, []Key{
				{"1", false, "RUB"}, {"1", false, "USD"}, {"2", false, "RUB"}, {"4", false, "RUB"}, {"4", false, "USD"},
				{"4", true, "RUB"}, {"6", false, "RUB"}, {"9", false, "USD"},
			}, r.Keys())
		})
	}
}

// TestRun runs the command on the built-in fake and checks the whole table against the
// README, which shows it.
func TestRun(t *testing.T) {
	t.Setenv("BILLMGR_URL", "") // the built-in fake, whatever the environment says
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, "en"))
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	shown := regexp.MustCompile("(?s)\n  \\$ go run ./examples/reconcile\n(.*?)  ```").FindSubmatch(readme)
	require.NotNil(t, shown, "the README shows the output")
	assert.Equal(t, strings.ReplaceAll(string(shown[1]), "\n  ", "\n")[2:], out.String())
	assert.Contains(t, out.String(), "4 Credited, refunds           1          -75.50 RUB\n")
	assert.NotContains(t, out.String(), "all", "statuses are not added up")
}

// TestReconcileSavedFilters: a saved filter would hide rows, so Reconcile refuses to run
// until it is reset.
func TestReconcileSavedFilters(t *testing.T) {
	t.Parallel()
	srv, c := demoClient(t, "en")
	ctx := context.Background()
	ann := srv.AccountID("ann@example.com")

	require.NoError(t, c.Accounts.SaveFilter(ctx, &billmgr.AccountFilter{Email: "ann"}))
	_, err := Reconcile(ctx, c)
	assert.ErrorIs(t, err, errSavedFilter)
	require.NoError(t, c.Accounts.ResetFilter(ctx))

	require.NoError(t, c.Payments.SaveFilter(ctx, ann, &billmgr.PaymentFilter{Status: billmgr.PaymentCredited}))
	_, err = Reconcile(ctx, c)
	assert.ErrorIs(t, err, errSavedFilter)
	require.NoError(t, c.Payments.ResetFilter(ctx, ann))

	r, err := Reconcile(ctx, c)
	require.NoError(t, err)
	assert.Equal(t, 4011, r.Payments)
}

// TestReconcileFailure: a server that keeps failing ends the run with the error rather
// than with partial totals.
func TestReconcileFailure(t *testing.T) {
	t.Parallel()
	fast := billmgr.WithRetry(billmgr.RetryPolicy{MaxAttempts: 2, MinDelay: time.Millisecond, MaxDelay: time.Millisecond})
	srv, c := demoClient(t, "en", fast)
	srv.FailNext(100, http.StatusBadGateway)
	r, err := Reconcile(context.Background(), c)
	assert.Nil(t, r)
	var httpErr *billmgr.HTTPError
	require.ErrorAs(t, err, &httpErr)
	assert.Equal(t, http.StatusBadGateway, httpErr.StatusCode)
}
