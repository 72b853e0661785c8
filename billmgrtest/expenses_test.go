package billmgrtest

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExpenses(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newFake(t, WithClock(clk.Now), WithSeed(Seed{Accounts: []SeedAccount{
		{Email: annEmail, Balance: decimal.NewFromInt(10), CreditLimit: decimal.NewFromInt(5)}}}))
	annID := srv.AccountID(annEmail)
	ann := itoa(annID)
	balance := func() string { return srv.Balance(annID).String() }
	expense := func(kv ...string) *xnode {
		return request(t, srv, append([]string{"func", "subaccount.expense.edit", "plid", ann, "sok", "ok"}, kv...)...)
	}

	d := expense("amount", "12.34", "name", "Hosting", "operation", "prolong", "taxrate", "20", "cdate", "2024-05-01")
	require.Equal(t, "", errOf(d))
	hosting := d.get("id")
	assert.Equal(t, "-2.34", balance())
	e := expense("amount", "2.67").child("error")
	require.NotNil(t, e)
	assert.Equal(t, "value(amount)", errOf(expense("amount", "2.67")), "past the credit limit")
	assert.Equal(t, "Field 'Amount' has an invalid value. Not enough funds: the balance is -2.34 RUB and the credit limit is 5.00 RUB", e.get("msg"))
	assert.Contains(t, e.values("param"), "no_funds", "the reason's key in the desc param")
	assert.Equal(t, "-2.34", balance())
	assert.Equal(t, "", errOf(expense("amount", "2.66")), "down to exactly minus the credit limit")
	assert.Equal(t, "-5", balance())
	clk.Add(48 * time.Hour)
	debt := expense("amount", "100", "postpaid", "on", "operation", "open")
	require.Equal(t, "", errOf(debt))
	assert.Equal(t, "-105", balance())

	for _, c := range []struct{ kv []string }{
		{[]string{"amount", "abc"}}, {[]string{"amount", "-1"}}, {[]string{"amount", "0"}}, {[]string{"name", "no amount"}},
	} {
		assert.Equal(t, "value(amount)", errOf(expense(c.kv...)), "%v", c.kv)
	}
	assert.Equal(t, "value(taxrate)", errOf(expense("amount", "1", "postpaid", "on", "taxrate", "101")))
	assert.Equal(t, "value(postpaid)", errOf(expense("amount", "1", "postpaid", "yes")))
	assert.Equal(t, "value(realdate)", errOf(expense("amount", "1", "postpaid", "on", "realdate", "today")))
	assert.Equal(t, "value(subaccount)", errOf(expense("amount", "1", "postpaid", "on", "subaccount", "999999")))
	assert.Equal(t, "-105", balance())

	list := mustOK(t, srv, "func", "subaccount.expense", "elid", ann)
	require.Len(t, list.elems(), 3)
	row := list.row(t, "id", hosting)
	assert.Equal(t, "Hosting", row.get("locale_name"))
	assert.Equal(t, "12.34 RUB", row.get("amount"))
	assert.Equal(t, "2.06 RUB", row.get("taxamount"), "12.34 - 12.34/1.2")
	assert.Equal(t, "12.34 RUB", row.get("notpayd"))
	assert.Equal(t, "0.00 RUB", row.get("payments"))
	assert.Equal(t, "2024-05-07 14:12:03", row.get("realdate"))
	assert.Equal(t, "2024-05-01", row.get("cdate"))

	// Changing an expense charges the difference, under the same rule.
	mustOK(t, srv, "func", "subaccount.expense.edit", "plid", ann, "elid", hosting, "sok", "ok", "amount", "10.34")
	assert.Equal(t, "-103", balance(), "lowering an expense is always allowed")
	assert.Equal(t, "10.34", mustOK(t, srv, "func", "subaccount.expense.edit", "plid", ann, "elid", hosting).get("amount"))
	mustFail(t, srv, "value", "amount", "func", "subaccount.expense.edit", "plid", ann, "elid", hosting, "sok", "ok", "amount", "11")
	mustOK(t, srv, "func", "subaccount.expense.edit", "plid", ann, "elid", hosting, "sok", "ok", "amount", "11", "postpaid", "on")
	assert.Equal(t, "-103.66", balance())

	// Filters: inline, saved, and the reset.
	ids := func(kv ...string) []string {
		return mustOK(t, srv, append([]string{"func", "subaccount.expense", "elid", ann}, kv...)...).column("id")
	}
	assert.Equal(t, []string{debt.get("id")}, ids("filter", "on", "realdate", "other", "realdatestart", "2024-05-08"))
	assert.Equal(t, []string{hosting}, ids("filter", "on", "operation", "prolong"))
	mustOK(t, srv, "func", "subaccount.expense.filter", "elid", ann, "sok", "ok", "operation", "open")
	assert.Equal(t, "open", mustOK(t, srv, "func", "subaccount.expense.filter", "elid", ann).get("operation"))
	assert.Equal(t, []string{debt.get("id")}, ids())
	mustOK(t, srv, "func", "subaccount.expense.filter", "elid", ann, "sok", "ok", "realdate", "nodate", "operation", "")
	assert.Len(t, ids(), 3)

	// Deleting gives the amounts back.
	mustFail(t, srv, "missed", "elid", "func", "subaccount.expense.delete", "plid", ann, "elid", hosting+", 999999")
	mustOK(t, srv, "func", "subaccount.expense.delete", "plid", ann, "elid", hosting+", "+debt.get("id"))
	assert.Equal(t, "7.34", balance(), "10 minus the one expense left, 2.66")
	assert.Len(t, ids(), 1)
}

func TestExpenseOnOtherSubaccount(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail, Balance: decimal.NewFromInt(10)}, {Email: "bob@example.com"}}}))
	annID := srv.AccountID(annEmail)
	ann := itoa(annID)
	bobSub := mustOK(t, srv, "func", "subaccount", "elid", itoa(srv.AccountID("bob@example.com"))).elems()[0].get("id")
	usd := itoa(create(t, srv, "func", "subaccount.edit", "plid", ann, "sok", "ok", "subaccount_currency", "153", "creditlimit", "100"))
	mustFail(t, srv, "value", "subaccount", "func", "subaccount.expense.edit", "plid", ann, "sok", "ok", "amount", "1", "subaccount", bobSub)

	id := itoa(create(t, srv, "func", "subaccount.expense.edit", "plid", ann, "sok", "ok", "amount", "30", "subaccount", usd))
	subs := mustOK(t, srv, "func", "subaccount", "elid", ann)
	assert.Equal(t, "-30.00 USD", subs.row(t, "id", usd).get("balance"))
	assert.Equal(t, "10", srv.Balance(annID).String(), "the main account is untouched")
	assert.Equal(t, "30.00 USD", mustOK(t, srv, "func", "subaccount.expense", "elid", ann).row(t, "id", id).get("amount"))

	// Moving the expense to the main account moves the charge.
	mustOK(t, srv, "func", "subaccount.expense.edit", "plid", ann, "elid", id, "sok", "ok", "subaccount",
		mustOK(t, srv, "func", "subaccount", "elid", ann).elems()[0].get("id"), "amount", "10")
	assert.Equal(t, "0", srv.Balance(annID).String())
	assert.Equal(t, "0.00 USD", mustOK(t, srv, "func", "subaccount", "elid", ann).row(t, "id", usd).get("balance"))
}

// TestOwnExpenses lists a client's own expenses (func=expense) as the client, with su,
// and as the administrator, and saves and resets the client's filter (expense.filter).
func TestOwnExpenses(t *testing.T) {
	t.Parallel()
	clk := newClock()
	srv := newFake(t, WithClock(clk.Now), WithSeed(Seed{Accounts: []SeedAccount{
		{Email: annEmail, Password: annPassword, Currency: "EUR",
			Expenses: []SeedExpense{
				{Name: "VPS", Amount: decimal.RequireFromString("0.0774"), Date: clk.Now().AddDate(0, 0, -10)},
				{Name: "IPv4", Amount: decimal.RequireFromString("0.08"), Date: clk.Now()},
			}},
		{Email: "bob@example.com", Password: "bob-pw", Expenses: []SeedExpense{{Name: "Bob's", Amount: decimal.NewFromInt(1)}}},
	}}))
	ann := authinfo(annEmail, annPassword)
	d := mustOK(t, srv, "func", "expense", "authinfo", ann)
	assert.Equal(t, []string{"IPv4", "VPS"}, d.column("locale_name"), "the client's own, newest first")
	assert.Equal(t, []string{"0.08 EUR", "0.0774 EUR"}, d.column("amount"))
	assert.Equal(t, []string{"2024-05-07", "2024-04-27"}, d.column("realdate"), "a date, as recorded")
	assert.Equal(t, d.column("id"), mustOK(t, srv, "func", "expense", "su", annEmail).column("id"), "su sees the same")
	assert.Len(t, mustOK(t, srv, "func", "expense").elems(), 3, "the administrator sees every client's")

	mustOK(t, srv, "func", "expense", "authinfo", ann, "filter", "on", "realdate", "other", "realdatestart", "2024-05-01")
	assert.Equal(t, []string{"IPv4"}, mustOK(t, srv, "func", "expense", "authinfo", ann, "filter", "on",
		"realdate", "other", "realdatestart", "2024-05-01").column("locale_name"))
	mustOK(t, srv, "func", "expense.filter", "authinfo", ann, "sok", "ok", "realdate", "other", "realdateend", "2024-05-01")
	assert.Equal(t, []string{"VPS"}, mustOK(t, srv, "func", "expense", "authinfo", ann).column("locale_name"), "the saved filter applies")
	assert.Len(t, mustOK(t, srv, "func", "expense", "su", "bob@example.com").elems(), 1, "another user's filter does not")
	mustOK(t, srv, "func", "expense.filter", "authinfo", ann, "sok", "ok", "realdate", "nodate", "realdatestart", "",
		"realdateend", "", "compare_type", "null") // a reset as a connector sends it
	assert.Len(t, mustOK(t, srv, "func", "expense", "authinfo", ann).elems(), 2)

	// The administrator's functions stay the administrator's.
	mustFail(t, srv, "access", "subaccount.expense", "func", "subaccount.expense", "authinfo", ann,
		"elid", itoa(srv.AccountID(annEmail)))
}

// authinfo is the authinfo parameter of user and password.
func authinfo(user, password string) string { return user + ":" + password }
