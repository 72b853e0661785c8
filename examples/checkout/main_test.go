package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/billmgrtest"
)

// defaults are the options of a run without flags.
var defaults = options{amount: decimal.RequireFromString("150.00"), method: 2, wait: time.Minute, poll: 5 * time.Second}

// runOnTheFake runs the checkout with o on the built-in fake and returns what it prints.
func runOnTheFake(t *testing.T, o options) (string, error) {
	t.Helper()
	t.Setenv("BILLMGR_URL", "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, &out, o)
	return out.String(), err
}

// TestTheCheckoutEndsWithThePaymentCredited: the methods with what the client pays, the
// pick, the payment page, the payment system's two calls and the statuses they bring, the
// credited payment in the client's own list, and the balance.
func TestTheCheckoutEndsWithThePaymentCredited(t *testing.T) {
	out, err := runOnTheFake(t, defaults)
	require.NoError(t, err)
	for _, want := range []string{
		"The client: ada@example.com, client 1, balance 0.00 RUB.\n",
		"   1   Bank transfer  150.00 RUB  An invoice to pay from your bank account  /manimg/common/plugin-logo/billmanager-plugin-pmruwire.png\n",
		"   2   Bank card      150.00 RUB  Visa, Mastercard, Mir                     /manimg/common/plugin-logo/billmanager-plugin-pmtinkoff.png\n",
		"2. The client picks 2, Bank card: Payments.Add creates payment pfx/4 (id 4), Initiated.\n",
		"leaves the payment out: 0 payments there now.\n",
		"   payment.setinpay  the payment system took the payment  -> Payment in progress\n",
		"   payment.setpaid   the money arrived                    -> Credited\n",
		"   pfx/4   Bank card  150.00 RUB  Credited  2024-05-07\n",
		"\nBalance of ada@example.com: 150.00 RUB.\n",
	} {
		assert.Contains(t, out, want)
	}
	assert.Regexp(t, `(?m)^   http://127\.0\.0\.1:\d+/mancgi/tinkoffpayment\?elid=4$`, out, "the page, absolute")
}

// TestAnotherAmountAndMethod: the client pays what it asked for with the method it picked.
func TestAnotherAmountAndMethod(t *testing.T) {
	out, err := runOnTheFake(t, options{amount: decimal.RequireFromString("99.9"), method: 3, wait: time.Minute})
	require.NoError(t, err)
	assert.Contains(t, out, "can pay 99.90 RUB with")
	assert.Contains(t, out, "   3   Test payment   99.90 RUB  ")
	assert.Regexp(t, `/mancgi/testpayment\?elid=4\n`, out)
	assert.Contains(t, out, "   pfx/4   Test payment  99.90 RUB  Credited  2024-05-07\n")
	assert.Contains(t, out, "Balance of ada@example.com: 99.90 RUB.\n")
}

// TestAMethodNotOfferedIsRefused: the id a form posts back is checked against the list.
func TestAMethodNotOfferedIsRefused(t *testing.T) {
	o := defaults
	o.method = 9
	out, err := runOnTheFake(t, o)
	require.Error(t, err)
	assert.Equal(t, "payment method 9 is not one the client can pay with; pick one of 1 (Bank transfer), 2 (Bank card), "+
		"3 (Test payment) with -method", err.Error())
	assert.NotContains(t, out, "Payments.Add")
}

// panel starts a fake for the checkout to use as a real panel (BILLMGR_URL), with the
// client ann, whose id it returns.
func panel(t *testing.T) (*billmgrtest.Server, int64) {
	t.Helper()
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{
		Accounts: []billmgrtest.SeedAccount{{Email: "ann@example.com", Password: "ann-pw"}}}))
	t.Cleanup(srv.Close)
	t.Setenv("BILLMGR_URL", srv.URL)
	t.Setenv("BILLMGR_USER", srv.AdminUser)
	t.Setenv("BILLMGR_PASSWORD", srv.AdminPassword)
	return srv, srv.AccountID("ann@example.com")
}

// TestOnAPanelItWaitsForThePaymentSystem: on a panel that is not the built-in fake the
// checkout calls nothing of the payment system's; it waits until the payment module has
// reported and credited the payment.
func TestOnAPanelItWaitsForThePaymentSystem(t *testing.T) {
	srv, ann := panel(t)
	module, err := billmgr.NewClient(srv.URL, billmgr.WithAuthInfo(srv.AdminUser, srv.AdminPassword))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	paid := make(chan error, 1)
	go func() { // the payment module, once the client has paid on the page
		for len(srv.PaymentIDs(ann)) == 0 {
			if ctx.Err() != nil {
				paid <- ctx.Err()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		id := srv.PaymentIDs(ann)[0]
		if _, err := module.Call(ctx, "payment.setinpay", url.Values{"elid": {strconv.FormatInt(id, 10)}}); err != nil {
			paid <- err
			return
		}
		paid <- module.Payments.SetPaid(ctx, id)
	}()

	o := defaults
	o.client, o.poll = "ann@example.com", 5*time.Millisecond
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, o))
	require.NoError(t, <-paid)
	assert.NotContains(t, out.String(), "Registered", "it acts for the client given")
	assert.Contains(t, out.String(), "Pay on that page; waiting up to 1m0s for the panel to credit the payment")
	assert.Regexp(t, `(?m)^   \d\d:\d\d:\d\d  Credited$`, out.String())
	assert.Contains(t, out.String(), "Balance of ann@example.com: 150.00 RUB.\n")
	assert.Equal(t, 1, srv.Hits("payment.setinpay"), "the checkout itself reports nothing")
	assert.Equal(t, 1, srv.Hits("payment.setpaid"))
}

// TestOnAPanelItStopsWaiting: a payment nobody pays is left as it is when the wait ends.
func TestOnAPanelItStopsWaiting(t *testing.T) {
	srv, ann := panel(t)
	o := defaults
	o.client, o.wait, o.poll = "ann@example.com", 50*time.Millisecond, 5*time.Millisecond
	var out bytes.Buffer
	err := run(context.Background(), &out, o)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Len(t, srv.PaymentIDs(ann), 1)
	assert.ErrorContains(t, err, fmt.Sprintf("stopped waiting: payment %d is still Initiated, and the payment system may still report it",
		srv.PaymentIDs(ann)[0]))
	assert.Regexp(t, `(?m)^   \d\d:\d\d:\d\d  Initiated$`, out.String())
	assert.Zero(t, srv.Hits("payment.setpaid"))
}

// TestTheREADMEShowsTheCheckout: the README's output of the checkout is what it prints
// on the built-in fake, but for the fake's port.
func TestTheREADMEShowsTheCheckout(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	printed := regexp.MustCompile("(?s)`go run ./examples/checkout`\\s+prints.*?```text\n(.*?)```").FindSubmatch(readme)
	require.NotNil(t, printed, "the README shows the checkout's output")
	out, err := runOnTheFake(t, defaults)
	require.NoError(t, err)
	port := regexp.MustCompile(`127\.0\.0\.1:\d+`)
	assert.Equal(t, port.ReplaceAllString(out, "127.0.0.1:PORT"), port.ReplaceAllString(string(printed[1]), "127.0.0.1:PORT"))
}
