package billmgrtest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeedJSON(t *testing.T) {
	t.Parallel()
	var seed Seed
	require.NoError(t, json.Unmarshal([]byte(`{"accounts": [{"email": "ann@example.com", "password": "pw", "name": "Ann",
		"currency": "EUR", "balance": "100.10", "credit_limit": 5,
		"payments": [{"amount": "100.00", "status": 4, "number": "P-1", "created": "2024-05-07T10:00:00Z"}],
		"expenses": [{"name": "Hosting", "operation": "prolong", "amount": "10.00"}]}]}`), &seed))
	require.NoError(t, seed.Validate())
	srv := newFake(t, WithSeed(seed))
	annID := srv.AccountID("ann@example.com")
	ann := itoa(annID)

	assert.Equal(t, "100.1", srv.Balance(annID).String(), "the balance is as given")
	sub := mustOK(t, srv, "func", "subaccount", "elid", ann).elems()[0]
	assert.Equal(t, "100.10 EUR", sub.get("balance"))
	assert.Equal(t, "5.00 EUR", sub.get("creditlimit"))
	p := mustOK(t, srv, "func", "account.payment", "elid", ann).elems()[0]
	assert.Equal(t, "P-1", p.get("number"))
	assert.Equal(t, "Credited", p.get("status"))
	assert.Equal(t, "2024-05-07", p.get("create_date"))
	assert.Equal(t, "2024-05-07", p.get("pay_date"))
	assert.Equal(t, "100.00 EUR", p.get("subaccountamount_iso"))
	assert.Equal(t, []string{"Hosting"}, mustOK(t, srv, "func", "subaccount.expense", "elid", ann).column("locale_name"))
	mustOK(t, srv, "func", "auth", "authinfo", "-", "username", "ann@example.com", "password", "pw")
}

// TestSeedJSONLeavesZeroDatesOut holds the seed's JSON to one form on every Go release the
// module supports: a zero date is left out (Go 1.23 ignores the omitzero option), and the
// form reads back as written.
func TestSeedJSONLeavesZeroDatesOut(t *testing.T) {
	t.Parallel()
	created := time.Date(2024, 5, 7, 10, 0, 0, 0, time.UTC)
	seed := Seed{Accounts: []SeedAccount{{
		Email: "ann@example.com", Balance: decimal.RequireFromString("1.50"), CreditLimit: decimal.Zero,
		Payments: []SeedPayment{{Amount: decimal.RequireFromString("1.50")}, {Amount: decimal.NewFromInt(2), Created: created}},
		Expenses: []SeedExpense{{Name: "Hosting", Amount: decimal.NewFromInt(1)}},
	}}}
	b, err := json.Marshal(seed)
	require.NoError(t, err)
	assert.Equal(t, `{"accounts":[{"email":"ann@example.com","balance":"1.5","credit_limit":"0",`+
		`"payments":[{"amount":"1.5"},{"amount":"2","created":"2024-05-07T10:00:00Z"}],`+
		`"expenses":[{"name":"Hosting","amount":"1"}]}]}`, string(b))
	var back Seed
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, created, back.Accounts[0].Payments[1].Created)
	assert.True(t, back.Accounts[0].Payments[0].Created.IsZero())
	assert.True(t, back.Accounts[0].Expenses[0].Date.IsZero())
}

func TestSeedValidate(t *testing.T) {
	t.Parallel()
	bad := Seed{Accounts: []SeedAccount{
		{Email: "ann@example.com"},
		{Email: "ANN@example.com"},
		{Email: "nope"},
		{Email: "c@example.com", Currency: "XXX", CreditLimit: decimal.NewFromInt(-1),
			Payments: []SeedPayment{{Amount: decimal.Zero, Status: 42, Paymethod: 9}},
			Expenses: []SeedExpense{{Amount: decimal.NewFromInt(-1)}}},
	}}
	err := bad.Validate()
	require.Error(t, err)
	for _, want := range []string{"duplicate e-mail", "invalid e-mail", `unknown currency "XXX"`, "negative credit limit",
		"payment 0: amount must be positive", "unknown status 42", "unknown paymethod 9", "expense 0: amount must be positive"} {
		assert.Contains(t, err.Error(), want)
	}
	assert.Panics(t, func() { NewHandler(WithSeed(bad)) })
	assert.NoError(t, Seed{}.Validate())
}

func TestAddAccounts(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithPageSize(50))
	ids := srv.AddAccounts(120)
	require.Len(t, ids, 120)
	d := mustOK(t, srv, "func", "account")
	assert.Len(t, d.elems(), 50)
	assert.Equal(t, "120", d.get("p_elems"))
	email := "client" + itoa(ids[7]) + "@example.com"
	assert.Equal(t, ids[7], srv.AccountID(email))
	mustOK(t, srv, "func", "auth", "authinfo", "-", "username", email, "password", DefaultClientPassword)
	assert.Panics(t, func() { srv.AddPayments(999999, 1, decimal.NewFromInt(1)) })
	assert.Panics(t, func() { srv.Balance(999999) })
}

func TestLocation(t *testing.T) {
	t.Parallel()
	msk := time.FixedZone("MSK", 3*60*60)
	clk := newClock() // 14:12:03 UTC
	srv := newFake(t, WithSeed(annSeed()), WithClock(clk.Now), WithLocation(msk))
	ann := itoa(srv.AccountID(annEmail))
	assert.Equal(t, "2024-05-07 17:12:03", mustOK(t, srv, "func", "account").elems()[0].get("tz_registration_date"))
	pid := itoa(create(t, srv, "func", "payment.edit", "plid", ann, "sok", "ok", "subaccountamount", "1", "createdate", "2024-05-08 01:00:00"))
	assert.Equal(t, "2024-05-08 01:00:00", mustOK(t, srv, "func", "payment.edit", "plid", ann, "elid", pid).get("createdate"))
	assert.Equal(t, []string{pid}, mustOK(t, srv, "func", "account.payment", "elid", ann, "filter", "on",
		"createdate", "other", "createdatestart", "2024-05-08").column("id"), "days are server-local")
}
