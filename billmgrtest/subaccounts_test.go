package billmgrtest

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubaccounts(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{
		{Email: annEmail, Balance: decimal.NewFromInt(50), CreditLimit: decimal.NewFromInt(10)}, {Email: "bob@example.com"}}}))
	annID := srv.AccountID(annEmail)
	ann, bob := itoa(annID), itoa(srv.AccountID("bob@example.com"))

	d := mustOK(t, srv, "func", "subaccount", "elid", ann)
	require.Len(t, d.elems(), 1)
	main := d.elems()[0]
	sa := main.get("id")
	assert.Equal(t, "50.00 RUB", main.get("balance"))
	assert.Equal(t, "10.00 RUB", main.get("creditlimit"))
	assert.Equal(t, "1", main.child("status").attr("orig"))
	assert.Equal(t, "Active", main.get("status"))
	assert.Equal(t, "RUB", main.get("currency"))

	form := mustOK(t, srv, "func", "subaccount.edit", "plid", ann, "elid", sa)
	assert.Equal(t, "10.00", form.get("creditlimit"))
	assert.Equal(t, "126", form.get("subaccount_currency"))
	mustOK(t, srv, "func", "subaccount.edit", "plid", ann, "elid", sa, "sok", "ok", "creditlimit", "25.50", "allowpostpaid", "on", "incident_limit", "3")
	form = mustOK(t, srv, "func", "subaccount.edit", "plid", ann, "elid", sa)
	assert.Equal(t, "25.50", form.get("creditlimit"))
	assert.Equal(t, "on", form.get("allowpostpaid"))
	assert.Equal(t, "3", form.get("incident_limit"))
	mustFail(t, srv, "value", "creditlimit", "func", "subaccount.edit", "plid", ann, "elid", sa, "sok", "ok", "creditlimit", "-1")
	mustFail(t, srv, "value", "subaccount_currency", "func", "subaccount.edit", "plid", ann, "elid", sa, "sok", "ok", "subaccount_currency", "153")
	mustFail(t, srv, "value", "incident_limit", "func", "subaccount.edit", "plid", ann, "elid", sa, "sok", "ok", "incident_limit", "many")
	mustFail(t, srv, "missed", "elid", "func", "subaccount.edit", "plid", bob, "elid", sa)

	usd := itoa(create(t, srv, "func", "subaccount.edit", "plid", ann, "sok", "ok", "subaccount_currency", "153"))
	assert.Equal(t, []string{"RUB", "USD"}, mustOK(t, srv, "func", "subaccount", "elid", ann).column("currency"))
	mustFail(t, srv, "value", "subaccount_currency", "func", "subaccount.edit", "plid", ann, "sok", "ok", "subaccount_currency", "1")

	mustOK(t, srv, "func", "subaccount.suspend", "elid", sa+", "+usd)
	assert.Equal(t, []string{"Suspended", "Suspended"}, mustOK(t, srv, "func", "subaccount", "elid", ann).column("status"))
	assert.Equal(t, []string{"Остановлен", "Остановлен"}, mustOK(t, srv, "func", "subaccount", "elid", ann, "lang", "ru").column("status"))
	mustOK(t, srv, "func", "subaccount.resume", "elid", usd)
	assert.Equal(t, "1", mustOK(t, srv, "func", "subaccount", "elid", ann).row(t, "id", usd).child("status").attr("orig"))
	mustFail(t, srv, "missed", "elid", "func", "subaccount.resume", "elid", ann)

	// subaccount.refund withdraws, never past the balance.
	assert.Equal(t, "50.00", mustOK(t, srv, "func", "subaccount.refund", "plid", ann, "elid", sa).get("amount"))
	mustOK(t, srv, "func", "subaccount.refund", "plid", ann, "elid", sa, "sok", "ok", "amount", "20.25", "description", "back")
	assert.Equal(t, "29.75", srv.Balance(annID).String())
	e := mustFail(t, srv, "value", "amount", "func", "subaccount.refund", "plid", ann, "elid", sa, "sok", "ok", "amount", "29.76")
	assert.Equal(t, "Field 'Amount' has an invalid value. At most the balance, 29.75 RUB, can be withdrawn", e.get("msg"))
	mustFail(t, srv, "value", "amount", "func", "subaccount.refund", "plid", ann, "elid", sa, "sok", "ok", "amount", "-1")
	mustFail(t, srv, "value", "elid", "func", "subaccount.refund", "plid", ann, "sok", "ok", "amount", "1")
	assert.Equal(t, "29.75", srv.Balance(annID).String())
}
