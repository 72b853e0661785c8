package billmgrtest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiscounts(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(Seed{Accounts: []SeedAccount{{Email: annEmail}, {Email: "bob@example.com"}}}))
	ann, bob := itoa(srv.AccountID(annEmail)), itoa(srv.AccountID("bob@example.com"))

	id := itoa(create(t, srv, "func", "account.discount.add", "plid", ann, "sok", "ok", "name", "Loyal", "percentage", "10",
		"fromdate", "2024-01-01", "todate", "2024-12-31", "type", "1", "actiontype", "prolong", "period", "12", "priority", "-1"))
	row := mustOK(t, srv, "func", "account.discount", "elid", ann).row(t, "id", id)
	assert.Equal(t, id, row.get("idname"))
	assert.Equal(t, "Loyal", row.get("name"))
	assert.Equal(t, "10", row.get("percentage"))
	assert.Equal(t, "1", row.get("discount_type"))
	assert.Equal(t, "prolong", row.get("actiontype"))
	assert.Equal(t, "12", row.get("period"))
	assert.Equal(t, "1", row.child("project").attr("orig"))
	assert.Empty(t, mustOK(t, srv, "func", "account.discount", "elid", bob).elems())

	d := mustOK(t, srv, "func", "account.discount.edit", "plid", ann, "elid", id, "sok", "ok", "percentage", "15.5", "note", "more")
	assert.Equal(t, id, d.get("id"))
	form := mustOK(t, srv, "func", "account.discount.edit", "plid", ann, "elid", id)
	assert.Equal(t, "15.5", form.get("percentage"))
	assert.Equal(t, "Loyal", form.get("name"), "fields not sent keep their value")
	assert.Equal(t, "more", form.get("note"))

	mustFail(t, srv, "value", "percentage", "func", "account.discount.edit", "plid", ann, "elid", id, "sok", "ok", "percentage", "150")
	mustFail(t, srv, "value", "todate", "func", "account.discount.edit", "plid", ann, "elid", id, "sok", "ok", "todate", "2023-12-31")
	mustFail(t, srv, "value", "fromdate", "func", "account.discount.add", "plid", ann, "sok", "ok", "fromdate", "Jan 1")
	mustFail(t, srv, "value", "priority", "func", "account.discount.add", "plid", ann, "sok", "ok", "priority", "high")
	mustFail(t, srv, "missed", "elid", "func", "account.discount.edit", "plid", bob, "elid", id)
	mustFail(t, srv, "missed", "elid", "func", "account.discount.delete", "plid", bob, "elid", id)

	other := itoa(create(t, srv, "func", "account.discount.edit", "plid", ann, "sok", "ok", "name", "Second"))
	mustOK(t, srv, "func", "account.discount.delete", "plid", ann, "elid", id)
	assert.Equal(t, []string{other}, mustOK(t, srv, "func", "account.discount", "elid", ann).column("id"))
}

func TestTaxRules(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	ann := itoa(srv.AccountID(annEmail))
	id := itoa(create(t, srv, "func", "account.taxrule.edit", "plid", ann, "sok", "ok", "country", "182", "taxrate", "20",
		"specialitemtype", "on", "itemtype", "vds"))
	row := mustOK(t, srv, "func", "account.taxrule", "elid", ann, "lang", "ru").row(t, "id", id)
	assert.Equal(t, "Российская Федерация", row.get("country"))
	assert.Equal(t, "182", row.child("country").attr("orig"))
	assert.Equal(t, "special", row.child("type").attr("orig"))
	assert.Equal(t, "Особое правило", row.get("type"))
	assert.Equal(t, "20", row.get("taxrate"))
	assert.Equal(t, "vds", row.get("itemtype"))

	mustFail(t, srv, "value", "taxrate", "func", "account.taxrule.edit", "plid", ann, "sok", "ok", "country", "182")
	mustFail(t, srv, "value", "country", "func", "account.taxrule.edit", "plid", ann, "sok", "ok", "country", "7", "taxrate", "1")
	mustFail(t, srv, "value", "specialitemtype", "func", "account.taxrule.edit", "plid", ann, "elid", id, "sok", "ok", "specialitemtype", "1")
	mustOK(t, srv, "func", "account.taxrule.edit", "plid", ann, "elid", id, "sok", "ok", "taxrate", "10", "project", "2")
	row = mustOK(t, srv, "func", "account.taxrule", "elid", ann).row(t, "id", id)
	assert.Equal(t, "10", row.get("taxrate"))
	assert.Equal(t, "Cloud provider", row.get("project"))
	mustOK(t, srv, "func", "account.taxrule.delete", "plid", ann, "elid", id)
	assert.Empty(t, mustOK(t, srv, "func", "account.taxrule", "elid", ann).elems())
}

func TestCurrencyRates(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	ann := itoa(srv.AccountID(annEmail))
	id := itoa(create(t, srv, "func", "account.currencyrate.edit", "plid", ann, "sok", "ok",
		"currency_base", "126", "currency_relate", "153", "rate", "92.1234", "amount", "1", "ratedate", "2024-05-07"))
	row := mustOK(t, srv, "func", "account.currencyrate", "elid", ann).row(t, "id", id)
	assert.Equal(t, "RUB", row.get("currency_base"))
	assert.Equal(t, "USD", row.get("currency_relate"))
	assert.Equal(t, "92.1234", row.get("rate"))
	assert.Equal(t, "2024-05-07", row.get("ratedate"))

	mustFail(t, srv, "value", "currency_relate", "func", "account.currencyrate.edit", "plid", ann, "elid", id, "sok", "ok", "currency_relate", "126")
	mustFail(t, srv, "value", "rate", "func", "account.currencyrate.edit", "plid", ann, "elid", id, "sok", "ok", "rate", "0")
	mustFail(t, srv, "value", "currency_base", "func", "account.currencyrate.edit", "plid", ann, "sok", "ok", "currency_relate", "153", "rate", "1")
	mustFail(t, srv, "value", "ratedate", "func", "account.currencyrate.edit", "plid", ann, "elid", id, "sok", "ok", "ratedate", "07/05/2024")
	mustFail(t, srv, "missed", "plid", "func", "account.currencyrate.edit", "plid", "999999", "elid", id)
	form := mustOK(t, srv, "func", "account.currencyrate.edit", "plid", ann, "elid", id)
	assert.Equal(t, "153", form.get("currency_relate"))
	require.NotNil(t, form.child("slist"))
	mustOK(t, srv, "func", "account.currencyrate.delete", "plid", ann, "elid", id)
	mustFail(t, srv, "missed", "elid", "func", "account.currencyrate.delete", "plid", ann, "elid", id)
}

func TestGroupsAndProviders(t *testing.T) {
	t.Parallel()
	srv := newFake(t, WithSeed(annSeed()))
	ann := itoa(srv.AccountID(annEmail))

	d := mustOK(t, srv, "func", "account.group", "elid", ann)
	assert.Equal(t, []string{"1", "2", "3"}, d.column("id"))
	assert.Equal(t, []string{"Disabled", "Disabled", "Disabled"}, d.column("status"))
	mustOK(t, srv, "func", "account.group.resume", "plid", ann, "elid", "1, 3")
	d = mustOK(t, srv, "func", "account.group", "elid", ann, "lang", "ru")
	assert.Equal(t, []string{"Включен", "Выключен", "Включен"}, d.column("status"))
	assert.Equal(t, "on", d.elems()[0].child("status").attr("orig"))
	assert.Equal(t, "off", d.elems()[1].child("status").attr("orig"))
	mustOK(t, srv, "func", "account.group.suspend", "plid", ann, "elid", "3")
	assert.Equal(t, "off", mustOK(t, srv, "func", "account.group", "elid", ann).elems()[2].child("status").attr("orig"))
	mustFail(t, srv, "missed", "elid", "func", "account.group.resume", "plid", ann, "elid", "2, 9")
	mustFail(t, srv, "value", "plid", "func", "account.group.resume", "elid", "2")

	d = mustOK(t, srv, "func", "account.project", "elid", ann)
	assert.Equal(t, []string{"Main provider", "Cloud provider"}, d.column("name"))
	assert.Equal(t, "on", d.elems()[0].child("status").attr("orig"), "the client's own provider")
	mustOK(t, srv, "func", "account.project.resume", "plid", ann, "elid", "2")
	mustOK(t, srv, "func", "account.project.suspend", "plid", ann, "elid", "1")
	d = mustOK(t, srv, "func", "account.project", "elid", ann)
	assert.Equal(t, "off", d.elems()[0].child("status").attr("orig"))
	assert.Equal(t, "on", d.elems()[1].child("status").attr("orig"))
}
